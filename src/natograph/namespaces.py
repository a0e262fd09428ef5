"""The permanent IRIs of natograph, in one place.

IRIs are chosen once and never change (see the IRI policy in README.md), so every module takes
them from here rather than spelling them out.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef

BASE = "https://w3id.org/natograph/"

NGO = Namespace(BASE + "ontology/")
"""Ontology terms (classes, properties, controlled values)."""
ONTOLOGY_IRI = URIRef(BASE + "ontology")

NG = Namespace(BASE + "id/")
"""Instances with a lower-case slug: organisations, structures, initiatives, events, documents."""
NGC = Namespace(BASE + "id/country/")
"""Countries, keyed by ISO 3166-1 alpha-3 so a change of name never changes the IRI."""
NGM = Namespace(BASE + "id/membership/")
"""Reified engagements: memberships, participations, organisational partnerships."""
NGS = Namespace(BASE + "id/source/")
"""Sources, keyed by the fact sheet's source key."""
NGCL = Namespace(BASE + "id/claim/")
"""Claims attributed to one source."""
NGK = Namespace(BASE + "id/concept/")
"""SKOS concept schemes and concepts."""
NGSH = Namespace(BASE + "shapes/")
"""SHACL shapes."""

GRAPH = Namespace(BASE + "graph/")
GRAPH_ONTOLOGY = GRAPH.ontology
GRAPH_DATA = GRAPH.data
GRAPH_INFERRED = GRAPH.inferred
GRAPH_SHAPES = GRAPH.shapes

ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
TIME = Namespace("http://www.w3.org/2006/time#")
SCHEMA = Namespace("https://schema.org/")
VANN = Namespace("http://purl.org/vocab/vann/")
WD = Namespace("http://www.wikidata.org/entity/")

PREFIXES: dict[str, str] = {
    "ngo": str(NGO),
    "ng": str(NG),
    "ngc": str(NGC),
    "ngm": str(NGM),
    "ngs": str(NGS),
    "ngcl": str(NGCL),
    "ngk": str(NGK),
    "ngsh": str(NGSH),
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "sh": "http://www.w3.org/ns/shacl#",
    "org": str(ORG),
    "prov": str(PROV),
    "time": str(TIME),
    "schema": str(SCHEMA),
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vann": str(VANN),
    "wd": str(WD),
}
"""Prefixes known to every query run through natograph, and offered to editors."""


def sparql_prologue() -> str:
    """PREFIX lines for all known prefixes, so queries may use them without declaring them."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
