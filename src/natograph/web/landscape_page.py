"""`/landscape`: the partnership landscape on a date, for people (HTML) and programs (CSV, JSON).

The figures are natograph.query.landscape's, that is `queries/35-landscape-on-date.rq`'s, the
same as `natograph landscape` prints. The page works without JavaScript: the dates are a plain
form, the year steps plain links, and `&compare=` turns the page into a diff of two dates.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from natograph.query import landscape as view
from natograph.settings import Settings
from natograph.web import views as views_
from natograph.web.caching import SizedLRU
from natograph.web.pages import page_context, render
from natograph.web.served import ServedGraph

HEADERS = views_.HEADERS
_MEDIA = views_.MEDIA


def landscape_router(served: ServedGraph, settings: Settings) -> APIRouter:
    router = APIRouter()
    pages: SizedLRU[tuple[str, ...], bytes] = SizedLRU(8_000_000, len)

    def views(
        on: date, other: date | None, lang: str
    ) -> tuple[view.Landscape, list[view.Change] | None]:
        first = view.landscape(served.store, settings.queries_dir, on, lang)
        if other is None:
            return first, None
        return first, view.compare(
            first, view.landscape(served.store, settings.queries_dir, other, lang)
        )

    async def answer(request: Request, fmt: str) -> Response:
        on, other = views_.day(request, "date") or date.today(), views_.day(request, "compare")
        lang = views_.language(request)
        key = (fmt, on.isoformat(), other.isoformat() if other else "", lang)
        body = pages.get(key)
        if body is None:
            first, changes = await run_in_threadpool(views, on, other, lang)
            body = _body(fmt, first, other, changes, lang, served)
            pages.put(key, body)
        media = _MEDIA[fmt]
        headers = {**HEADERS, "Content-Language": lang} if fmt == "html" else dict(HEADERS)
        return Response(body, media_type=media, headers=headers)

    @router.get("/landscape", summary="The partnership landscape on a date (HTML)")
    async def page(request: Request) -> Response:
        return await answer(request, "html")

    @router.get("/landscape.csv", summary="The landscape (or its changes) as CSV")
    async def as_csv(request: Request) -> Response:
        return await answer(request, "csv")

    @router.get("/landscape.json", summary="The landscape (or its changes) as JSON")
    async def as_json(request: Request) -> Response:
        return await answer(request, "json")

    return router


def _body(
    fmt: str,
    first: view.Landscape,
    other: date | None,
    changes: list[view.Change] | None,
    lang: str,
    served: ServedGraph,
) -> bytes:
    rows = [c.row() for c in changes] if changes is not None else first.rows()
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=1).encode()
    if fmt == "csv":
        return views_.csv_bytes(rows)
    return _html(first, other, changes, lang, served).encode()


def _html(
    first: view.Landscape,
    other: date | None,
    changes: list[view.Change] | None,
    lang: str,
    served: ServedGraph,
) -> str:
    on = first.on
    params = {"date": on.isoformat(), **({"compare": other.isoformat()} if other else {})}
    context: dict[str, Any] = page_context("landscape", lang, query={**params})
    latest = max(on, other or on)
    note = served.coverage.note(latest) if served.coverage is not None else None

    def link(**changed: str) -> str:
        return "landscape?" + urlencode({**params, **changed, "lang": lang})

    def step(years: int) -> str | None:
        moved = views_.years_from(on, years)
        return link(date=moved.isoformat()) if moved else None

    context.update(
        view=first,
        other=other,
        changes=changes,
        statuses=view.STATUSES,
        note=note,
        earlier=step(-1),
        later=step(1),
        downloads={
            "CSV": "landscape.csv?" + urlencode(params),
            "JSON": "landscape.json?" + urlencode(params),
        },
        query_name=view.QUERY,
        kind_key=lambda kind: f"kind_{kind}",
        total=sum(len(s.engagements) for s in first.structures),
    )
    return render("landscape.html", context)
