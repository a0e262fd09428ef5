"""Dereferencing: every IRI under the base answers, for people (HTML) and machines (RDF).

Follows "Cool URIs for the Semantic Web" (W3C Note, 2008), 303 pattern: a request for a thing's
IRI is answered 303 See Other to a document about it, chosen by content negotiation, whose URL is
the thing's path plus an extension (natograph.publish.documents). Documents answer 200 with
`Link: rel="alternate"` headers naming the other formats, `Vary`, an ETag and CORS (middleware).

The router maps its own paths onto the base IRI (Settings.base_iri), so a server on localhost
returns triples about `https://w3id.org/natograph/...` IRIs, and links between pages stay on the
server that answered (they are relative).
"""

from __future__ import annotations

import hashlib
from typing import Protocol
from urllib.parse import parse_qsl

import pyoxigraph as ox
from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from natograph.namespaces import PREFIXES
from natograph.publish.documents import (
    BY_EXTENSION,
    BY_MEDIA_TYPE,
    FORMATS,
    HTML_RANGES,
    MEDIA_TYPE_ALIASES,
    OFFERED,
    DocumentFormat,
    split_document,
)
from natograph.publish.negotiate import choose, weighted
from natograph.query import formats
from natograph.web.caching import SizedLRU
from natograph.web.conditional import none_match
from natograph.web.i18n import LANGUAGES, negotiate_language
from natograph.web.iri_paths import BadPath, local_path
from natograph.web.kinds import Options, Resource
from natograph.web.rdf import content_type
from natograph.web.resolve import Resolver
from natograph.web.served import ServedGraph

_PLAIN = "text/plain; charset=utf-8"
MAX_PATH = 2048
OWL_EXTENSION = ".owl"
"""The ontology (and its versions) also answer as `ontology.owl`, the name ontology tools try;
it is RDF/XML, like `.rdf`, and not advertised for other resources."""


class Missing(Protocol):
    """What a path naming nothing gets: the closest known IRIs, and the 404 page."""

    def suggest(self, iri: str) -> list[str]:
        """The known IRIs closest to `iri`, best first."""
        ...

    def not_found_page(
        self, iri: str, path: str, suggestions: list[str], options: Options
    ) -> str: ...


def resources_router(
    served: ServedGraph, resolver: Resolver, missing: Missing, cache_bytes: int
) -> APIRouter:
    """The catch-all route for dereferencing; include it after every other router."""
    router = APIRouter()
    cache: SizedLRU[tuple[object, ...], bytes] = SizedLRU(cache_bytes, len)

    @router.api_route("/{_path:path}", methods=["GET"], include_in_schema=False)
    async def dereference(request: Request, _path: str) -> Response:
        try:
            path = local_path(request.scope.get("raw_path") or request.url.path.encode(), MAX_PATH)
        except BadPath as err:
            return Response(f"Bad request: {err}.\n", status_code=400, media_type=_PLAIN)
        except ValueError as err:
            return Response(f"{err}.\n", status_code=414, media_type=_PLAIN)
        options, problem = _options(request)
        if problem is not None:
            return Response(problem, status_code=400, media_type=_PLAIN)
        thing_path, fmt = split_document(path)
        owl = fmt is None and path.endswith(OWL_EXTENSION)
        if owl:  # the same document as .rdf (its links and ETag too)
            thing_path, fmt = path.removesuffix(OWL_EXTENSION), BY_EXTENSION[".rdf"]
            path = thing_path + fmt.extension
        resource = await run_in_threadpool(resolver.resolve, thing_path)
        if resource is not None and owl and not resource.handler.answers_owl:
            resource = None
        if resource is None:
            return await run_in_threadpool(_not_found, request, path, options)
        if fmt is None:
            if resource.handler.page_at_iri and _prefers_html(request):
                return await _document(request, resource, "", BY_EXTENSION[".html"], options)
            return _see_other(request, resource, thing_path)
        return await _document(request, resource, path, fmt, options)

    async def _document(
        request: Request, resource: Resource, path: str, fmt: DocumentFormat, options: Options
    ) -> Response:
        # JSON-LD names the context by this server's URL for it, so the host is part of the key.
        host = str(request.base_url) if fmt.extension == ".jsonld" else ""
        etag = _etag(served.version, host + path, options)
        headers = {
            "ETag": etag,
            "Vary": "Accept, Accept-Language" if fmt.extension == ".html" else "Accept",
            "Link": _links(path, resource, fmt),
            "Cache-Control": "public, max-age=3600",
        }
        if fmt.extension == ".html":
            headers["Content-Language"] = options.lang
        if none_match(request.headers.get("if-none-match"), etag):
            return Response(status_code=304, headers=headers)

        def make() -> bytes:
            if not fmt.rdf:
                return resource.handler.page(resource, path, options).encode("utf-8")
            context_url = str(request.base_url) + "context.jsonld"
            return _rdf(resource, fmt, options, context_url)

        key = (path, fmt.extension, options, host)
        body = await run_in_threadpool(cache.get_or_make, key, make)
        return Response(body, media_type=content_type(fmt.media_type), headers=headers)

    def _not_found(request: Request, path: str, options: Options) -> Response:
        thing_path, _ = split_document(path)
        iri = resolver.base + thing_path
        suggestions = missing.suggest(iri)
        headers = {"Vary": "Accept, Accept-Language", "Cache-Control": "no-cache"}
        if _prefers_html(request):
            body = missing.not_found_page(iri, path, suggestions, options)
            headers["Content-Language"] = options.lang
            return Response(
                body, status_code=404, media_type="text/html; charset=utf-8", headers=headers
            )
        lines = [f"Not found: natograph has no resource {iri}."]
        if suggestions:
            lines += ["Did you mean:", *(f"  {s}" for s in suggestions)]
        lines.append("Browse from the landing page (/) or ask the SPARQL endpoint (/sparql).")
        return Response(
            "\n".join(lines) + "\n", status_code=404, media_type=_PLAIN, headers=headers
        )

    return router


def _prefers_html(request: Request) -> bool:
    """Whether HTML is what the client wants most among everything a path can answer with."""
    return choose(request.headers.get("accept"), OFFERED) in ("text/html", "application/xhtml+xml")


def _options(request: Request) -> tuple[Options, str | None]:
    params = dict(parse_qsl(request.url.query, keep_blank_values=True))
    explicit = params.get("lang")
    if explicit is not None and explicit not in LANGUAGES:
        return (
            _default_options(),
            f"Unknown language {explicit!r}: use one of {', '.join(LANGUAGES)}.\n",
        )
    inferred = params.get("inferred", "true").lower()
    if inferred not in ("true", "false"):
        return _default_options(), f"inferred={inferred!r}: use inferred=true or inferred=false.\n"
    lang = explicit or negotiate_language(request.headers.get("accept-language"))
    return Options(lang, explicit is not None, inferred == "true"), None


def _default_options() -> Options:
    return Options(LANGUAGES[0], False, True)


def _names_html(accept: str | None) -> bool:
    return any(token in HTML_RANGES for token, _q in weighted(accept or ""))


def _see_other(request: Request, resource: Resource, thing_path: str) -> Response:
    """303 to the document the Accept header prefers (HTML for browsers and `*/*`)."""
    accept = request.headers.get("accept")
    chosen = choose(accept, resource.handler.offered(_names_html(accept)))
    if chosen is None:
        offered = ", ".join(f.media_type for f in FORMATS)
        return Response(
            f"None of the accepted media types describes {resource.iri}.\nOffered: {offered}\n",
            status_code=406,
            media_type=_PLAIN,
            headers={"Vary": "Accept", "Link": _links(thing_path, resource, None)},
        )
    fmt = BY_MEDIA_TYPE[MEDIA_TYPE_ALIASES.get(chosen, chosen)]
    name = resource.document_name(thing_path)
    location = name + fmt.extension + (f"?{request.url.query}" if request.url.query else "")
    return Response(
        f"See {location}: a {fmt.label} document about {resource.iri}\n",
        status_code=303,
        media_type=_PLAIN,
        headers={
            "Location": location,
            "Vary": "Accept",
            "Link": _links(thing_path, resource, None),
            "Cache-Control": "public, max-age=3600",
        },
    )


def _links(path: str, resource: Resource, current: DocumentFormat | None) -> str:
    """`Link` header: the thing (rel=describes, on documents) and every other representation."""
    thing_path, _ = split_document(path)
    name = resource.document_name(thing_path)
    links = [] if current is None else [f'<{resource.iri}>; rel="describes"']
    for fmt in FORMATS:
        if fmt is not current:
            rel = "alternate" if current is not None else "describedby"
            links.append(f'<{name}{fmt.extension}>; rel="{rel}"; type="{fmt.media_type}"')
    return ", ".join(links)


def _etag(version: str, path: str, options: Options) -> str:
    digest = hashlib.sha256(f"{version}|{path}|{options}".encode()).hexdigest()[:20]
    return f'"{digest}"'


def _rdf(resource: Resource, fmt: DocumentFormat, options: Options, context_url: str) -> bytes:
    handler = resource.handler
    description = handler.description(resource)
    if fmt.extension == ".trig":
        quads = handler.quads(resource, description, options.inferred)
        return ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=PREFIXES) or b""
    triples = handler.triples(resource, description, options.inferred)
    if fmt.extension == ".jsonld":
        return handler.site.jsonld(triples, context_url)
    return formats.triples(triples, fmt.media_type)
