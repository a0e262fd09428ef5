"""The ontology header, alignments and modelling choices that tools and users rely on."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, Graph, URIRef
from rdflib.namespace import DCTERMS, FOAF, SKOS

from natograph.namespaces import NGO, ONTOLOGY_IRI, ORG, PROV, SCHEMA, VANN

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ONTOLOGY_IRI


@pytest.fixture(scope="module")
def onto() -> Graph:
    return Graph().parse(ROOT / "ontology" / "natograph.ttl")


@pytest.mark.parametrize(
    "prop",
    [
        DCTERMS.title,
        DCTERMS.description,
        DCTERMS.license,
        DCTERMS.creator,
        DCTERMS.created,
        DCTERMS.modified,
        OWL.versionIRI,
        OWL.versionInfo,
        VANN.preferredNamespacePrefix,
        VANN.preferredNamespaceUri,
    ],
)
def test_header_has_documentation_metadata(onto: Graph, prop: URIRef) -> None:
    assert onto.value(ONTOLOGY, prop) is not None


def test_namespace_metadata_matches_the_terms(onto: Graph) -> None:
    assert str(onto.value(ONTOLOGY, VANN.preferredNamespaceUri)) == str(NGO)
    assert str(onto.value(ONTOLOGY, VANN.preferredNamespacePrefix)) == "ngo"
    version = str(onto.value(ONTOLOGY, OWL.versionInfo))
    assert str(onto.value(ONTOLOGY, OWL.versionIRI)).endswith(version)


@pytest.mark.parametrize(
    ("term", "relation", "standard"),
    [
        (NGO.Membership, RDFS.subClassOf, ORG.Membership),
        (NGO.Organisation, RDFS.subClassOf, ORG.Organization),
        (NGO.Country, RDFS.subClassOf, SCHEMA.Country),
        (NGO.Document, RDFS.subClassOf, FOAF.Document),
        (NGO.Engagement, RDFS.subClassOf, PROV.Entity),
        (NGO.CoreTask, RDFS.subClassOf, SKOS.Concept),
        (NGO.member, RDFS.subPropertyOf, ORG.member),
        (NGO.organisation, RDFS.subPropertyOf, ORG.organization),
        (NGO.source, RDFS.subPropertyOf, PROV.wasDerivedFrom),
        (NGO.source, RDFS.subPropertyOf, DCTERMS.source),
        (NGO.startDate, RDFS.subPropertyOf, SCHEMA.startDate),
    ],
)
def test_standard_vocabularies_are_reused_by_alignment(
    onto: Graph, term: URIRef, relation: URIRef, standard: URIRef
) -> None:
    assert (term, relation, standard) in onto
    # Alignment, not copying: the standard term is not redefined here.
    assert onto.value(standard, SKOS.definition) is None


def test_every_term_has_labels_in_both_languages_and_a_definition(onto: Graph) -> None:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    terms = {t for k in kinds for t in onto.subjects(RDF.type, k) if str(t).startswith(str(NGO))}
    assert len(terms) > 80
    for term in terms:
        langs = {label.language for label in onto.objects(term, RDFS.label)}  # type: ignore[attr-defined]
        assert {"en", "fr"} <= langs, term
        assert onto.value(term, SKOS.definition) is not None, term


def test_engagement_kinds_are_disjoint(onto: Graph) -> None:
    groups = [
        set(onto.items(members))
        for g in onto.subjects(RDF.type, OWL.AllDisjointClasses)
        if (members := onto.value(g, OWL.members)) is not None
    ]
    kinds = {NGO.AllianceMembership, NGO.PartnershipMembership, NGO.Participation}
    assert any(kinds <= g for g in groups)
