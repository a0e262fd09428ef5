"""The permanent IRIs of natograph, in one place.

IRIs are chosen once and never change (see the IRI policy in README.md), so every module takes
them from here rather than spelling them out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Literal, overload

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

# Turtle 1.1 / SPARQL 1.1 character classes (PN_CHARS_BASE, PN_CHARS_U, PN_CHARS).
PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
PN_CHARS_U = PN_CHARS_BASE + "_"
PN_CHARS = PN_CHARS_U + "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
PN_LOCAL = re.compile(f"(?:[{PN_CHARS_U}:0-9](?:[{PN_CHARS}.:]*[{PN_CHARS}:])?)?")
"""PN_LOCAL without escapes and %-encoding: a local name that needs neither is written as is."""


@overload
def curie(
    iri: str, prefixes: Mapping[str, str] | None = None, *, otherwise: Literal["<>", "iri"] = "<>"
) -> str: ...
@overload
def curie(
    iri: str, prefixes: Mapping[str, str] | None = None, *, otherwise: Literal["none"]
) -> str | None: ...
def curie(
    iri: str, prefixes: Mapping[str, str] | None = None, *, otherwise: str = "<>"
) -> str | None:
    """`ngc:UKR` for an IRI in a known namespace, the longest namespace winning.

    The one rule every reader of names in natograph shares (tables, messages, pages, the ontology
    documentation, the Turtle formatter): the local part must be a PN_LOCAL that needs no
    escaping (it may be empty: `ng:` is the namespace itself), so the prefixed name means the
    same IRI in Turtle and SPARQL. Among namespaces of the same length the first in `prefixes`
    wins. Otherwise the IRI is returned as `<iri>` (`otherwise="<>"`), bare (`"iri"`) or not at
    all (`"none"`)."""
    known = PREFIXES if prefixes is None else prefixes
    best: tuple[str, str] | None = None
    for prefix, namespace in known.items():
        local = iri[len(namespace) :]
        longer = best is None or len(namespace) > len(known[best[0]])
        if longer and iri.startswith(namespace) and PN_LOCAL.fullmatch(local):
            best = (prefix, local)
    if best is not None:
        return f"{best[0]}:{best[1]}"
    return {"<>": f"<{iri}>", "iri": iri}.get(otherwise)
