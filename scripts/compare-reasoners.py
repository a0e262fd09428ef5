"""Time and compare the two OWL 2 RL engines on the curated graph (issue 10).

    .venv/bin/python scripts/compare-reasoners.py
Findings: docs/research/reasoner-evaluation.md; the equality itself is tested in
tests/test_reasoners.py.
"""

from __future__ import annotations

import time
from pathlib import Path

from rdflib import Graph

from natograph.build import reason
from natograph.build.asserted import Asserted
from natograph.build.closure import ENGINES
from natograph.build.parse import from_rdflib

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    asserted = Graph()
    for folder in ("ontology", "data"):
        for path in sorted((ROOT / folder).glob("*.ttl")):
            asserted.parse(path, format="turtle")
    print(f"asserted {len(asserted)}")
    results = {}
    for engine in ENGINES:
        start = time.perf_counter()
        inferred, problems = reason.materialise(Asserted.of(from_rdflib(asserted)), engine)
        seconds = time.perf_counter() - start
        results[engine] = set(inferred)
        print(f"{engine}: {seconds:.2f} s, {len(inferred)} inferred, {len(problems)} problems")
    first, second = (results[e] for e in ENGINES)
    print(f"only {ENGINES[0]}: {len(first - second)}; only {ENGINES[1]}: {len(second - first)}")


if __name__ == "__main__":
    main()
