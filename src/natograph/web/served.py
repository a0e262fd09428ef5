"""What the web layer serves: a backend (store and executor) plus facts about the dataset.

The web layer reaches the graph only through this object, and through it only the protocols of
natograph.store (`GraphStore`, `QueryExecutor`): it never knows which engine answers.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime

from natograph.build import pipeline
from natograph.build.cache import content_key
from natograph.build.pipeline import Build
from natograph.publish.coverage import Coverage, coverage
from natograph.query.pool import QueryPool
from natograph.query.text import CompetencyQuestion, competency_questions
from natograph.settings import Settings
from natograph.store import GraphStore, OxigraphStore, QueryExecutor
from natograph.store.backend import Backend, early_pool, open_backend
from natograph.web.caching import Computed


@dataclass
class ServedGraph:
    backend: Backend
    """The store (look-ups that never time out: counts, descriptions, pages) and the executor
    (the endpoint's queries, under the limits), from natograph.store.backend."""
    version: str
    """Changes whenever any input file changes: the basis of ETags."""
    modified: datetime
    graphs: dict[str, int] = field(default_factory=dict)
    """Named graph IRI -> number of triples."""
    examples: list[CompetencyQuestion] = field(default_factory=list)
    build: Build | None = None
    coverage: Coverage | None = None
    """Where the graph's knowledge ends (None for a graph without dated sources)."""
    computed: Computed = field(default_factory=lambda: Computed())
    """Values computed once from this graph (its version never changes while it is served)."""

    @property
    def store(self) -> GraphStore:
        return self.backend.store

    @property
    def executor(self) -> QueryExecutor:
        return self.backend.executor

    def close(self) -> None:
        self.backend.close()


def serve_graph(settings: Settings) -> ServedGraph:
    """Build through the pipeline (refusing invalid data), then start the query workers (whose
    processes start while the graph is built)."""
    pool = early_pool(settings)
    try:
        store, build = pipeline.open_store(settings)
    except BaseException:
        pool.close()
        raise
    return served_from_store(store, settings, build, pool)


def served_from_store(
    store: OxigraphStore,
    settings: Settings,
    build: Build | None = None,
    pool: QueryPool | None = None,
) -> ServedGraph:
    """Serve an already loaded store (also used by tests with other data)."""
    inputs = [p.path for p in build.files()] if build is not None else []
    version = content_key("dataset", inputs) if inputs else _store_version(store)
    modified = max((p.stat().st_mtime for p in inputs), default=datetime.now(UTC).timestamp())
    # The dataset's facts are read while the query workers open the store (at 10^6 triples
    # each takes a quarter of a second; Oxigraph releases the GIL while it counts).
    with ThreadPoolExecutor(max_workers=2) as facts:
        graphs = facts.submit(lambda: {g: store.count(g) for g in store.graphs()})
        covered = facts.submit(coverage, store)
        backend = open_backend(store, settings, pool)
        try:
            return ServedGraph(
                backend=backend,
                version=version,
                modified=datetime.fromtimestamp(int(modified), UTC),
                graphs=graphs.result(),
                examples=competency_questions(settings.queries_dir),
                build=build,
                coverage=covered.result(),
            )
        except BaseException:
            backend.close()
            raise


def _store_version(store: GraphStore) -> str:
    import hashlib

    return hashlib.sha256(f"{len(store)}:{','.join(store.graphs())}".encode()).hexdigest()[:32]
