"""The asserted graph (ontology + data) in the forms the checks need, each made only when asked.

The files are parsed once, by Oxigraph, into `ox.Triple`s. pySHACL, owlrl, reasonable's bridge
and HermiT's writer want an rdflib graph; pyshacl-turbo reads N-Triples natively. Building an
rdflib graph costs about 30 us a triple (half a minute at 10^6), so it is built at most once, and
only when a step that needs it misses its cache: a warm build of unchanged files never builds
one, whatever the size.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property

import pyoxigraph as ox
from rdflib import Graph

from natograph.build.parse import ParsedFile, ntriples, to_rdflib


class Asserted:
    """The ontology and data files of one build, as triples, N-Triples or an rdflib graph."""

    def __init__(self, ontology: list[ParsedFile], data: list[ParsedFile]) -> None:
        self._ontology = ontology
        self._data = data

    @classmethod
    def of(cls, triples: Iterable[ox.Triple]) -> Asserted:
        """Triples from elsewhere (a test's fixture, a script), taken as the data."""
        made = cls([], [])
        made.__dict__["data_triples"] = set(triples)  # what the cached property would hold
        return made

    @cached_property
    def ontology(self) -> Graph:
        """The ontology alone, as rdflib (small: the definitions checks walk it)."""
        return to_rdflib(self.ontology_triples)

    @cached_property
    def ontology_triples(self) -> set[ox.Triple]:
        return _triples(self._ontology)

    @cached_property
    def data_triples(self) -> set[ox.Triple]:
        return _triples(self._data)

    @cached_property
    def triples(self) -> set[ox.Triple]:
        """Ontology and data together, each triple once."""
        return self.ontology_triples | self.data_triples

    @cached_property
    def graph(self) -> Graph:
        """Ontology and data together as one rdflib graph (built on first use only)."""
        return to_rdflib(self.triples)

    def ntriples(self) -> bytes:
        """Ontology and data together as N-Triples, written by Oxigraph."""
        return ntriples(self.triples)


def _triples(files: list[ParsedFile]) -> set[ox.Triple]:
    """Oxigraph's Turtle parser yields quads (in the default graph): as triples, so that they
    compare equal to a reasoner's triples."""
    return {q.triple if isinstance(q, ox.Quad) else q for parsed in files for q in parsed.quads}
