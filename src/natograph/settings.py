"""Every setting natograph reads, in one typed object.

Values come from (highest first) CLI flags, `NATOGRAPH_*` environment variables, then the defaults
below; the README lists them all.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_root() -> Path:
    """The checkout the package was installed from, else the working directory."""
    here = Path(__file__).resolve().parents[2]
    if (here / "ontology").is_dir() and (here / "data").is_dir():
        return here
    return Path.cwd()


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NATOGRAPH_", extra="ignore")

    root: Path = Field(default_factory=_default_root)
    """Project folder holding ontology/, data/, shapes/ and queries/."""
    store: Path | None = None
    """Oxigraph store folder, rebuilt at each start and held open by this server; None: one
    store per content under the cache folder, shared read-only (natograph.store.cached)."""
    reasoner: bool = True
    """Run OWL 2 RL materialisation (the inferred graph)."""
    reasoner_engine: Literal["reasonable", "owlrl"] = "reasonable"
    """OWL 2 RL engine: `reasonable` (compiled, with natograph's schema and inconsistency rules;
    about ten times faster) or `owlrl` (the pure-Python reference). Both give the same closure."""
    shacl_engine: Literal["pyshacl", "pyshacl-turbo"] = "pyshacl-turbo"
    """SHACL engine: pyshacl-turbo (compiled, pySHACL's API; about ten times faster) or pySHACL,
    the reference. Both give the same reports (tests/test_shapes.py)."""
    hermit: bool = True
    """Run the HermiT DL consistency check (needs Java)."""
    java: str = "java"
    """Java executable used by owlready2 for HermiT."""
    hermit_timeout: float = 120.0
    """Seconds HermiT may take before the check is reported as failed."""
    query_timeout: float = 30.0
    """Seconds a query may run before its worker process is stopped."""
    host: str = "127.0.0.1"
    port: int = 8000
    http: Literal["httptools", "h11"] = "httptools"
    """HTTP/1.1 parser: httptools (llhttp, in C, with uvloop as the event loop where installed;
    both come with natograph) or h11 (pure Python, the fallback). Same limits and answers."""
    workers: int = 1
    """uvicorn worker processes (each builds the graph and has its own query workers)."""
    query_workers: int = Field(default_factory=lambda: max(2, os.cpu_count() or 2))
    """General query worker processes per server process (default: one per core, at least 2)."""
    worker_store: Literal["shared", "copy"] = "shared"
    """How query workers hold the data: `shared` opens the server's on-disk store read-only in
    every worker (the data once, in the kernel's page cache; full scans and aggregates about 3-4x
    slower than in memory); `copy` loads it into each worker's memory at start (one copy per
    worker, in-memory speed)."""
    lane_workers: int = 1
    """Extra workers kept for short queries: they take a job only when every general worker is
    busy, and for at most `lane_seconds`, so one client's slow queries cannot stall the rest."""
    lane_seconds: float = 1.0
    """How long a query may run in the short lane before it moves to a general worker."""
    client_queries: int = 2
    """Queries one client (by address) may have running at once; beyond that, 429."""
    query_memory_mb: int | None = None
    """Memory (MiB) one query worker may add beyond its loaded store; past it the query is
    stopped (503). Default: half the machine's (or container's) memory shared among all the
    query workers, between 256 and 4096."""
    queue_wait: float = 10.0
    """Seconds a query may wait for a free worker before the answer is 503 (busy)."""
    isolate_network: bool = True
    """Run query workers in a network namespace of their own (Linux; root or user namespaces)."""
    max_queue: int = 16
    """Queries that may wait for a free worker; beyond that the answer is 503 with Retry-After."""
    max_query_length: int = 100_000
    """Characters in a query."""
    max_body: int = 1_000_000
    """Bytes in a request body."""
    max_rows: int = 100_000
    """Rows (or triples) in a result; a longer one is refused (413) unless the request asks for
    a cut one with `truncate=true`, which is then marked in the result and X-SPARQL-MaxRows."""
    header_timeout: float = 10.0
    """Seconds a client may take to send a request's headers; then 408 and the connection closes."""
    body_timeout: float = 30.0
    """Seconds a client may take to send a request's body; then the connection closes."""
    result_cache_mb: int = 64
    """Memory for cached responses; the dataset is read-only, so they stay valid until restart."""
    base_iri: str = "https://w3id.org/natograph/"
    """The permanent namespace the served IRIs live under."""
    cache: bool = True
    """Reuse reasoning results for unchanged files (kept in `cache_dir`)."""
    cache_dir: Path | None = None
    """Where reasoning results are cached; default `<root>/.cache/natograph`."""

    @property
    def memory_mb(self) -> int:
        """The per-worker memory cap in effect (the setting, or the default it describes)."""
        if self.query_memory_mb is not None:
            return self.query_memory_mb
        from natograph.query.pool import default_memory_mb

        return default_memory_mb(self.workers * (self.query_workers + self.lane_workers))

    @property
    def cache_folder(self) -> Path | None:
        if not self.cache:
            return None
        return self.cache_dir or self.root / ".cache" / "natograph"

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def shapes_dir(self) -> Path:
        return self.root / "shapes"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"
