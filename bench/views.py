"""The researcher's views over HTTP (issue 11, point 8): each view's p50 and p99, cold and warm.

The views are natograph.web's landscape, timeline, jungle and search pages and their downloads
(CSV, JSON) and charts (SVG, PNG rendered by vl-convert). Each keeps its answer, rendered, in a
bounded cache of its own (the dataset does not change while the server runs), so each has two
costs, both measured against a running `natograph serve`:

- *cold*: the first request for the URL since the server started (query or compute the view,
  render the template, the CSV or the chart);
- *warm*: the same URL again (a cache hit: HTTP, routing and gzip).

Some work is done once per server process, not once per URL: vl-convert's JavaScript engine
(started in the background when the app starts; the first chart waits for it if it is not
done), the timeline tracks of `queries/36-timelines.rq` (shared by /timeline and /jungle), the
jungle's growth since 1991, the search index, the known IRIs, each template's compilation. A
priming pass after every start requests *other* URLs of each kind (other dates, another
resource, other search texts), so that the cold figures are the cost of one view; the priming
latencies are reported on their own, as "first view after start": a person meets them.

A view asked for a date not yet shown is a cache miss even on a warm server: *new date* asks
/landscape, /jungle and the jungle's overlaps chart for many different dates once each, after
priming, so each sample is one date computed (and then cached).

The client and its measurement loop are bench.pages' (a minimal HTTP/1.1 keep-alive client on
asyncio streams, sending `Accept-Encoding: gzip` and each URL's media type, as a browser does).
`/health`, warm, is the baseline the figures are set against.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from bench.client import Cell
from bench.pages import BROWSER_ACCEPT, DocRequest, Outcome, Plan, Target, absorb, measure, prime

IMAGE_ACCEPT = "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8"
"""Chromium's Accept header for an `<img>`: how a page's chart is fetched."""
TARGET = 0.050
"""Seconds: each view's warm p50 (issue 11, point 8)."""
WARM_REQUESTS = 200
"""Requests per warm measurement (at most `--requests`)."""
BASELINE = "/health"


@dataclass(frozen=True)
class View:
    """One measured URL: a view in one format."""

    path: str
    what: str
    media_type: str

    def request(self, accept_encoding: bool = True) -> DocRequest:
        return _request(self.what, self.path, self.media_type, accept_encoding)


def _request(what: str, path: str, media_type: str, accept_encoding: bool = True) -> DocRequest:
    accept = {
        "text/html": BROWSER_ACCEPT,
        "image/svg+xml": IMAGE_ACCEPT,
        "image/png": IMAGE_ACCEPT,
    }.get(media_type, media_type)
    target = Target(what, path.lstrip("/"))
    return DocRequest(target, "", path, accept, accept_encoding, media_type=media_type)


HTML, CSV, JSON = "text/html", "text/csv", "application/json"
SVG, PNG = "image/svg+xml", "image/png"

VIEWS: tuple[View, ...] = (
    View("/landscape?date=2014-10-16", "landscape on a date", HTML),
    View("/landscape?date=2022-02-23&compare=2024-12-31", "landscape, two dates compared", HTML),
    View("/landscape.csv?date=2014-10-16", "landscape as CSV", CSV),
    View("/timeline", "timeline of the toolbox", HTML),
    View("/timeline?resource=id/country/UKR", "timeline of a country", HTML),
    View("/timeline.svg?resource=id/country/UKR", "a country's timeline chart (SVG)", SVG),
    View("/timeline.png", "the toolbox's timeline chart (PNG)", PNG),
    View("/timeline.csv", "the toolbox's timeline as CSV", CSV),
    View("/jungle?date=2014-10-16", "jungle map on a date", HTML),
    View("/jungle.json?date=2014-10-16", "jungle map as JSON", JSON),
    View("/jungle-overlaps.svg?date=2014-10-16", "jungle overlaps chart (SVG)", SVG),
    View("/jungle-growth.svg", "jungle growth chart (SVG)", SVG),
    View("/search?q=fYROM", "search page (former name)", HTML),
    View("/search.json?q=Swedn", "search as JSON (typo)", JSON),
    View(
        "/search.json?q=Mac%C3%A9doine%20du%20Nrod&lang=fr", "search as JSON (French, typo)", JSON
    ),
)
"""In the order of each cold pass."""

PRIMING: tuple[View, ...] = (
    View("/landscape?date=2000-01-01", "first landscape (query text, template)", HTML),
    View(
        "/timeline?resource=id/country/GEO",
        "first timeline (tracks of 36-timelines, known IRIs, template)",
        HTML,
    ),
    View(
        "/timeline.svg?resource=id/country/GEO",
        "first chart (vl-convert's engine, unless its background start is done)",
        SVG,
    ),
    View("/timeline.png?resource=id/country/GEO", "first PNG chart", PNG),
    View("/jungle?date=2000-01-01", "first jungle map (growth since 1991, template)", HTML),
    View("/jungle-overlaps.svg?date=2000-01-01", "first matrix chart", SVG),
    View("/search?q=Sweden", "first search (search index, template)", HTML),
    View("/search.json?q=Finland", "first search.json", JSON),
)
"""Requested in this order after every start, never measured: other dates, another resource and
other texts than VIEWS', so that each kind's one-off work is done before the cold pass."""

NEW_DATES: tuple[View, ...] = (
    View("/landscape?date={}", "landscape on a date", HTML),
    View("/jungle?date={}", "jungle map on a date", HTML),
    View("/jungle-overlaps.svg?date={}", "jungle overlaps chart (SVG)", SVG),
)
"""`{}` is each new date in turn."""

HEALTH = _request("baseline", BASELINE, JSON)


def new_dates(count: int) -> list[date]:
    """`count` distinct dates spread over 1992-2025, none of them a measured or primed one."""
    first, last = date(1992, 1, 7), date(2025, 11, 27)
    taken = {date.fromisoformat(d) for d in ("2000-01-01", "2014-10-16", "2022-02-23")}
    days: list[date] = []
    for i in range(count):
        day = first + timedelta(days=(last - first).days * i // max(count, 1))
        while day in taken or day in days:
            day += timedelta(days=1)
        days.append(day)
    return days


# --------------------------------------------------------------------------------------------


@dataclass
class ViewResults:
    starts: int = 0
    """Server starts, one cold pass each."""
    dates: int = 0
    """Distinct dates per `new date` measurement."""
    ready: list[float] = field(default_factory=list)
    priming: dict[str, list[float]] = field(default_factory=dict)
    """'`path` (what)' -> seconds, one per start."""
    cells: list[Cell] = field(default_factory=list)
    """group = a VIEWS path (or NEW_DATES' template, or BASELINE); mode = cold, warm, new date."""
    sizes: dict[str, tuple[int, int]] = field(default_factory=dict)
    """path -> (bytes, bytes as sent with gzip)."""
    problems: dict[str, str] = field(default_factory=dict)
    views: list[View] = field(default_factory=lambda: list(VIEWS))
    new_date_views: list[View] = field(default_factory=lambda: list(NEW_DATES))


@dataclass(frozen=True)
class Budget:
    requests: int
    """Warm requests per view (WARM_REQUESTS, at most `--requests`)."""
    seconds: float
    """A warm measurement stops after this long once every request was sent once."""
    starts: int
    dates: int


def run_section(budget: Budget, log: Callable[[str], None]) -> ViewResults:
    """Measure VIEWS cold (one pass per start), warm and for new dates, against
    `natograph serve --no-hermit`."""
    from bench.servers import Servers, free_port, natograph_serve

    out = ViewResults(starts=budget.starts, dates=budget.dates)
    outcome = Outcome()
    cold = {view.path: _cell(view.path, "cold") for view in VIEWS}
    priming = [(f"`{v.path}` ({v.what})", v.request()) for v in PRIMING]
    later: list[Cell] = []
    with Servers() as servers:
        server = servers.start(natograph_serve(free_port(), "--no-hermit"), 300)
        for start in range(budget.starts):
            if start:
                server.restart(300)
            out.ready.append(server.ready_seconds)
            for label, seconds in asyncio.run(prime(server.base_url, priming)).items():
                out.priming.setdefault(label, []).append(seconds)
            for view in VIEWS:
                part = _cell(view.path, "cold")
                plan = Plan([view.request()], 1, cycle=False)
                asyncio.run(
                    measure(part, {}, server.base_url, plan, outcome, server.cpu_seconds, HEALTH)
                )
                absorb(cold[view.path], part)
            log(f"  views: start {start + 1}, priming and cold pass done")
            if start == 0:
                later += _warm(server.base_url, server.cpu_seconds, budget, outcome, log)
                later += _new_dates(server.base_url, server.cpu_seconds, budget, outcome, log)
                out.sizes = _sizes(server.base_url, outcome)
    out.cells = [*cold.values(), *later]
    out.problems = outcome.problems
    for cell in cold.values():
        log(_line(cell))
    return out


def _cell(group: str, mode: str) -> Cell:
    return Cell("natograph", group, mode, 1, "raw")


def _line(cell: Cell) -> str:
    return (
        f"  views {cell.mode:8} p50 {cell.p50 * 1000:8.2f} ms  p99 {cell.p99 * 1000:8.2f} ms  "
        f"n={cell.requests:<4} errors={cell.errors}  {cell.group}"
    )


def _warm(
    base_url: str,
    server_cpu: Callable[[], float],
    budget: Budget,
    outcome: Outcome,
    log: Callable[[str], None],
) -> list[Cell]:
    """The baseline, then each view's URL again and again, c=1: answered from its cache."""
    cells = []
    for path, request in [(BASELINE, HEALTH), *((v.path, v.request()) for v in VIEWS)]:
        cell = _cell(path, "warm")
        plan = Plan(
            [request],
            1,
            cycle=True,
            max_requests=budget.requests,
            seconds=budget.seconds,
            hard_seconds=3 * budget.seconds,
        )
        asyncio.run(measure(cell, {}, base_url, plan, outcome, server_cpu, HEALTH))
        cells.append(cell)
        log(_line(cell))
    return cells


def _new_dates(
    base_url: str,
    server_cpu: Callable[[], float],
    budget: Budget,
    outcome: Outcome,
    log: Callable[[str], None],
) -> list[Cell]:
    """Each NEW_DATES view once for each of `budget.dates` dates never asked before, c=1."""
    cells = []
    days = new_dates(budget.dates)
    for view in NEW_DATES:
        cell = _cell(view.path, "new date")
        requests = [
            _request(view.what, view.path.format(day.isoformat()), view.media_type) for day in days
        ]
        plan = Plan(requests, 1, cycle=False)
        asyncio.run(measure(cell, {}, base_url, plan, outcome, server_cpu, HEALTH))
        cells.append(cell)
        log(_line(cell))
    return cells


def _sizes(base_url: str, outcome: Outcome) -> dict[str, tuple[int, int]]:
    """Each view's body as sent with gzip (from the measurements) and without (asked now)."""
    plain = Outcome()
    requests = [v.request(accept_encoding=False) for v in VIEWS]
    plan = Plan(requests, 1, cycle=False)
    asyncio.run(measure(_cell("all", "sizes"), {}, base_url, plan, plain, lambda: 0.0, HEALTH))
    outcome.problems.update(plain.problems)
    return {
        v.path: (
            plain.sizes.get(v.request(accept_encoding=False), 0),
            outcome.sizes.get(v.request(), 0),
        )
        for v in VIEWS
    }
