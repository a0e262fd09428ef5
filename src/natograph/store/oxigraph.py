"""The embedded Oxigraph store: natograph's default engine, in memory or on disk.

Everything Oxigraph-specific lives here: its query options for a dataset, its substitutions, its
result objects (turned into natograph's engine-neutral ones at once), its on-disk lock.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, cast

import pyoxigraph as ox

from natograph.errors import NatographError
from natograph.namespaces import PREFIXES
from natograph.query.dataset import QueryDataset
from natograph.store.base import (
    QueryResult,
    Solutions,
    SparqlStore,
    Term,
    Triples,
    concise_bounded_description,
)


class StoreInUse(NatographError, OSError):
    """The on-disk store is locked by another process (another `natograph serve`, say)."""

    def __init__(self, path: Path, holders: list[int]) -> None:
        by = f"process {', '.join(map(str, holders))}" if holders else "another process"
        super().__init__(
            f"the store {path} is in use by {by}: stop it, or give this one another --store folder"
        )
        self.path = path
        self.holders = holders


class OxigraphStore(SparqlStore):
    """Embedded Oxigraph: in memory by default, on disk when given a folder."""

    def __init__(
        self, path: Path | None = None, *, read_only: bool = False, bulk: bool = False
    ) -> None:
        """`bulk`: for a store nobody reads yet (a new on-disk store being built): `load` hands
        the triples to a `BulkWriter` (no transaction, every core) and `flush` waits for it;
        far faster on disk, and nothing can see a partial load."""
        self.path = path
        self.read_only = read_only
        self._bulk = bulk
        self._writer: BulkWriter | None = None
        self._held: IO[str] | None = None
        """The lock on a `--store` folder (see `held_store`), released with this object."""
        if path is None:
            self._store = ox.Store()
            return
        if read_only:
            self._store = ox.Store.read_only(str(path))
            return
        try:
            self._store = ox.Store(str(path))
        except OSError as err:
            if "LOCK" in str(err):
                raise StoreInUse(path, lock_holders(path / "LOCK")) from None
            raise

    def load(self, triples: Iterable[ox.Triple | ox.Quad], graph: str) -> None:
        if self._bulk:
            self._writer = self._writer or BulkWriter(self._store)
            self._writer.add(triples, graph)
            return
        target = ox.NamedNode(graph)
        self._store.extend(ox.Quad(t.subject, t.predicate, t.object, target) for t in triples)

    def clear(self) -> None:
        self._store.clear()

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def evaluate(
        self,
        sparql: str,
        dataset: QueryDataset,
        bindings: Mapping[str, Term],
        base_iri: str | None,
    ) -> QueryResult:
        subs = {ox.Variable(name): value for name, value in bindings.items()}
        result = self._store.query(
            sparql,
            prefixes=PREFIXES,
            base_iri=base_iri,
            substitutions=subs or None,
            **_options(dataset),
        )
        if isinstance(result, ox.QueryBoolean):
            return bool(result)
        if isinstance(result, ox.QuerySolutions):
            return Solutions([v.value for v in result.variables], (list(s) for s in result))
        return Triples(result)

    def describe(self, iri: str) -> list[ox.Quad]:
        return concise_bounded_description(
            iri, lambda node: self._store.quads_for_pattern(node, None, None, None)
        )

    def dump(self, path: Path, fmt: ox.RdfFormat = ox.RdfFormat.N_QUADS) -> None:
        self._store.dump(str(path), format=fmt)

    def flush(self) -> None:
        if self._writer is not None:
            writer, self._writer = self._writer, None
            writer.finish()
        if not self.read_only:
            self._store.flush()

    def copy_to(self, path: Path) -> None:
        """Write every quad into a new on-disk store at `path` (closed again when done)."""
        write_store(path, lambda target: target._store.bulk_extend(self._quads()))

    def _quads(self) -> Iterator[ox.Quad]:
        return iter(self._store.quads_for_pattern(None, None, None, None))

    def in_memory(self) -> OxigraphStore:
        """A copy of this store in memory (a query worker's, with NATOGRAPH_WORKER_STORE=copy)."""
        copy = OxigraphStore()
        copy._store.bulk_extend(self._quads())
        return copy

    def close(self) -> None:
        """Release the engine (and, on disk, its lock) now rather than whenever the object is
        collected: a store being built is closed before it is renamed and reopened read-only."""
        self._store = ox.Store()

    def __len__(self) -> int:
        return len(self._store)


BULK_CHUNK = 200_000
"""Triples per parallel bulk load: small enough to spread over the cores and keep each chunk's
N-Triples text (about 30 MB) small, large enough that each chunk's files are worth writing."""


class BulkWriter:
    """Writes triples into an empty on-disk store on every core, while the caller still adds.

    Oxigraph's bulk loader works on one core per call (10^6 triples: about 8 s here), but loads
    started from several threads run side by side, and each releases the GIL, so chunks are
    written while later ones are still being parsed. A bulk load from text gives each document
    fresh blank nodes, though, so only triples without one are handed over as N-Triples
    chunks; triples with a blank node (or a quoted triple) keep their nodes, added as objects
    by one more bulk load at the end. At most one chunk per core is being written, so the
    triples of a large load are not all held in memory at once.

    Each chunk becomes files of its own whose key ranges overlap the others', which every later
    read has to merge (full scans about 15 % slower at 10^6 triples): once all are in, the
    store is compacted into one run per index (`optimize`; about 1.3 s at 10^6), as a single
    bulk load would have left it.
    """

    def __init__(self, store: ox.Store) -> None:
        self._store = store
        map_large_allocations()
        cores = os.cpu_count() or 1
        self._pool = ThreadPoolExecutor(max_workers=cores)
        self._slots = threading.BoundedSemaphore(cores)
        self._jobs: list[Future[None]] = []
        self._plain: dict[str, list[ox.Triple | ox.Quad]] = {}
        self._with_nodes: list[ox.Quad] = []

    def add(self, triples: Iterable[ox.Triple | ox.Quad], graph: str) -> None:
        plain = self._plain.setdefault(graph, [])
        target: ox.NamedNode | None = None
        for t in triples:
            if (
                type(t.subject) is ox.NamedNode
                and type(t.object) in _PLAIN_OBJECTS
                and (type(t) is ox.Triple or type(t.graph_name) is ox.DefaultGraph)
            ):
                plain.append(t)
                if len(plain) >= BULK_CHUNK:
                    self._submit(graph, plain)
                    plain = self._plain[graph] = []
            else:
                target = target or ox.NamedNode(graph)
                self._with_nodes.append(ox.Quad(t.subject, t.predicate, t.object, target))

    def _submit(self, graph: str, chunk: list[ox.Triple | ox.Quad]) -> None:
        self._slots.acquire()  # waits while every core is writing a chunk
        self._jobs.append(self._pool.submit(self._write_text, graph, chunk))

    def _write_text(self, graph: str, chunk: list[ox.Triple | ox.Quad]) -> None:
        try:
            # Default-graph quads (as parsers yield them) and triples mix fine at run time;
            # they are not turned into one kind first, which would cost a second per 10^6.
            data = ox.serialize(cast("list[ox.Triple]", chunk), format=ox.RdfFormat.N_TRIPLES)
            chunk.clear()  # the text is all that is needed now
            self._store.bulk_load(
                data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph), lenient=True
            )
        finally:
            self._slots.release()

    def finish(self) -> None:
        """Write what is left, wait for every chunk (raising the first failure), compact."""
        try:
            for graph, plain in self._plain.items():
                if plain:
                    self._submit(graph, plain)
            self._plain = {}
            if self._with_nodes:
                self._jobs.append(self._pool.submit(self._store.bulk_extend, self._with_nodes))
            for job in self._jobs:
                job.result()
        finally:
            self._pool.shutdown(cancel_futures=True)
        if len(self._jobs) > 1:
            self._store.optimize()


_PLAIN_OBJECTS = (ox.NamedNode, ox.Literal)


_M_MMAP_THRESHOLD = -3
"""glibc's mallopt parameter (malloc.h)."""


def map_large_allocations() -> None:
    """Have glibc give every allocation over 128 KiB its own mapping, returned when freed.

    By default the threshold rises to the size of the largest block freed (up to 32 MiB): after
    the first N-Triples chunk (about 30 MB) is freed, the next ones come from the writing
    thread's heap, which keeps them (10^6 triples: about 80 MiB left in the server after the
    build, that malloc_trim cannot return). Fixing the threshold keeps the build's memory the
    build's. No-op where the C library has no mallopt."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).mallopt(_M_MMAP_THRESHOLD, 128 * 1024)


def release_freed_memory() -> None:
    """Give the heap that a bulk load freed back to the operating system (glibc's malloc_trim).

    Building a store allocates several times the data (10^6 triples: about 440 MiB), and glibc
    keeps what was freed for later: the server would carry that for as long as it runs. No-op
    where the C library has no malloc_trim (musl, macOS)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)


def write_store(path: Path, fill: Callable[[OxigraphStore], object]) -> None:
    """(Re)build the on-disk store at `path` with `fill`, bulk-loaded, then close it.

    Closed before anyone opens it read-only (RocksDB's read-only views must not see a folder
    still being written), and the heap the bulk load freed is handed back to the OS."""
    writer = OxigraphStore(path, bulk=True)
    writer.clear()  # a --store folder may hold the previous start's graph
    fill(writer)
    writer.flush()
    writer.close()
    release_freed_memory()


HELD = "natograph.lock"
"""The file a server holds locked (flock) in a `--store` folder for as long as it serves it."""


def held_store(path: Path, fill: Callable[[OxigraphStore], object]) -> OxigraphStore:
    """A store at `path`, rebuilt by `fill` and then opened read-only, held by this process.

    RocksDB's read-only views must not see a folder someone still writes to (a flush or a
    compaction deletes files under them), so the folder is written, closed, and re-opened
    read-only like every worker's; a lock on HELD, kept with the returned store, keeps a second
    server (or `natograph query`) from rebuilding it meanwhile."""
    path.mkdir(parents=True, exist_ok=True)
    handle = (path / HELD).open("a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise StoreInUse(path, lock_holders(path / HELD)) from None
    write_store(path, fill)
    store = OxigraphStore(path, read_only=True)
    store._held = handle
    return store


def lock_holders(lock: Path) -> list[int]:
    """Processes holding `lock` open (from /proc; those of other users may be invisible)."""
    target = str(lock.resolve())
    holders = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            links = [str(fd.readlink()) for fd in (entry / "fd").iterdir()]
        except OSError:
            continue
        if target in links:
            holders.append(int(entry.name))
    return sorted(holders)


def _options(dataset: QueryDataset) -> dict[str, Any]:
    """The dataset as pyoxigraph's `Store.query` keyword arguments."""
    options: dict[str, Any] = {}
    if dataset.union:
        options["use_default_graph_as_union"] = True
    if dataset.default_graphs is not None:
        options["default_graph"] = [ox.NamedNode(g) for g in dataset.default_graphs]
    if dataset.named_graphs is not None:
        options["named_graphs"] = [ox.NamedNode(g) for g in dataset.named_graphs]
    return options


@dataclass(frozen=True)
class StoreSource:
    """Where a query worker gets its data: an on-disk store, opened read-only.

    Every worker opens the same folder, so the data is held once (in the OS page cache), not
    copied into each process, and a worker is ready as soon as the folder is open.
    """

    store: Path

    def open(self) -> OxigraphStore:
        return OxigraphStore(self.store, read_only=True)

    def args(self) -> list[str]:
        """The worker's command-line arguments naming this source."""
        return ["--store", str(self.store)]

    @classmethod
    def from_args(cls, kind: str, path: str) -> StoreSource:
        if kind != "--store":
            raise ValueError(f"a query worker reads an on-disk store (--store), not {kind}")
        return cls(store=Path(path))
