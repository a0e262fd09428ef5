"""The OWL 2 RL rules natograph runs itself, as SPARQL over pyoxigraph, beside a compiled engine.

reasonable (the compiled OWL 2 RL engine natograph uses by default) derives every instance-level
consequence owlrl derives on natograph's graphs, but neither the schema rules (OWL 2 Profiles,
section 4.3, table 9: `scm-*`) nor the rules whose conclusion is `false` (the inconsistencies:
`eq-diff*`, `prp-irp`, `cax-dw`, ... in tables 4-8). Those are small, well-specified and
query-shaped, so they are written here, each under the name the specification gives it, and
checked against owlrl (tests/test_reasoners.py).

The schema rules are iterated to a fixpoint over the working store; the inconsistency rules are
single SELECTs over the finished closure. Each yields owlrl's wording, so the problems an editor
reads do not depend on the engine.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox

PREFIXES = """PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


@dataclass(frozen=True)
class Rule:
    """An OWL 2 RL rule: its name in the specification, its conclusion and its premises."""

    name: str
    head: str
    body: str

    def construct(self) -> str:
        # Only what is new: the fixpoint loop stops when no rule yields a triple.
        head, body = self.head, self.body
        return f"{PREFIXES}CONSTRUCT {{ {head} }} WHERE {{ {body} FILTER NOT EXISTS {{ {head} }} }}"


@dataclass(frozen=True)
class FalseRule:
    """A rule whose conclusion is `false`: each solution is an inconsistency, worded as owlrl."""

    name: str
    message: str
    """A format string over the query's variables."""
    select: str


_SCHEMA = (
    Rule("scm-cls", "?c rdfs:subClassOf owl:Thing", "?c a owl:Class"),
    Rule("scm-cls", "owl:Nothing rdfs:subClassOf ?c", "?c a owl:Class"),
    Rule("scm-sco", "?c1 rdfs:subClassOf ?c3", "?c1 rdfs:subClassOf ?c2 . ?c2 rdfs:subClassOf ?c3"),
    Rule(
        "scm-eqc1",
        "?c1 rdfs:subClassOf ?c2",
        "{ ?c1 owl:equivalentClass ?c2 } UNION { ?c2 owl:equivalentClass ?c1 }",
    ),
    Rule(
        "scm-eqc2",
        "?c1 owl:equivalentClass ?c2",
        "?c1 rdfs:subClassOf ?c2 . ?c2 rdfs:subClassOf ?c1",
    ),
    Rule(
        "scm-spo",
        "?p1 rdfs:subPropertyOf ?p3",
        "?p1 rdfs:subPropertyOf ?p2 . ?p2 rdfs:subPropertyOf ?p3",
    ),
    Rule(
        "scm-eqp1",
        "?p1 rdfs:subPropertyOf ?p2",
        "{ ?p1 owl:equivalentProperty ?p2 } UNION { ?p2 owl:equivalentProperty ?p1 }",
    ),
    Rule(
        "scm-eqp2",
        "?p1 owl:equivalentProperty ?p2",
        "?p1 rdfs:subPropertyOf ?p2 . ?p2 rdfs:subPropertyOf ?p1",
    ),
    Rule("scm-dom1", "?p rdfs:domain ?c2", "?p rdfs:domain ?c1 . ?c1 rdfs:subClassOf ?c2"),
    Rule("scm-dom2", "?p1 rdfs:domain ?c", "?p2 rdfs:domain ?c . ?p1 rdfs:subPropertyOf ?p2"),
    Rule("scm-rng1", "?p rdfs:range ?c2", "?p rdfs:range ?c1 . ?c1 rdfs:subClassOf ?c2"),
    Rule("scm-rng2", "?p1 rdfs:range ?c", "?p2 rdfs:range ?c . ?p1 rdfs:subPropertyOf ?p2"),
    Rule(
        "scm-hv",
        "?c1 rdfs:subClassOf ?c2",
        "?c1 owl:hasValue ?i ; owl:onProperty ?p1 . ?c2 owl:hasValue ?i ; owl:onProperty ?p2 . "
        "?p1 rdfs:subPropertyOf ?p2",
    ),
    Rule(
        "scm-svf1",
        "?c1 rdfs:subClassOf ?c2",
        "?c1 owl:someValuesFrom ?y1 ; owl:onProperty ?p . "
        "?c2 owl:someValuesFrom ?y2 ; owl:onProperty ?p . ?y1 rdfs:subClassOf ?y2",
    ),
    Rule(
        "scm-svf2",
        "?c1 rdfs:subClassOf ?c2",
        "?c1 owl:someValuesFrom ?y ; owl:onProperty ?p1 . "
        "?c2 owl:someValuesFrom ?y ; owl:onProperty ?p2 . ?p1 rdfs:subPropertyOf ?p2",
    ),
    Rule(
        "scm-avf1",
        "?c1 rdfs:subClassOf ?c2",
        "?c1 owl:allValuesFrom ?y1 ; owl:onProperty ?p . "
        "?c2 owl:allValuesFrom ?y2 ; owl:onProperty ?p . ?y1 rdfs:subClassOf ?y2",
    ),
    Rule(
        "scm-avf2",
        "?c2 rdfs:subClassOf ?c1",
        "?c1 owl:allValuesFrom ?y ; owl:onProperty ?p1 . "
        "?c2 owl:allValuesFrom ?y ; owl:onProperty ?p2 . ?p1 rdfs:subPropertyOf ?p2",
    ),
    Rule("scm-int", "?c rdfs:subClassOf ?ci", "?c owl:intersectionOf/rdf:rest*/rdf:first ?ci"),
    Rule("scm-uni", "?ci rdfs:subClassOf ?c", "?c owl:unionOf/rdf:rest*/rdf:first ?ci"),
)
"""Table 9, less the reflexive `c rdfs:subClassOf c`, `p rdfs:subPropertyOf p` and their
equivalents (scm-cls, scm-op, scm-dp), which natograph never keeps. `owl:Nothing rdfs:subClassOf
c` is not kept either (a statement about a built-in term; see reason._meaningful), but it is
derived, so that an individual typed owl:Nothing breaks every disjointness as under owlrl."""

_FALSE = (
    FalseRule(
        "eq-diff1",
        "'sameAs' and 'differentFrom' cannot be used on the same subject-object pair: ({x}, {y})",
        "SELECT ?x ?y { ?x owl:sameAs ?y . { ?x owl:differentFrom ?y } UNION "
        "{ ?y owl:differentFrom ?x } }",
    ),
    FalseRule(
        "eq-diff2",
        "'sameAs' and 'AllDifferent' cannot be used on the same subject-object pair: ({x}, {y})",
        "SELECT DISTINCT ?x ?y { ?d a owl:AllDifferent ; owl:members|owl:distinctMembers ?l . "
        "?l rdf:rest*/rdf:first ?x . ?l rdf:rest*/rdf:first ?y . "
        "FILTER (?x != ?y) ?x owl:sameAs ?y }",
    ),
    FalseRule(
        "prp-irp",
        "Irreflexive property used on {x} with {p}",
        "SELECT ?x ?p { ?p a owl:IrreflexiveProperty . ?x ?p ?x }",
    ),
    FalseRule(
        "prp-asyp",
        "Erroneous usage of asymmetric property {p} on {x} and {y}",
        "SELECT ?p ?x ?y { ?p a owl:AsymmetricProperty . ?x ?p ?y . ?y ?p ?x }",
    ),
    FalseRule(
        "prp-pdw",
        "Erroneous usage of disjoint properties {p1} and {p2} on {x} and {y}",
        "SELECT ?p1 ?p2 ?x ?y { ?p1 owl:propertyDisjointWith ?p2 . ?x ?p1 ?y . ?x ?p2 ?y }",
    ),
    FalseRule(
        "prp-adp",
        "Erroneous usage of disjoint properties {p1} and {p2} on {x} and {y}",
        "SELECT DISTINCT ?p1 ?p2 ?x ?y { ?d a owl:AllDisjointProperties ; owl:members ?l . "
        "?l rdf:rest*/rdf:first ?p1 . ?l rdf:rest*/rdf:first ?p2 . FILTER (?p1 != ?p2) "
        "?x ?p1 ?y . ?x ?p2 ?y }",
    ),
    FalseRule(
        "prp-npa1",
        "Negative (object) property assertion violated for: ({x}, {p}, {y})",
        "SELECT ?x ?p ?y { ?n owl:sourceIndividual ?x ; owl:assertionProperty ?p ; "
        "owl:targetIndividual ?y . ?x ?p ?y }",
    ),
    FalseRule(
        "prp-npa2",
        "Negative (datatype) property assertion violated for: ({x}, {p}, {y})",
        "SELECT ?x ?p ?y { ?n owl:sourceIndividual ?x ; owl:assertionProperty ?p ; "
        "owl:targetValue ?y . ?x ?p ?y }",
    ),
    FalseRule("cls-nothing2", "{x} is defined of type 'Nothing'", "SELECT ?x { ?x a owl:Nothing }"),
    FalseRule(
        "cls-com",
        "Violation of complementarity for classes {c1} and {c2} on element {x}",
        "SELECT ?c1 ?c2 ?x { ?c1 owl:complementOf ?c2 . ?x a ?c1 , ?c2 }",
    ),
    FalseRule(
        "cls-maxc1",
        "Erroneous usage of maximum cardinality with {x} and {y}",
        "SELECT ?x ?y { ?c owl:maxCardinality 0 ; owl:onProperty ?p . ?x a ?c ; ?p ?y }",
    ),
    FalseRule(
        "cls-maxqc1",
        "Erroneous usage of maximum qualified cardinality with {x} and {y}",
        "SELECT ?x ?y { ?c owl:maxQualifiedCardinality 0 ; owl:onProperty ?p ; "
        "owl:onClass ?k . ?x a ?c ; ?p ?y . ?y a ?k }",
    ),
    FalseRule(
        "cls-maxqc2",
        "Erroneous usage of maximum qualified cardinality with {x} and {y}",
        "SELECT ?x ?y { ?c owl:maxQualifiedCardinality 0 ; owl:onProperty ?p ; "
        "owl:onClass owl:Thing . ?x a ?c ; ?p ?y }",
    ),
    FalseRule(
        "cax-dw",
        "Disjoint classes {c1} and {c2} have a common individual {x}",
        "SELECT ?c1 ?c2 ?x { ?c1 owl:disjointWith ?c2 . ?x a ?c1 , ?c2 }",
    ),
    FalseRule(
        "cax-adc",
        "Disjoint classes {c1} and {c2} have a common individual {x}",
        "SELECT DISTINCT ?c1 ?c2 ?x { ?d a owl:AllDisjointClasses ; owl:members ?l . "
        "?l rdf:rest*/rdf:first ?c1 . ?l rdf:rest*/rdf:first ?c2 . "
        "FILTER (STR(?c1) < STR(?c2)) ?x a ?c1 , ?c2 }",
    ),
)
"""Tables 4-8's rules with conclusion `false`, except dt-not-type, which is checked on the
literals themselves (closure._ill_typed) because SPARQL engines accept any lexical form."""


def schema_closure(store: ox.Store, graph: ox.NamedNode | ox.DefaultGraph) -> int:
    """Add the schema rules' consequences to `graph` until none is new; return how many."""
    return _fixpoint(store, graph, _SCHEMA)


FUNCTIONAL = Rule(
    "prp-fp",
    "?y1 owl:sameAs ?y2",
    "?p a owl:FunctionalProperty . ?x ?p ?y1 , ?y2 . FILTER (?y1 != ?y2)",
)
"""Table 5's prp-fp, run here rather than by reasonable: reasonable applies it to every value
with itself as well (y sameAs y, for every value of every functional property), and the eq-*
rules then join over those reflexive links, which made its closure grow with the square of the
data. Only two distinct values of one functional property make a new statement."""


def functional_closure(store: ox.Store, graph: ox.NamedNode | ox.DefaultGraph) -> int:
    """Add prp-fp's consequences to `graph` until none is new; return how many."""
    return _fixpoint(store, graph, (FUNCTIONAL,))


def _fixpoint(
    store: ox.Store, graph: ox.NamedNode | ox.DefaultGraph, rules: tuple[Rule, ...]
) -> int:
    added = 0
    while True:
        new = {
            ox.Quad(t.subject, t.predicate, t.object, graph)
            for rule in rules
            for t in _construct(store, rule.construct(), graph)
            if t.subject != t.object  # c rdfs:subClassOf c: never kept, and it implies nothing
        }
        if not new:
            return added
        store.extend(new)
        added += len(new)


def inconsistencies(store: ox.Store, graph: ox.NamedNode | ox.DefaultGraph) -> Iterator[str]:
    """Each way the closure in `graph` breaks a `false` rule, in owlrl's words."""
    for rule in _FALSE:
        solutions = store.query(PREFIXES + rule.select, default_graph=graph)
        assert isinstance(solutions, ox.QuerySolutions)
        names = [v.value for v in solutions.variables]
        for row in solutions:
            values = {name: _text(row[name]) for name in names}
            yield rule.message.format(**values)


def _construct(
    store: ox.Store, query: str, graph: ox.NamedNode | ox.DefaultGraph
) -> Iterator[ox.Triple]:
    triples = store.query(query, default_graph=graph)
    assert isinstance(triples, ox.QueryTriples)
    yield from triples


def _text(term: object) -> str:
    return term.value if isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal) else str(term)
