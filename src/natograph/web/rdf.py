"""Negotiated RDF responses for the small graphs the server describes itself with.

Written by the same Oxigraph serialisers as CONSTRUCT results, so every RDF syntax the endpoint
offers works here too (rdflib cannot write a plain graph as N-Quads or TriG).
"""

from __future__ import annotations

from fastapi import Request, Response
from rdflib import Graph

from natograph.build.parse import from_rdflib
from natograph.publish.negotiate import choose
from natograph.query import formats

_TEXT_TYPES = ("text/", "application/sparql-results+xml", "application/rdf+xml")


def content_type(media_type: str) -> str:
    """The Content-Type header for a media type: text types say they are UTF-8."""
    return media_type + ("; charset=utf-8" if media_type.startswith(_TEXT_TYPES) else "")


def rdf_response(request: Request, graph: Graph, what: str = "this resource") -> Response:
    """The graph in the RDF syntax the Accept header prefers; 406 listing the offer otherwise."""
    offered = list(formats.GRAPH_TYPES)
    media_type = choose(request.headers.get("accept"), offered)
    if media_type is None:
        body = f"None of the accepted media types can carry {what}. Offered: {', '.join(offered)}\n"
        return Response(body, status_code=406, media_type="text/plain; charset=utf-8")
    prefixes = {prefix: str(ns) for prefix, ns in graph.namespaces()}
    data = formats.triples(from_rdflib(graph), media_type, prefixes)
    headers = {"Vary": "Accept, Accept-Encoding"}
    return Response(data, media_type=content_type(media_type), headers=headers)
