"""`/timeline`: engagements over time, for the whole toolbox or one resource.

Without parameters the page charts every structure from 1991 to the data's end, one line each,
one cell per year giving its members at the year's end; with `?resource=id/country/UKR` (or any
resource's full IRI) it draws that resource's engagements as bars: a country's structures, or a
structure's members, each stretch active, suspended or uncertain. Both come from
natograph.query.timeline, that is `queries/36-timelines.rq`, computed once per served graph and
language.

The chart is an `<img>` of `/timeline.svg` with the same rows as a table beside it (the page needs
no JavaScript); `.png`, `.vl.json` (the Vega-Lite specification), `.csv` and `.json` give the same
view to programs. Resource pages embed the same chart and table (natograph.web.linked_data).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from natograph.charts import specs
from natograph.charts.render import Spec
from natograph.query import timeline
from natograph.query.landscape import STATUSES
from natograph.settings import Settings
from natograph.web import views as views_
from natograph.web.caching import SizedLRU
from natograph.web.charts import MEDIA as CHART_MEDIA
from natograph.web.charts import Charts
from natograph.web.errors import ProtocolError
from natograph.web.i18n import translator
from natograph.web.not_found import Known, served_known
from natograph.web.pages import page_context, render
from natograph.web.served import ServedGraph

log = logging.getLogger("natograph.web")

HEADERS = views_.HEADERS
_MEDIA = {**views_.MEDIA, **CHART_MEDIA}
TOOLBOX_FROM = 1991
"""The toolbox chart's first year: the North Atlantic Cooperation Council, the first structure
of partnership, dates from December 1991."""
_MAX_RESOURCE = 500


@dataclass(frozen=True)
class View:
    """What one timeline shows: the rows of its table (and chart), for the toolbox or a resource."""

    resource: str | None
    """The resource's IRI, None for the whole toolbox."""
    label: str
    first: date
    last: date
    rows: list[dict[str, Any]]

    @property
    def years(self) -> list[int]:
        return sorted({int(r["year"]) for r in self.rows}) if self.resource is None else []

    @property
    def grid(self) -> list[tuple[str, str, list[str]]]:
        """The toolbox's table: (structure IRI, label, the cells' texts by year), in row order."""
        lines: dict[str, tuple[str, str, list[str]]] = {}
        for r in self.rows:
            lines.setdefault(r["structure"], (r["structure"], r["row"], []))[2].append(r["text"])
        return list(lines.values())


class Timelines:
    """The timelines of one served graph: tracks per language, views per resource."""

    def __init__(self, served: ServedGraph, settings: Settings) -> None:
        self.served = served
        self.settings = settings
        self.base = settings.base_iri

    def tracks(self, lang: str) -> list[timeline.Track]:
        return self.served.computed.get(f"tracks {lang}", lambda: self._tracks(lang))

    def _tracks(self, lang: str) -> list[timeline.Track]:
        queries = self.settings.queries_dir
        if not (queries / f"{timeline.QUERY}.rq").is_file():
            # A project of its own (a test's, a fork's) may keep other questions: its pages
            # then have no timelines, which the log says once, rather than fail.
            log.warning("no %s/%s.rq: pages show no timelines", queries, timeline.QUERY)
            return []
        return timeline.tracks(self.served.store, queries, lang)

    def known(self) -> Known:
        return served_known(self.served, self.base)

    @property
    def last(self) -> date:
        coverage = self.served.coverage
        return coverage.end if coverage is not None else date.today()

    def toolbox(self, lang: str) -> View:
        all_tracks = self.tracks(lang)
        days = timeline.year_ends(TOOLBOX_FROM, self.last)
        rows = timeline.yearly_counts(all_tracks, days)
        return View(None, "", date(TOOLBOX_FROM, 1, 1), self.last, rows)

    def of(self, iri: str, lang: str) -> View:
        """The timeline of one resource (rows may be empty: a document takes part in nothing)."""
        all_tracks = [t for t in self.tracks(lang) if iri in (t.member, t.structure)]
        # Undated engagements are drawn, uncertain, from the toolbox's first year: when they began
        # is not known, and the chart must not suggest a date.
        known = [d for t in all_tracks for w in (t.window, *t.suspensions) for d in w.dates()]
        first = date(min(known).year, 1, 1) if known else date(TOOLBOX_FROM, 1, 1)
        rows: list[dict[str, Any]] = list(timeline.resource_rows(all_tracks, iri, first, self.last))
        label = next(
            (t.member_label if t.member == iri else t.structure_label for t in all_tracks), ""
        )
        if not label:
            found = self.known().labels.get(iri, lang)
            label = found.text if found else iri.removeprefix(self.base)
        return View(iri, label, first, self.last, rows)

    def resource(self, raw: str | None) -> str | None:
        """The IRI `?resource=` names (a path under the base, or the full IRI), checked."""
        if raw is None or not raw.strip():
            return None
        raw = raw.strip()
        if len(raw) > _MAX_RESOURCE:
            raise ProtocolError(400, f"resource is {len(raw)} characters long; at most 500")
        iri = raw if raw.startswith(self.base) else self.base + raw.lstrip("/")
        iri = iri.removesuffix(".html")
        known = self.served.computed.get(
            f"known set {self.base}", lambda: frozenset(self.known().iris)
        )
        if iri not in known:
            raise ProtocolError(
                404,
                f"resource={raw!r}: natograph describes no {iri}; find the resource at"
                f" /search?q=… and give its path, e.g. resource=id/country/UKR",
            )
        return iri


def timeline_router(served: ServedGraph, settings: Settings) -> APIRouter:
    router = APIRouter()
    views = Timelines(served, settings)
    charts = Charts()
    pages: SizedLRU[tuple[str, ...], bytes] = SizedLRU(8_000_000, len)

    def view_of(iri: str | None, lang: str) -> View:
        return views.toolbox(lang) if iri is None else views.of(iri, lang)

    async def answer(request: Request, fmt: str) -> Response:
        iri = views.resource(request.query_params.get("resource"))
        lang = views_.language(request)
        key = (iri or "", lang)
        if fmt in CHART_MEDIA:
            # The view is computed only when the chart is not kept yet (in the renderer's thread).
            body = await charts.body(
                ("timeline", *key), fmt, lang, lambda: spec(chartable(view_of(iri, lang)), lang)
            )
        else:
            found = pages.get((fmt, *key))
            if found is None:
                shown = await run_in_threadpool(view_of, iri, lang)
                found = _body(fmt, shown, lang, settings.base_iri, served)
                pages.put((fmt, *key), found)
            body = found
        headers = {**HEADERS, "Content-Language": lang} if fmt == "html" else dict(HEADERS)
        return Response(body, media_type=_MEDIA[fmt], headers=headers)

    @router.get("/timeline", summary="Engagements over time, the toolbox's or a resource's (HTML)")
    async def page(request: Request) -> Response:
        return await answer(request, "html")

    for fmt in ("csv", "json", *CHART_MEDIA):
        router.add_api_route(
            f"/timeline.{fmt}",
            _endpoint(answer, fmt),
            methods=["GET"],
            summary=f"The timeline as {fmt.upper().removesuffix('.JSON') or fmt}",
        )
    return router


def chartable(shown: View) -> View:
    """The view, if it has anything to chart: else a 404 that says so."""
    if not shown.rows:
        raise ProtocolError(
            404,
            f"{shown.resource} takes part in no dated engagement: there is no timeline to chart",
        )
    return shown


def _endpoint(answer: Any, fmt: str) -> Any:
    async def endpoint(request: Request) -> Response:
        return await answer(request, fmt)  # type: ignore[no-any-return]

    endpoint.__name__ = f"timeline_{fmt.replace('.', '_')}"
    return endpoint


def spec(shown: View, lang: str) -> Spec:
    """The view's chart: the toolbox's heat strip, or a resource's bars."""
    _ = translator(lang)
    if shown.resource is None:
        return specs.heat_strip(
            shown.rows,
            title=_("timeline_toolbox_title"),
            description=_("timeline_toolbox_alt", first=TOOLBOX_FROM, last=shown.last.year),
            legend=_("timeline_members"),
            axis=_("timeline_year_end"),
        )
    return specs.timeline(
        shown.rows,
        title=_("timeline_resource_title", label=shown.label),
        description=_("timeline_resource_alt", label=shown.label),
        standings={s: _("status_" + s) for s in STATUSES},
        first=shown.first.isoformat(),
        last=shown.last.isoformat(),
        axis=_("timeline_axis"),
    )


def _body(fmt: str, shown: View, lang: str, base: str, served: ServedGraph) -> bytes:
    if fmt == "json":
        return json.dumps(shown.rows, ensure_ascii=False, indent=1).encode()
    if fmt == "csv":
        return views_.csv_bytes(shown.rows, ("row", "start", "end", "standing"))
    return _html(shown, lang, base, served).encode()


def chart_links(shown: View, lang: str, root: str, base: str) -> dict[str, str]:
    """The view's downloads, by format name (the resource page shows the same links)."""
    params = {"resource": shown.resource.removeprefix(base)} if shown.resource else {}
    query = urlencode({**params, "lang": lang})
    return {
        "SVG": f"{root}timeline.svg?{query}",
        "PNG": f"{root}timeline.png?{query}",
        "Vega-Lite": f"{root}timeline.vl.json?{query}",
        "CSV": f"{root}timeline.csv?{query}",
        "JSON": f"{root}timeline.json?{query}",
    }


def table_context(shown: View, lang: str, root: str, base: str) -> dict[str, Any]:
    """What templates/timeline_parts.html needs, for /timeline and for resource pages."""
    return {
        "shown": shown,
        "spans": timeline.spans(shown.rows) if shown.resource is not None else [],
        "downloads": chart_links(shown, lang, root, base),
        "chart": chart_links(shown, lang, root, base)["SVG"],
        "query_name": timeline.QUERY,
        "query_link": f"{root}query?example={timeline.QUERY}#example-{timeline.QUERY}",
        "base": base,
    }


def _html(shown: View, lang: str, base: str, served: ServedGraph) -> str:
    query = {"resource": shown.resource.removeprefix(base)} if shown.resource else {}
    context: dict[str, Any] = page_context("timeline", lang, query=query)
    note = served.coverage.note(date.today()) if served.coverage is not None else None
    context.update(table_context(shown, lang, context["root"], base), note=note)
    return render("timeline.html", context)
