"""Running queries in worker processes that can be stopped: the worker's side.

Oxigraph cannot cancel a running query, so a limit that really frees resources must end the
process running it. Each worker process holds its own read-only copy of the store (loaded from an
N-Quads dump, or opening the on-disk store read-only), caps its own address space, and answers one
job at a time over a pipe; natograph.query.pool runs the workers, kills one whose job overruns and
starts a fresh one.
"""

from __future__ import annotations

import os
import resource
import threading
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox

from natograph.errors import NatographError
from natograph.query import dataset as query_dataset
from natograph.query import formats
from natograph.query.isolation import drop_network
from natograph.query.text import QueryRejected, guard, syntax_message

T = TypeVar("T")


@dataclass(frozen=True)
class Job:
    """One query to run, with everything a worker needs to answer it."""

    query: str
    form: str
    """SELECT, ASK, CONSTRUCT or DESCRIBE (decides how results are written)."""
    media_type: str
    dataset: query_dataset.QueryDataset | None = None
    """The graphs it sees (natograph.query.dataset.choose); None: chosen from the query alone."""
    max_rows: int = 100_000
    prefixes: dict[str, str] = field(default_factory=dict)
    base_iri: str | None = None
    """What relative IRIs in the query resolve against (the endpoint's URL)."""
    truncate: bool = False
    """Cut a result longer than max_rows (the client asked for it) instead of refusing it."""


@dataclass(frozen=True)
class Outcome:
    status: int
    media_type: str
    body: bytes
    rows: int = 0
    truncated: bool = False


class Busy(NatographError):
    """Every worker is busy and the queue is full: the client should retry later."""

    status, retry_after = 503, 2

    def __init__(self) -> None:
        super().__init__("All query workers are busy; retry shortly.")


class ClientLimit(NatographError):
    """This client already has as many queries running as one client may."""

    status, retry_after = 429, 1

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"You already have {limit} queries running, the most one client may; wait for "
            "one to finish before sending the next."
        )
        self.limit = limit


class MemoryExceeded(NatographError):
    """The query needed more memory than a worker may use; its worker was stopped."""

    status = 503

    def __init__(self, limit_mb: int) -> None:
        super().__init__(
            f"The query needed more than the {limit_mb} MiB of memory a query may use and was "
            "stopped. Narrow its patterns; sorting or grouping a large join holds all of it."
        )
        self.limit_mb = limit_mb


class TimedOut(NatographError):
    """The query overran its time limit; its worker was stopped."""

    status = 503

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"The query ran longer than the {seconds:g}-second limit and was stopped. Narrow "
            "its patterns or add a LIMIT."
        )
        self.seconds = seconds


class WorkerLost(NatographError):
    """The worker died while running the query (it is being replaced)."""

    status, retry_after = 503, 1

    def __init__(self) -> None:
        super().__init__("The query worker stopped unexpectedly; retry.")


class _WrongForm(ValueError):
    """The result's kind does not fit the media type negotiated from the query's text."""


class _TooManyRows(ValueError):
    """The result is longer than the row cap and the client did not ask for a cut one."""


OUT_OF_MEMORY = 507
"""Outcome status a worker sends after catching MemoryError, just before it exits."""


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
    """Entry point of a worker process:
    `python -m natograph.query.worker (--dump F | --store D) [--isolate] [--memory-mb N]`.

    Jobs arrive on stdin and outcomes leave on stdout as multiprocessing Connection frames;
    anything the worker prints goes to stderr so it cannot corrupt the channel.
    """
    import signal
    import sys

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when workers stop
    isolated = drop_network() if "--isolate" in argv else False
    argv = [a for a in argv if a != "--isolate"]
    memory_mb = int(argv[argv.index("--memory-mb") + 1]) if "--memory-mb" in argv else None
    kind, path = argv[0], Path(argv[1])
    source = StoreSource(dump=path) if kind == "--dump" else StoreSource(store=path)
    inbox = Connection(os.dup(0), writable=False)
    outbox = Connection(os.dup(1), readable=False)
    sys.stdout = sys.stderr
    store = source.open()
    # Oxigraph parses and evaluates recursively on the calling thread's stack: a query nested a
    # few hundred levels deep overflows the main thread's 8 MiB. A thread with a large stack (only
    # the pages touched are committed) serves the jobs instead.
    threading.stack_size(_JOB_STACK)
    server = threading.Thread(target=_serve, args=(store, inbox, outbox), name="jobs")
    server.start()
    if memory_mb:
        cap_address_space(memory_mb)
    outbox.send(("ready", isolated))
    server.join()


_JOB_STACK = 1 << 30


def cap_address_space(memory_mb: int) -> None:
    """Let this process grow by at most `memory_mb` MiB beyond what it has mapped now.

    RLIMIT_AS counts address space, not resident memory, so the limit is set once the store is
    loaded and the job thread's (reserved, mostly untouched) stack exists: what is left is what
    queries may allocate. Past it the allocation fails: Oxigraph's allocator aborts the process
    (the pool reports the cap), Python raises MemoryError (answered, then the worker exits).
    """
    mapped = 0
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            mapped = int(line.split()[1]) * 1024
    limit = mapped + memory_mb * (1 << 20)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _serve(store: ox.Store, inbox: Connection, outbox: Connection) -> None:
    while True:
        try:
            job = inbox.recv()
        except (EOFError, OSError):
            return
        outcome = _answer(store, job)
        outbox.send(outcome)
        if outcome.status == OUT_OF_MEMORY:
            os._exit(1)  # the heap may be fragmented past use: the pool starts a fresh worker


def _answer(store: ox.Store, job: Job) -> Outcome:
    """`execute`, but a bug answers this one job with a 500 instead of killing the worker.

    A dead worker costs every client a reload of the store; the trace goes to stderr (the
    server's log), never to the client.
    """
    try:
        return execute(store, job)
    except MemoryError:
        return Outcome(OUT_OF_MEMORY, "text/plain", b"")
    except Exception:
        traceback.print_exc()
        return Outcome(500, "text/plain", b"Internal error in the query worker; it was logged.")


def execute(store: ox.Store, job: Job) -> Outcome:
    """Run one job on a store and serialise its result (in the worker, or in-process in tests).

    SERVICE is refused here too, whatever the caller checked: Oxigraph would run it, and this is
    the last point before the engine.
    """
    try:
        guard(job.query)
    except QueryRejected as err:
        return Outcome(403, "text/plain", str(err).encode())
    try:
        result = store.query(job.query, **_dataset(job))
        body, rows, truncated = _serialise(result, job)
    except SyntaxError as err:
        return Outcome(400, "text/plain", syntax_message(err).encode())
    except _WrongForm as err:
        return Outcome(400, "text/plain", str(err).encode())
    except _TooManyRows as err:
        return Outcome(413, "text/plain", str(err).encode())
    except (OSError, ValueError, RuntimeError) as err:
        return Outcome(400, "text/plain", f"query evaluation failed: {err}".encode())
    return Outcome(200, job.media_type, body, rows, truncated)


def _dataset(job: Job) -> dict[str, Any]:
    """Engine options for the job: its prefixes, base IRI and dataset."""
    dataset = job.dataset if job.dataset is not None else query_dataset.choose(job.query, ())
    return {"prefixes": job.prefixes or None, "base_iri": job.base_iri, **dataset.oxigraph()}


def _serialise(result: object, job: Job) -> tuple[bytes, int, bool]:
    _check_form(result, job)
    if isinstance(result, ox.QueryBoolean):
        kind = formats.SELECT_TYPES[job.media_type]
        return formats.boolean(bool(result), kind), 1, False
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        rows, note = _bounded(_take(([s[n] for n in names] for s in result), job.max_rows), job)
        kind = formats.SELECT_TYPES[job.media_type]
        return formats.solutions(names, rows, kind, note), len(rows), note is not None
    assert isinstance(result, ox.QueryTriples)
    triples, note = _bounded(_take(iter(result), job.max_rows), job)
    body = formats.triples(triples, job.media_type, note=note)
    return body, len(triples), note is not None


def _bounded(items: list[T], job: Job) -> tuple[list[T], formats.CutNote | None]:
    """At most max_rows items, and the note saying they were cut (None when they were not).

    More than the cap is refused unless the client asked for a cut result (`truncate`).
    """
    if len(items) <= job.max_rows:
        return items, None
    if not job.truncate:
        raise _TooManyRows(
            f"The result has more than {job.max_rows:,} rows, the most this endpoint returns. "
            "Add a LIMIT (with OFFSET to page through it), or ask for the first "
            f"{job.max_rows:,} rows explicitly with the parameter truncate=true."
        )
    note = formats.CutNote(job.max_rows, (job.base_iri or "") + "#truncated")
    return items[: job.max_rows], note


def _check_form(result: object, job: Job) -> None:
    """Refuse a result whose kind the job's media type cannot carry.

    The media type was negotiated from the form read off the text before parsing; a text that
    misleads that reading must get a 400, not a serialiser's KeyError that ends the worker.
    """
    tabular = isinstance(result, ox.QueryBoolean | ox.QuerySolutions)
    offered = formats.SELECT_TYPES if tabular else formats.GRAPH_TYPES
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
