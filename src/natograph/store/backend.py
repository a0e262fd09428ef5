"""The one factory of backends: the store and the executor that the settings ask for.

A backend is what the web layer and the CLI serve from: a `GraphStore` for look-ups that never
time out (descriptions, counts, pages) and a `QueryExecutor` for the endpoint's queries, which
run under the limits. The embedded backend runs its queries in worker processes over a copy of
the built Oxigraph store (an N-Quads dump, or the on-disk store opened read-only); a remote
engine's backend would be one more branch here, its executor sending the query over HTTP.
"""

from __future__ import annotations

import atexit
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from natograph.query.pool import QueryPool
from natograph.settings import Settings
from natograph.store.base import GraphStore, QueryExecutor
from natograph.store.oxigraph import OxigraphStore, StoreSource


@dataclass
class Backend:
    store: GraphStore
    executor: QueryExecutor
    _cleanup: list[Path] = field(default_factory=list)
    """Files that exist only while this backend runs (the workers' dump)."""

    def close(self) -> None:
        """Stop the executor and remove its files (atexit alone misses uvicorn's SIGTERM exit)."""
        self.executor.close()
        for path in self._cleanup:
            path.unlink(missing_ok=True)


def open_backend(store: OxigraphStore, settings: Settings) -> Backend:
    """The embedded backend over a built store: its query workers started and ready."""
    cleanup: list[Path] = []
    if settings.store is not None:
        store.flush()
        source = StoreSource(store=settings.store)
    else:
        dump = _dump(store)
        cleanup.append(dump)
        source = StoreSource(dump=dump)
    pool = QueryPool(
        source,
        settings.query_workers,
        settings.max_queue,
        settings.isolate_network,
        memory_mb=settings.memory_mb or None,
        lane_workers=settings.lane_workers,
        lane_seconds=settings.lane_seconds,
        client_limit=settings.client_queries or None,
    )
    pool.start()
    return Backend(store, pool, cleanup)


def _dump(store: OxigraphStore) -> Path:
    """An N-Quads dump the workers load at start; removed when the backend closes or, failing
    that, when the process exits."""
    handle = tempfile.NamedTemporaryFile(prefix="natograph-", suffix=".nq", delete=False)  # noqa: SIM115
    handle.close()
    path = Path(handle.name)
    store.dump(path, ox.RdfFormat.N_QUADS)
    atexit.register(lambda: path.unlink(missing_ok=True))
    return path
