"""The published JSON-LD context, at `/context.jsonld` (publicly `<base IRI>context.jsonld`).

Every JSON-LD document natograph writes names this URL instead of carrying its context inline,
so JSON-LD processors fetch it, often cross-origin and often: it is computed once (the served
graph does not change while it runs) and answered with an ETag so that a processor's cached copy
is revalidated for the price of a 304. Finding every property's use reads every triple (seconds
at 10^6), so it is computed in the background from start-up on, not before the server is ready;
a request arriving first waits for that one computation.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from natograph.publish.jsonld import CONTEXT_PATH, context, to_bytes
from natograph.store import GraphStore
from natograph.web.conditional import none_match
from natograph.web.served import ServedGraph

MEDIA_TYPE = "application/ld+json"
CACHE_CONTROL = "public, max-age=3600"
"""An hour: the URL is not versioned, and a processor holding a stale context after an ontology
change would silently drop the new keys."""


@dataclass(frozen=True)
class PublishedContext:
    document: dict[str, Any]
    body: bytes
    etag: str

    @classmethod
    def of(cls, store: GraphStore) -> PublishedContext:
        document = context(store)
        body = to_bytes(document)
        # Weak: the gzip middleware sends other bytes for the same representation.
        etag = 'W/"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        return cls(document, body, etag)


def published_context(served: ServedGraph) -> PublishedContext:
    """The context of `served`, computed once for the route and every JSON-LD document."""
    return served.computed.get("context", lambda: PublishedContext.of(served.store))


def context_router(served: ServedGraph) -> APIRouter:
    """GET `/context.jsonld` over the context of `served`'s store (HEAD: web.methods)."""
    threading.Thread(
        target=published_context, args=(served,), name="natograph-context", daemon=True
    ).start()
    router = APIRouter()

    async def get(request: Request) -> Response:
        return _answer(request, await run_in_threadpool(published_context, served))

    path = "/" + CONTEXT_PATH
    summary = "The JSON-LD context that natograph's JSON-LD documents refer to"
    router.add_api_route(path, get, methods=["GET"], summary=summary, response_class=Response)
    return router


def _answer(request: Request, published: PublishedContext) -> Response:
    headers = {"ETag": published.etag, "Cache-Control": CACHE_CONTROL}
    if none_match(request.headers.get("if-none-match"), published.etag):
        return Response(status_code=304, headers=headers)
    return Response(published.body, media_type=MEDIA_TYPE, headers=headers)
