"""`/jungle`: the coherence map of the partnership toolbox on a date (issue 11, point 3).

Partners by structures as a matrix (each cell a symbol and a word, so it reads without colour),
each partner's number of engagements, the partners each two structures share, and how the number
of structures and of overlapping pairs grew since 1991. The figures are natograph.query.jungle's,
from the tracks of `queries/36-timelines.rq` (cached per graph and language, shared with
/timeline); the overlaps are those of `queries/37-structure-overlaps-on-date.rq`.

Downloads: `/jungle.csv?date=&table=matrix|overlaps|growth`, `/jungle.json?date=` (all three),
and the two charts as `/jungle-overlaps.{svg,png,vl.json}?date=` and `/jungle-growth.{...}`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from natograph.charts import specs
from natograph.charts.render import Spec
from natograph.query import jungle
from natograph.query.timeline import year_ends
from natograph.settings import Settings
from natograph.web import views as views_
from natograph.web.caching import SizedLRU
from natograph.web.charts import MEDIA as CHART_MEDIA
from natograph.web.charts import Charts
from natograph.web.errors import ProtocolError
from natograph.web.i18n import translator
from natograph.web.pages import page_context, render
from natograph.web.served import ServedGraph
from natograph.web.timeline_page import TOOLBOX_FROM, Timelines

HEADERS = views_.HEADERS
_MEDIA = views_.MEDIA
TABLES = ("matrix", "overlaps", "growth")
SYMBOLS = {"active": "●", "suspended": "◐", "uncertain": "?"}
"""What a matrix cell prints for each standing, beside its word for screen readers."""


@dataclass(frozen=True)
class View:
    map: jungle.Jungle
    growth: list[dict[str, object]]

    def tables(self) -> dict[str, list[dict[str, object]]]:
        overlaps = [
            {
                "date": self.map.on.isoformat(),
                "a": o.a.iri,
                "aLabel": o.a.label,
                "b": o.b.iri,
                "bLabel": o.b.label,
                "shared": o.shared,
            }
            for o in self.map.overlaps()
        ]
        return {"matrix": self.map.matrix_rows(), "overlaps": overlaps, "growth": self.growth}


def jungle_router(served: ServedGraph, settings: Settings) -> APIRouter:
    router = APIRouter()
    timelines = Timelines(served, settings)
    charts = Charts()
    pages: SizedLRU[tuple[str, ...], bytes] = SizedLRU(8_000_000, len)

    def growth(lang: str) -> list[dict[str, object]]:
        return served.computed.get(
            f"jungle growth {lang}",
            lambda: jungle.growth(timelines.tracks(lang), year_ends(TOOLBOX_FROM, timelines.last)),
        )

    def view(on: date, lang: str) -> View:
        return View(jungle.jungle_on(timelines.tracks(lang), on), growth(lang))

    async def answer(request: Request, fmt: str) -> Response:
        on, lang = views_.day(request, "date") or date.today(), views_.language(request)
        table = request.query_params.get("table", "matrix")
        if fmt == "csv" and table not in TABLES:
            raise ProtocolError(400, f"table={table!r}: ask for one of {', '.join(TABLES)}")
        key = (fmt, on.isoformat(), lang, table if fmt == "csv" else "")
        body = pages.get(key)
        if body is None:
            shown = await run_in_threadpool(view, on, lang)
            body = _body(fmt, shown, table, lang, settings.base_iri, served)
            pages.put(key, body)
        headers = {**HEADERS, "Content-Language": lang} if fmt == "html" else dict(HEADERS)
        return Response(body, media_type=_MEDIA[fmt], headers=headers)

    async def chart(request: Request, which: str, fmt: str) -> Response:
        on, lang = views_.day(request, "date") or date.today(), views_.language(request)
        day = on.isoformat() if which == "overlaps" else ""
        # The view is computed only when the chart is not kept yet (in the renderer's thread).
        body = await charts.body(
            ("jungle", which, day), fmt, lang, lambda: _spec(which, view(on, lang), lang)
        )
        return Response(body, media_type=CHART_MEDIA[fmt], headers=dict(HEADERS))

    @router.get("/jungle", summary="Partners by structures on a date, and their overlaps (HTML)")
    async def page(request: Request) -> Response:
        return await answer(request, "html")

    @router.get("/jungle.csv", summary="The jungle map's matrix, overlaps or growth as CSV")
    async def as_csv(request: Request) -> Response:
        return await answer(request, "csv")

    @router.get("/jungle.json", summary="The jungle map's matrix, overlaps and growth as JSON")
    async def as_json(request: Request) -> Response:
        return await answer(request, "json")

    for which in ("overlaps", "growth"):
        for fmt in CHART_MEDIA:
            router.add_api_route(
                f"/jungle-{which}.{fmt}",
                _chart_endpoint(chart, which, fmt),
                methods=["GET"],
                summary=f"The jungle map's {which} chart ({fmt})",
            )
    return router


def _chart_endpoint(chart: Any, which: str, fmt: str) -> Any:
    async def endpoint(request: Request) -> Response:
        return await chart(request, which, fmt)  # type: ignore[no-any-return]

    endpoint.__name__ = f"jungle_{which}_{fmt.replace('.', '_')}"
    return endpoint


def _spec(which: str, shown: View, lang: str) -> Spec:
    _ = translator(lang)
    if which == "overlaps":
        rows = [r for r in shown.map.overlap_rows() if r["aIri"] != r["bIri"] and r["count"]]
        return specs.matrix(
            rows,
            title=_("jungle_overlaps_title", date=shown.map.on.isoformat()),
            description=_("jungle_overlaps_alt"),
            legend=_("jungle_shared"),
        )
    series = {
        "structures": _("jungle_series_structures"),
        "overlappingPairs": _("jungle_series_pairs"),
        "partnersInSeveral": _("jungle_series_several"),
    }
    rows = [
        {"series": words, "year": r["year"], "value": r[field]}
        for field, words in series.items()
        for r in shown.growth
    ]
    return specs.lines(
        rows,
        title=_("jungle_growth_title"),
        description=_("jungle_growth_alt"),
        axis=_("timeline_year_end"),
        value=_("jungle_growth_value"),
    )


def _body(
    fmt: str,
    shown: View,
    table: str,
    lang: str,
    base: str,
    served: ServedGraph,
) -> bytes:
    if fmt == "json":
        return json.dumps(shown.tables(), ensure_ascii=False, indent=1).encode()
    if fmt == "csv":
        return views_.csv_bytes(shown.tables()[table])
    return _html(shown, lang, base, served).encode()


def _html(shown: View, lang: str, base: str, served: ServedGraph) -> str:
    on = shown.map.on
    words = translator(lang)
    context: dict[str, Any] = page_context("jungle", lang, query={"date": on.isoformat()})
    note = served.coverage.note(on) if served.coverage is not None else None

    def link(path: str, **params: str) -> str:
        return f"{path}?" + urlencode({"date": on.isoformat(), **params, "lang": lang})

    def step(years: int) -> str | None:
        moved = views_.years_from(on, years)
        return link("jungle", date=moved.isoformat()) if moved else None

    context.update(
        jungle=shown.map,
        overlaps=shown.map.overlaps(),
        growth=shown.growth,
        symbols=SYMBOLS,
        statuses=tuple(SYMBOLS),
        note=note,
        earlier=step(-1),
        later=step(1),
        base=base,
        overlaps_chart=link("jungle-overlaps.svg"),
        growth_chart=link("jungle-growth.svg"),
        downloads={
            words(f"jungle_table_{table}"): link("jungle.csv", table=table) for table in TABLES
        }
        | {"JSON": link("jungle.json")},
        charts={
            "overlaps": {f: link(f"jungle-overlaps.{f}") for f in CHART_MEDIA},
            "growth": {f: link(f"jungle-growth.{f}") for f in CHART_MEDIA},
        },
        queries=[jungle.QUERY, "36-timelines"],
    )
    return render("jungle.html", context)
