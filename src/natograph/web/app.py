"""The ASGI application: routes, middleware (CORS, gzip) and lifecycle of the query workers."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from natograph import __version__
from natograph.charts import render as charts
from natograph.settings import Settings
from natograph.web import errors
from natograph.web.context import context_router
from natograph.web.downloads import ServedRelease, downloads_router
from natograph.web.jungle_page import jungle_router
from natograph.web.landscape_page import landscape_router
from natograph.web.linked_data import LinkedData
from natograph.web.methods import READ_ONLY, WITH_POST, MethodPolicy
from natograph.web.replay import Replay
from natograph.web.search_page import search_router
from natograph.web.served import ServedGraph, serve_graph
from natograph.web.sparql import sparql_router
from natograph.web.timeline_page import timeline_router
from natograph.web.ui import ui_router

log = logging.getLogger("natograph.web")


class NatographApp(FastAPI):
    """FastAPI, with repeated SPARQL GETs answered whole before any of its layers (web.replay):
    before FastAPI's and Starlette's own entry points, outside even the error middleware, so
    that a repeated look-up costs what the floor costs."""

    def __init__(self, *, replay_bytes: int, **options: Any) -> None:
        super().__init__(**options)
        self.replay: Replay | None = None
        self.replay_bytes = replay_bytes

    def build_middleware_stack(self) -> ASGIApp:
        self.replay = Replay(super().build_middleware_stack(), "/sparql", self.replay_bytes)
        return self.replay

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.replay is not None and await self.replay.replayed(scope, send):
            return
        await super().__call__(scope, receive, send)


def create_app(served: ServedGraph, settings: Settings) -> FastAPI:
    """An app over an already built graph; closing the app stops its query workers."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        charts.warm()  # the chart renderer's engine starts in the background, not on a reader
        yield
        served.close()

    app = NatographApp(
        replay_bytes=settings.result_cache_mb * 1_000_000,
        title="natograph",
        version=__version__,
        description="SPARQL endpoint and linked data for a knowledge graph of NATO's partnerships.",
        lifespan=lifespan,
        docs_url=None,  # the Swagger page would load its assets from a CDN; /openapi.json stays
        redoc_url=None,
    )
    # Level 6, not Starlette's 9: cached responses are compressed again on every request, and 9
    # costs about twice the time for a few per cent of size.
    errors.install(app)  # every NatographError a route lets through: its own status, no 500
    app.add_middleware(GZipMiddleware, minimum_size=1000, compresslevel=6)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=list(WITH_POST),
        allow_headers=["*"],
        expose_headers=[
            "ETag",
            "Last-Modified",
            "X-SPARQL-MaxRows",
            "X-SPARQL-Truncated",
            "Natograph-Knowledge-Ends",
            "Natograph-Note",
            "Retry-After",
            "Link",
            "Location",
            "Vary",
            "Content-Language",
        ],
        max_age=86400,
    )
    # Outermost: HEAD, OPTIONS (incl. CORS preflight) and 405 are decided before any route.
    app.add_middleware(
        MethodPolicy, allowed=lambda path: WITH_POST if path == "/sparql" else READ_ONLY
    )
    app.state.served = served
    app.include_router(sparql_router(served, settings))
    app.include_router(context_router(served))
    app.include_router(ui_router(served, settings))
    app.include_router(landscape_router(served, settings))
    app.include_router(search_router(served, settings))
    app.include_router(timeline_router(served, settings))
    app.include_router(jungle_router(served, settings))
    release = ServedRelease(served, settings)  # /dist/ and /.well-known/void; written lazily
    app.include_router(downloads_router(release))
    linked_data = LinkedData(served, settings, release)

    @app.get("/health", summary="Liveness and worker count")
    async def health() -> dict[str, object]:
        executor = served.executor
        return {
            "status": "ok",
            "version": served.version,
            "query_workers": executor.alive(),
            "lane_workers": executor.alive(lane=True),
            "network_isolated": executor.isolated(),
        }

    @app.exception_handler(Exception)
    async def unexpected(_request: Request, exc: Exception) -> Response:
        # A bug, not the client's fault; log the trace, never send it.
        log.exception("unhandled error", exc_info=exc)
        return Response(
            "Internal error; it has been logged.\n",
            status_code=500,
            media_type="text/plain; charset=utf-8",
        )

    # Last: every path no other route claims stands for an IRI under the base.
    app.include_router(linked_data.router())
    return app


def app_from_env() -> FastAPI:
    """Factory for `uvicorn --factory` (and multi-process serving): settings from NATOGRAPH_*."""
    settings = Settings()
    return create_app(serve_graph(settings), settings)
