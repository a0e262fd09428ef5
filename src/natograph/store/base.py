"""What natograph needs from a quad store and a query executor, whatever the engine.

Results are natograph's own (`Solutions`, `Triples`, `bool`), holding pyoxigraph's term classes
only as plain values: `ox.NamedNode("...")`, `ox.Literal(...)` can be built from any engine's
SPARQL results (JSON, XML, N-Triples), so a remote engine answers in the same types as the
embedded one and no caller ever sees an engine's own result object. Which graphs a query sees is
decided once, by natograph.query.dataset.choose, in `SparqlStore.query`; an engine implements only
`evaluate` over the dataset it is handed.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import pyoxigraph as ox

from natograph.query.dataset import QueryDataset, choose

if TYPE_CHECKING:
    from natograph.query.executor import Job, Outcome

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
"""An RDF term as natograph handles it (pyoxigraph's value classes, built from any engine)."""


class Row:
    """One solution: its values by variable name or by position (None where unbound)."""

    __slots__ = ("_index", "_values")

    def __init__(self, index: Mapping[str, int], values: Sequence[Term | None]) -> None:
        self._index = index
        self._values = tuple(values)

    def __getitem__(self, key: str | int) -> Any:
        """A Term, or None where unbound. Typed Any, as pyoxigraph types its own solutions: the
        code knows the shape of the queries it writes, and needs no cast per value."""
        return self._values[self._index[key] if isinstance(key, str) else key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Row({dict(zip(self._index, self._values, strict=True))!r})"


class Solutions:
    """A SELECT's answer: its variables and its rows, read once (a result may be large)."""

    def __init__(self, variables: Sequence[str], rows: Iterable[Sequence[Term | None]]) -> None:
        self.variables = tuple(variables)
        self._index = {name: i for i, name in enumerate(self.variables)}
        self._rows = iter(rows)

    def __iter__(self) -> Iterator[Row]:
        return (Row(self._index, values) for values in self._rows)


class Triples:
    """A CONSTRUCT's or DESCRIBE's answer: its triples, read once."""

    def __init__(self, triples: Iterable[ox.Triple]) -> None:
        self._triples = iter(triples)

    def __iter__(self) -> Iterator[ox.Triple]:
        return self._triples


QueryResult = Solutions | bool | Triples
"""What a query answers: solutions (SELECT), a boolean (ASK) or triples (CONSTRUCT, DESCRIBE)."""


class GraphStore(Protocol):
    """What natograph needs from a quad store: the endpoint, pages, releases and CLI use only
    this, so an engine that implements it serves all of them."""

    def load(self, triples: Iterable[ox.Triple | ox.Quad], graph: str) -> None:
        """Add triples to the named graph `graph` (replacing nothing)."""

    def query(
        self,
        sparql: str,
        *,
        inferred: bool = True,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        dataset: QueryDataset | None = None,
        bindings: Mapping[str, Term] | None = None,
        base_iri: str | None = None,
    ) -> QueryResult:
        """Run a read-only query (natograph's prefixes predeclared) over the dataset
        natograph.query.dataset.choose gives, or `dataset` when the caller chose it already.
        `bindings` give variables a value everywhere in the query before it runs (SEP-0007)."""

    def describe(self, iri: str) -> list[ox.Quad]:
        """The resource's own triples and their blank-node closure (its Concise Bounded
        Description), each in its named graph."""

    def graphs(self) -> list[str]:
        """The named graphs, by IRI."""

    def count(self, graph: str) -> int:
        """Triples in one named graph (the dataset description and the releases give sizes)."""

    def __len__(self) -> int: ...


class SparqlStore(ABC):
    """The part of a GraphStore that is the same for every engine: choosing the dataset, and
    graphs, count, describe and len in plain SPARQL.

    An engine subclasses it and implements `evaluate` and `load`, overriding a default only where
    it has something faster (Oxigraph lists a node's quads, its graphs and its size directly)."""

    def query(
        self,
        sparql: str,
        *,
        inferred: bool = True,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        dataset: QueryDataset | None = None,
        bindings: Mapping[str, Term] | None = None,
        base_iri: str | None = None,
    ) -> QueryResult:
        if dataset is None:
            dataset = choose(
                sparql,
                () if inferred else self.graphs(),  # only inferred=false lists the graphs
                default_graphs=default_graphs,
                named_graphs=named_graphs,
                inferred=inferred,
            )
        return self.evaluate(sparql, dataset, bindings or {}, base_iri)

    @abstractmethod
    def evaluate(
        self,
        sparql: str,
        dataset: QueryDataset,
        bindings: Mapping[str, Term],
        base_iri: str | None,
    ) -> QueryResult:
        """Run the query over exactly `dataset` (SyntaxError for a query that does not parse,
        ValueError or RuntimeError for one that fails while running)."""

    # Engine-neutral defaults in plain SPARQL, for an engine with nothing faster to offer.

    def graphs(self) -> list[str]:
        result = self.evaluate("SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }", _ALL, {}, None)
        assert isinstance(result, Solutions)
        return sorted(row["g"].value for row in result)

    def count(self, graph: str) -> int:
        text = f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        result = self.evaluate(text, _ALL, {}, None)
        assert isinstance(result, Solutions)
        return int(next(iter(result))["n"].value)

    def describe(self, iri: str) -> list[ox.Quad]:
        """The Concise Bounded Description, one SELECT per node (blank nodes followed, which
        needs an engine whose blank-node labels hold across queries; one whose labels do not
        overrides this with its DESCRIBE)."""
        return concise_bounded_description(iri, self._quads_about)

    def _quads_about(self, node: ox.NamedNode | ox.BlankNode) -> Iterator[ox.Quad]:
        text = "SELECT ?s ?p ?o ?g { GRAPH ?g { ?s ?p ?o } }"
        result = self.evaluate(text, _ALL, {"s": node}, None)
        assert isinstance(result, Solutions)
        return (ox.Quad(node, p, o, g) for _s, p, o, g in result)

    def __len__(self) -> int:
        return sum(self.count(g) for g in self.graphs())


def concise_bounded_description(
    iri: str, quads_about: Callable[[ox.NamedNode | ox.BlankNode], Iterable[ox.Quad]]
) -> list[ox.Quad]:
    """The resource's quads and, recursively, those of the blank nodes they point to (CBD, W3C
    Member Submission 2005), each once, given how an engine lists the quads about one node."""
    found: dict[ox.Quad, None] = {}
    pending: list[ox.NamedNode | ox.BlankNode] = [ox.NamedNode(iri)]
    visited: set[ox.NamedNode | ox.BlankNode] = set()
    while pending:
        node = pending.pop()
        if node in visited:
            continue
        visited.add(node)
        for quad in quads_about(node):
            found.setdefault(quad, None)
            if isinstance(quad.object, ox.BlankNode):
                pending.append(quad.object)
    return list(found)


_ALL = QueryDataset()
"""The query's own dataset: with GRAPH ?g, every named graph."""


class QueryExecutor(Protocol):
    """Runs one job under the limits and returns its serialised answer, or raises one of
    natograph.query.executor's typed failures (Busy, ClientLimit, TimedOut, MemoryExceeded,
    WorkerLost, BadQuery, ResultTooLarge, WorkerFault, or text.QueryRejected); `client`
    identifies who asked, for per-client limits."""

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


def select(store: GraphStore, sparql: str, *, inferred: bool = True) -> Solutions:
    """The solutions of a SELECT the code itself wrote (any other form is a bug, not bad input)."""
    result = store.query(sparql, inferred=inferred)
    if not isinstance(result, Solutions):
        raise TypeError(f"expected a SELECT query, got {type(result).__name__}: {sparql[:80]}")
    return result


def construct(store: GraphStore, sparql: str, *, inferred: bool = True) -> Triples:
    """The triples of a CONSTRUCT the code itself wrote."""
    result = store.query(sparql, inferred=inferred)
    if not isinstance(result, Triples):
        raise TypeError(f"expected a CONSTRUCT query, got {type(result).__name__}: {sparql[:80]}")
    return result
