"""Running queries in worker processes that can be stopped.

Oxigraph cannot cancel a running query, so a timeout that really frees resources must end the
process running it. Each worker process holds its own read-only copy of the store (loaded from an
N-Quads dump, or opening the on-disk store read-only) and answers one job at a time over a pipe;
the parent kills a worker whose job overruns and starts a fresh one, while the other workers go on
serving. Admission is bounded: beyond `workers + queue` jobs in flight, callers are told to come
back later instead of piling up.
"""

from __future__ import annotations

import contextlib
import os
import queue
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox

from natograph import results_io
from natograph.isolation import drop_network
from natograph.sparql import QueryRejected, guard, names_graphs, syntax_message

T = TypeVar("T")


@dataclass(frozen=True)
class Job:
    """One query to run, with everything a worker needs to answer it."""

    query: str
    form: str
    """SELECT, ASK, CONSTRUCT or DESCRIBE (decides how results are written)."""
    media_type: str
    default_graphs: tuple[str, ...] | None = None
    """Explicit default graph (protocol `default-graph-uri`); None means the union of graphs."""
    named_graphs: tuple[str, ...] | None = None
    max_rows: int = 100_000
    prefixes: dict[str, str] = field(default_factory=dict)
    base_iri: str | None = None
    """What relative IRIs in the query resolve against (the endpoint's URL)."""


@dataclass(frozen=True)
class Outcome:
    status: int
    media_type: str
    body: bytes
    rows: int = 0
    truncated: bool = False
    seconds: float = 0.0


class Busy(Exception):
    """Every worker is busy and the queue is full: the client should retry later."""


class TimedOut(Exception):
    """The query overran its time limit; its worker was stopped."""


class WorkerLost(Exception):
    """The worker died while running the query (it is being replaced)."""


class _WrongForm(ValueError):
    """The result's kind does not fit the media type negotiated from the query's text."""


@dataclass(frozen=True)
class StoreSource:
    """Where a worker gets its data: an N-Quads dump (memory store) or an on-disk store."""

    dump: Path | None = None
    store: Path | None = None

    def open(self) -> ox.Store:
        if self.store is not None:
            return ox.Store.read_only(str(self.store))
        store = ox.Store()
        if self.dump is not None:
            store.bulk_load(path=str(self.dump), format=ox.RdfFormat.N_QUADS)
        return store


def worker_main(argv: list[str]) -> None:
    """Entry point of a worker process: `python -m natograph.worker (--dump F | --store D)`.

    Jobs arrive on stdin and outcomes leave on stdout as multiprocessing Connection frames;
    anything the worker prints goes to stderr so it cannot corrupt the channel.
    """
    import os
    import signal
    import sys

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when workers stop
    isolated = drop_network() if "--isolate" in argv else False
    argv = [a for a in argv if a != "--isolate"]
    kind, path = argv[0], Path(argv[1])
    source = StoreSource(dump=path) if kind == "--dump" else StoreSource(store=path)
    inbox = Connection(os.dup(0), writable=False)
    outbox = Connection(os.dup(1), readable=False)
    sys.stdout = sys.stderr
    store = source.open()
    outbox.send(("ready", isolated))
    # Oxigraph parses and evaluates recursively on the calling thread's stack: a query nested a
    # few hundred levels deep overflows the main thread's 8 MiB. A thread with a large stack (only
    # the pages touched are committed) serves the jobs instead.
    threading.stack_size(_JOB_STACK)
    server = threading.Thread(target=_serve, args=(store, inbox, outbox), name="jobs")
    server.start()
    server.join()


_JOB_STACK = 1 << 30


def _serve(store: ox.Store, inbox: Connection, outbox: Connection) -> None:
    while True:
        try:
            job = inbox.recv()
        except (EOFError, OSError):
            return
        outbox.send(_answer(store, job))


def _answer(store: ox.Store, job: Job) -> Outcome:
    """`execute`, but a bug answers this one job with a 500 instead of killing the worker.

    A dead worker costs every client a reload of the store; the trace goes to stderr (the
    server's log), never to the client.
    """
    try:
        return execute(store, job)
    except Exception:
        traceback.print_exc()
        return Outcome(500, "text/plain", b"Internal error in the query worker; it was logged.")


def execute(store: ox.Store, job: Job) -> Outcome:
    """Run one job on a store and serialise its result (in the worker, or in-process in tests).

    SERVICE is refused here too, whatever the caller checked: Oxigraph would run it, and this is
    the last point before the engine.
    """
    started = time.perf_counter()
    try:
        guard(job.query)
    except QueryRejected as err:
        return Outcome(403, "text/plain", str(err).encode())
    try:
        result = store.query(job.query, **_dataset(job))  # type: ignore[arg-type]
        body, rows, truncated = _serialise(result, job)
    except SyntaxError as err:
        return Outcome(400, "text/plain", syntax_message(err).encode())
    except _WrongForm as err:
        return Outcome(400, "text/plain", str(err).encode())
    except (OSError, ValueError, RuntimeError) as err:
        return Outcome(400, "text/plain", f"query evaluation failed: {err}".encode())
    return Outcome(200, job.media_type, body, rows, truncated, time.perf_counter() - started)


def _dataset(job: Job) -> dict[str, object]:
    """Engine options for the job's dataset: the protocol's graphs, else the query's own.

    Oxigraph's `use_default_graph_as_union` overrides FROM, so the union (natograph's default)
    is only asked for when the query names no graphs itself.
    """
    options: dict[str, object] = {"prefixes": job.prefixes or None, "base_iri": job.base_iri}
    if job.default_graphs is not None:
        options["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
    elif not names_graphs(job.query):
        options["use_default_graph_as_union"] = True
    if job.named_graphs is not None:
        options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    return options


def _serialise(result: object, job: Job) -> tuple[bytes, int, bool]:
    _check_form(result, job)
    if isinstance(result, ox.QueryBoolean):
        kind = results_io.SELECT_TYPES[job.media_type]
        return results_io.boolean(bool(result), kind), 1, False
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        rows = _take(([s[n] for n in names] for s in result), job.max_rows)
        kind = results_io.SELECT_TYPES[job.media_type]
        body = results_io.solutions(names, rows[: job.max_rows], kind)
        return body, min(len(rows), job.max_rows), len(rows) > job.max_rows
    assert isinstance(result, ox.QueryTriples)
    triples = _take(iter(result), job.max_rows)
    body = results_io.triples(triples[: job.max_rows], job.media_type)
    return body, min(len(triples), job.max_rows), len(triples) > job.max_rows


def _check_form(result: object, job: Job) -> None:
    """Refuse a result whose kind the job's media type cannot carry.

    The media type was negotiated from the form read off the text before parsing; a text that
    misleads that reading must get a 400, not a serialiser's KeyError that ends the worker.
    """
    tabular = isinstance(result, ox.QueryBoolean | ox.QuerySolutions)
    offered = results_io.SELECT_TYPES if tabular else results_io.GRAPH_TYPES
    if job.media_type not in offered:
        actual = "an RDF graph" if not tabular else "a table or boolean"
        raise _WrongForm(
            f"The query was read as {job.form}, but the engine parsed it as one returning "
            f"{actual}; check its prologue (PREFIX/BASE) and comments."
        )


def _take(items: Iterator[T], limit: int) -> list[T]:
    """At most limit + 1 items, so the caller can tell whether the result was cut."""
    out: list[T] = []
    for item in items:
        out.append(item)
        if len(out) > limit:
            break
    return out


@dataclass(eq=False)
class _Worker:
    process: subprocess.Popen[bytes]
    inbox: Connection
    """The worker's stdin: jobs go here."""
    outbox: Connection
    """The worker's stdout: outcomes come from here."""
    ready: bool = False
    """Has loaded its store (a worker still loading cannot serve, so is not counted alive)."""
    isolated: bool = False
    """Runs in a network namespace of its own (no connection possible)."""


class QueryPool:
    """A fixed number of worker processes, with bounded admission and real timeouts."""

    def __init__(
        self,
        source: StoreSource,
        workers: int = 2,
        queue_limit: int = 16,
        isolate_network: bool = True,
    ) -> None:
        self.source = source
        self.isolate_network = isolate_network
        self.size = max(1, workers)
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._admission = threading.BoundedSemaphore(self.size + max(0, queue_limit))
        self._closed = False
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start the workers and wait until each has loaded its store."""
        spawned = [self._spawn() for _ in range(self.size)]
        for worker in spawned:
            self._await_ready(worker)
            self._idle.put(worker)

    def _spawn(self) -> _Worker:
        source = self.source
        arg = ["--store", str(source.store)] if source.store else ["--dump", str(source.dump)]
        if self.isolate_network:
            arg.append("--isolate")
        process = subprocess.Popen(
            [sys.executable, "-m", "natograph.worker", *arg],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            close_fds=True,
        )
        assert process.stdin is not None and process.stdout is not None
        inbox = Connection(os.dup(process.stdin.fileno()), readable=False)
        outbox = Connection(os.dup(process.stdout.fileno()), writable=False)
        process.stdin.close()
        process.stdout.close()
        worker = _Worker(process, inbox, outbox)
        with self._lock:
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

    def _replace(self, dead: _Worker) -> None:
        """Kill a worker and start its replacement in the background."""
        self._kill(dead)
        if self._closed:
            return

        def respawn() -> None:
            worker = self._spawn()
            try:
                self._await_ready(worker)
            except (RuntimeError, EOFError, OSError):
                self._kill(worker)
                return
            if self._closed:  # closed while it loaded: close() may not have seen it
                self._kill(worker)
                return
            self._idle.put(worker)

        threading.Thread(target=respawn, daemon=True, name="natograph-respawn").start()

    def _kill(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        with contextlib.suppress(Exception):
            worker.process.kill()
            worker.process.wait(timeout=5)
        for conn in (worker.inbox, worker.outbox):
            with contextlib.suppress(Exception):
                conn.close()

    def run(self, job: Job, timeout: float, wait: float = 10.0) -> Outcome:
        """Run a job, blocking; raise Busy when saturated, TimedOut when it overruns."""
        if self._closed or not self._admission.acquire(blocking=False):
            raise Busy
        try:
            try:
                worker = self._idle.get(timeout=wait)
            except queue.Empty:
                raise Busy from None
            return self._on(worker, job, timeout)
        finally:
            self._admission.release()

    def _on(self, worker: _Worker, job: Job, timeout: float) -> Outcome:
        try:
            worker.inbox.send(job)
            if not worker.outbox.poll(timeout):
                self._replace(worker)
                raise TimedOut
            outcome: Outcome = worker.outbox.recv()
        except (EOFError, OSError):
            self._replace(worker)
            raise WorkerLost from None
        self._idle.put(worker)
        return outcome

    def alive(self) -> int:
        """Workers able to take a job now (running and done loading their store)."""
        with self._lock:
            return sum(1 for w in self._all if w.ready and w.process.poll() is None)

    def isolated(self) -> bool:
        """Whether every live worker is cut off the network."""
        with self._lock:
            live = [w for w in self._all if w.ready and w.process.poll() is None]
        return bool(live) and all(w.isolated for w in live)

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._all)
        for worker in workers:
            self._kill(worker)
