"""Load generators: N asyncio tasks sending SPARQL GET requests, bounded in count and in time.

Two clients, same protocol (HTTP/1.1 keep-alive, one connection per task, GET
`/sparql?query=...`, `Accept: application/sparql-results+json`):

- `httpx`: an `httpx.AsyncClient` per task (one shared pool is markedly slower under
  concurrency). This is the client a Python user would write, but on this 2-core machine it
  costs ~1.3 ms of client CPU per request, so it saturates around 700 req/s and caps any fast
  server.
- `raw`: a minimal HTTP/1.1 client on asyncio streams with pre-encoded requests, ~5x cheaper per
  request, which shows what the servers can do when the client is not the bottleneck.

Each task first opens its connection with one untimed request (`ping_path`); then the timed phase
hands out request numbers from a shared counter until `requests` have been issued, or
`seconds` have passed *and* at least `min_requests` were issued, or `hard_seconds` have passed.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import math
import resource
import time
import urllib.parse
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import httpx
import psutil

from bench.workload import Query, unique

ACCEPT = "application/sparql-results+json"
REQUEST_TIMEOUT = 120.0
_serial = itertools.count(1)
"""Request numbers for `uncached` texts: unique over the whole benchmark run."""


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100); NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


class Latencies:
    """Percentiles of a `latencies` list (seconds), for the measurement records."""

    latencies: list[float]

    @property
    def p50(self) -> float:
        return percentile(self.latencies, 50)

    @property
    def p99(self) -> float:
        return percentile(self.latencies, 99)


@dataclass
class Cell(Latencies):
    """One measurement: a system, a query group, cached or not, a concurrency, a client."""

    system: str
    group: str
    mode: str
    concurrency: int
    client: str
    requests: int = 0
    errors: int = 0
    elapsed: float = 0.0
    latencies: list[float] = field(default_factory=list)
    per_query: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    client_cpu: float = 0.0
    server_cpu: float = 0.0
    other_cpu: float = 0.0
    """CPU seconds the rest of the machine used meanwhile (other processes, kernel)."""
    steal: float = 0.0
    """CPU seconds the hypervisor gave to other guests (a VM's noise)."""
    stopped_by: str = ""

    @property
    def rps(self) -> float:
        ok = self.requests - self.errors
        return ok / self.elapsed if self.elapsed > 0 else math.nan

    @property
    def client_cpu_pct(self) -> float:
        return 100 * self.client_cpu / self.elapsed if self.elapsed > 0 else math.nan

    @property
    def server_cpu_pct(self) -> float:
        return 100 * self.server_cpu / self.elapsed if self.elapsed > 0 else math.nan

    @property
    def other_cpu_pct(self) -> float:
        return 100 * self.other_cpu / self.elapsed if self.elapsed > 0 else math.nan

    @property
    def steal_pct(self) -> float:
        return 100 * self.steal / self.elapsed if self.elapsed > 0 else math.nan


@dataclass(frozen=True)
class CpuMark:
    """CPU counters at the start of a measured batch (see `cpu_mark` and `record_cpu`)."""

    server: float
    client: float
    busy: float
    steal: float


def cpu_mark(server_cpu: Callable[[], float]) -> CpuMark:
    server, client = server_cpu(), _own_cpu()
    busy, steal = machine_cpu()
    return CpuMark(server, client, busy, steal)


def record_cpu(cell: Cell, mark: CpuMark, server_cpu: Callable[[], float]) -> None:
    """The CPU the server, this client and the rest of the machine spent since `mark`."""
    cell.server_cpu = server_cpu() - mark.server
    cell.client_cpu = _own_cpu() - mark.client
    busy, steal = machine_cpu()
    cell.other_cpu = max(0.0, busy - mark.busy - cell.client_cpu - cell.server_cpu)
    cell.steal = steal - mark.steal


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def machine_cpu() -> tuple[float, float]:
    """(busy, steal) CPU seconds of the whole machine since boot."""
    times = psutil.cpu_times()
    busy = sum(getattr(times, f, 0.0) for f in ("user", "nice", "system", "irq", "softirq"))
    return busy, getattr(times, "steal", 0.0)


def request_text(query: Query, mode: str) -> str:
    return unique(query.text, next(_serial)) if mode == "uncached" else query.text


def request_target(path: str, text: str) -> str:
    return f"{path}?{urllib.parse.urlencode({'query': text})}"


class _Transport:
    """One keep-alive connection; `send` returns (status, body bytes)."""

    async def open(self) -> None: ...

    async def send(self, target: str) -> tuple[int, int]:
        raise NotImplementedError

    async def close(self) -> None: ...


class _HttpxTransport(_Transport):
    def __init__(self, base_url: str, local: str) -> None:
        self.client = httpx.AsyncClient(
            base_url=base_url,
            transport=httpx.AsyncHTTPTransport(local_address=local),
            timeout=REQUEST_TIMEOUT,
            limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
            headers={"Accept": ACCEPT},
        )

    async def send(self, target: str) -> tuple[int, int]:
        response = await self.client.get(target)
        return response.status_code, len(response.content)

    async def close(self) -> None:
        await self.client.aclose()


class _RawTransport(_Transport):
    def __init__(self, host: str, port: int, local: str) -> None:
        self.host, self.port, self.local = host, port, local
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(
            self.host, self.port, local_addr=(self.local, 0)
        )

    async def send(self, target: str) -> tuple[int, int]:
        if self.writer is None or self.writer.is_closing():
            await self.open()
        assert self.reader is not None and self.writer is not None
        self.writer.write(
            f"GET {target} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Accept: {ACCEPT}\r\n\r\n".encode()
        )
        try:
            return await asyncio.wait_for(self._response(), REQUEST_TIMEOUT)
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
            await self.close()
            raise

    async def _response(self) -> tuple[int, int]:
        assert self.reader is not None
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length, chunked, close = None, False, False
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding" and b"chunked" in value.lower():
                chunked = True
            elif name == b"connection" and b"close" in value.lower():
                close = True
        size = 0
        if length is not None:
            size = len(await self.reader.readexactly(length))
        elif chunked:
            while True:
                chunk = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                size += len(await self.reader.readexactly(chunk + 2)) - 2
                if chunk == 0:
                    break
        if close:
            await self.close()
        return status, size

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
            self.writer = None


async def measure(
    cell: Cell,
    base_url: str,
    path: str,
    ping_path: str,
    queries: Sequence[Query],
    *,
    requests: int,
    seconds: float,
    hard_seconds: float,
    min_requests: int = 1,
    server_cpu: Callable[[], float] = lambda: 0.0,
) -> Cell:
    """Fill `cell` with one timed run; see the module docstring for when it stops."""
    parsed = urllib.parse.urlsplit(base_url)

    def transport(index: int) -> _Transport:
        # Each connection is its own client (a loopback address of its own): c=16 is sixteen
        # clients, as natograph's per-client query limit counts them, not one client's flood.
        local = f"127.0.0.{10 + index}"
        if cell.client == "raw":
            return _RawTransport(parsed.hostname or "127.0.0.1", parsed.port or 80, local)
        return _HttpxTransport(base_url, local)

    transports = [transport(i) for i in range(cell.concurrency)]
    # Pre-encode what does not change (cached mode): the client's work should be the HTTP.
    fixed = [request_target(path, q.text) for q in queries]
    issued = 0
    started = 0.0

    def next_request() -> tuple[Query, str] | None:
        nonlocal issued
        elapsed = time.perf_counter() - started
        if issued >= requests or elapsed >= hard_seconds:
            cell.stopped_by = cell.stopped_by or ("count" if issued >= requests else "hard time")
            return None
        if elapsed >= seconds and issued >= min_requests:
            cell.stopped_by = cell.stopped_by or "time"
            return None
        index = issued % len(queries)
        issued += 1
        query = queries[index]
        if cell.mode == "uncached":
            return query, request_target(path, request_text(query, "uncached"))
        return query, fixed[index]

    async def worker(conn: _Transport) -> None:
        while (item := next_request()) is not None:
            query, target = item
            t = time.perf_counter()
            try:
                status, _size = await conn.send(target)
            except (TimeoutError, httpx.HTTPError, OSError, asyncio.IncompleteReadError):
                status = 0
            latency = time.perf_counter() - t
            cell.requests += 1
            cell.statuses[status] += 1
            if status != 200:
                cell.errors += 1
                continue
            cell.latencies.append(latency)
            cell.per_query[query.name].append(latency)

    try:
        for conn in transports:
            await conn.open()
        await asyncio.gather(*(conn.send(ping_path) for conn in transports))
        mark = cpu_mark(server_cpu)
        started = time.perf_counter()
        await asyncio.wait_for(
            asyncio.gather(*(worker(conn) for conn in transports)),
            hard_seconds + REQUEST_TIMEOUT,
        )
        cell.elapsed = time.perf_counter() - started
        record_cpu(cell, mark, server_cpu)
    finally:
        for conn in transports:
            await conn.close()
    return cell


async def fetch(
    base_url: str, path: str, text: str, timeout: float
) -> tuple[int, float, bytes | None]:
    """One request (for answer checks): status (0 on error, -1 on timeout), seconds, body."""
    async with httpx.AsyncClient(base_url=base_url, timeout=timeout) as client:
        t = time.perf_counter()
        try:
            response = await client.get(request_target(path, text), headers={"Accept": ACCEPT})
        except httpx.TimeoutException:
            return -1, time.perf_counter() - t, None
        except httpx.HTTPError:
            return 0, time.perf_counter() - t, None
        return response.status_code, time.perf_counter() - t, response.content
