"""The OWL 2 RL closure of a graph, by either engine, as the triples it adds and its messages.

`reasonable` (compiled, the default) runs the instance rules; natograph.build.rules adds the
schema and inconsistency rules it lacks. owlrl (pure Python, the reference) runs them all.
tests/test_reasoners.py checks that the two agree on the curated graph and on a fixture that
exercises every rule the ontology uses.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Literal as Choice

import pyoxigraph as ox
from rdflib import OWL, RDF, Graph, Literal, URIRef
from rdflib.term import Node

from natograph.build import rules
from natograph.build.asserted import Asserted
from natograph.build.parse import oxigraph_term, rdflib_term

Engine = Choice["reasonable", "owlrl"]
ENGINES: tuple[Engine, ...] = ("reasonable", "owlrl")
Triple = tuple[Node, Node, Node]
_ERR = URIRef("http://www.daml.org/2002/03/agents/agent-ont#error")
_LITERAL = "urn:natograph:literal:"
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_CARDINALITIES = frozenset(
    f"http://www.w3.org/2002/07/owl#{name}"
    for name in (
        "cardinality",
        "minCardinality",
        "maxCardinality",
        "qualifiedCardinality",
        "minQualifiedCardinality",
        "maxQualifiedCardinality",
    )
)


def closure(asserted: Asserted, engine: Engine) -> tuple[Iterable[ox.Triple], list[str]]:
    """Triples of the closure (a superset of what is new) and owlrl-worded inconsistencies."""
    return _owlrl(asserted) if engine == "owlrl" else _reasonable(asserted)


def _owlrl(asserted: Asserted) -> tuple[Iterator[ox.Triple], list[str]]:
    import owlrl  # here, not at the top: only a build that misses its cache reasons

    graph = Graph(store="SimpleMemory")  # no contexts needed: markedly faster for owlrl
    for triple in asserted.graph:
        graph.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, improved_datatypes=False).expand(graph)
    messages = [str(m) for m in graph.objects(None, _ERR)]
    # A literal subject ("1949"^^xsd:gYear a rdfs:Literal) is no RDF triple, so not kept.
    kept = (t for t in graph if not isinstance(t[0], Literal))
    return (ox.Triple(*map(oxigraph_term, t)) for t in kept), messages  # type: ignore[arg-type]


def _reasonable(asserted: Asserted) -> tuple[Iterator[ox.Triple], list[str]]:
    """reasonable's closure, between natograph's schema rules and prp-fp, then the `false` rules.

    The schema closure goes first so that reasonable's instance rules see every subclass and
    subproperty. reasonable is not told which properties are functional (rules.FUNCTIONAL says
    why); prp-fp runs here instead. A pass of reasonable closes the store under its rules, so
    when neither the schema rules nor prp-fp add anything after it, the store is the closure
    (on natograph's graphs: after the first pass). Everything stays in Oxigraph terms except
    what crosses into reasonable and back."""
    import reasonable  # type: ignore[import-untyped]  # only a build missing its cache

    store, codes = ox.Store(), _Literals()
    base = {codes.to_store(t) for t in asserted.triples}
    store.extend(base)
    rules.schema_closure(store, _GRAPH)
    rules.functional_closure(store, _GRAPH)
    while True:
        reasoner = reasonable.PyReasoner()
        reasoner.from_graph([codes.to_reasoner(q) for q in store if not _functional(q)])
        found = (codes.from_reasoner(t) for t in reasoner.reason())
        store.extend(q for q in found if q is not None and q not in store)
        added = rules.schema_closure(store, _GRAPH) + rules.functional_closure(store, _GRAPH)
        if not added:
            break
    messages = [codes.decoded(m) for m in rules.inconsistencies(store, _GRAPH)]
    messages += ill_typed(asserted.triples)
    return (codes.to_triple(q) for q in store if q not in base), messages


def ill_typed(triples: Iterable[ox.Triple]) -> list[str]:
    """dt-not-type for every distinct typed literal (rdflib knows the XSD lexical spaces)."""
    typed = {
        t.object
        for t in triples
        if isinstance(t.object, ox.Literal)
        and t.object.language is None
        and t.object.datatype.value != _XSD_STRING
    }
    literals = (rdflib_term(o) for o in typed)
    return [_ill_typed(o) for o in literals if isinstance(o, Literal) and o.ill_typed]


_TYPE = ox.NamedNode(str(RDF.type))
_FUNCTIONAL = ox.NamedNode(str(OWL.FunctionalProperty))


def _functional(quad: ox.Quad) -> bool:
    """`p a owl:FunctionalProperty`: kept from reasonable (see rules.FUNCTIONAL)."""
    return bool(quad.predicate == _TYPE and quad.object == _FUNCTIONAL)


_GRAPH = ox.DefaultGraph()


class _Literals:
    """Literals stand in as IRIs while the closure is computed. An Oxigraph store keeps a
    numeric literal by value (2.0 comes back as "2"^^xsd:decimal) and reasonable's rdflib bridge
    rewrites lexical forms ("3"^^xsd:double as "3.0"), so either would return an asserted value
    as a different term. No rule looks inside a literal except the cardinality rules (owl:
    maxCardinality 0 or 1), whose numbers stay literals and are never copied into a conclusion;
    dt-not-type is checked on the literals themselves."""

    def __init__(self) -> None:
        self._codes: dict[ox.Literal, ox.NamedNode] = {}
        self._literals: dict[str, ox.Literal] = {}

    def to_store(self, triple: ox.Triple) -> ox.Quad:
        s, p, o = triple.subject, triple.predicate, triple.object
        if isinstance(o, ox.Literal) and p.value not in _CARDINALITIES:
            code = self._codes.get(o)
            if code is None:
                code = self._codes[o] = ox.NamedNode(f"{_LITERAL}{len(self._codes)}")
                self._literals[code.value] = o
            o = code
        return ox.Quad(s, p, o, _GRAPH)

    def to_reasoner(self, quad: ox.Quad) -> Triple:
        return rdflib_term(quad.subject), URIRef(quad.predicate.value), rdflib_term(quad.object)

    def from_reasoner(self, triple: Triple) -> ox.Quad | None:
        """Back to Oxigraph terms; None for a triple whose subject is a literal."""
        s, p, o = triple
        if isinstance(s, Literal) or str(s) in self._literals:
            return None  # e.g. "1949"^^xsd:gYear rdf:type owl:Thing: no RDF triple
        subject, obj = oxigraph_term(s), oxigraph_term(o)
        assert not isinstance(subject, ox.Literal)
        return ox.Quad(subject, ox.NamedNode(str(p)), obj, _GRAPH)

    def to_triple(self, quad: ox.Quad) -> ox.Triple:
        o = quad.object
        if isinstance(o, ox.NamedNode):
            o = self._literals.get(o.value, o)
        return ox.Triple(quad.subject, quad.predicate, o)

    def decoded(self, message: str) -> str:
        """A message naming stand-ins names the literals again."""
        if _LITERAL not in message:
            return message
        for code, literal in self._literals.items():
            message = message.replace(code, literal.value)
        return message


def _ill_typed(literal: Literal) -> str:
    """dt-not-type, in owlrl's words (SPARQL engines accept any lexical form, so not a rule)."""
    datatype = literal.datatype
    return f"Lexical value of the literal '{literal}' does not match its datatype ({datatype})"
