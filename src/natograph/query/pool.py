"""A pool of query worker processes that one client's expensive queries cannot monopolise.

Oxigraph cannot cancel a query, so every limit that must really free resources ends the process
running the query: overrunning its time limit, or growing past its memory cap (set inside the
worker with RLIMIT_AS, so the kernel refuses the allocation and the worker aborts). The pool then
starts a replacement in the background while the other workers go on serving.

Fairness follows what public SPARQL services do (Wikidata Query Service limits concurrent queries
per client; UniProt and DBpedia keep capacity for short requests):

- **per-client concurrency**: one client (by address) may have at most `client_limit` queries on
  workers at once; beyond that it is told to wait (ClientLimit -> 429);
- **a short lane**: `lane_workers` extra workers take a job only when every general worker is busy,
  and only for `lane_seconds`. A job that overruns the lane is moved to a general worker with its
  full time budget (its lane worker is replaced), so a query's answer never depends on which
  worker ran it, only on its own cost; a query seen to overrun is sent straight to the general
  workers next time;
- **bounded admission**: beyond `workers + lanes + queue` jobs in flight, callers are told to come
  back later (Busy -> 503 + Retry-After) instead of piling up.

The time limit runs from the moment a worker takes the job until its serialised result has
arrived, so it covers evaluation and serialisation; waiting for a worker is bounded separately.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from natograph.query.executor import (
    COPY,
    LATER,
    OUT_OF_MEMORY,
    Busy,
    ClientLimit,
    Failure,
    Job,
    MemoryExceeded,
    Outcome,
    TimedOut,
    WorkerLost,
)
from natograph.store import StoreSource

_SLOW_MEMORY = 4096
"""Job keys remembered as too slow for the short lane."""


@dataclass(eq=False)
class _Worker:
    process: subprocess.Popen[bytes]
    inbox: Connection
    """The worker's stdin: jobs go here."""
    outbox: Connection
    """The worker's stdout: outcomes come from here."""
    lane: bool = False
    """Kept for short queries (see the module docstring)."""
    ready: bool = False
    """Has loaded its store (a worker still loading cannot serve, so is not counted alive)."""
    isolated: bool = False
    """Runs in a network namespace of its own (no connection possible)."""


class QueryPool:
    """General and short-lane worker processes, with bounded admission and real limits."""

    def __init__(
        self,
        source: StoreSource | None,
        workers: int = 2,
        queue_limit: int = 16,
        isolate_network: bool = True,
        *,
        memory_mb: int | None = None,
        lane_workers: int = 1,
        lane_seconds: float = 1.0,
        client_limit: int | None = None,
        copy: bool = False,
    ) -> None:
        self.source = source
        self.isolate_network = isolate_network
        self.size = max(1, workers)
        self.lanes = max(0, lane_workers)
        self.lane_seconds = lane_seconds
        self.memory_mb = memory_mb
        self.client_limit = client_limit
        self.copy = copy
        """Each worker loads the store into its memory (Settings.worker_store == "copy")."""
        self._admission = threading.BoundedSemaphore(self.size + self.lanes + max(0, queue_limit))
        self._closed = False
        self._all: set[_Worker] = set()
        self._idle: list[_Worker] = []
        self._cond = threading.Condition()
        self._clients: dict[str, int] = {}
        self._slow: OrderedDict[str, None] = OrderedDict()
        self._early: list[_Worker] = []
        """Workers started by `prestart`, waiting for their store's folder."""

    # --- Workers ----------------------------------------------------------------------------

    def start(self, source: StoreSource | None = None) -> None:
        """Start the workers (unless `prestart` did) and wait until each has opened its store.

        `source`: the store, when the pool was made before it existed (see `prestart`)."""
        if source is not None:
            self.source = source
        if self.source is None:
            raise ValueError("a query pool needs its store before its workers can answer")
        early, self._early = self._early, []
        spawned = early or [self._spawn(lane=i >= self.size) for i in range(self.size + self.lanes)]
        for worker in spawned:
            if early:  # started with LATER: waiting to be told their store
                with contextlib.suppress(OSError):
                    worker.inbox.send(str(self.source.store))
            self._await_ready(worker)
            self._release(worker)

    def prestart(self) -> None:
        """Start the worker processes now, before the store exists: their interpreter and
        imports (a fifth of a second) overlap the build; `start(source)` then hands them the
        store's folder."""
        self._early = [self._spawn(lane=i >= self.size) for i in range(self.size + self.lanes)]

    def _spawn(self, lane: bool) -> _Worker:
        arg = [LATER] if self.source is None else self.source.args()
        if self.copy:
            arg.append(COPY)
        if self.isolate_network:
            arg.append("--isolate")
        if self.memory_mb:
            arg += ["--memory-mb", str(self.memory_mb)]
        # One line ("memory allocation of N bytes failed") when the cap is hit, not a backtrace.
        env = {**os.environ, "RUST_BACKTRACE": "0"}
        process = subprocess.Popen(
            [sys.executable, "-m", "natograph.query.worker", *arg],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            close_fds=True,
            env=env,
        )
        assert process.stdin is not None and process.stdout is not None
        inbox = Connection(os.dup(process.stdin.fileno()), readable=False)
        outbox = Connection(os.dup(process.stdout.fileno()), writable=False)
        process.stdin.close()
        process.stdout.close()
        worker = _Worker(process, inbox, outbox, lane=lane)
        with self._cond:
            self._all.add(worker)
        return worker

    def _await_ready(self, worker: _Worker, timeout: float = 120.0) -> None:
        try:
            message = worker.outbox.recv() if worker.outbox.poll(timeout) else None
        except (EOFError, OSError):
            message = None
        if not (isinstance(message, tuple) and message[0] == "ready"):
            raise RuntimeError("a query worker failed to start")
        worker.isolated = bool(message[1])
        worker.ready = True

    def _replace(self, dead: _Worker, grace: float = 0.0) -> int | None:
        """Kill a worker, start its replacement in the background; the dead one's exit code.

        `grace`: a worker whose pipe closed is ending already; waiting for it tells how.
        """
        code = self._kill(dead, grace)
        if self._closed:
            return code

        def respawn() -> None:
            worker = self._spawn(dead.lane)
            try:
                self._await_ready(worker)
            except (RuntimeError, EOFError, OSError):
                self._kill(worker)
                return
            if self._closed:  # closed while it loaded: close() may not have seen it
                self._kill(worker)
                return
            self._release(worker)

        threading.Thread(target=respawn, daemon=True, name="natograph-respawn").start()
        return code

    def _kill(self, worker: _Worker, grace: float = 0.0) -> int | None:
        with self._cond:
            self._all.discard(worker)
            if worker in self._idle:
                self._idle.remove(worker)
        code = None
        with contextlib.suppress(subprocess.TimeoutExpired):
            code = worker.process.wait(timeout=grace) if grace else worker.process.poll()
        with contextlib.suppress(Exception):
            if code is None:
                worker.process.kill()
            worker.process.wait(timeout=5)
        for conn in (worker.inbox, worker.outbox):
            with contextlib.suppress(Exception):
                conn.close()
        return code

    def _release(self, worker: _Worker) -> None:
        with self._cond:
            self._idle.append(worker)
            self._cond.notify_all()

    def _acquire(self, deadline: float, lane_ok: bool) -> _Worker | None:
        """An idle general worker, else (if allowed) an idle lane worker; None past deadline."""
        with self._cond:
            while not self._closed:
                general = [w for w in self._idle if not w.lane]
                lanes = [w for w in self._idle if w.lane] if lane_ok else []
                if general or lanes:
                    worker = (general or lanes)[0]
                    self._idle.remove(worker)
                    return worker
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self._cond.wait(remaining)
        return None

    # --- Jobs -------------------------------------------------------------------------------

    def run(
        self, job: Job, timeout: float, wait: float = 10.0, client: str | None = None
    ) -> Outcome:
        """Run a job, blocking; raise Busy, ClientLimit, TimedOut, MemoryExceeded or WorkerLost
        when the limits stop it, or the worker's typed failure (QueryRejected, BadQuery,
        ResultTooLarge, WorkerFault) when the query itself fails.

        `wait` bounds the time spent waiting for a worker; `timeout` the job's own run.
        """
        if self._closed or not self._admission.acquire(blocking=False):
            raise Busy
        try:
            with self._client(client):
                return self._dispatch(job, timeout, time.monotonic() + wait)
        finally:
            self._admission.release()

    @contextlib.contextmanager
    def _client(self, client: str | None) -> Iterator[None]:
        if client is None or self.client_limit is None:
            yield None
            return
        with self._cond:
            running = self._clients.get(client, 0)
            if running >= self.client_limit:
                raise ClientLimit(self.client_limit)
            self._clients[client] = running + 1
        try:
            yield None
        finally:
            with self._cond:
                left = self._clients[client] - 1
                if left:
                    self._clients[client] = left
                else:
                    del self._clients[client]

    def _dispatch(self, job: Job, timeout: float, deadline: float) -> Outcome:
        key = hashlib.sha256(repr(job).encode()).hexdigest()
        lane_ok = self.lanes > 0 and key not in self._slow
        while True:
            worker = self._acquire(deadline, lane_ok)
            if worker is None:
                raise Busy
            if not worker.lane or timeout <= self.lane_seconds:
                return self._on(worker, job, timeout)
            try:
                return self._on(worker, job, self.lane_seconds)
            except TimedOut:
                # Too long for the lane: run it again where the full budget applies.
                self._remember_slow(key)
                lane_ok = False
                deadline = max(deadline, time.monotonic() + 1.0)

    def _remember_slow(self, key: str) -> None:
        with self._cond:
            self._slow[key] = None
            self._slow.move_to_end(key)
            while len(self._slow) > _SLOW_MEMORY:
                self._slow.popitem(last=False)

    def _on(self, worker: _Worker, job: Job, timeout: float) -> Outcome:
        try:
            worker.inbox.send(job)
            if not worker.outbox.poll(timeout):
                self._replace(worker)
                raise TimedOut(timeout)
            outcome: Outcome | Failure = worker.outbox.recv()
        except (EOFError, OSError):
            code = self._replace(worker, grace=2.0)
            if self.memory_mb and code == -signal.SIGABRT:
                raise MemoryExceeded(self.memory_mb) from None
            raise WorkerLost from None
        if isinstance(outcome, Failure):
            if outcome == OUT_OF_MEMORY:  # the worker caught a MemoryError, and is ending
                self._replace(worker)
            else:
                self._release(worker)
            raise outcome.error(self.memory_mb)
        self._release(worker)
        return outcome

    # --- State --------------------------------------------------------------------------------

    def _live(self) -> list[_Worker]:
        """Workers able to take a job now: running and done loading their store."""
        with self._cond:
            return [w for w in self._all if w.ready and w.process.poll() is None]

    def alive(self, lane: bool = False) -> int:
        """How many general (or lane) workers are live."""
        return sum(1 for w in self._live() if w.lane == lane)

    def isolated(self) -> bool:
        """Whether every live worker is cut off the network."""
        live = self._live()
        return bool(live) and all(w.isolated for w in live)

    def close(self) -> None:
        with self._cond:
            self._closed = True
            workers = list(self._all)
            self._cond.notify_all()
        for worker in workers:
            self._kill(worker)


def default_memory_mb(processes: int) -> int:
    """A per-worker cap keeping all `processes` query workers inside half the machine's memory
    (or of the container's limit, where cgroup v2 sets one), between 256 MiB and 4 GiB."""
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    with contextlib.suppress(OSError, ValueError):
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        if limit.isdigit():
            total = min(total, int(limit))
    share = total // 2 // max(1, processes) // (1 << 20)
    return max(256, min(4096, share))
