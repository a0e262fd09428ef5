"""The one factory of backends: the store and the executor that the settings ask for.

A backend is what the web layer and the CLI serve from: a `GraphStore` for look-ups that never
time out (descriptions, counts, pages) and a `QueryExecutor` for the endpoint's queries, which
run under the limits. The embedded backend runs its queries in worker processes that open the
built on-disk Oxigraph store read-only (natograph.store.cached), sharing one copy; a remote
engine's backend would be one more branch here, its executor sending the query over HTTP.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from natograph.query.pool import QueryPool
from natograph.settings import Settings
from natograph.store.base import GraphStore, QueryExecutor
from natograph.store.oxigraph import OxigraphStore, StoreSource


@dataclass
class Backend:
    store: GraphStore
    executor: QueryExecutor
    _cleanup: list[Path] = field(default_factory=list)
    """Folders that exist only while this backend runs (a copy made for the workers)."""

    def close(self) -> None:
        """Stop the executor and remove its files (atexit alone misses uvicorn's SIGTERM exit)."""
        self.executor.close()
        for path in self._cleanup:
            shutil.rmtree(path, ignore_errors=True)


def early_pool(settings: Settings) -> QueryPool:
    """The embedded backend's query workers, started before the store is built (their start-up
    overlaps the build); `open_backend(..., pool=)` hands them the store."""
    pool = _pool(None, settings)
    pool.prestart()
    return pool


def open_backend(
    store: OxigraphStore, settings: Settings, pool: QueryPool | None = None
) -> Backend:
    """The embedded backend over a built store: its query workers started and ready.

    The workers open the store's folder read-only. A store held in memory (tests, benchmarks
    loading files directly) is first copied to a private folder, removed when the backend
    closes or, failing that, when the process exits.
    """
    cleanup: list[Path] = []
    folder = store.path
    if folder is None:
        folder = Path(tempfile.mkdtemp(prefix="natograph-store-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        cleanup.append(folder)
        store.copy_to(folder)
    else:
        store.flush()
    source = StoreSource(store=folder)
    pool = pool or _pool(source, settings)
    try:
        pool.start(source)
    except BaseException:
        pool.close()
        raise
    return Backend(store, pool, cleanup)


def _pool(source: StoreSource | None, settings: Settings) -> QueryPool:
    return QueryPool(
        source,
        settings.query_workers,
        settings.max_queue,
        settings.isolate_network,
        memory_mb=settings.memory_mb or None,
        lane_workers=settings.lane_workers,
        lane_seconds=settings.lane_seconds,
        client_limit=settings.client_queries or None,
        copy=settings.worker_store == "copy",
    )
