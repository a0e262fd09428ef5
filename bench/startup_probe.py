"""Where `natograph serve`'s start-up time goes, step by step, in one fresh process.

`python -m bench.startup_probe [--no-hermit]` replays what `natograph serve` does before uvicorn
accepts connections (imports, pipeline build, the store built or re-opened, query workers, app)
and prints one JSON object of seconds per step, plus the pipeline's own stats. NATOGRAPH_* in the
environment (e.g. NATOGRAPH_CACHE_DIR) apply as usual.
"""

from __future__ import annotations

import time

_t0 = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
from functools import partial  # noqa: E402

import uvicorn  # noqa: E402, F401

from natograph.build import pipeline  # noqa: E402
from natograph.settings import Settings  # noqa: E402
from natograph.store.cached import built_store  # noqa: E402
from natograph.web.app import create_app  # noqa: E402
from natograph.web.served import served_from_store  # noqa: E402

_imports = time.perf_counter() - _t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-hermit", action="store_true")
    args = parser.parse_args()
    steps: dict[str, float] = {"imports": _imports}
    settings = Settings(hermit=not args.no_hermit)
    t = time.perf_counter()
    result = pipeline.build(settings)
    steps["build"] = time.perf_counter() - t
    t = time.perf_counter()
    key = pipeline.store_key(result, settings)
    store = built_store(settings.cache_folder, key, partial(pipeline.load, result))
    steps["store (built or re-opened)"] = time.perf_counter() - t
    t = time.perf_counter()
    served = served_from_store(store, settings, result)
    steps["query workers"] = time.perf_counter() - t
    t = time.perf_counter()
    create_app(served, settings)
    steps["create app"] = time.perf_counter() - t
    served.close()
    print(
        json.dumps(
            {
                "ok": result.report.ok,
                "steps": {k: round(v, 3) for k, v in steps.items()},
                "stats": result.report.stats,
                "triples": len(store),
            }
        )
    )


if __name__ == "__main__":
    main()
