"""The store interface the rest of natograph talks to, and its embedded Oxigraph implementation.

The web layer and the CLI only ever see `GraphStore` (load, query, describe), so a remote SPARQL
1.1 engine (Virtuoso, GraphDB, Neptune) can later stand in for the embedded store by implementing
these three methods.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox

from natograph.errors import NatographError
from natograph.namespaces import PREFIXES
from natograph.query import dataset as query_dataset

QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples


class GraphStore(Protocol):
    """What natograph needs from a quad store."""

    def load(self, triples: Iterable[ox.Triple | ox.Quad], graph: str) -> None:
        """Add triples to the named graph `graph` (replacing nothing)."""

    def query(
        self,
        sparql: str,
        *,
        inferred: bool = True,
        substitutions: Mapping[str, ox.NamedNode | ox.Literal] | None = None,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> QueryResult:
        """Run a read-only query over the dataset natograph.query.dataset.choose gives: the
        union of the graphs (less the inferred one if asked), unless the query's FROM or the
        given graphs say otherwise."""

    def describe(self, iri: str) -> list[ox.Quad]:
        """The resource's own triples and their blank-node closure (its Concise Bounded
        Description), each in its named graph; a remote engine answers SPARQL DESCRIBE."""

    def graphs(self) -> list[str]:
        """The named graphs, by IRI."""

    def count(self, graph: str) -> int:
        """Triples in one named graph (the dataset description and the releases give sizes)."""

    def __len__(self) -> int: ...


class StoreInUse(NatographError, OSError):
    """The on-disk store is locked by another process (another `natograph serve`, say)."""

    def __init__(self, path: Path, holders: list[int]) -> None:
        by = f"process {', '.join(map(str, holders))}" if holders else "another process"
        super().__init__(
            f"the store {path} is in use by {by}: stop it, or give this one another --store folder"
        )
        self.path = path
        self.holders = holders


class OxigraphStore:
    """Embedded Oxigraph: in memory by default, on disk when given a folder."""

    def __init__(self, path: Path | None = None) -> None:
        if path is None:
            self._store = ox.Store()
            return
        try:
            self._store = ox.Store(str(path))
        except OSError as err:
            if "LOCK" in str(err):
                raise StoreInUse(path, lock_holders(path / "LOCK")) from None
            raise

    def load(self, triples: Iterable[ox.Triple | ox.Quad], graph: str) -> None:
        target = ox.NamedNode(graph)
        self._store.extend(ox.Quad(t.subject, t.predicate, t.object, target) for t in triples)

    def clear(self) -> None:
        self._store.clear()

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def query(
        self,
        sparql: str,
        *,
        inferred: bool = True,
        substitutions: Mapping[str, ox.NamedNode | ox.Literal] | None = None,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> QueryResult:
        dataset = query_dataset.choose(
            sparql,
            () if inferred else self.graphs(),  # only inferred=false lists the graphs
            default_graphs=default_graphs,
            named_graphs=named_graphs,
            inferred=inferred,
        )
        subs: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
            ox.Variable(k): v for k, v in (substitutions or {}).items()
        }
        return self._store.query(
            sparql, prefixes=PREFIXES, substitutions=subs or None, **dataset.oxigraph()
        )

    def describe(self, iri: str) -> list[ox.Quad]:
        found: dict[ox.Quad, None] = {}
        pending: list[ox.NamedNode | ox.BlankNode] = [ox.NamedNode(iri)]
        visited: set[ox.NamedNode | ox.BlankNode] = set()
        while pending:
            subject = pending.pop()
            if subject in visited:
                continue
            visited.add(subject)
            for quad in self._store.quads_for_pattern(subject, None, None, None):
                found.setdefault(quad, None)
                if isinstance(quad.object, ox.BlankNode):
                    pending.append(quad.object)
        return list(found)

    def count(self, graph: str) -> int:
        """Triples in one named graph (counted by the engine, not in Python)."""
        result = self._store.query(f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        assert isinstance(result, ox.QuerySolutions)
        return int(next(iter(result))["n"].value)

    def dump(self, path: Path, fmt: ox.RdfFormat = ox.RdfFormat.N_QUADS) -> None:
        self._store.dump(str(path), format=fmt)

    def flush(self) -> None:
        self._store.flush()

    def __len__(self) -> int:
        return len(self._store)


def select(store: GraphStore, sparql: str, *, inferred: bool = True) -> ox.QuerySolutions:
    """The solutions of a SELECT the code itself wrote (any other form is a bug, not bad input)."""
    result = store.query(sparql, inferred=inferred)
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError(f"expected a SELECT query, got {type(result).__name__}: {sparql[:80]}")
    return result


def lock_holders(lock: Path) -> list[int]:
    """Processes holding `lock` open (from /proc; those of other users may be invisible)."""
    target = str(lock.resolve())
    holders = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            links = [str(fd.readlink()) for fd in (entry / "fd").iterdir()]
        except OSError:
            continue
        if target in links:
            holders.append(int(entry.name))
    return sorted(holders)
