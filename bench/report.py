"""bench/results.md: the measurements as Markdown tables, with the targets judged."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from typing import Any

from bench import engines
from bench.client import Cell
from bench.pages import REPRESENTATIONS, SEE_OTHER, PageResults
from bench.views import BASELINE, ViewResults
from bench.views import TARGET as VIEW_TARGET

LOOKUP_TARGET = {"cached": 0.85, "uncached": 0.50}
"""Share of the bare-ASGI floor's throughput (issue 10, point 5)."""
AGGREGATE_TARGET = 20.0
STARTUP_TARGET = {"cold": 2.0, "warm": 1.0}
"""`natograph serve` of the curated graph to its first 200 (issue 10, point 4)."""
CHECK_TARGET = {"cold": 1.5, "warm": 1.0}
"""`natograph check` wall time (issue 10, point 4)."""
SCALE_SIZE = 1_000_000
SCALE_RSS_TARGET = 600 * 2**20
"""Server and query workers together at 10^6 triples (issue 10, point 3)."""
SCALE_READY_TARGET = 5.0
"""Ready at 10^6 triples with the reasoner off (issue 10, point 3)."""
FAIRNESS_TARGET = 0.100
"""Seconds: another client's uncached look-up at p99 while one client floods."""
AGGREGATE_SIZE = 100_000


@dataclass
class Data:
    machine: str
    config: str
    http: Any = None
    scale: Any = None
    startup: Any = None
    pages: Any = None
    views: Any = None
    fairness: Any = None
    engines: Any = None
    error: str = ""
    seconds: float = 0.0


def ms(seconds: float) -> str:
    if seconds is None or math.isnan(seconds):
        return "-"
    value = seconds * 1000
    return f"{value:.2f}" if value < 10 else f"{value:.1f}" if value < 1000 else f"{value:,.0f}"


def num(value: float, digits: int = 1) -> str:
    if value is None or math.isnan(value):
        return "-"
    return f"{value:,.{digits}f}"


def mb(value: int) -> str:
    return f"{value / 2**20:,.0f}"


def times(value: float) -> str:
    if math.isnan(value):
        return "-"
    return f"{value:,.0f}x" if value >= 10 else f"{value:.1f}x" if value >= 1 else f"{value:.2f}x"


def ratio(a: float, b: float) -> float:
    return a / b if b and not math.isnan(a) and not math.isnan(b) else math.nan


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return [*out, ""]


def verdict(ok: bool) -> str:
    return "**met**" if ok else "**not met**"


def find(cells: list[Cell], **where: object) -> Cell | None:
    for cell in cells:
        if all(getattr(cell, k) == v for k, v in where.items()):
            return cell
    return None


def render(data: Data) -> str:
    lines = [
        data.machine,
        "",
        "# natograph benchmark results",
        "",
        f"Written by `python -m bench.run` in {data.seconds:.0f} s ({data.config}). "
        "What each number means: [README.md](README.md). All traffic on 127.0.0.1; "
        "client and servers share the machine's cores.",
        "",
    ]
    if data.error:
        lines += [f"**The run stopped early: {data.error}.** Sections below are partial.", ""]
    lines += _targets(data)
    if data.http is not None:
        lines += _http(data.http)
    if data.scale is not None:
        lines += _scale(data.scale)
    if data.startup is not None:
        lines += _startup(data.startup)
    if data.pages is not None:
        lines += _pages(data.pages)
    if data.fairness is not None:
        lines += _fairness(data.fairness)
    if data.engines is not None:
        lines += engines.render(data.engines)
    if data.views is not None:
        lines += _views(data.views)
    return "\n".join(lines).rstrip() + "\n"


# --------------------------------------------------------------------------------------------


def _targets(data: Data) -> list[str]:
    lines = ["## Targets", ""]
    rows: list[list[str]] = []
    why: list[str] = []
    http = data.http
    if http is not None:
        for client in ("httpx", "raw"):
            for mode in ("cached", "uncached"):
                for c in (1, 16):
                    ng = find(http.cells, system="natograph", group="lookup", mode=mode,
                              concurrency=c, client=client)  # fmt: skip
                    fl = find(http.cells, system="floor", group="lookup", mode=mode,
                              concurrency=c, client=client)  # fmt: skip
                    if ng is None or fl is None:
                        continue
                    share = ratio(ng.rps, fl.rps)
                    rows.append([
                        f"trivial look-up >= {LOOKUP_TARGET[mode]:.0%} of the HTTP floor "
                        f"({client} client, {mode}, c={c})",
                        f"{num(ng.rps, 0)} vs {num(fl.rps, 0)} req/s = {share:.0%}"
                        + _client_bound(ng, fl),
                        verdict(share >= LOOKUP_TARGET[mode]),
                    ])  # fmt: skip
        why += _lookup_breakdown(http)
    scale = data.scale
    if scale is not None:
        at = _aggregate_ratio(scale, AGGREGATE_SIZE)
        if at is not None:
            ng, rd = at
            factor = ratio(ng.rps, rd.rps)
            rows.append([
                f"aggregate query >= {AGGREGATE_TARGET:g}x rdflib-endpoint's throughput at "
                f"{AGGREGATE_SIZE:,} triples (sequential, uncached)",
                f"{num(ng.rps, 2)} vs {num(rd.rps, 2)} req/s = {factor:.0f}x "
                f"(p50 {ms(ng.p50)} vs {ms(rd.p50)} ms)",
                verdict(factor >= AGGREGATE_TARGET),
            ])  # fmt: skip
        else:
            rows.append([
                f"aggregate query >= {AGGREGATE_TARGET:g}x rdflib-endpoint at "
                f"{AGGREGATE_SIZE:,} triples",
                "not measured in this run (size not in --sizes)",
                "-",
            ])  # fmt: skip
    startup = data.startup
    if startup is not None:
        for variant, values in startup.runs.items():
            median = statistics.median(values)
            limit = STARTUP_TARGET["cold" if variant.endswith("cold") else "warm"]
            rows.append([
                f"start-up of the curated graph < {limit:g} s (`natograph serve`, {variant})",
                f"median {median:.2f} s over {len(values)} run(s)",
                verdict(median < limit),
            ])  # fmt: skip
        for state, stats in startup.check.items():
            limit = CHECK_TARGET[state]
            rows.append([
                f"`natograph check` of the curated graph < {limit:g} s ({state})",
                f"{stats['wall']:.2f} s wall",
                verdict(stats["wall"] < limit),
            ])  # fmt: skip
        why += _startup_breakdown(startup)
    if scale is not None:
        rows += _scale_targets(scale)
    if data.engines is not None:
        rows += engines.targets(data.engines)
    if data.views is not None:
        rows += _view_targets(data.views)
    fair = data.fairness
    if fair is not None:
        flooded = next((v for v in fair.variants if "defaults" in v.name), None)
        if flooded is not None:
            rows.append([
                f"another client's uncached look-up p99 < {FAIRNESS_TARGET * 1000:.0f} ms while "
                "one client runs two explosive queries",
                f"p99 {ms(flooded.p99)} ms (p50 {ms(flooded.p50)}, worst {ms(flooded.worst)}) "
                f"over {len(flooded.latencies)} look-ups",
                verdict(flooded.p99 < FAIRNESS_TARGET and not flooded.errors),
            ])  # fmt: skip
    if not rows and not why:
        return []  # nothing measured here has a target (e.g. `--only pages`)
    lines += table(["target", "measured", "verdict"], rows)
    if why:
        lines += ["Where the time goes (measured in this run):", "", *why, ""]
    return lines


def _scale_targets(scale: Any) -> list[list[str]]:
    run = next((r for r in scale.runs if r.system == "natograph" and r.size == SCALE_SIZE), None)
    if run is None:
        return []
    return [
        [
            f"RSS at {SCALE_SIZE:,} triples < {mb(SCALE_RSS_TARGET)} MiB (server + query "
            "workers, after the scale queries)",
            f"{mb(run.rss)} MiB ({' + '.join(mb(p) for p in run.rss_parts)})",
            verdict(run.rss < SCALE_RSS_TARGET),
        ],
        [
            f"ready at {SCALE_SIZE:,} triples < {SCALE_READY_TARGET:g} s (reasoner off; store "
            "load + query workers + app)",
            f"{run.ready_seconds:.2f} s (load {run.load_seconds:.2f} s)",
            verdict(run.ready_seconds < SCALE_READY_TARGET),
        ],
        *(
            [
                [
                    f"ready at {SCALE_SIZE:,} triples < {SCALE_READY_TARGET:g} s, warm (reasoner "
                    "off; the store kept by the previous start over the same files re-opened)",
                    f"{run.warm_ready_seconds:.2f} s",
                    verdict(run.warm_ready_seconds < SCALE_READY_TARGET),
                ]
            ]
            if getattr(run, "warm_ready_seconds", None) is not None
            else []
        ),
    ]


def _client_bound(*cells: Cell) -> str:
    """A warning when the client used most of a core: the figure then measures the client."""
    busiest = max(cell.client_cpu_pct for cell in cells)
    return f" (client-bound: client at {busiest:.0f}% of a core)" if busiest >= 85 else ""


def _lookup_breakdown(http: Any) -> list[str]:
    out = []
    for client in ("raw", "httpx"):
        for mode in ("cached", "uncached"):
            ng = find(http.cells, system="natograph", group="lookup", mode=mode, concurrency=1,
                      client=client)  # fmt: skip
            fl = find(http.cells, system="floor", group="lookup", mode=mode, concurrency=1,
                      client=client)  # fmt: skip
            if ng is None or fl is None or not ng.requests or not fl.requests:
                continue
            ng_cpu = 1000 * ng.server_cpu / ng.requests
            fl_cpu = 1000 * fl.server_cpu / fl.requests
            cl_cpu = 1000 * ng.client_cpu / ng.requests
            out.append(
                f"- look-up, {mode}, c=1, {client} client: natograph spends {ng_cpu:.2f} ms of "
                f"server CPU per request (server + query workers) against {fl_cpu:.2f} ms for the "
                f"floor; p50 {ms(ng.p50)} vs {ms(fl.p50)} ms; the client itself spends "
                f"{cl_cpu:.2f} ms of CPU per request."
            )
    return out


def _startup_breakdown(startup: Any) -> list[str]:
    out = []
    for state in ("cold", "warm"):
        stats = startup.check.get(state)
        if not stats:
            continue
        parts = ", ".join(
            f"{name} {stats[key]:.2f} s"
            for name, key in (
                ("parse", "seconds_parse"),
                ("SHACL", "seconds_shacl"),
                ("OWL 2 RL", "seconds_reasoner"),
                ("HermiT", "seconds_hermit"),
            )
            if key in stats
        )
        out.append(
            f"- `natograph check` {state} ({'empty' if state == 'cold' else 'filled'} reasoning "
            f"cache): {parts}; pipeline total {stats.get('seconds_total', 0):.2f} s, "
            f"{stats['wall']:.2f} s wall."
        )
    probe = startup.probe
    if probe.get("steps"):
        steps = ", ".join(f"{k} {v:.2f} s" for k, v in probe["steps"].items())
        out.append(
            f"- `natograph serve` steps, warm, in one process (bench/startup_probe.py): "
            f"interpreter start {startup.python_start:.2f} s, {steps}; the rest up to /health "
            "is uvicorn start-up and the first request."
        )
    return out


# --------------------------------------------------------------------------------------------


def _http(http: Any) -> list[str]:
    lines = ["## 1. HTTP throughput and latency", ""]
    lines += [
        f"Dataset: the curated graph, {http.triples.get('natograph', 0):,} triples in natograph "
        f"(ontology + data + shapes + OWL RL inferred graph, union default graph); "
        f"rdflib-endpoint serves the same files (ontology/, data/, shapes/ Turtle plus the "
        f"inferred triples as N-Triples): {http.triples.get('rdflib-endpoint', 0):,} triples. "
        "Ready after: "
        + ", ".join(f"{k} {v:.2f} s" for k, v in http.ready.items())
        + f". natograph RSS (server + query workers): {mb(http.rss_start[0])} MiB at start, "
        f"{mb(http.rss_end[0])} MiB at the end (per process: "
        f"{', '.join(mb(x) for x in http.rss_end[1])} MiB); rdflib-endpoint "
        f"{mb(http.rdflib_rss)} MiB.",
        "",
        "Groups: `lookup` = `ASK { <https://w3id.org/natograph/id/country/UKR> ?p ?o }`; "
        f"`cq` = {len(http.groups.get('cq', []))} competency questions (queries/*.rq, defaults "
        "injected as VALUES) that both systems answer, sent round-robin; `heavy` = "
        + ", ".join(f"`{n}`" for n in http.groups.get("heavy", []))
        + " (bench/workload.py). *cached* repeats identical texts (natograph answers from its "
        "response cache; rdflib-endpoint reuses its parsed query); *uncached* appends a unique "
        "`# bench request n` comment so every request is parsed and evaluated.",
        "",
    ]
    if http.excluded:
        lines += [
            "Left out of the throughput groups (failed or too slow on one system): "
            + "; ".join(f"`{k}` ({v})" for k, v in http.excluded.items())
            + (f". rdflib-endpoint was restarted {http.rdflib_restarts} time(s) after a time-out "
               "(it keeps evaluating a query after the client gives up, blocking its event loop)."
               if http.rdflib_restarts else "."),
            "",
        ]  # fmt: skip
    rows = []
    for cell in http.cells:
        per_req = 1000 * cell.server_cpu / cell.requests if cell.requests else math.nan
        rows.append([
            cell.system, cell.client, cell.group, cell.mode, str(cell.concurrency),
            num(cell.rps), ms(cell.p50), ms(cell.p99), str(cell.requests),
            str(cell.errors) if not cell.errors else f"**{cell.errors}** "
            + ",".join(f"{k}x{v}" for k, v in cell.statuses.items() if k != 200),
            num(cell.client_cpu_pct, 0), num(cell.server_cpu_pct, 0),
            num(cell.other_cpu_pct, 0), num(cell.steal_pct, 0), num(per_req, 2),
            cell.stopped_by,
        ])  # fmt: skip
    lines += table(
        ["system", "client", "group", "mode", "c", "req/s", "p50 ms", "p99 ms", "requests",
         "errors", "client CPU %", "server CPU %", "other CPU %", "steal %",
         "server CPU ms/req", "ended by"],
        rows,
    )  # fmt: skip
    lines += [
        "Ratios of throughput (req/s); the floor's figure is its look-up measurement with the "
        "same client, mode and concurrency (it answers every query alike):",
        "",
    ]
    rows = []
    for cell in http.cells:
        if cell.system != "natograph":
            continue
        same = dict(group=cell.group, mode=cell.mode, concurrency=cell.concurrency,
                    client=cell.client)  # fmt: skip
        # The floor answers every query with the same constant: its look-up cell is the floor
        # for every group.
        fl = find(http.cells, system="floor", **{**same, "group": "lookup"})
        rd = find(http.cells, system="rdflib-endpoint", **same)
        rows.append([
            cell.client, cell.group, cell.mode, str(cell.concurrency),
            f"{ratio(cell.rps, fl.rps):.0%}" if fl else "-",
            times(ratio(cell.rps, rd.rps)) if rd else "-",
        ])  # fmt: skip
    lines += table(
        ["client", "group", "mode", "c", "natograph / floor", "natograph / rdflib-endpoint"], rows
    )
    lines += _per_query(http)
    return lines


def _per_query(http: Any) -> list[str]:
    lines = [
        "Per query: the first request of the run (answer check) and the p50 of the httpx, "
        "uncached, c=1 measurement; `answers` compares the two systems' solutions (order-free).",
        "",
    ]
    p50 = {}
    for system in ("natograph", "rdflib-endpoint"):
        for group in ("lookup", "cq", "heavy"):
            cell = find(http.cells, system=system, group=group, mode="uncached", concurrency=1,
                        client="httpx")  # fmt: skip
            if cell is not None:
                for name, values in cell.per_query.items():
                    p50[(system, name)] = statistics.median(values)
    rows = []
    for check in http.checks:
        ng = p50.get(("natograph", check.name), math.nan)
        rd = p50.get(("rdflib-endpoint", check.name), math.nan)
        notes = [x for x in (check.agreement or "same", check.values_note) if x]
        rows.append([
            f"`{check.name}`", check.group,
            f"{ms(check.natograph_seconds)} ({check.natograph_size})", ms(ng),
            f"{ms(check.rdflib_seconds)} ({check.rdflib_size})", ms(rd),
            times(ratio(rd, ng)),
            "; ".join(notes),
        ])  # fmt: skip
    slow = sorted(
        ((v, name) for (system, name), v in p50.items() if system == "natograph"), reverse=True
    )[:3]
    if slow:
        lines += [
            "Slowest on natograph (uncached p50): "
            + ", ".join(f"`{name}` {ms(v)} ms" for v, name in slow)
            + ". See bench/README.md, *Findings*, for why.",
            "",
        ]
    lines += table(
        ["query", "group", "natograph first ms (answer)", "natograph p50 ms",
         "rdflib-endpoint first ms (answer)", "rdflib-endpoint p50 ms", "rdflib/natograph",
         "answers"],
        rows,
    )  # fmt: skip
    return lines


# --------------------------------------------------------------------------------------------


def _aggregate_ratio(scale: Any, size: int) -> tuple[Cell, Cell] | None:
    ng = next((r for r in scale.runs if r.system == "natograph" and r.size == size), None)
    rd = next((r for r in scale.runs if r.system == "rdflib-endpoint" and r.size == size), None)
    if ng is None or rd is None or "aggregate" not in ng.cells or "aggregate" not in rd.cells:
        return None
    return ng.cells["aggregate"], rd.cells["aggregate"]


def _scale(scale: Any) -> list[str]:
    lines = ["## 2. Scale curve (synthetic data)", ""]
    lines += [
        "bench/synthetic.py writes N-Triples shaped like the curated data (countries with en/fr "
        "labels, sources, partnership structures, alliance and partnership memberships with "
        "dates, suspensions, initiatives and participations, claims), using the ontology's own "
        "terms. Each size is served with the ontology (ontology/natograph.ttl) added.",
        "",
    ]
    lines += table(
        ["target size", "triples written", "seconds", "MiB"],
        [
            [f"{size:,}", f"{n:,}", f"{sec:.2f}", f"{size_bytes / 2**20:.1f}"]
            for size, (n, sec, size_bytes) in scale.generated.items()
        ],
    )
    lines += [
        "natograph rows: `python -m bench.natograph_app`, i.e. the files loaded into a new "
        "on-disk store as `natograph serve` builds it (`built_store`: an empty cache folder, so "
        "the start loads; a second start over the same files re-opens the kept store: *warm "
        "ready*), followed by natograph's own serving stack (`served_from_store` + `create_app`: "
        "2 query worker processes and a short-lane worker opening the same store read-only, "
        "FastAPI app, uvicorn), default settings, no SHACL or reasoning. rdflib-endpoint rows: "
        "the same files parsed into an rdflib Graph. *ready* = process start to first 200; "
        "*load* = parsing/loading alone; RSS = server process plus its query workers (the "
        "store's pages are in the kernel's page cache, held once, and not in any process's "
        "RSS). Query p50 = sequential (c=1) uncached requests over HTTP.",
        "",
    ]
    rows = []
    for run in scale.runs:
        rows.append([
            run.system, f"{run.size:,}", f"{run.triples:,}", f"{run.ready_seconds:.2f}",
            f"{run.warm_ready_seconds:.2f}" if getattr(run, "warm_ready_seconds", None) else "-",
            f"{run.load_seconds:.2f}" if run.load_seconds is not None else "-",
            f"{mb(run.rss)} ({' + '.join(mb(p) for p in run.rss_parts)})",
            *(
                f"{ms(run.cells[q].p50)} ({run.cells[q].requests}; {run.rows.get(q, '')})"
                if q in run.cells else "-"
                for q in ("lookup", "aggregate", "date-filtered")
            ),
            run.note,
        ])  # fmt: skip
    lines += table(
        ["system", "size", "triples served", "ready s", "warm ready s", "load s",
         "RSS MiB (per process)", "lookup p50 ms (n; answer)", "aggregate p50 ms",
         "date-filtered p50 ms", "notes"],
        rows,
    )  # fmt: skip
    rows = []
    for size in sorted({r.size for r in scale.runs}):
        pair = _aggregate_ratio(scale, size)
        if pair is None:
            continue
        ng, rd = pair
        rows.append([
            f"{size:,}", f"{num(ng.rps, 2)}", f"{num(rd.rps, 2)}",
            f"{ratio(ng.rps, rd.rps):,.1f}x", f"{ratio(rd.p50, ng.p50):,.1f}x",
        ])  # fmt: skip
    if rows:
        lines += ["Aggregate query, natograph vs rdflib-endpoint:", ""]
        lines += table(
            ["size", "natograph req/s", "rdflib-endpoint req/s", "throughput ratio", "p50 ratio"],
            rows,
        )
    skipped = [
        size
        for size in scale.generated
        if not any(r.system == "rdflib-endpoint" and r.size == size for r in scale.runs)
    ]
    largest_rd = max(
        (r for r in scale.runs if r.system == "rdflib-endpoint"), key=lambda r: r.size, default=None
    )
    if skipped and largest_rd is not None and "aggregate" in largest_rd.cells:
        factor = max(skipped) / largest_rd.size
        lines += [
            f"rdflib-endpoint is not run at {', '.join(f'{s:,}' for s in skipped)} triples "
            f"(--rdflib-max). Scaling its {largest_rd.size:,}-triple figures by {factor:g} "
            f"gives about {factor * (largest_rd.load_seconds or 0):,.0f} s to parse, "
            f"{factor * largest_rd.cells['aggregate'].p50:,.0f} s per aggregate request and "
            f"{factor * largest_rd.rss / 2**30:,.1f} GiB of memory, at best (linear growth): "
            "too long for this run.",
            "",
        ]
    if scale.pipeline:
        lines += [
            "Full pipeline over the same data: `natograph serve --no-hermit --root R` where R "
            "holds the ontology, the synthetic file as data/synthetic.ttl, an empty shapes/ (SHACL "
            "validation then has no shapes, but still runs) and an empty reasoning cache. "
            "The reasoner is off except where stated (on: the default engine at the smallest "
            "size; section 6 times the engines and the whole pipeline, with shapes, at every "
            "size).",
            "",
        ]
        rows = []
        for item in scale.pipeline:
            if "error" in item:
                rows.append([f"{item['size']:,}", "on" if item["reasoner"] else "off", "failed",
                             "-", str(item["error"])])  # fmt: skip
                continue
            rows.append([
                f"{item['size']:,}", "on" if item["reasoner"] else "off",
                f"{item['ready_seconds']:.2f}",
                f"{mb(item['rss'])} ({' + '.join(mb(p) for p in item['rss_parts'])})",
                str(item.get("serving", "")),
            ])  # fmt: skip
        lines += table(["size", "reasoner", "ready s", "RSS MiB (per process)", "log"], rows)
    return lines


# --------------------------------------------------------------------------------------------


def _startup(startup: Any) -> list[str]:
    lines = ["## 3. Start-up of the curated graph", ""]
    lines += [
        "`natograph serve --port P` (default: HermiT on) and `natograph serve --port P "
        "--no-hermit`, from process start until /health answers 200. *cold* = "
        "NATOGRAPH_CACHE_DIR pointing at an empty folder (SHACL, OWL 2 RL and HermiT run, the "
        "store is built); *warm* = the "
        f"same folder afterwards (their results are read back). Interpreter start alone "
        f"(`python -c pass`): {startup.python_start:.2f} s. "
        f"RSS after start: {mb(startup.rss)} MiB.",
        "",
    ]
    rows = []
    for variant, values in startup.runs.items():
        limit = STARTUP_TARGET["cold" if variant.endswith("cold") else "warm"]
        rows.append([
            variant, str(len(values)), f"{statistics.median(values):.2f}",
            f"{min(values):.2f}", f"{max(values):.2f}",
            f"< {limit:g} s: " + verdict(statistics.median(values) < limit),
        ])  # fmt: skip
    lines += table(["variant", "runs", "median s", "min s", "max s", "target"], rows)
    keys = [
        ("parse", "seconds_parse"),
        ("SHACL", "seconds_shacl"),
        ("OWL 2 RL (default engine)", "seconds_reasoner"),
        ("HermiT", "seconds_hermit"),
        ("pipeline total", "seconds_total"),
        ("`natograph check` wall (incl. interpreter and imports)", "wall"),
    ]
    cold, warm = startup.check.get("cold", {}), startup.check.get("warm", {})
    rows = [[name, _seconds(cold.get(key)), _seconds(warm.get(key))] for name, key in keys]
    lines += ["`natograph check --format json` stats (seconds):", ""]
    lines += table(["step", "cold", "warm"], rows)
    if startup.probe.get("steps"):
        rows = [[k, f"{v:.3f}"] for k, v in startup.probe["steps"].items()]
        rows.append(["probe wall (incl. interpreter)", f"{startup.probe['wall']:.3f}"])
        lines += [
            "Steps of `natograph serve` before uvicorn listens, warm, timed in one process "
            "(bench/startup_probe.py, HermiT on):",
            "",
        ]
        lines += table(["step", "seconds"], rows)
    return lines


def _seconds(value: object) -> str:
    return f"{value:.3f}" if isinstance(value, int | float) else "-"


# --------------------------------------------------------------------------------------------


def _pages(pages: PageResults) -> list[str]:
    lines = ["## 4. Linked-data documents over HTTP", ""]
    ready = ", ".join(f"{s:.2f}" for s in pages.ready)
    lines += [
        "`natograph serve --no-hermit` (default settings), asked for the documents of "
        f"{len(pages.targets)} resources: "
        + ", ".join(f"{t.label} `/{t.thing}`" for t in pages.targets)
        + ". Client: a minimal HTTP/1.1 keep-alive client on asyncio streams (as cheap as the "
        "`raw` SPARQL client) sending the representation's media type in `Accept` and "
        "`Accept-Encoding: gzip`, as browsers do. `303` = the thing's IRI path with Chromium's "
        "`Accept` header, answered 303 See Other to its .html document (negotiated on every "
        "request, never cached); the other rows are the document URLs.",
        "",
        "*cold* = the first request for a document since the server started (natograph "
        "describes the resource in Oxigraph, then renders the page or serialises the RDF). "
        "c=1: the resources one after the other, one representation at a time; c=16: all "
        f"{len(pages.targets) * len(REPRESENTATIONS)} requests (resources x representations) "
        "once each, shuffled, over 16 connections, as a crawler would send them: a "
        "representation's latency then includes waiting behind the others' rendering, and "
        "req/s and CPU are given for the whole mix (`all`). Each cold pass has a freshly "
        f"started server: {pages.starts} start(s) for c=1 and {pages.starts} for c=16, so "
        "each cold row has resources x starts samples and its p99 is close to its maximum. "
        "*warm* = the same documents again, answered from the server's document cache, each "
        "representation on its own, round the resources, bounded like the SPARQL "
        f"measurements. Server ready after (s): {ready}.",
        "",
    ]
    lines += _pages_summary(pages)
    lines += _pages_cells(pages)
    lines += _pages_per_target(pages)
    lines += _pages_priming(pages)
    if pages.problems:
        lines += [
            "**Replies that broke the dereferencing contract** (wrong status, media type or "
            "Location; counted as errors above): "
            + "; ".join(f"`{k}`: {v}" for k, v in sorted(pages.problems.items())),
            "",
        ]
    return lines


def _pages_summary(pages: PageResults) -> list[str]:
    columns = [("cold", 1), ("cold", 16), ("warm", 1), ("warm", 16)]
    rows = []
    for representation in REPRESENTATIONS:
        row = [f"`{representation}`"]
        for mode, c in columns:
            cell = find(pages.cells, group=representation, mode=mode, concurrency=c)
            row.append(f"{ms(cell.p50)} / {ms(cell.p99)}" if cell else "-")
        warm = find(pages.cells, group=representation, mode="warm", concurrency=16)
        row.append(num(warm.rps, 0) if warm else "-")
        rows.append(row)
    header = ["representation", *(f"{mode} c={c} p50 / p99 ms" for mode, c in columns)]
    return [
        "Latency per representation (client-side, request sent to body read):",
        "",
        *table([*header, "warm c=16 req/s"], rows),
    ]


def _pages_cells(pages: PageResults) -> list[str]:
    rows = []
    for cell in sorted(pages.cells, key=_page_order):
        shared = cell.elapsed == 0  # a representation's share of a mixed pass
        per_req = 1000 * cell.server_cpu / cell.requests if cell.requests else math.nan
        rows.append([
            cell.system, cell.client, cell.group, cell.mode, str(cell.concurrency),
            num(cell.rps), ms(cell.p50), ms(cell.p99), str(cell.requests),
            str(cell.errors) if not cell.errors else f"**{cell.errors}** "
            + ",".join(f"{k}x{v}" for k, v in cell.statuses.items() if k not in (200, 303)),
            *(["-"] * 5 if shared else [
                num(cell.client_cpu_pct, 0), num(cell.server_cpu_pct, 0),
                num(cell.other_cpu_pct, 0), num(cell.steal_pct, 0), num(per_req, 2),
            ]),
            "(in `all`)" if shared else cell.stopped_by,
        ])  # fmt: skip
    return table(
        ["system", "client", "representation", "mode", "c", "req/s", "p50 ms", "p99 ms",
         "requests", "errors", "client CPU %", "server CPU %", "other CPU %", "steal %",
         "server CPU ms/req", "ended by"],
        rows,
    )  # fmt: skip


def _page_order(cell: Cell) -> tuple[int, int, int]:
    order = [*REPRESENTATIONS, "all"]
    rank = order.index(cell.group) if cell.group in order else len(order)
    return (0 if cell.mode == "cold" else 1, cell.concurrency, rank)


def _pages_per_target(pages: PageResults) -> list[str]:
    rows = []
    for target in pages.targets:
        row = [target.label]
        for representation in REPRESENTATIONS:
            cell = find(pages.cells, group=representation, mode="cold", concurrency=1)
            values = cell.per_query.get(target.label, []) if cell else []
            row.append(ms(statistics.median(values)) if values else "-")
        rows.append(row)
    lines = [
        "Cold renders per resource (median over the starts, c=1, ms):",
        "",
        *table(["resource", *(f"`{r}`" for r in REPRESENTATIONS)], rows),
    ]
    documents = [r for r in REPRESENTATIONS if r != SEE_OTHER]
    rows = []
    for target in pages.targets:
        row = [target.label]
        for representation in documents:
            plain, zipped = pages.sizes.get((target.label, representation), (0, 0))
            row.append(f"{plain / 1024:,.0f} ({zipped / 1024:,.1f})" if plain else "-")
        rows.append(row)
    return [
        *lines,
        "Document sizes, KiB (with gzip):",
        "",
        *table(["resource", *(f"`{r}`" for r in documents)], rows),
    ]


def _pages_priming(pages: PageResults) -> list[str]:
    rows = [
        [label, ms(statistics.median(values)), ms(max(values)), str(len(values))]
        for label, values in pages.priming.items()
    ]
    return [
        "Kept out of the cold figures: the first requests after each start, in this order, "
        "which do the server's one-off work (landing-page figures, dataset description, "
        "the ontology documentation's model, JSON-LD context, related competency questions, "
        "template compilation) on documents that are not measured:",
        "",
        *table(["request", "median ms", "max ms", "starts"], rows),
    ]


# --------------------------------------------------------------------------------------------


def _view_targets(views: ViewResults) -> list[list[str]]:
    rows = []
    for view in views.views:
        warm = find(views.cells, group=view.path, mode="warm")
        if warm is None or not warm.latencies:
            continue
        rows.append([
            f"view's warm p50 < {VIEW_TARGET * 1000:.0f} ms (c=1, same URL again): `{view.path}`",
            f"p50 {ms(warm.p50)} ms, p99 {ms(warm.p99)} ms ({warm.requests} requests"
            + (f", {warm.errors} errors" if warm.errors else "") + ")",
            verdict(warm.p50 < VIEW_TARGET and not warm.errors),
        ])  # fmt: skip
    return rows


def _views(views: ViewResults) -> list[str]:
    base = find(views.cells, group=BASELINE, mode="warm")
    base_p50 = base.p50 if base is not None else math.nan
    ready = ", ".join(f"{s:.2f}" for s in views.ready)
    lines = [
        "## 7. The researcher's views over HTTP",
        "",
        "`natograph serve --no-hermit` (default settings), asked for the landscape, timeline, "
        "jungle and search views, their downloads and their charts (bench/views.py), with "
        "bench/pages.py's client (HTTP/1.1 keep-alive on asyncio streams, `Accept-Encoding: "
        "gzip`, a browser's `Accept` for pages and images), one request at a time (c=1). "
        "*cold* = the first request for the URL since the server started: "
        f"{views.starts} start(s), one cold pass each, the views in the order below, after a "
        "priming pass of other URLs of each kind (table further down) that does the one-off "
        "work of a new process, so a cold figure is the cost of that view alone; with so few "
        "samples a cold p99 is the slowest start's. *warm* = the same URL again, answered from "
        "the view's cache. Each view's figures are set against `/health` measured the same way "
        f"(the app's cheapest answer: p50 {ms(base_p50)} ms"
        + (f", p99 {ms(base.p99)} ms, {base.requests} requests" if base is not None else "")
        + f"). Server ready after (s): {ready}.",
        "",
    ]
    rows = []
    for view in views.views:
        cold = find(views.cells, group=view.path, mode="cold")
        warm = find(views.cells, group=view.path, mode="warm")
        plain, zipped = views.sizes.get(view.path, (0, 0))
        per_req = 1000 * warm.server_cpu / warm.requests if warm and warm.requests else math.nan
        rows.append([
            view.what, f"`{view.path}`",
            f"{ms(cold.p50)} / {ms(cold.p99)}" if cold else "-",
            f"{ms(warm.p50)} / {ms(warm.p99)}" if warm else "-",
            times(ratio(warm.p50, base_p50)) if warm else "-",
            times(ratio(cold.p50, warm.p50)) if cold and warm else "-",
            num(per_req, 2),
            f"{plain / 1024:,.0f} ({zipped / 1024:,.1f})" if plain else "-",
            verdict(warm.p50 < VIEW_TARGET and not warm.errors) if warm else "-",
        ])  # fmt: skip
    lines += table(
        ["view", "URL", "cold p50 / p99 ms", "warm p50 / p99 ms", "warm p50 vs `/health`",
         "cold p50 vs warm", "warm server CPU ms/req", "KiB (as sent with gzip)",
         f"warm p50 < {VIEW_TARGET * 1000:.0f} ms"],
        rows,
    )  # fmt: skip
    lines += _views_new_dates(views, base_p50)
    lines += _views_priming(views)
    lines += _views_cells(views)
    if views.problems:
        lines += [
            "**Replies that were not a 200 of the view's media type** (counted as errors above): "
            + "; ".join(f"`{k}`: {v}" for k, v in sorted(views.problems.items())),
            "",
        ]
    return lines


def _views_new_dates(views: ViewResults, base_p50: float) -> list[str]:
    rows = []
    for view in views.new_date_views:
        cell = find(views.cells, group=view.path, mode="new date")
        if cell is None:
            continue
        same = find(views.cells, group=view.path.format(_MEASURED_DATE), mode="warm")
        cold = find(views.cells, group=view.path.format(_MEASURED_DATE), mode="cold")
        per_req = 1000 * cell.server_cpu / cell.requests if cell.requests else math.nan
        rows.append([
            view.what, f"`{view.path.format('D')}`", str(cell.requests - cell.errors),
            f"{ms(cell.p50)} / {ms(cell.p99)}",
            times(ratio(cell.p50, same.p50)) if same else "-",
            times(ratio(cell.p50, cold.p50)) if cold else "-",
            times(ratio(cell.p50, base_p50)),
            num(per_req, 2),
            str(cell.errors),
        ])  # fmt: skip
    return [
        f"*new date*: on the warm server (after priming and the first cold pass), each view "
        f"once for each of {views.dates} dates never asked before (spread over 1992-2025): "
        "every request is a cache miss for the page, though the process's one-off work is "
        f"done. Compared with the same view's warm and cold figures for {_MEASURED_DATE}.",
        "",
        *table(
            ["view", "URL", "dates", "p50 / p99 ms", f"p50 vs warm ({_MEASURED_DATE})",
             f"p50 vs cold ({_MEASURED_DATE})", "p50 vs `/health`", "server CPU ms/req",
             "errors"],
            rows,
        ),
    ]  # fmt: skip


_MEASURED_DATE = "2014-10-16"
"""The date of the landscape and jungle views in bench.views.VIEWS."""


def _views_priming(views: ViewResults) -> list[str]:
    rows = [
        [label, ms(statistics.median(values)), ms(max(values)), str(len(values))]
        for label, values in views.priming.items()
    ]
    return [
        "First view after start: the priming requests, in this order after every start (kept "
        "out of the cold figures). Each is the first of its kind and pays that kind's one-off "
        "work once per server process, as the first reader after a start does:",
        "",
        *table(["request", "median ms", "max ms", "starts"], rows),
    ]


def _views_cells(views: ViewResults) -> list[str]:
    order = {"cold": 0, "warm": 1, "new date": 2}
    rows = []
    for cell in sorted(views.cells, key=lambda c: order.get(c.mode, 3)):
        per_req = 1000 * cell.server_cpu / cell.requests if cell.requests else math.nan
        rows.append([
            cell.mode, f"`{cell.group}`", str(cell.requests),
            str(cell.errors) if not cell.errors else f"**{cell.errors}** "
            + ",".join(f"{k}x{v}" for k, v in cell.statuses.items() if k != 200),
            ms(cell.p50), ms(cell.p99), num(cell.rps), num(cell.client_cpu_pct, 0),
            num(cell.server_cpu_pct, 0), num(cell.other_cpu_pct, 0), num(cell.steal_pct, 0),
            num(per_req, 2), cell.stopped_by,
        ])  # fmt: skip
    return [
        "Every measurement (cold rows: one request per start, summed over the starts; CPU "
        "columns as in section 1):",
        "",
        *table(
            ["mode", "URL", "requests", "errors", "p50 ms", "p99 ms", "req/s", "client CPU %",
             "server CPU %", "other CPU %", "steal %", "server CPU ms/req", "ended by"],
            rows,
        ),
    ]  # fmt: skip


# --------------------------------------------------------------------------------------------


KEPT = "*Kept from an earlier run (`--merge`)"


def _fairness(fair: Any) -> list[str]:
    lines = [
        "## 5. Fairness under adversarial load",
        "",
        "One client (127.0.0.2) keeps two explosive queries in flight, resending each as soon as "
        "it ends; another (127.0.0.3) sends uncached look-ups one after the other "
        "(bench/fairness.py). `natograph serve --no-hermit --query-timeout 5`: with its defaults "
        "(a short-lane worker, 2 queries per client), with both switched off, and idle.",
        "",
    ]
    idle = next((v for v in fair.variants if v.name == "idle server"), None)
    rows = []
    for v in fair.variants:
        statuses = ", ".join(f"{k}: {n}" for k, n in sorted(v.attacker_statuses.items()))
        slower = times(ratio(v.p99, idle.p99)) if idle is not None else "-"
        rows.append([v.name, str(len(v.latencies)), ms(v.p50), ms(v.p99), ms(v.worst), slower,
                     str(v.errors), statuses or "-"])  # fmt: skip
    header = ["variant", "look-ups", "p50 ms", "p99 ms", "worst ms", "p99 vs idle", "errors",
              "attacker's answers (status: count)"]  # fmt: skip
    return [*lines, *table(header, rows)]


def merge(new: str, old: str) -> str:
    """`new` results plus the sections of `old` that this run did not measure.

    A section is a `## ` heading and what follows it. A kept section is marked with the header
    of the run that measured it (unless it already carries such a mark from an earlier merge),
    so that figures from different runs are never mistaken for one run's.
    """
    new_head, new_sections = _sections(new)
    old_head, old_sections = _sections(old)
    run = _run_header(old_head)
    merged = dict(new_sections)
    if TARGETS in old_sections:
        merged[TARGETS] = _merged_targets(new_sections.get(TARGETS, []), old_sections[TARGETS])
    for heading, body in old_sections.items():
        if heading in merged:
            continue
        if not any(line.startswith(KEPT) for line in body[:3]):
            body = ["", f"{KEPT}; that run: {run}*", *body]
        merged[heading] = body
    lines = [*new_head]
    if len(merged) > len(new_sections):
        lines += ["Sections marked *kept* are from an earlier run (`--merge`).", ""]
    for heading in sorted(merged, key=_section_order):
        lines += [heading, *merged[heading]]
    return "\n".join(lines).rstrip() + "\n"


TARGETS = "## Targets"
_KEPT_ROW = " (kept from an earlier run)"


def _merged_targets(new: list[str], old: list[str]) -> list[str]:
    """The Targets table of this run, plus the rows of the earlier one for targets this run did
    not measure (marked as kept); the earlier breakdown lines follow this run's."""
    rows = [line for line in new if line.startswith("| ") and not line.startswith("| target")]
    measured = {row.split(" | ", 1)[0] for row in rows}
    for line in old:
        if not line.startswith("| ") or line.startswith("| target"):
            continue
        name = line.split(" | ", 1)[0]
        if name not in measured:
            kept = (
                line if line.endswith(_KEPT_ROW + " |") else line[: -len(" |")] + _KEPT_ROW + " |"
            )
            rows.append(kept)
    notes = [line for line in new if line.startswith("- ")]
    notes += [line for line in old if line.startswith("- ") and line not in notes]
    body = ["", "| target | measured | verdict |", "|---|---|---|", *rows, ""]
    if notes:
        body += ["Where the time goes:", "", *notes, ""]
    return body


def _run_header(head: list[str]) -> str:
    """Which run wrote a results.md: its machine line and the options of its run."""
    machine = next((line for line in head if line.startswith("Machine:")), "")
    written = next((line for line in head if line.startswith("Written by")), "")
    return f"{machine.removeprefix('Machine: ')}. {written.split('. What each number', 1)[0]}"


def _sections(text: str) -> tuple[list[str], dict[str, list[str]]]:
    head: list[str] = []
    sections: dict[str, list[str]] = {}
    current: list[str] = head
    for line in text.splitlines():
        if line.startswith("## "):
            current = sections.setdefault(line, [])
        else:
            current.append(line)
    for body in sections.values():
        while body and not body[-1].strip():
            body.pop()
        body.append("")
    return head, sections


def _section_order(heading: str) -> float:
    """Targets first, then the numbered sections in order."""
    title = heading.removeprefix("## ")
    number = title.split(".", 1)[0]
    return float(number) if number.isdigit() else (-1.0 if title == "Targets" else 1e9)
