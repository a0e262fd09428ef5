"""Linked-data documents over HTTP: pages and descriptions, per representation, cold and warm.

Dereferencing (natograph.web.resources) answers a thing's IRI path with 303 See Other and renders
each document (`UKR.html`, `UKR.ttl`, ...) on its first request, then keeps it in a bounded
document cache: the dataset does not change while the server runs. So a document has two costs,
and both are measured here against a running `natograph serve`:

- *cold*: the first request for a document since the server started (describe the resource in
  Oxigraph, then render the template or serialise the RDF);
- *warm*: the same document again (a cache hit: the cost of HTTP, routing and gzip).

One-off work done on the first page of any kind (the JSON-LD context, the landing page's figures,
the related competency questions, the dataset description, the ontology documentation's model,
compiling templates) is kept out of the cold figures: after every start a priming pass requests
documents that are not measured, and its latencies are reported on their own. Cold samples need
fresh servers, so the server is restarted for each cold pass.

The client is a minimal HTTP/1.1 keep-alive client on asyncio streams (cheap, like bench.client's
`raw` one) that sends what a browser or a linked-data client would: the representation's media
type in Accept (a browser's Accept header for the 303) and `Accept-Encoding: gzip`.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bench.client import Cell, cpu_mark, record_cpu
from natograph.publish.documents import FORMATS

BROWSER_ACCEPT = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
    "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"
)
"""Chromium's Accept header for a navigation: what leads a person's click through the 303."""

SEE_OTHER = "303"
REPRESENTATIONS: tuple[str, ...] = (SEE_OTHER, *(f.extension for f in FORMATS))
"""`303` = the thing's IRI path itself (negotiated, never cached); the rest are documents."""
MEDIA_TYPES = {f.extension: f.media_type for f in FORMATS}
REQUEST_TIMEOUT = 60.0


@dataclass(frozen=True)
class Target:
    """A resource whose documents are requested, by its path under the server root."""

    label: str
    thing: str

    @property
    def name(self) -> str:
        """The documents' relative name, as the 303's Location gives it (`UKR` for UKR)."""
        return self.thing.rsplit("/", 1)[-1]


TARGETS: tuple[Target, ...] = (
    Target("partner country (UKR)", "id/country/UKR"),
    Target("partner country (GEO)", "id/country/GEO"),
    Target("partner country (AUT)", "id/country/AUT"),
    Target("partner, then Ally (FIN)", "id/country/FIN"),
    Target("framework (pfp)", "id/pfp"),
    Target("membership (pfp-UKR)", "id/membership/pfp-UKR"),
    Target("ontology class (Country)", "ontology/Country"),
    Target("landing page / dataset", "dataset"),
    Target("ontology", "ontology"),
)
"""The measured resources: one of each kind of page, with countries from the largest page (UKR)
to a small one (AUT)."""

PRIMING = Target("priming (SWE)", "id/country/SWE")
"""Requested in every representation after each start (PRIMING_REQUESTS), never measured, so
that the one-off work of a fresh server is not counted in the first measured document."""


@dataclass(frozen=True)
class DocRequest:
    """One request: a representation of a target (or, for priming, any path)."""

    target: Target
    representation: str
    """`303`, a document extension, or '' for a path outside the document scheme."""
    path: str
    accept: str
    accept_encoding: bool = True
    media_type: str = ""
    """The reply's expected media type when the representation does not say it ('' = any)."""

    @classmethod
    def of(cls, target: Target, representation: str, accept_encoding: bool = True) -> DocRequest:
        if representation == SEE_OTHER:
            return cls(target, representation, "/" + target.thing, BROWSER_ACCEPT, accept_encoding)
        path = "/" + target.thing + representation
        return cls(target, representation, path, MEDIA_TYPES[representation], accept_encoding)

    def encode(self, host: str) -> bytes:
        gzip = "Accept-Encoding: gzip\r\n" if self.accept_encoding else ""
        return (
            f"GET {self.path} HTTP/1.1\r\nHost: {host}\r\nAccept: {self.accept}\r\n{gzip}\r\n"
        ).encode()

    def problem(self, reply: Reply) -> str:
        """Why the reply is not what dereferencing promises ('' when it is)."""
        expected_status = 303 if self.representation == SEE_OTHER else 200
        if reply.status != expected_status:
            return f"HTTP {reply.status}"
        if self.representation == SEE_OTHER:
            expected = self.target.name + ".html"
            return "" if reply.location == expected else f"Location {reply.location!r}"
        media_type = self.media_type or MEDIA_TYPES.get(self.representation, "")
        return "" if reply.content_type.startswith(media_type) else reply.content_type


def requests_for(targets: Sequence[Target], representations: Sequence[str]) -> list[DocRequest]:
    return [DocRequest.of(t, r) for r in representations for t in targets]


# --------------------------------------------------------------------------------------------
# The client


@dataclass(frozen=True)
class Reply:
    status: int
    content_type: str
    location: str
    size: int
    """Body bytes as sent (compressed when the server used gzip)."""


class Connection:
    """One HTTP/1.1 keep-alive connection with pre-encoded requests."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.authority = f"{host}:{port}"
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self._encoded: dict[DocRequest, bytes] = {}

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def get(self, request: DocRequest) -> Reply:
        if self.writer is None or self.writer.is_closing():
            await self.open()
        assert self.writer is not None
        data = self._encoded.get(request)
        if data is None:
            data = self._encoded[request] = request.encode(self.authority)
        self.writer.write(data)
        try:
            return await asyncio.wait_for(self._reply(), REQUEST_TIMEOUT)
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
            await self.close()
            raise

    async def _reply(self) -> Reply:
        assert self.reader is not None
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        fields: dict[bytes, bytes] = {}
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            fields[name.strip().lower()] = value.strip()
        size = 0
        if b"content-length" in fields:
            size = len(await self.reader.readexactly(int(fields[b"content-length"])))
        elif b"chunked" in fields.get(b"transfer-encoding", b"").lower():
            while chunk := int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16):
                size += len(await self.reader.readexactly(chunk + 2)) - 2
            await self.reader.readuntil(b"\r\n")
        if b"close" in fields.get(b"connection", b"").lower():
            await self.close()
        return Reply(
            status,
            fields.get(b"content-type", b"").decode("latin-1"),
            fields.get(b"location", b"").decode("latin-1"),
            size,
        )

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
            self.writer = None


# --------------------------------------------------------------------------------------------
# Measuring


@dataclass
class Plan:
    """What one measurement sends and when it stops."""

    requests: list[DocRequest]
    concurrency: int
    cycle: bool
    """Warm: go round the requests until a bound is hit. Cold: send each request once."""
    max_requests: int = 0
    seconds: float = 0.0
    hard_seconds: float = 0.0


@dataclass
class Outcome:
    """Per-request facts a measurement leaves besides its cells."""

    problems: dict[str, str] = field(default_factory=dict)
    """'<path> <representation>' -> what was wrong with its reply."""
    sizes: dict[DocRequest, int] = field(default_factory=dict)


async def measure(
    batch: Cell,
    by_representation: dict[str, Cell],
    base_url: str,
    plan: Plan,
    outcome: Outcome,
    server_cpu: Callable[[], float],
    ping: DocRequest | None = None,
) -> None:
    """Run `plan`; `batch` gets every request and the CPU figures, the per-representation cells
    get their own requests' latencies (they share the batch's elapsed time and CPU). Each
    connection is opened with one untimed `ping` first (default: the priming page, SWE.html)."""
    host, port = base_url.removeprefix("http://").rsplit(":", 1)
    connections = [Connection(host, int(port)) for _ in range(plan.concurrency)]
    pending = list(plan.requests)
    issued = 0
    started = 0.0

    def next_request() -> DocRequest | None:
        nonlocal issued
        if not plan.cycle:
            if not pending:
                batch.stopped_by = "all sent"
                return None
            issued += 1
            return pending.pop(0)
        elapsed = time.perf_counter() - started
        if issued >= plan.max_requests or elapsed >= plan.hard_seconds:
            batch.stopped_by = batch.stopped_by or (
                "count" if issued >= plan.max_requests else "hard time"
            )
            return None
        if elapsed >= plan.seconds and issued >= len(plan.requests):
            batch.stopped_by = batch.stopped_by or "time"
            return None
        request = plan.requests[issued % len(plan.requests)]
        issued += 1
        return request

    async def worker(connection: Connection) -> None:
        while (request := next_request()) is not None:
            t = time.perf_counter()
            try:
                reply = await connection.get(request)
                problem = request.problem(reply)
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as err:
                reply, problem = Reply(0, "", "", 0), f"no reply ({type(err).__name__})"
            latency = time.perf_counter() - t
            _record(batch, request, reply.status, latency, problem)
            cell = by_representation.get(request.representation)
            if cell is not None and cell is not batch:
                _record(cell, request, reply.status, latency, problem)
            if problem:
                outcome.problems[f"{request.path} {request.representation}"] = problem
            else:
                outcome.sizes[request] = reply.size

    try:
        for connection in connections:
            await connection.open()
        opening = ping or DocRequest.of(PRIMING, ".html")
        await asyncio.gather(*(c.get(opening) for c in connections))
        mark = cpu_mark(server_cpu)
        started = time.perf_counter()
        await asyncio.wait_for(
            asyncio.gather(*(worker(c) for c in connections)),
            max(plan.hard_seconds, 60.0) + REQUEST_TIMEOUT,
        )
        batch.elapsed = time.perf_counter() - started
        record_cpu(batch, mark, server_cpu)
    finally:
        for connection in connections:
            await connection.close()


def _record(cell: Cell, request: DocRequest, status: int, latency: float, problem: str) -> None:
    cell.requests += 1
    cell.statuses[status] += 1
    if problem:
        cell.errors += 1
        return
    cell.latencies.append(latency)
    cell.per_query[request.target.label].append(latency)


def absorb(into: Cell, part: Cell) -> None:
    """Add one pass's figures to a cell that sums passes over several server starts."""
    into.requests += part.requests
    into.errors += part.errors
    into.elapsed += part.elapsed
    into.latencies += part.latencies
    for key, values in part.per_query.items():
        into.per_query[key] += values
    for status, count in part.statuses.items():
        into.statuses[status] += count
    into.client_cpu += part.client_cpu
    into.server_cpu += part.server_cpu
    into.other_cpu += part.other_cpu
    into.steal += part.steal
    into.stopped_by = part.stopped_by


# --------------------------------------------------------------------------------------------
# Priming


PRIMING_REQUESTS: tuple[tuple[str, DocRequest], ...] = (
    ("`/` (landing page figures)", DocRequest(PRIMING, "", "/", "text/html")),
    (
        "`/.well-known/void` (dataset description)",
        DocRequest(PRIMING, "", "/.well-known/void", "text/turtle"),
    ),
    (
        # Another cache entry than the measured /ontology.html (explicit French).
        "`/ontology.html?lang=fr` (model of the ontology documentation)",
        DocRequest(PRIMING, "", "/ontology.html?lang=fr", "text/html"),
    ),
    *(
        (f"first {r} (`{DocRequest.of(PRIMING, r).path}`)", DocRequest.of(PRIMING, r))
        for r in REPRESENTATIONS
    ),
)
"""In this order after every start; the first of each kind does that kind's one-off work."""


async def prime(
    base_url: str, requests: Sequence[tuple[str, DocRequest]] = PRIMING_REQUESTS
) -> dict[str, float]:
    """The one-off work of a fresh server, timed: label -> seconds (`requests` in order)."""
    host, port = base_url.removeprefix("http://").rsplit(":", 1)
    connection = Connection(host, int(port))
    timings: dict[str, float] = {}
    try:
        await connection.open()
        for label, request in requests:
            t = time.perf_counter()
            reply = await connection.get(request)
            timings[label] = time.perf_counter() - t
            if request.problem(reply):
                raise RuntimeError(f"priming {request.path}: {request.problem(reply)}")
    finally:
        await connection.close()
    return timings


def shuffled(requests: list[DocRequest], seed: int) -> list[DocRequest]:
    """A fixed mix for the concurrent cold pass: representations interleaved, same every run."""
    mixed = list(requests)
    random.Random(seed).shuffle(mixed)
    return mixed


# --------------------------------------------------------------------------------------------
# The section


@dataclass
class PageResults:
    starts: int = 0
    """Server starts per cold concurrency (cold c=1 and cold c=16 each get this many)."""
    ready: list[float] = field(default_factory=list)
    priming: dict[str, list[float]] = field(default_factory=dict)
    cells: list[Cell] = field(default_factory=list)
    """group = representation (or `all` for a mixed pass), mode = `cold` or `warm`."""
    sizes: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)
    """(target label, representation) -> (bytes, bytes with gzip)."""
    problems: dict[str, str] = field(default_factory=dict)
    targets: list[Target] = field(default_factory=lambda: list(TARGETS))


@dataclass(frozen=True)
class Budget:
    """How long a warm measurement may run (the HTTP section's settings) and how many starts."""

    requests: int
    seconds: float
    starts: int


def run_section(budget: Budget, log: Callable[[str], None]) -> PageResults:
    """Measure every representation of TARGETS against `natograph serve --no-hermit`."""
    from bench.servers import Servers, free_port, natograph_serve

    out = PageResults(starts=budget.starts)
    outcome = Outcome()
    cold = {(r, c): _cell(r, "cold", c) for r in REPRESENTATIONS for c in (1, 16)}
    mixed = _cell("all", "cold", 16)
    with Servers() as servers:
        server = servers.start(natograph_serve(free_port(), "--no-hermit"), 300)
        for start in range(2 * budget.starts):
            if start:
                server.restart(300)
            out.ready.append(server.ready_seconds)
            for label, seconds in asyncio.run(prime(server.base_url)).items():
                out.priming.setdefault(label, []).append(seconds)
            if start < budget.starts:
                _cold_sequential(server.base_url, server.cpu_seconds, cold, outcome)
                log(f"  pages: start {start + 1}, cold c=1 pass done")
                if start == 0:
                    out.cells += _warm(server.base_url, server.cpu_seconds, budget, outcome, log)
                    out.sizes = _sizes(server.base_url, outcome)
            else:
                _cold_concurrent(server.base_url, server.cpu_seconds, cold, mixed, start, outcome)
                log(f"  pages: start {start + 1}, cold c=16 pass done")
    out.cells = [*cold.values(), mixed, *out.cells]
    out.problems = outcome.problems
    for cell in out.cells:
        if cell.mode == "cold":
            log(_line(cell))
    return out


def _cell(representation: str, mode: str, concurrency: int) -> Cell:
    return Cell("natograph", representation, mode, concurrency, "raw")


def _line(cell: Cell) -> str:
    return (
        f"  pages {cell.mode:4} {cell.group:7} c={cell.concurrency:<2} p50 {cell.p50 * 1000:7.2f} "
        f"ms  p99 {cell.p99 * 1000:7.2f} ms  n={cell.requests} errors={cell.errors}"
    )


def _cold_sequential(
    base_url: str,
    server_cpu: Callable[[], float],
    cells: dict[tuple[str, int], Cell],
    outcome: Outcome,
) -> None:
    """Every target once per representation, one representation after the other, c=1."""
    for representation in REPRESENTATIONS:
        part = _cell(representation, "cold", 1)
        plan = Plan(requests_for(TARGETS, [representation]), 1, cycle=False)
        asyncio.run(measure(part, {}, base_url, plan, outcome, server_cpu))
        absorb(cells[(representation, 1)], part)


def _cold_concurrent(
    base_url: str,
    server_cpu: Callable[[], float],
    cells: dict[tuple[str, int], Cell],
    mixed: Cell,
    seed: int,
    outcome: Outcome,
) -> None:
    """Every (target, representation) once, shuffled, 16 connections: what a crawler does."""
    batch = _cell("all", "cold", 16)
    parts = {r: _cell(r, "cold", 16) for r in REPRESENTATIONS}
    plan = Plan(shuffled(requests_for(TARGETS, REPRESENTATIONS), seed), 16, cycle=False)
    asyncio.run(measure(batch, parts, base_url, plan, outcome, server_cpu))
    absorb(mixed, batch)
    for representation, part in parts.items():
        absorb(cells[(representation, 16)], part)


def _warm(
    base_url: str,
    server_cpu: Callable[[], float],
    budget: Budget,
    outcome: Outcome,
    log: Callable[[str], None],
) -> list[Cell]:
    """Each representation alone, round the targets, c=1 and c=16: every document cached."""
    cells = []
    for representation in REPRESENTATIONS:
        for concurrency in (1, 16):
            cell = _cell(representation, "warm", concurrency)
            plan = Plan(
                requests_for(TARGETS, [representation]),
                concurrency,
                cycle=True,
                max_requests=budget.requests,
                seconds=budget.seconds,
                hard_seconds=3 * budget.seconds,
            )
            asyncio.run(measure(cell, {}, base_url, plan, outcome, server_cpu))
            cells.append(cell)
            log(_line(cell) + f"  {cell.rps:8.1f} req/s")
    return cells


def _sizes(base_url: str, outcome: Outcome) -> dict[tuple[str, str], tuple[int, int]]:
    """Each document's size as sent with gzip (from the warm pass) and without (asked now)."""
    plain = Outcome()
    documents = [DocRequest.of(t, r, accept_encoding=False) for t in TARGETS for r in MEDIA_TYPES]
    plan = Plan(documents, 1, cycle=False)
    asyncio.run(measure(_cell("all", "sizes", 1), {}, base_url, plan, plain, lambda: 0.0))
    outcome.problems.update(plain.problems)
    sizes = {}
    for request in documents:
        zipped = DocRequest.of(request.target, request.representation)
        key = (request.target.label, request.representation)
        sizes[key] = (plain.sizes.get(request, 0), outcome.sizes.get(zipped, 0))
    return sizes
