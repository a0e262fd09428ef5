"""What the web layer serves: the query executor plus facts about the dataset.

The web layer reaches the graph through this object. The `/sparql` routes go through
`QueryExecutor` only; dereferencing, pages and releases still use the embedded `OxigraphStore` it
holds (`store`), so a remote SPARQL engine does not yet stand behind every route (issue 9 is to
make one seam of the two).
"""

from __future__ import annotations

import tempfile
import threading
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox

from natograph.build import pipeline
from natograph.build.cache import content_key
from natograph.build.pipeline import Build
from natograph.publish.coverage import Coverage, coverage
from natograph.query.executor import Job, Outcome, StoreSource
from natograph.query.pool import QueryPool
from natograph.query.text import CompetencyQuestion, competency_questions
from natograph.settings import Settings
from natograph.store import OxigraphStore

T = typing.TypeVar("T")


class Computed:
    """The one holder of values derived from a served graph, each computed once on first use.

    The JSON-LD context, say, is published at /context.jsonld and used by every JSON-LD
    document: both ask for it here, so it is computed once per dataset version, not once per
    consumer. Two first requests racing wait for one computation (a lock per name)."""

    def __init__(self) -> None:
        self._values: dict[str, object] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def get(self, name: str, compute: Callable[[], T]) -> T:
        with self._guard:
            lock = self._locks.setdefault(name, threading.Lock())
        with lock:
            if name not in self._values:
                self._values[name] = compute()
            return typing.cast(T, self._values[name])


class QueryExecutor(Protocol):
    """Runs one job within a time limit (raising the executor's Busy, ClientLimit, TimedOut,
    MemoryExceeded or WorkerLost); `client` identifies who asked, for per-client limits."""

    def run(
        self, job: Job, timeout: float, wait: float = ..., client: str | None = ...
    ) -> Outcome: ...

    def alive(self, lane: bool = False) -> int:
        """How many general (or short-lane) workers can take a query now (for /health)."""
        ...

    def isolated(self) -> bool:
        """Whether every live worker is cut off the network."""
        ...

    def close(self) -> None: ...


@dataclass
class ServedGraph:
    executor: QueryExecutor
    store: OxigraphStore
    """The parent's own copy, for cheap look-ups (counts, descriptions) that never time out."""
    version: str
    """Changes whenever any input file changes: the basis of ETags."""
    modified: datetime
    graphs: dict[str, int] = field(default_factory=dict)
    """Named graph IRI -> number of triples."""
    examples: list[CompetencyQuestion] = field(default_factory=list)
    build: Build | None = None
    dump: Path | None = None
    """The N-Quads file the workers loaded (memory store): removed on close."""
    coverage: Coverage | None = None
    """Where the graph's knowledge ends (None for a graph without dated sources)."""
    computed: Computed = field(default_factory=lambda: Computed())
    """Values computed once from this graph (its version never changes while it is served)."""

    def close(self) -> None:
        """Stop the workers and remove the dump (atexit alone misses uvicorn's SIGTERM exit)."""
        self.executor.close()
        if self.dump is not None:
            self.dump.unlink(missing_ok=True)


def serve_graph(settings: Settings) -> ServedGraph:
    """Build through the pipeline (refusing invalid data), then start the query workers."""
    store, build = pipeline.open_store(settings)
    return served_from_store(store, settings, build)


def served_from_store(
    store: OxigraphStore, settings: Settings, build: Build | None = None
) -> ServedGraph:
    """Start query workers over an already loaded store (also used by tests with other data)."""
    inputs = [p.path for p in build.files()] if build is not None else []
    version = content_key("dataset", inputs) if inputs else _store_version(store)
    modified = max((p.stat().st_mtime for p in inputs), default=datetime.now(UTC).timestamp())
    dump = None
    if settings.store is not None:
        store.flush()
        source = StoreSource(store=settings.store)
    else:
        dump = _dump(store)
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
    graphs = {g: store.count(g) for g in store.graphs()}
    return ServedGraph(
        executor=pool,
        store=store,
        version=version,
        modified=datetime.fromtimestamp(int(modified), UTC),
        graphs=graphs,
        examples=competency_questions(settings.queries_dir),
        build=build,
        dump=dump,
        coverage=coverage(store),
    )


def _dump(store: OxigraphStore) -> Path:
    """An N-Quads dump the workers load at start; removed when the process exits."""
    handle = tempfile.NamedTemporaryFile(prefix="natograph-", suffix=".nq", delete=False)  # noqa: SIM115
    handle.close()
    path = Path(handle.name)
    store.dump(path, ox.RdfFormat.N_QUADS)
    import atexit

    atexit.register(lambda: path.unlink(missing_ok=True))
    return path


def _store_version(store: OxigraphStore) -> str:
    import hashlib

    return hashlib.sha256(f"{len(store)}:{','.join(store.graphs())}".encode()).hexdigest()[:32]
