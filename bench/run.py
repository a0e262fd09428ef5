"""`python -m bench.run`: measure natograph against rdflib-endpoint and a bare HTTP floor.

One run does seven things and writes bench/results.md (see bench/README.md):

1. HTTP throughput and latency (concurrency 1 and 16, cached and uncached) of natograph
   (`natograph serve --no-hermit`), rdflib-endpoint over the same triples, and a constant ASGI
   app, on the competency questions, a trivial look-up and heavier aggregate/path queries;
2. a scale curve over synthetic data (load time, memory, query p50);
3. the start-up time of the curated graph, cold and warm, with its breakdown;
4. linked-data documents over HTTP (bench/pages.py): the 303 and every representation of a few
   resources' descriptions, cold (rendered) and warm (cached), at concurrency 1 and 16;
5. fairness (bench/fairness.py): another client's look-up latency while one client keeps two
   explosive queries running, with and without the short lane and the per-client limit;
6. the SHACL and OWL 2 RL engines and the whole pipeline against pySHACL and owlrl
   (bench/engines.py), on the curated graph and the scale sizes;
7. the researcher's views (bench/views.py): the landscape, timeline, jungle and search pages,
   their downloads and charts, cold (first request after a start), warm (cached) and for new
   dates, against /health.

Every server is a separate process group on 127.0.0.1 and is stopped at the end, whatever
happens; every request loop is bounded in count and in time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench import answers, engines, fairness, machine, pages, report, synthetic, views, workload
from bench.client import Cell, fetch, measure
from bench.servers import (
    REPO,
    Server,
    ServerFailed,
    Servers,
    floor,
    free_port,
    natograph_exe,
    natograph_serve,
    natograph_store,
    rdflib_endpoint,
)

SPARQL = "/sparql"
_SETTINGS_SHOWN = ("NATOGRAPH_WORKER_STORE", "NATOGRAPH_QUERY_WORKERS")
"""natograph settings in the environment that change what is measured: named in the report."""
LAST_RUN = Path(tempfile.gettempdir()) / "natograph-bench-last-run.pickle"
"""The last run's measurements, written before its report (see `--render-only`)."""
SECTIONS = ["http", "pages", "views", "scale", "startup", "fairness", "engines"]
"""In the order they run."""


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# Configuration


@dataclass
class Config:
    quick: bool
    requests: int
    seconds: float
    sizes: list[int]
    rdflib_max: int
    pipeline_max: int
    probe_timeout: float
    pass_seconds: float
    """A measurement may run this long to complete one pass over its group (slow systems)."""
    scale_requests: int
    scale_seconds: float
    rdflib_scale_requests: int
    cold_repeats: int
    warm_repeats: int
    reasoner_curve: bool
    page_starts: int
    """Server starts for each cold pass of the linked-data documents (c=1, c=16)."""
    view_starts: int
    """Server starts of the views section: one cold pass each."""
    view_dates: int
    """Distinct dates per `new date` measurement of the views section."""
    engine_cap: float
    """Seconds after which one engine measurement (section 6) is stopped."""
    sections: list[str]
    output: Path
    merge: bool
    """Keep the sections of the existing output that this run does not measure."""
    render_only: bool = False
    """Write the report of the last run's measurements again (after fixing the report)."""

    def describe(self) -> str:
        return (
            f"{'--quick, ' if self.quick else ''}up to {self.requests} requests "
            f"({RAW_FACTOR * self.requests} for the raw client) or "
            f"~{self.seconds:g} s per HTTP measurement (at least one pass over the group, at most "
            f"{max(3 * self.seconds, self.pass_seconds):g} s); scale sizes "
            f"{', '.join(f'{s:,}' for s in self.sizes)}; "
            f"{self.scale_requests} sequential requests per scale query "
            f"({self.rdflib_scale_requests} for rdflib-endpoint); start-up {self.cold_repeats} "
            f"cold + {self.warm_repeats} warm run(s) per variant; {self.page_starts} server "
            f"start(s) per cold pass of linked-data documents; {self.view_starts} start(s) (cold "
            f"passes) and {self.view_dates} new dates per view for the researcher's views; "
            f"sections: "
            f"{', '.join(self.sections)}"
            + "".join(
                f"; {name}={os.environ[name]}" for name in _SETTINGS_SHOWN if name in os.environ
            )
        )


def parse_args(argv: list[str] | None = None) -> Config:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run",
        description="Benchmark natograph against rdflib-endpoint and a bare HTTP floor; "
        "writes bench/results.md.",
    )
    parser.add_argument("--quick", action="store_true", help="fast smoke run (~2 minutes)")
    parser.add_argument(
        "--requests", type=int, help="max requests per HTTP measurement (default 2000; quick 200)"
    )
    parser.add_argument(
        "--seconds", type=float, help="target seconds per HTTP measurement (default 4; quick 1)"
    )
    parser.add_argument(
        "--sizes",
        help="comma-separated triple counts for the scale curve (default 1e4,1e5,1e6; quick 1e4)",
    )
    parser.add_argument(
        "--rdflib-max",
        type=float,
        default=1e5,
        help="largest size rdflib-endpoint is measured at (default 1e5; 1e6 takes too long)",
    )
    parser.add_argument(
        "--pipeline-max",
        type=float,
        default=1e5,
        help="largest size `natograph serve` (full pipeline) is started over (default 1e5)",
    )
    parser.add_argument(
        "--engine-cap",
        type=float,
        default=240.0,
        help="seconds after which one engine measurement (section 6) is stopped (default 240)",
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=SECTIONS,
        help="run only this section (repeatable); default all",
    )
    parser.add_argument(
        "--merge",
        action="store_true",
        help="keep the sections of the existing --output file that this run does not measure "
        "(e.g. `--only pages --merge` refreshes only the linked-data section)",
    )
    parser.add_argument(
        "--output", type=Path, default=REPO / "bench" / "results.md", help="Markdown to write"
    )
    parser.add_argument(
        "--render-only",
        action="store_true",
        help=f"measure nothing: write the report of the last run again (kept in {LAST_RUN})",
    )
    args = parser.parse_args(argv)
    quick = args.quick
    sizes_text = args.sizes or ("1e4" if quick else "1e4,1e5,1e6")
    return Config(
        quick=quick,
        requests=args.requests or (200 if quick else 2000),
        seconds=args.seconds or (1.0 if quick else 4.0),
        sizes=[int(float(s)) for s in sizes_text.split(",") if s.strip()],
        rdflib_max=int(args.rdflib_max),
        pipeline_max=int(args.pipeline_max),
        probe_timeout=5.0 if quick else 10.0,
        pass_seconds=0.0 if quick else 30.0,
        scale_requests=10 if quick else 30,
        scale_seconds=2.0 if quick else 5.0,
        rdflib_scale_requests=2 if quick else 5,
        cold_repeats=1 if quick else 2,
        warm_repeats=1 if quick else 5,
        reasoner_curve=not quick,
        page_starts=1 if quick else 4,
        view_starts=1 if quick else 3,
        view_dates=20 if quick else 100,
        engine_cap=args.engine_cap,
        sections=[s for s in SECTIONS if s in (args.only or SECTIONS)],
        output=args.output,
        merge=args.merge,
        render_only=args.render_only,
    )


# --------------------------------------------------------------------------------------------
# 1. HTTP throughput and latency


@dataclass
class QueryCheck:
    name: str
    group: str
    natograph_status: int
    natograph_seconds: float
    natograph_size: str
    rdflib_status: int
    rdflib_seconds: float
    rdflib_size: str
    agreement: str
    """'' when both answered the same; otherwise how they differ or what failed."""
    values_note: str = ""
    """How the VALUES-injected text answers differently from `natograph query` (pre-binding)."""


@dataclass
class HttpResults:
    ready: dict[str, float] = field(default_factory=dict)
    rss_start: tuple[int, list[int]] = (0, [])
    rss_end: tuple[int, list[int]] = (0, [])
    rdflib_rss: int = 0
    triples: dict[str, int] = field(default_factory=dict)
    checks: list[QueryCheck] = field(default_factory=list)
    excluded: dict[str, str] = field(default_factory=dict)
    groups: dict[str, list[str]] = field(default_factory=dict)
    cells: list[Cell] = field(default_factory=list)
    rdflib_restarts: int = 0


def _status_text(status: int) -> str:
    return {-1: "timeout", 0: "connection error"}.get(status, f"HTTP {status}")


def http_section(cfg: Config, tmp: Path) -> HttpResults:
    from natograph.build import pipeline
    from natograph.build.parse import ntriples
    from natograph.query.text import competency_questions
    from natograph.settings import Settings

    out = HttpResults()
    log("building the curated graph in-process (reference answers; inferred triples for rdflib)")
    settings = Settings(hermit=False)
    store, build = pipeline.open_store(settings)
    inferred = tmp / "inferred.nt"
    inferred.write_bytes(ntriples(build.inferred))
    rdf_files = [
        *pipeline.turtle_files(settings.ontology_dir),
        *pipeline.turtle_files(settings.data_dir),
        *pipeline.turtle_files(settings.shapes_dir),
        inferred,
    ]
    out.triples["natograph"] = len(store)
    groups = {
        "lookup": workload.lookup(),
        "cq": workload.competency(settings.queries_dir),
        "heavy": workload.heavy(),
    }
    # What `natograph query` answers (parameters pre-bound everywhere), to judge VALUES injection.
    reference = {}
    for cq in competency_questions(settings.queries_dir):
        if cq.parameters:
            result = store.query(cq.text, bindings=cq.substitutions({}))
            reference[cq.name] = answers.from_store(result)

    with Servers() as servers:
        log("starting natograph, rdflib-endpoint and the floor")
        ng = servers.start(natograph_serve(free_port(), "--no-hermit"))
        out.ready["natograph"] = ng.ready_seconds
        out.rss_start = ng.rss()
        rd = servers.start(rdflib_endpoint(free_port(), rdf_files, tmp / "rdflib.json"), 300)
        out.ready["rdflib-endpoint"] = rd.ready_seconds
        out.triples["rdflib-endpoint"] = json.loads((tmp / "rdflib.json").read_text())["triples"]
        fl = servers.start(floor(free_port()))
        out.ready["floor"] = fl.ready_seconds

        log("checking every query's answer on both systems (this also warms their caches)")
        usable: dict[str, list[workload.Query]] = {}
        for group, queries in groups.items():
            usable[group] = []
            for q in queries:
                check = _check_query(q, group, ng, rd, cfg, reference, out)
                out.checks.append(check)
                if check.natograph_status == 200 and check.rdflib_status == 200:
                    usable[group].append(q)
                else:
                    out.excluded[q.name] = check.agreement
        out.groups = {g: [q.name for q in qs] for g, qs in usable.items()}

        systems: list[tuple[str, Server]] = [
            ("floor", fl),
            ("natograph", ng),
            ("rdflib-endpoint", rd),
        ]
        for client in ("httpx", "raw"):
            for name, server in systems:
                for group in ("lookup", "cq", "heavy") if client == "httpx" else ("lookup",):
                    if name == "floor" and group != "lookup":
                        continue
                    queries = usable[group]
                    if not queries:
                        continue
                    # --quick: rdflib-endpoint's slow groups only at c=1 (c=16 just queues them).
                    slow = cfg.quick and name == "rdflib-endpoint" and group != "lookup"
                    for mode in ("cached", "uncached"):
                        for concurrency in (1,) if slow else (1, 16):
                            cell = Cell(name, group, mode, concurrency, client)
                            _run_cell(cell, server, queries, cfg)
                            out.cells.append(cell)
        out.rss_end = ng.rss()
        out.rdflib_rss = rd.rss()[0]
    return out


def _check_query(
    q: workload.Query,
    group: str,
    ng: Server,
    rd: Server,
    cfg: Config,
    reference: dict[str, answers.Canonical],
    out: HttpResults,
) -> QueryCheck:
    ng_status, ng_seconds, ng_body = asyncio.run(fetch(ng.base_url, SPARQL, q.text, 60.0))
    rd_status, rd_seconds, rd_body = asyncio.run(
        fetch(rd.base_url, SPARQL, q.text, cfg.probe_timeout)
    )
    if rd_status == -1:
        # rdflib-endpoint evaluates on its event loop: it stays blocked on this query
        # after the client gave up, so it is restarted to serve the rest.
        log(
            f"rdflib-endpoint did not answer {q.name} within {cfg.probe_timeout:g} s; restarting it"
        )
        rd.restart(300)
        out.rdflib_restarts += 1
    ng_answer = answers.from_json(ng_body) if ng_status == 200 and ng_body else None
    rd_answer = answers.from_json(rd_body) if rd_status == 200 and rd_body else None
    if ng_answer is not None and rd_answer is not None:
        agreement = answers.describe_difference(ng_answer, rd_answer)
    else:
        agreement = "; ".join(
            f"{who} {_status_text(status)}"
            for who, status in (("natograph", ng_status), ("rdflib-endpoint", rd_status))
            if status != 200
        )
    values_note = ""
    if q.name in reference and ng_answer is not None:
        diff = answers.describe_difference(ng_answer, reference[q.name])
        if diff:
            values_note = f"VALUES text vs `natograph query`: {diff}"
    log(
        f"  {q.name}: natograph {_status_text(ng_status)} {ng_seconds * 1000:.1f} ms, "
        f"rdflib-endpoint {_status_text(rd_status)} {rd_seconds * 1000:.1f} ms"
        + (f" [{agreement}]" if agreement else "")
    )
    return QueryCheck(
        q.name,
        group,
        ng_status,
        ng_seconds,
        answers.size(ng_answer) if ng_answer else "-",
        rd_status,
        rd_seconds,
        answers.size(rd_answer) if rd_answer else "-",
        agreement,
        values_note,
    )


RAW_FACTOR = 10
"""The raw client's request cap is this many times `--requests`: at 20,000 req/s, 2,000
requests would be a tenth of a second, too short to measure a ratio to a few per cent."""


def _run_cell(cell: Cell, server: Server, queries: list[workload.Query], cfg: Config) -> None:
    asyncio.run(
        measure(
            cell,
            server.base_url,
            SPARQL,
            server.ping_path,
            queries,
            requests=cfg.requests * (RAW_FACTOR if cell.client == "raw" else 1),
            seconds=cfg.seconds,
            hard_seconds=max(3 * cfg.seconds, cfg.pass_seconds),
            min_requests=len(queries),
            server_cpu=server.cpu_seconds,
        )
    )
    log(
        f"  {cell.client:5} {cell.system:15} {cell.group:6} {cell.mode:8} c={cell.concurrency:<2} "
        f"{cell.rps:8.1f} req/s  p50 {cell.p50 * 1000:8.2f} ms  p99 {cell.p99 * 1000:8.2f} ms  "
        f"n={cell.requests} errors={cell.errors}"
    )


# --------------------------------------------------------------------------------------------
# 2. Scale curve over synthetic data


@dataclass
class ScaleRun:
    system: str
    size: int
    triples: int
    ready_seconds: float
    load_seconds: float | None
    rss: int
    rss_parts: list[int]
    warm_ready_seconds: float | None = None
    """Ready when the store built by the previous start over the same files is re-opened."""
    cells: dict[str, Cell] = field(default_factory=dict)
    rows: dict[str, str] = field(default_factory=dict)
    note: str = ""


@dataclass
class ScaleResults:
    generated: dict[int, tuple[int, float, int]] = field(default_factory=dict)
    """size -> (triples written, seconds, bytes)."""
    runs: list[ScaleRun] = field(default_factory=list)
    pipeline: list[dict[str, object]] = field(default_factory=list)


def scale_section(cfg: Config, tmp: Path) -> ScaleResults:
    out = ScaleResults()
    ontology = REPO / "ontology" / "natograph.ttl"
    for size in cfg.sizes:
        path = tmp / f"synthetic-{size}.nt"
        t = time.perf_counter()
        written = synthetic.write_file(size, path)
        out.generated[size] = (written, time.perf_counter() - t, path.stat().st_size)
        log(f"scale {size:,}: generated {written:,} triples in {out.generated[size][1]:.2f} s")

        cache = tmp / f"store-cache-{size}"
        with Servers() as servers:
            info = tmp / "natograph-store.json"
            server = servers.start(natograph_store(free_port(), [ontology, path], info, cache), 900)
            facts = json.loads(info.read_text())
            run = ScaleRun(
                "natograph",
                size,
                facts["triples"],
                server.ready_seconds,
                facts["load_seconds"],
                *server.rss(),
                note=f"imports {facts['import_seconds']:.2f} s, on-disk store load "
                f"{facts['load_seconds']:.2f} s, query workers + dataset facts "
                f"{facts['workers_seconds']:.2f} s",
            )
            _scale_queries(run, server, cfg.scale_requests, cfg.scale_seconds)
            run.rss, run.rss_parts = server.rss()
            out.runs.append(run)
        with Servers() as servers:  # again: the store kept by that start is re-opened
            warm = servers.start(natograph_store(free_port(), [ontology, path], info, cache), 900)
            run.warm_ready_seconds = warm.ready_seconds
            log(
                f"scale {size:,}: ready {run.ready_seconds:.2f} s cold, "
                f"{warm.ready_seconds:.2f} s warm"
            )

        if size <= cfg.pipeline_max:
            out.pipeline.append(_pipeline_start(size, path, ontology, tmp, reasoner=False))
            if cfg.reasoner_curve and size == min(cfg.sizes):
                out.pipeline.append(_pipeline_start(size, path, ontology, tmp, reasoner=True))

        if size <= cfg.rdflib_max:
            with Servers() as servers:
                info = tmp / "rdflib-scale.json"
                server = servers.start(rdflib_endpoint(free_port(), [ontology, path], info), 900)
                facts = json.loads(info.read_text())
                run = ScaleRun(
                    "rdflib-endpoint",
                    size,
                    facts["triples"],
                    server.ready_seconds,
                    facts["load_seconds"],
                    *server.rss(),
                    note=f"rdflib parse {facts['load_seconds']:.2f} s",
                )
                _scale_queries(
                    run, server, cfg.rdflib_scale_requests, 2 * cfg.scale_seconds, rdflib=True
                )
                run.rss, run.rss_parts = server.rss()
                out.runs.append(run)
    return out


def _scale_queries(
    run: ScaleRun, server: Server, requests: int, seconds: float, rdflib: bool = False
) -> None:
    for name, text in synthetic.QUERIES.items():
        query = workload.Query(name, text)
        status, _seconds, body = asyncio.run(fetch(server.base_url, SPARQL, text, 300.0))
        run.rows[name] = (
            answers.size(answers.from_json(body))
            if status == 200 and body
            else _status_text(status)
        )
        cell = Cell(run.system, name, "uncached", 1, "httpx")
        asyncio.run(
            measure(
                cell,
                server.base_url,
                SPARQL,
                server.ping_path,
                [query],
                requests=requests,
                seconds=seconds,
                hard_seconds=3 * seconds,
                min_requests=min(requests, 3 if rdflib else 5),
                server_cpu=server.cpu_seconds,
            )
        )
        run.cells[name] = cell
        log(
            f"  {run.system:15} {run.size:>9,} {name:14} p50 {cell.p50 * 1000:9.2f} ms "
            f"({cell.requests} requests, {cell.rps:.2f} req/s) {run.rows[name]}"
        )


def _pipeline_start(
    size: int, data: Path, ontology: Path, tmp: Path, *, reasoner: bool
) -> dict[str, object]:
    """`natograph serve --root R --no-hermit` over ontology + synthetic data (no shapes)."""
    root = tmp / f"root-{size}"
    for folder in ("ontology", "data", "shapes", "queries"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    shutil.copy(ontology, root / "ontology" / ontology.name)
    target = root / "data" / "synthetic.ttl"  # N-Triples is Turtle
    if not target.exists():
        target.symlink_to(data)
    cache = Path(tempfile.mkdtemp(dir=tmp, prefix="cache-"))
    env = {"NATOGRAPH_CACHE_DIR": str(cache), "NATOGRAPH_REASONER": str(reasoner).lower()}
    label = "reasoner on" if reasoner else "reasoner off"
    log(f"scale {size:,}: `natograph serve` over the synthetic folder, {label}")
    try:
        with Servers() as servers:
            server = natograph_serve(free_port(), "--no-hermit", "--root", str(root), env=env)
            servers.start(server, 900)
            rss, parts = server.rss()
            return {
                "size": size,
                "reasoner": reasoner,
                "ready_seconds": server.ready_seconds,
                "rss": rss,
                "rss_parts": parts,
                "serving": next(
                    (x for x in server.log_tail(40).splitlines() if x.startswith("serving")), ""
                ),
            }
    except ServerFailed as err:
        return {"size": size, "reasoner": reasoner, "error": str(err).splitlines()[0]}
    finally:
        shutil.rmtree(cache, ignore_errors=True)


# --------------------------------------------------------------------------------------------
# 3. Start-up of the curated graph


@dataclass
class StartupResults:
    runs: dict[str, list[float]] = field(default_factory=dict)
    """'default cold', 'default warm', 'no-hermit cold', ... -> seconds to /health."""
    check: dict[str, dict[str, object]] = field(default_factory=dict)
    """'cold' / 'warm' -> stats of `natograph check --format json` and its wall time."""
    probe: dict[str, object] = field(default_factory=dict)
    python_start: float = 0.0
    rss: int = 0


def startup_section(cfg: Config, tmp: Path) -> StartupResults:
    out = StartupResults()
    out.python_start = min(_timed([sys.executable, "-c", "pass"])[0] for _ in range(3))
    variants: list[tuple[str, tuple[str, ...]]] = [("default", ())]
    if not cfg.quick:
        variants.append(("--no-hermit", ("--no-hermit",)))
    for label, flags in variants:
        cache = tmp / f"startup-cache-{label.strip('-')}"
        for _ in range(cfg.cold_repeats):
            shutil.rmtree(cache, ignore_errors=True)
            cache.mkdir()
            seconds = _start_once(flags, cache, out)
            out.runs.setdefault(f"{label} cold", []).append(seconds)
            log(f"start-up {label} cold: {seconds:.2f} s")
        for _ in range(cfg.warm_repeats):
            seconds = _start_once(flags, cache, out)
            out.runs.setdefault(f"{label} warm", []).append(seconds)
            log(f"start-up {label} warm: {seconds:.2f} s")

    states: tuple[str, ...]
    if cfg.quick:
        # Warm only, with the cache the start-ups above filled (a cold check repeats the cold
        # start-up's work, ~10 s).
        cache, states = tmp / "startup-cache-default", ("warm",)
    else:
        cache, states = tmp / "check-cache", ("cold", "warm")
        shutil.rmtree(cache, ignore_errors=True)
    env = {**os.environ, "NATOGRAPH_CACHE_DIR": str(cache)}
    for state in states:
        wall, stdout = _timed([natograph_exe(), "check", "--format", "json"], env)
        stats = json.loads(stdout)["stats"] if stdout.strip().startswith("{") else {}
        out.check[state] = {"wall": wall, **stats}
        log(f"natograph check ({state}): {wall:.2f} s wall, {stats}")
    wall, stdout = _timed([sys.executable, "-m", "bench.startup_probe"], env)
    out.probe = {"wall": wall, **json.loads(stdout.strip().splitlines()[-1])}
    log(f"start-up probe (warm): {out.probe}")
    return out


def _start_once(flags: tuple[str, ...], cache: Path, out: StartupResults) -> float:
    with Servers() as servers:
        server = natograph_serve(free_port(), *flags, env={"NATOGRAPH_CACHE_DIR": str(cache)})
        servers.start(server, 300)
        out.rss = server.rss()[0]
        return server.ready_seconds


def _timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, str]:
    env = {**(env or os.environ), "PYTHONPATH": str(REPO)}
    t = time.perf_counter()
    done = subprocess.run(
        cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    return time.perf_counter() - t, done.stdout


# --------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    cfg = parse_args(argv)
    os.chdir(REPO)
    if cfg.render_only:
        with LAST_RUN.open("rb") as handle:
            return _write(pickle.load(handle), cfg)
    started = time.perf_counter()
    data = report.Data(machine=machine.line(), config=cfg.describe())
    error: BaseException | None = None
    with tempfile.TemporaryDirectory(prefix="natograph-bench-") as folder:
        tmp = Path(folder)
        try:
            if "http" in cfg.sections:
                data.http = http_section(cfg, tmp)
            if "pages" in cfg.sections:
                log("linked-data documents: 303 and every representation, cold and warm")
                budget = pages.Budget(cfg.requests, cfg.seconds, cfg.page_starts)
                data.pages = pages.run_section(budget, log)
            if "views" in cfg.sections:
                log("views: landscape, timeline, jungle, search; cold, warm, new dates")
                view_budget = views.Budget(
                    min(cfg.requests, views.WARM_REQUESTS), cfg.seconds, cfg.view_starts,
                    cfg.view_dates,
                )  # fmt: skip
                data.views = views.run_section(view_budget, log)
            if "scale" in cfg.sections:
                data.scale = scale_section(cfg, tmp)
            if "startup" in cfg.sections:
                data.startup = startup_section(cfg, tmp)
            if "fairness" in cfg.sections:
                log("fairness: look-ups while one client floods with explosive queries")
                data.fairness = fairness.run_section(50 if cfg.quick else 300, log)
            if "engines" in cfg.sections:
                log("engines: SHACL, OWL 2 RL and the whole pipeline against the references")
                cap = 30.0 if cfg.quick else cfg.engine_cap
                data.engines = engines.run_section(cfg.sizes, tmp, REPO, cap, log)
        except (Exception, KeyboardInterrupt) as err:  # write what was measured, then re-raise
            error = err
            text = [line for line in str(err).splitlines() if line.strip()]
            detail = text[0] + (f" ... {text[-1]}" if len(text) > 1 else "") if text else ""
            data.error = f"{type(err).__name__}: {detail}"
    data.seconds = time.perf_counter() - started
    # Kept before rendering: a report bug must not cost the run (`--render-only` re-renders it).
    with LAST_RUN.open("wb") as handle:
        pickle.dump(data, handle)
    return _write(data, cfg, error)


def _write(data: report.Data, cfg: Config, error: BaseException | None = None) -> int:
    markdown = report.render(data)
    if cfg.merge and cfg.output.exists():
        markdown = report.merge(markdown, cfg.output.read_text(encoding="utf-8"))
    cfg.output.write_text(markdown, encoding="utf-8")
    log(f"wrote {cfg.output} after {data.seconds:.0f} s")
    if error is not None:
        raise error
    return 0


if __name__ == "__main__":
    sys.exit(main())
