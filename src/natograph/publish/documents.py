"""Which document describes which IRI: the URL scheme of dereferencing ("Cool URIs", 303 pattern).

A thing's IRI (`…/id/country/UKR`) names the country, not a web page, so a request for it is
answered 303 See Other to a document about it, named by appending an extension
(`…/id/country/UKR.html`, `.ttl`, `.jsonld`…). The same table drives the server, the w3id.org
redirect rules and the linked-data checker, so the three cannot drift apart.

No IRI of natograph ends in one of these extensions (see the IRI policy in README.md), so a path is
a document exactly when it ends in one.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DocumentFormat:
    extension: str
    media_type: str
    label: str
    rdf: bool


FORMATS: tuple[DocumentFormat, ...] = (
    DocumentFormat(".html", "text/html", "HTML", rdf=False),
    DocumentFormat(".ttl", "text/turtle", "Turtle", rdf=True),
    DocumentFormat(".jsonld", "application/ld+json", "JSON-LD", rdf=True),
    DocumentFormat(".nt", "application/n-triples", "N-Triples", rdf=True),
    DocumentFormat(".rdf", "application/rdf+xml", "RDF/XML", rdf=True),
    DocumentFormat(
        ".trig", "application/trig", "TriG (inferred triples in their own graph)", rdf=True
    ),
)
"""In the server's order of preference: HTML wins a tie (`*/*`, or no Accept at all)."""

BY_EXTENSION = {f.extension: f for f in FORMATS}
BY_MEDIA_TYPE = {f.media_type: f for f in FORMATS}
MEDIA_TYPE_ALIASES = {
    "application/xhtml+xml": "text/html",
    "application/x-turtle": "text/turtle",
    "application/json": "application/ld+json",
    "application/xml": "application/rdf+xml",
    "text/plain": "application/n-triples",
}
"""Types some clients send for one of ours; offered after the real ones."""

OFFERED: list[str] = [f.media_type for f in FORMATS] + list(MEDIA_TYPE_ALIASES)
"""Everything a thing's IRI can be negotiated to, in the server's order of preference."""

HTML_RANGES = ("text/html", "application/xhtml+xml", "text/*")
"""Media ranges by which a client names HTML. For the ontology's IRI, a client naming none of
them (any q) is an ontology tool, not a browser: it gets RDF/XML rather than the HTML page."""

_CHARTS = ("svg", "png", "vl.json")
VIEWS = (
    *("landscape", "landscape.csv", "landscape.json"),
    *("timeline", "timeline.csv", "timeline.json", *(f"timeline.{c}" for c in _CHARTS)),
    *("jungle", "jungle.csv", "jungle.json"),
    *(f"jungle-{chart}.{c}" for chart in ("overlaps", "growth") for c in _CHARTS),
    *("search", "search.json"),
)
"""The researcher's views (natograph.web.landscape_page, timeline_page, jungle_page,
search_page) with their downloads: pages of the server, reached through w3id.org like /query."""
SERVED_PATHS = (
    "sparql",
    "query",
    "static/",
    "dist/",
    "context.jsonld",
    ".well-known/",
    "health",
    "openapi.json",
    *VIEWS,
)
"""Local paths (relative to the server root) that are served as they are, never dereferenced."""


def split_document(path: str) -> tuple[str, DocumentFormat | None]:
    """`id/country/UKR.ttl` -> (`id/country/UKR`, Turtle); `id/country/UKR` -> (same, None)."""
    for fmt in FORMATS:
        if path.endswith(fmt.extension) and len(path) > len(fmt.extension):
            return path[: -len(fmt.extension)], fmt
    return path, None


def path_for_iri(iri: str, base: str) -> str | None:
    """The local path (no leading slash) of an IRI under `base`, or None for any other IRI."""
    return iri[len(base) :] if iri.startswith(base) else None


def document_path(path: str, fmt: DocumentFormat) -> str:
    return path + fmt.extension
