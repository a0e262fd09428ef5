"""Every setting natograph reads, in one typed object.

Values come from (highest first) CLI flags, `NATOGRAPH_*` environment variables, then the defaults
below; the README lists them all.
"""

from __future__ import annotations

from pathlib import Path

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
    """On-disk Oxigraph store folder; None keeps the store in memory."""
    reasoner: bool = True
    """Run OWL 2 RL materialisation (the inferred graph)."""
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
    workers: int = 1
    """uvicorn worker processes (each builds the graph and has its own query workers)."""
    query_workers: int = 2
    """Query worker processes per server process: how many queries run at once."""
    isolate_network: bool = True
    """Run query workers in a network namespace of their own (Linux; root or user namespaces)."""
    max_queue: int = 16
    """Queries that may wait for a free worker; beyond that the answer is 503 with Retry-After."""
    max_query_length: int = 100_000
    """Characters in a query."""
    max_body: int = 1_000_000
    """Bytes in a request body."""
    max_rows: int = 100_000
    """Rows (or triples) in a result; longer results are cut and flagged (X-SPARQL-MaxRows)."""
    result_cache_mb: int = 64
    """Memory for cached responses; the dataset is read-only, so they stay valid until restart."""
    base_iri: str = "https://w3id.org/natograph/"
    """The permanent namespace the served IRIs live under."""
    cache: bool = True
    """Reuse reasoning results for unchanged files (kept in `cache_dir`)."""
    cache_dir: Path | None = None
    """Where reasoning results are cached; default `<root>/.cache/natograph`."""

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
