"""Which graphs a query sees: one rule for the endpoint, the CLI, the pages and the tests.

SPARQL 1.1 leaves the dataset to the service, with an order of precedence (Protocol 2.1.4, Query
13.2): a dataset the request gives (`default-graph-uri`, `named-graph-uri`) replaces the query's
own FROM / FROM NAMED, which replaces the service's default. natograph's default is the union of
its graphs, less the inferred one when `inferred=false`. Three places used to decide this apart,
and `natograph query` let the union override a query's FROM; now they all ask `choose`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from natograph.namespaces import GRAPH_INFERRED
from natograph.query.text import names_graphs


@dataclass(frozen=True)
class QueryDataset:
    """The dataset a query runs over, as any engine can be told it."""

    default_graphs: tuple[str, ...] | None = None
    """The default graph as the merge of these; None: the query's FROM, or else the union."""
    named_graphs: tuple[str, ...] | None = None
    """The named graphs visible to GRAPH; None: the query's FROM NAMED, or else all."""
    union: bool = False
    """The default graph is the union of every graph (natograph's default)."""


def choose(
    query: str,
    graphs: Sequence[str],
    *,
    default_graphs: Sequence[str] | None = None,
    named_graphs: Sequence[str] | None = None,
    inferred: bool = True,
) -> QueryDataset:
    """The dataset of `query` over a store holding `graphs`, by the precedence above.

    A request's dataset is exactly what it lists: `named-graph-uri` alone leaves an empty default
    graph, as FROM NAMED alone does in a query."""
    if default_graphs is not None or named_graphs is not None:
        return QueryDataset(tuple(default_graphs or ()), tuple(named_graphs or ()))
    if names_graphs(query):
        return QueryDataset()
    if not inferred:
        return QueryDataset(tuple(g for g in graphs if g != str(GRAPH_INFERRED)))
    return QueryDataset(union=True)
