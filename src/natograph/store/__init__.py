"""The storage seam: every part of natograph reaches the graph through what this package exports.

`base` says what a store and an executor must do (engine-neutral results included), `oxigraph`
is the embedded engine, `backend` builds the pair the settings ask for. A remote SPARQL engine
is added here, as one more module and one more branch of `backend.open_backend`, and nothing
outside this package changes.
"""

from __future__ import annotations

from natograph.store.base import (
    GraphStore,
    QueryExecutor,
    QueryResult,
    Row,
    Solutions,
    SparqlStore,
    Term,
    Triples,
    construct,
    select,
)
from natograph.store.oxigraph import OxigraphStore, StoreInUse, StoreSource, lock_holders

__all__ = [
    "GraphStore",
    "OxigraphStore",
    "QueryExecutor",
    "QueryResult",
    "Row",
    "Solutions",
    "SparqlStore",
    "StoreInUse",
    "StoreSource",
    "Term",
    "Triples",
    "construct",
    "lock_holders",
    "select",
]
