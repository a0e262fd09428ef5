"""rdflib-endpoint (from PyPI) over an rdflib Graph, for `uvicorn bench.rdflib_app:app`.

The files to load come from BENCH_RDF_FILES (os.pathsep-separated; .nt as N-Triples, anything
else as Turtle); the seconds spent parsing and the triple count go to the JSON file BENCH_INFO.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from rdflib import Graph
from rdflib_endpoint import SparqlEndpoint

_started = time.perf_counter()
graph = Graph()
for name in filter(None, os.environ.get("BENCH_RDF_FILES", "").split(os.pathsep)):
    path = Path(name)
    graph.parse(path, format="nt" if path.suffix == ".nt" else "turtle")
_parsed = time.perf_counter() - _started

app = SparqlEndpoint(
    graph=graph,
    path="/sparql",
    title="rdflib-endpoint (benchmark)",
    public_url="http://127.0.0.1/sparql",
)

if os.environ.get("BENCH_INFO"):
    Path(os.environ["BENCH_INFO"]).write_text(
        json.dumps({"load_seconds": round(_parsed, 3), "triples": len(graph)})
    )
