"""Checks on how resources are defined across files, which neither Turtle nor SHACL can see.

An editor who types one IRI twice with classes the ontology declares disjoint, or who misspells
an ontology term, should hear about it with both places named, before the reasoner's blunter
"inconsistent" verdict.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, Graph, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from natograph.build.diagnostics import Problem, Severity
from natograph.build.parse import ParsedFile, rdflib_term
from natograph.build.validate import qname
from natograph.namespaces import NGO

_TYPE = ox.NamedNode(str(RDF.type))


def conflicting_types(files: Iterable[ParsedFile], ontology: Graph) -> list[Problem]:
    """An IRI typed, in one file or several, with two classes declared disjoint.

    Walks Oxigraph's triples as parsed (no rdflib graph of the data: this runs on every build,
    at any size); only subjects typed more than once are looked at closely."""
    supers = _superclasses(ontology)
    disjoint = _disjoint_pairs(ontology)
    typed: dict[ox.NamedNode | ox.BlankNode | ox.Triple, list[tuple[str, ParsedFile]]]
    typed = defaultdict(list)
    for parsed in files:
        for t in parsed.quads:
            if t.predicate == _TYPE and isinstance(t.object, ox.NamedNode):
                entry = (t.object.value, parsed)
                if entry not in typed[t.subject]:
                    typed[t.subject].append(entry)
    problems = []
    for subject, entries in typed.items():
        if len(entries) < 2:
            continue
        named = [(URIRef(cls), parsed) for cls, parsed in entries]
        clash = _first_clash(named, supers, disjoint)  # type: ignore[arg-type]
        if clash is not None:
            problems.append(_clash_problem(rdflib_term(subject), *clash))
    return problems


def _first_clash(
    entries: list[tuple[Node, ParsedFile]],
    supers: dict[Node, set[Node]],
    disjoint: set[frozenset[Node]],
) -> tuple[tuple[Node, ParsedFile], tuple[Node, ParsedFile], tuple[Node, Node]] | None:
    for i, (t1, f1) in enumerate(entries):
        for t2, f2 in entries[i + 1 :]:
            for a in supers.get(t1, {t1}):
                for b in supers.get(t2, {t2}):
                    if frozenset((a, b)) in disjoint:
                        return (t1, f1), (t2, f2), (a, b)
    return None


def _clash_problem(
    subject: Node,
    first: tuple[Node, ParsedFile],
    second: tuple[Node, ParsedFile],
    why: tuple[Node, Node],
) -> Problem:
    (t1, f1), (t2, f2) = first, second
    line2 = f2.subject_lines.get(str(subject))
    where2 = f2.name + (f":{line2}" if line2 else "")
    because = "" if (t1, t2) == why else f" (via {qname(why[0])} and {qname(why[1])})"
    return Problem(
        "definitions",
        f"{qname(subject)} is typed {qname(t1)} and {qname(t2)}, "
        f"which the ontology declares disjoint{because}; the other type is in {where2}",
        file=f1.name,
        line=f1.subject_lines.get(str(subject)),
        focus=qname(subject),
        hint="one IRI names one thing: give the second resource its own IRI, or drop a type",
    )


def unknown_terms(files: Iterable[ParsedFile], ontology: Graph) -> list[Problem]:
    """Classes and properties in the ngo: namespace that the ontology does not define."""
    namespace = str(NGO)
    known = {str(s) for s in ontology.subjects() if isinstance(s, URIRef)}
    names = sorted(k[len(namespace) :] for k in known if k.startswith(namespace))
    problems = []
    for parsed in files:
        seen: set[str] = set()
        for t in parsed.quads:
            terms = (t.predicate, t.object) if t.predicate == _TYPE else (t.predicate,)
            for term in terms:
                if not isinstance(term, ox.NamedNode):
                    continue
                iri = term.value
                if iri.startswith(namespace) and iri not in known and iri not in seen:
                    seen.add(iri)
                    subject = rdflib_term(t.subject)
                    problems.append(_unknown_problem(URIRef(iri), subject, parsed, names))
    return problems


def _unknown_problem(term: URIRef, subject: Node, parsed: ParsedFile, names: list[str]) -> Problem:
    local = str(term)[len(NGO) :]
    close = difflib.get_close_matches(local, names, n=1)
    hint = f"did you mean ngo:{close[0]}?" if close else "define it in ontology/ first"
    return Problem(
        "definitions",
        f"{qname(term)} is not defined in the ontology",
        file=parsed.name,
        line=parsed.subject_lines.get(str(subject)),
        focus=qname(subject),
        hint=hint,
    )


def duplicate_definitions(files: Iterable[ParsedFile]) -> list[Problem]:
    """The same subject block written in two files: legal RDF, but a merge waiting to go wrong."""
    first_seen: dict[str, tuple[ParsedFile, int]] = {}
    problems = []
    for parsed in files:
        for iri, line in parsed.subject_lines.items():
            if iri in first_seen and first_seen[iri][0] is not parsed:
                other, other_line = first_seen[iri]
                problems.append(
                    Problem(
                        "definitions",
                        f"{qname(URIRef(iri))} is also described in {other.name}:{other_line}",
                        severity=Severity.WARNING,
                        file=parsed.name,
                        line=line,
                        focus=qname(URIRef(iri)),
                        hint="keep each resource's description in one file",
                    )
                )
            first_seen.setdefault(iri, (parsed, line))
    return problems


def _superclasses(ontology: Graph) -> dict[Node, set[Node]]:
    result: dict[Node, set[Node]] = {}
    classes = {*ontology.subjects(RDFS.subClassOf), *ontology.objects(None, RDFS.subClassOf)}
    for cls in classes:
        result[cls] = {
            c for c in ontology.transitive_objects(cls, RDFS.subClassOf) if c is not None
        }
    return result


def _disjoint_pairs(ontology: Graph) -> set[frozenset[Node]]:
    pairs = {frozenset((a, b)) for a, b in ontology.subject_objects(OWL.disjointWith)}
    for group in ontology.subjects(RDF.type, OWL.AllDisjointClasses):
        head = ontology.value(group, OWL.members)
        if head is None:
            continue
        members = list(Collection(ontology, head))
        pairs |= {frozenset((a, b)) for a in members for b in members if a != b}
    return pairs
