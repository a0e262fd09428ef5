"""From the ontology graph (rdflib) to the documentation model.

Only what the ontology asserts is documented (its own named graph, not the inferred one), with
one exception that a reader expects: a class defined as `B and ...` is shown under B, since the
definition entails it. Terms of the ontology's namespace are documented; terms of other
vocabularies are named by CURIE and linked to their IRI.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DC, DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from natograph.namespaces import BASE, NGO, PREFIXES, SCHEMA, VANN, curie
from natograph.ontodoc.manchester import ExpressionWriter, joined
from natograph.ontodoc.model import (
    FALLBACK_LANGUAGE,
    ClassDoc,
    Header,
    IndividualDoc,
    Multilingual,
    Note,
    OntologyDoc,
    PropertyDoc,
    PropertyKind,
    TermRef,
    Value,
    Vocabulary,
)
from natograph.publish.documents import path_for_iri

BUILT_IN = (str(RDF), str(RDFS), str(OWL), str(XSD))
"""Namespaces of the modelling language itself, not vocabularies the ontology reuses."""
RESERVED_IDS = frozenset({"main"})
"""Ids base.html uses; the page's own ids all start with `onto-`. No term anchor takes one."""

_LABELS = (RDFS.label, SKOS.prefLabel, DCTERMS.title)
_DEFINITIONS = (SKOS.definition, DCTERMS.description)
_NOTES = (
    (RDFS.comment, "onto_comment"),
    (SKOS.scopeNote, "onto_scope_note"),
    (SKOS.example, "onto_example"),
    (SKOS.note, "onto_note"),
    (SKOS.historyNote, "onto_history_note"),
    (SKOS.editorialNote, "onto_editorial_note"),
)
_CHARACTERISTICS = (
    (OWL.FunctionalProperty, "onto_functional"),
    (OWL.InverseFunctionalProperty, "onto_inverse_functional"),
    (OWL.TransitiveProperty, "onto_transitive"),
    (OWL.SymmetricProperty, "onto_symmetric"),
    (OWL.AsymmetricProperty, "onto_asymmetric"),
    (OWL.ReflexiveProperty, "onto_reflexive"),
    (OWL.IrreflexiveProperty, "onto_irreflexive"),
)
_OBJECT_ONLY = tuple(t for t, _ in _CHARACTERISTICS if t != OWL.FunctionalProperty)
"""Characteristics only object properties can have: typing a property with one makes it one."""
_AXIOMS = (
    RDFS.subClassOf,
    RDFS.subPropertyOf,
    RDFS.domain,
    RDFS.range,
    OWL.equivalentClass,
    OWL.equivalentProperty,
    OWL.disjointWith,
    OWL.propertyDisjointWith,
    OWL.inverseOf,
    OWL.onProperty,
    OWL.someValuesFrom,
    OWL.allValuesFrom,
    OWL.hasValue,
    OWL.onClass,
    OWL.onDataRange,
    OWL.onDatatype,
    OWL.complementOf,
)
"""Predicates whose subjects and objects are terms (unlike a licence or see-also link)."""
_AXIOM_LISTS = (OWL.intersectionOf, OWL.unionOf, OWL.oneOf, OWL.members, OWL.propertyChainAxiom)


def build(graph: Graph, *, base: str = BASE) -> OntologyDoc:
    """The model of the owl:Ontology described in `graph` (the first by IRI if several).

    `base` is the IRI prefix this server dereferences: IRIs under it link to their local path.
    """
    return _Builder(graph, base).build()


def web_link(iri: str) -> str | None:
    """The IRI as an href only when it is a web address: an IRI such as `javascript:…` in the
    ontology must not become a link a reader can click."""
    return iri if iri.lower().startswith(("http://", "https://")) else None


def _unique(nodes: Iterable[Node]) -> list[Node]:
    """Distinct nodes in a stable order: IRIs sorted, then blank nodes and literals."""
    return sorted(set(nodes), key=lambda n: (not isinstance(n, URIRef), str(n)))


class _Builder:
    def __init__(self, graph: Graph, base: str) -> None:
        self.g = graph
        self.base = base
        found = sorted(s for s in graph.subjects(RDF.type, OWL.Ontology) if isinstance(s, URIRef))
        if not found:
            raise ValueError("the graph declares no owl:Ontology with an IRI")
        self.ontology = found[0]
        declared = graph.value(self.ontology, VANN.preferredNamespaceUri)
        self.namespace = str(declared) if declared is not None else str(NGO)
        self.prefixes = sorted(PREFIXES.items(), key=lambda item: -len(item[1]))
        self.writer = ExpressionWriter(graph, self.ref)
        self.anchors: dict[str, str] = {}
        """Term IRI -> the id that links to the term go to."""
        self._ids: set[str] = set(RESERVED_IDS)
        self._sections: set[str] = set()
        self._refs: dict[str, TermRef] = {}

    # -- which terms, of which kind

    def _own(self, node: Node) -> bool:
        text = str(node)
        return (
            isinstance(node, URIRef) and text.startswith(self.namespace) and text != self.namespace
        )

    def _local(self, iri: str) -> str:
        return iri[len(self.namespace) :]

    def _typed(self, *types: URIRef) -> set[URIRef]:
        return {
            s
            for t in types
            for s in self.g.subjects(RDF.type, t)
            if isinstance(s, URIRef) and self._own(s)
        }

    def _property_kinds(self) -> dict[URIRef, PropertyKind]:
        datatype = self._typed(OWL.DatatypeProperty)
        annotation = self._typed(OWL.AnnotationProperty) - datatype
        object_ = self._typed(OWL.ObjectProperty, *_OBJECT_ONLY) - datatype - annotation
        other = self._typed(RDF.Property, OWL.FunctionalProperty) - datatype - annotation - object_
        kinds: dict[URIRef, PropertyKind] = {}
        groups: tuple[tuple[PropertyKind, set[URIRef]], ...] = (
            ("object", object_),
            ("datatype", datatype),
            ("annotation", annotation),
            ("other", other),
        )
        for kind, members in groups:
            kinds.update(dict.fromkeys(sorted(members), kind))
        return kinds

    def _individuals(self, known: set[URIRef]) -> list[URIRef]:
        typed = {s for s in self.g.subjects(RDF.type, None) if isinstance(s, URIRef)}
        found = []
        for node in sorted(typed):
            if not self._own(node) or node in known:
                continue
            types = set(self.g.objects(node, RDF.type))
            if OWL.NamedIndividual in types or any(not str(t).startswith(BUILT_IN) for t in types):
                found.append(node)
        return found

    def build(self) -> OntologyDoc:
        classes = sorted(self._typed(OWL.Class, RDFS.Class))
        kinds = self._property_kinds()
        individuals = self._individuals({*classes, *kinds})
        for iri in [*classes, *kinds, *individuals]:  # first come, first anchored
            if str(iri) not in self.anchors:
                self.anchors[str(iri)] = self._unique_id(self._local(iri))
        properties = [self._property(p, kind) for p, kind in kinds.items()]
        domain_of: dict[str, list[TermRef]] = defaultdict(list)
        range_of: dict[str, list[TermRef]] = defaultdict(list)
        for prop in properties:
            node = URIRef(prop.ref.iri)
            for domain in self.g.objects(node, RDFS.domain):
                for target in self._named_operands(domain):
                    domain_of[target].append(prop.ref)
            for range_ in self.g.objects(node, RDFS.range):
                for target in self._named_operands(range_):
                    range_of[target].append(prop.ref)
        parents = {str(c): self._named_parents(c) for c in classes}
        return OntologyDoc(
            header=self._header(),
            namespace=self.namespace,
            classes=[
                self._class(c, parents, individuals, domain_of[str(c)], range_of[str(c)])
                for c in classes
            ],
            object_properties=[p for p in properties if p.kind == "object"],
            datatype_properties=[p for p in properties if p.kind == "datatype"],
            annotation_properties=[p for p in properties if p.kind == "annotation"],
            other_properties=[p for p in properties if p.kind == "other"],
            individuals=[self._individual(i) for i in individuals],
            vocabularies=self._vocabularies(),
            parents=parents,
        )

    # -- anchors, references and literals

    def _unique_id(self, local: str) -> str:
        anchor, n = local, 1
        while anchor in self._ids or anchor.startswith("onto-"):
            n += 1
            anchor = f"term-{local}-{n}"
        self._ids.add(anchor)
        return anchor

    def _anchor(self, iri: URIRef) -> str:
        """The id of a term's section: its first section takes the anchor that links go to."""
        if str(iri) not in self._sections:
            self._sections.add(str(iri))
            return self.anchors[str(iri)]
        return self._unique_id(self._local(iri))

    def ref(self, node: URIRef) -> TermRef:
        iri = str(node)
        if iri not in self._refs:
            self._refs[iri] = TermRef(
                iri=iri,
                short=self._local(iri) if self._own(node) else self._curie(iri),
                labels=self._texts(node, _LABELS),
                anchor=self.anchors.get(iri),
                path=path_for_iri(iri, self.base),
                href=web_link(iri),
            )
        return self._refs[iri]

    def _curie(self, iri: str) -> str:
        return curie(iri)

    def _texts(self, node: Node, predicates: Iterable[URIRef]) -> Multilingual:
        """The literal values by language; for each language the first predicate giving one wins
        (rdfs:label before skos:prefLabel, ...)."""
        values: dict[str, tuple[str, ...]] = {}
        for predicate in predicates:
            found: dict[str, list[str]] = defaultdict(list)
            for value in self.g.objects(node, predicate):
                if isinstance(value, Literal):
                    found[value.language or ""].append(str(value))
            for tag, texts in found.items():
                values.setdefault(tag, tuple(sorted(texts)))
        return Multilingual(values)

    def _value(self, node: Node) -> Value:
        if isinstance(node, Literal):
            return Value(str(node), node.language)
        names = self._texts(node, (*_LABELS, FOAF.name, SCHEMA.name)).pick(FALLBACK_LANGUAGE)
        if isinstance(node, URIRef):
            iri = str(node)
            text = names.value if names else iri
            return Value(
                text, names.lang if names else None, path_for_iri(iri, self.base), web_link(iri)
            )
        return Value(names.value, names.lang) if names else Value("…")

    def _values(self, subject: Node, *predicates: URIRef) -> list[Value]:
        seen: dict[Value, None] = {}
        for predicate in predicates:
            for node in _unique(self.g.objects(subject, predicate)):
                seen.setdefault(self._value(node), None)
        return list(seen)

    def _named(self, nodes: Iterable[Node], but: URIRef) -> list[TermRef]:
        return [self.ref(n) for n in _unique(nodes) if isinstance(n, URIRef) and n != but]

    def _common(self, node: URIRef) -> dict[str, Any]:
        notes = [Note(key, texts) for p, key in _NOTES if (texts := self._texts(node, (p,)))]
        deprecated = self.g.value(node, OWL.deprecated)
        return {
            "ref": self.ref(node),
            "anchor": self._anchor(node),
            "definitions": self._texts(node, _DEFINITIONS),
            "alt_labels": self._texts(node, (SKOS.altLabel,)),
            "notes": notes,
            "see_also": self._values(node, RDFS.seeAlso, RDFS.isDefinedBy),
            "deprecated": isinstance(deprecated, Literal) and deprecated.toPython() is True,
        }

    # -- classes, properties, individuals

    def _named_operands(self, node: Node) -> set[str]:
        """The classes a domain or range names: itself, or each named member of a union."""
        if isinstance(node, URIRef):
            return {str(node)}
        members = self.writer.rdf_list(node, OWL.unionOf) or []
        return {str(m) for m in members if isinstance(m, URIRef)}

    def _implied_parents(self, cls: URIRef) -> list[URIRef]:
        """Named conjuncts of the class's equivalent intersections."""
        found: list[URIRef] = []
        for equivalent in self.g.objects(cls, OWL.equivalentClass):
            if isinstance(equivalent, BNode):
                members = self.writer.rdf_list(equivalent, OWL.intersectionOf) or []
                found += [m for m in members if isinstance(m, URIRef)]
        return found

    def _named_parents(self, cls: URIRef) -> list[str]:
        found = [p for p in self.g.objects(cls, RDFS.subClassOf) if self._own(p)]
        found += [p for p in self._implied_parents(cls) if self._own(p)]
        return sorted({str(p) for p in found if p != cls})

    def _class(
        self,
        cls: URIRef,
        parents: dict[str, list[str]],
        individuals: list[URIRef],
        domain_of: list[TermRef],
        range_of: list[TermRef],
    ) -> ClassDoc:
        g, iri, expression = self.g, str(cls), self.writer.expression
        equivalents = {*g.objects(cls, OWL.equivalentClass), *g.subjects(OWL.equivalentClass, cls)}
        disjoints = {*g.objects(cls, OWL.disjointWith), *g.subjects(OWL.disjointWith, cls)}
        for group in g.subjects(RDF.type, OWL.AllDisjointClasses):
            members = self.writer.rdf_list(group, OWL.members) or []
            if cls in members:
                disjoints.update(members)
        for whole in g.subjects(OWL.disjointUnionOf, None):
            members = self.writer.rdf_list(whole, OWL.disjointUnionOf) or []
            if cls in members:
                disjoints.update(members)
        subclasses = {s for s in g.subjects(RDFS.subClassOf, cls) if isinstance(s, URIRef)}
        subclasses |= {URIRef(c) for c, ps in parents.items() if iri in ps}
        implied = [c for c in self._implied_parents(cls) if (cls, RDFS.subClassOf, c) not in g]
        return ClassDoc(
            **self._common(cls),
            superclasses=[expression(s) for s in _unique(g.objects(cls, RDFS.subClassOf))],
            implied_superclasses=self._named(implied, cls),
            subclasses=self._named(subclasses, cls),
            equivalents=[expression(e) for e in _unique(equivalents - {cls})],
            disjoints=[expression(d) for d in _unique(disjoints - {cls})],
            in_domain_of=domain_of,
            in_range_of=range_of,
            instances=[self.ref(i) for i in individuals if (i, RDF.type, cls) in g],
        )

    def _property(self, prop: URIRef, kind: PropertyKind) -> PropertyDoc:
        g, expression = self.g, self.writer.expression
        types = set(g.objects(prop, RDF.type))

        def both_ways(predicate: URIRef) -> list[TermRef]:
            return self._named([*g.objects(prop, predicate), *g.subjects(predicate, prop)], prop)

        chains = [
            joined([expression(step) for step in self.writer.members(chain)], "o")
            for chain in _unique(g.objects(prop, OWL.propertyChainAxiom))
        ]
        return PropertyDoc(
            **self._common(prop),
            kind=kind,
            characteristics=[key for t, key in _CHARACTERISTICS if t in types],
            superproperties=self._named(g.objects(prop, RDFS.subPropertyOf), prop),
            subproperties=self._named(g.subjects(RDFS.subPropertyOf, prop), prop),
            domains=[expression(d) for d in _unique(g.objects(prop, RDFS.domain))],
            ranges=[expression(r) for r in _unique(g.objects(prop, RDFS.range))],
            inverses=both_ways(OWL.inverseOf),
            equivalents=both_ways(OWL.equivalentProperty),
            disjoints=both_ways(OWL.propertyDisjointWith),
            chains=chains,
        )

    def _individual(self, node: URIRef) -> IndividualDoc:
        types = [t for t in self.g.objects(node, RDF.type) if t != OWL.NamedIndividual]
        expressions = [self.writer.expression(t) for t in _unique(types)]
        return IndividualDoc(**self._common(node), types=expressions)

    # -- the ontology as a whole

    def _header(self) -> Header:
        o, values = self.ontology, self._values
        prefix = self.g.value(o, VANN.preferredNamespacePrefix)
        namespace = self.g.value(o, VANN.preferredNamespaceUri)
        return Header(
            iri=str(o),
            path=path_for_iri(str(o), self.base),
            titles=self._texts(o, (DCTERMS.title, DC.title, RDFS.label)),
            descriptions=self._texts(o, (DCTERMS.description, DC.description, RDFS.comment)),
            version_info=values(o, OWL.versionInfo),
            version_iri=values(o, OWL.versionIRI),
            prior_versions=values(o, OWL.priorVersion),
            licences=values(o, DCTERMS.license, DCTERMS.rights, DC.rights),
            creators=values(o, DCTERMS.creator, DC.creator, SCHEMA.creator),
            contributors=values(o, DCTERMS.contributor, DC.contributor, SCHEMA.contributor),
            publishers=values(o, DCTERMS.publisher, DC.publisher, SCHEMA.publisher),
            created=values(o, DCTERMS.created),
            modified=values(o, DCTERMS.modified),
            issued=values(o, DCTERMS.issued, DC.date),
            preferred_prefix=str(prefix) if prefix is not None else None,
            preferred_namespace=str(namespace) if namespace is not None else None,
            imports=values(o, OWL.imports),
            see_also=values(o, RDFS.seeAlso),
        )

    def _vocabularies(self) -> list[Vocabulary]:
        """External terms the ontology declares, types with, or uses in axioms, by namespace."""
        g = self.g
        used: set[Node] = set(g.predicates())
        for predicate in (RDF.type, *_AXIOMS):
            for s, o in g.subject_objects(predicate):
                used.update((s, o))
        for predicate in _AXIOM_LISTS:
            for s in g.subjects(predicate, None):
                used.update(self.writer.rdf_list(s, predicate) or [])
        groups: dict[tuple[str | None, str], list[TermRef]] = defaultdict(list)
        for node in sorted(n for n in used if isinstance(n, URIRef)):
            iri = str(node)
            if iri.startswith(BUILT_IN) or self._own(node) or node == self.ontology:
                continue
            groups[self._namespace(iri)].append(self.ref(node))
        ordered = sorted(groups.items(), key=lambda item: (item[0][0] or "~", item[0][1]))
        return [Vocabulary(prefix, ns, terms) for (prefix, ns), terms in ordered]

    def _namespace(self, iri: str) -> tuple[str | None, str]:
        for prefix, namespace in self.prefixes:
            if iri.startswith(namespace):
                return prefix, namespace
        cut = max(iri.rfind("#"), iri.rfind("/"))
        return None, iri[: cut + 1]
