"""natograph's serving stack over files loaded straight into an OxigraphStore.

`python -m bench.natograph_app --port P --info F FILE...` loads each file (the ontology into the
ontology graph, everything else into the data graph) into a new on-disk store, as `natograph
serve` builds its store (`natograph.store.cached.built_store`: without `--cache`, every start
loads; with `--cache DIR`, a start finding the store kept there for the same files re-opens it, as
a warm `natograph serve` does), then serves it exactly as `natograph serve` does after its pipeline
(`early_pool`, whose workers start while the store is built, then `served_from_store` +
`create_app`: query worker processes sharing the store read-only,
response cache, the same routes), with default settings. No parsing checks,
SHACL or reasoning: this is what the store and the server cost at a given size. Timings go to
the JSON file F.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

_t0 = time.perf_counter()

import pyoxigraph as ox  # noqa: E402
import uvicorn  # noqa: E402

from natograph.build.cache import content_key  # noqa: E402
from natograph.namespaces import GRAPH_DATA, GRAPH_ONTOLOGY  # noqa: E402
from natograph.settings import Settings  # noqa: E402
from natograph.store import OxigraphStore  # noqa: E402
from natograph.store.backend import early_pool  # noqa: E402
from natograph.store.cached import built_store  # noqa: E402
from natograph.web.app import create_app  # noqa: E402
from natograph.web.served import served_from_store  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--info", type=Path, required=True)
    parser.add_argument("--cache", type=Path, default=None)
    parser.add_argument("files", type=Path, nargs="+")
    args = parser.parse_args()
    imported = time.perf_counter() - _t0
    settings = Settings(port=args.port, hermit=False)
    t = time.perf_counter()
    pool = early_pool(settings)

    def fill(store: OxigraphStore) -> None:
        for path in args.files:
            fmt = ox.RdfFormat.N_TRIPLES if path.suffix == ".nt" else ox.RdfFormat.TURTLE
            graph = GRAPH_ONTOLOGY if "ontology" in path.parts else GRAPH_DATA
            store.load(ox.parse(path=str(path), format=fmt), str(graph))

    key = content_key("bench-store", args.files) if args.cache else "bench"
    store = built_store(args.cache, key, fill)
    loaded = time.perf_counter() - t
    t = time.perf_counter()
    served = served_from_store(store, settings, None, pool)
    workers = time.perf_counter() - t
    args.info.write_text(
        json.dumps(
            {
                "import_seconds": round(imported, 3),
                "load_seconds": round(loaded, 3),
                "workers_seconds": round(workers, 3),
                "triples": len(store),
            }
        )
    )
    uvicorn.run(create_app(served, settings), host=settings.host, port=args.port, log_level="info")


if __name__ == "__main__":
    main()
