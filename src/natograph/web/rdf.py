"""Negotiated RDF responses for small graphs (service description, VoID)."""

from __future__ import annotations

from fastapi import Request, Response
from rdflib import Graph

from natograph.negotiate import choose

RDF_TYPES = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
    "application/n-triples": "nt",
    "application/trig": "trig",
    "application/n-quads": "nquads",
}


def rdf_response(request: Request, graph: Graph, status: int = 200) -> Response:
    offered = list(RDF_TYPES)
    media_type = choose(request.headers.get("accept"), offered)
    if media_type is None:
        body = "No acceptable media type. Offered: " + ", ".join(offered) + "\n"
        return Response(body, status_code=406, media_type="text/plain; charset=utf-8")
    data = graph.serialize(format=RDF_TYPES[media_type], encoding="utf-8")
    return Response(
        data, status_code=status, media_type=media_type, headers={"Vary": "Accept, Accept-Encoding"}
    )
