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
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TypeVar

from natograph.errors import NatographError
from natograph.query import dataset as query_dataset
from natograph.query import formats
from natograph.query.isolation import drop_network
from natograph.query.text import QueryRejected, guard, syntax_message
from natograph.store import GraphStore, Solutions, StoreSource, Triples

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
    base_iri: str | None = None
    """What relative IRIs in the query resolve against (the endpoint's URL)."""
    truncate: bool = False
    """Cut a result longer than max_rows (the client asked for it) instead of refusing it."""


@dataclass(frozen=True)
class Outcome:
    """A query's answer, serialised in the job's media type."""

    media_type: str
    body: bytes
    rows: int = 0
    truncated: bool = False


@dataclass(frozen=True)
class Failure:
    """What a worker sends back instead of an Outcome: which typed failure, and its message
    (the parent rebuilds the exception by name; nothing is unpickled from the worker but this)."""

    kind: str
    message: str = ""

    def error(self, memory_mb: int | None) -> NatographError:
        if self.kind == "memory":
            return MemoryExceeded(memory_mb or 0)
        return _FAILURES[self.kind](self.message)


class Busy(NatographError):
    """Every worker is busy and the queue is full: the client should retry later."""

    retry_after = 2

    def __init__(self) -> None:
        super().__init__("All query workers are busy; retry shortly.")


class ClientLimit(NatographError):
    """This client already has as many queries running as one client may."""

    retry_after = 1

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"You already have {limit} queries running, the most one client may; wait for "
            "one to finish before sending the next."
        )
        self.limit = limit


class MemoryExceeded(NatographError):
    """The query needed more memory than a worker may use; its worker was stopped."""

    def __init__(self, limit_mb: int) -> None:
        super().__init__(
            f"The query needed more than the {limit_mb} MiB of memory a query may use and was "
            "stopped. Narrow its patterns; sorting or grouping a large join holds all of it."
        )
        self.limit_mb = limit_mb


class TimedOut(NatographError):
    """The query overran its time limit; its worker was stopped."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"The query ran longer than the {seconds:g}-second limit and was stopped. Narrow "
            "its patterns or add a LIMIT."
        )
        self.seconds = seconds


class WorkerLost(NatographError):
    """The worker died while running the query (it is being replaced)."""

    retry_after = 1

    def __init__(self) -> None:
        super().__init__("The query worker stopped unexpectedly; retry.")


class BadQuery(NatographError):
    """The query does not parse, fails while running, or is not what its text looked like."""


class ResultTooLarge(NatographError):
    """The answer has more rows than the endpoint returns, and the client did not ask for a cut."""


class WorkerFault(NatographError):
    """A bug in the query worker answered this one job (the trace is in the server's log)."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message or "Internal error in the query worker; it was logged.")


_FAILURES: dict[str, type[NatographError]] = {
    "rejected": QueryRejected,
    "bad": BadQuery,
    "too-large": ResultTooLarge,
    "fault": WorkerFault,
}
_KINDS: dict[type[Exception], str] = {cls: kind for kind, cls in _FAILURES.items()}


def worker_main(argv: list[str]) -> None:
    """Entry point of a worker process:
    `python -m natograph.query.worker (--store D | --store-later) [--copy] [--isolate]
    [--memory-mb N]`;
    with `--store-later` the store's folder is the first message on stdin (natograph.query.pool
    starts workers while the store is still being built).

    Jobs arrive on stdin and outcomes leave on stdout as multiprocessing Connection frames;
    anything the worker prints goes to stderr so it cannot corrupt the channel.
    """
    import signal
    import sys

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when workers stop
    isolated = drop_network() if "--isolate" in argv else False
    copy = COPY in argv
    argv = [a for a in argv if a not in ("--isolate", COPY)]
    memory_mb = int(argv[argv.index("--memory-mb") + 1]) if "--memory-mb" in argv else None
    inbox = Connection(os.dup(0), writable=False)
    outbox = Connection(os.dup(1), readable=False)
    sys.stdout = sys.stderr
    if argv[:1] == [LATER]:  # started before the store was built: its folder comes first
        source = StoreSource(store=Path(inbox.recv()))
    else:
        source = StoreSource.from_args(argv[0], argv[1])
    store = source.open()
    if copy:  # NATOGRAPH_WORKER_STORE=copy: in-memory speed, at one copy per worker
        store = store.in_memory()
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
COPY = "--copy"
"""The worker's argument asking it to hold its store in memory (Settings.worker_store)."""
LATER = "--store-later"
"""The worker's argument saying that its store's folder will be sent on stdin."""


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


def _serve(store: GraphStore, inbox: Connection, outbox: Connection) -> None:
    while True:
        try:
            job = inbox.recv()
        except (EOFError, OSError):
            return
        outcome = _answer(store, job)
        outbox.send(outcome)
        if outcome == OUT_OF_MEMORY:
            os._exit(1)  # the heap may be fragmented past use: the pool starts a fresh worker


OUT_OF_MEMORY = Failure("memory")
"""What a worker sends after catching MemoryError, just before it exits."""


def _answer(store: GraphStore, job: Job) -> Outcome | Failure:
    """`execute`, with its typed failures sent back by name, and a bug answering this one job
    instead of killing the worker.

    A dead worker costs every client a reload of the store; the trace goes to stderr (the
    server's log), never to the client.
    """
    try:
        return execute(store, job)
    except MemoryError:
        return OUT_OF_MEMORY
    except Exception as err:
        kind = _KINDS.get(type(err))
        if kind is not None:
            return Failure(kind, str(err))
        traceback.print_exc()
        return Failure("fault")


def execute(store: GraphStore, job: Job) -> Outcome:
    """Run one job on a store and serialise its result (in the worker, or in-process in tests);
    raise QueryRejected, BadQuery or ResultTooLarge.

    SERVICE is refused here too, whatever the caller checked: Oxigraph would run it, and this is
    the last point before the engine.
    """
    guard(job.query)
    try:
        result = store.query(job.query, dataset=job.dataset, base_iri=job.base_iri)
        body, rows, truncated = _serialise(result, job)
    except SyntaxError as err:
        raise BadQuery(syntax_message(err)) from None
    except (OSError, ValueError, RuntimeError) as err:
        raise BadQuery(f"query evaluation failed: {err}") from None
    return Outcome(job.media_type, body, rows, truncated)


def _serialise(result: object, job: Job) -> tuple[bytes, int, bool]:
    _check_form(result, job)
    if isinstance(result, bool):
        kind = formats.SELECT_TYPES[job.media_type]
        return formats.boolean(result, kind), 1, False
    if isinstance(result, Solutions):
        names = list(result.variables)
        rows, note = _bounded(_take(([s[n] for n in names] for s in result), job.max_rows), job)
        kind = formats.SELECT_TYPES[job.media_type]
        return formats.solutions(names, rows, kind, note), len(rows), note is not None
    assert isinstance(result, Triples)
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
        raise ResultTooLarge(
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
    tabular = isinstance(result, bool | Solutions)
    offered = formats.SELECT_TYPES if tabular else formats.GRAPH_TYPES
    if job.media_type not in offered:
        actual = "an RDF graph" if not tabular else "a table or boolean"
        raise BadQuery(
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
