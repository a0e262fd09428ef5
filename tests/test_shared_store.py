"""One copy of the data: the served store is on disk, built once per content, shared read-only.

Query workers open the folder the server built instead of each loading a copy, so the data is
held once whatever the number of workers (bench/ measures the memory); a warm start re-opens
the store kept for unchanged files instead of loading it again.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import psutil
import pyoxigraph as ox
import pytest

from natograph.build import pipeline
from natograph.query.executor import Job
from natograph.settings import Settings
from natograph.store import OxigraphStore
from natograph.store.backend import open_backend
from natograph.store.cached import COMPLETE, STORES, built_store, prune

ASK = "ASK { <urn:x:s> <urn:x:p> ?o }"
TRIPLE = ox.Triple(ox.NamedNode("urn:x:s"), ox.NamedNode("urn:x:p"), ox.Literal("1"))


def _filler(calls: list[int]) -> Callable[[OxigraphStore], None]:
    def fill(store: OxigraphStore) -> None:
        calls.append(1)
        store.load([TRIPLE], "urn:x:g")

    return fill


def test_a_store_is_built_once_per_key_and_reopened_read_only(tmp_path: Path) -> None:
    calls: list[int] = []
    first = built_store(tmp_path, "k1", _filler(calls))
    second = built_store(tmp_path, "k1", _filler(calls))
    assert calls == [1], "the second open re-used the store built by the first"
    assert first.path == second.path == tmp_path / STORES / "k1"
    assert (tmp_path / STORES / "k1" / COMPLETE).is_file()
    assert first.read_only and second.read_only
    assert second.query(ASK) is True
    assert len(second) == 1
    # The builder closed its read-write handle (a read-only view of a folder someone still
    # writes to is undefined in RocksDB): the lock is free.
    assert second.path is not None
    OxigraphStore(second.path).close()


def test_a_failed_build_leaves_nothing_behind(tmp_path: Path) -> None:
    def broken(store: OxigraphStore) -> None:
        raise RuntimeError("bad data")

    with pytest.raises(RuntimeError):
        built_store(tmp_path, "k1", broken)
    assert list((tmp_path / STORES).iterdir()) == []
    calls: list[int] = []
    built_store(tmp_path, "k1", _filler(calls))
    assert calls == [1], "the next start builds it afresh"


def test_only_the_most_recently_used_stores_are_kept(tmp_path: Path) -> None:
    shelf = tmp_path / STORES
    for n in range(5):
        (shelf / f"k{n}").mkdir(parents=True)
        (shelf / f"k{n}" / COMPLETE).write_text("k")
        os.utime(shelf / f"k{n}" / COMPLETE, (1000 + n, 1000 + n))
    (shelf / ".building-abandoned").mkdir()
    os.utime(shelf / ".building-abandoned", (1000, 1000))
    (shelf / ".building-now").mkdir()
    prune(shelf, keep=3, current=shelf / "k0")
    kept = sorted(p.name for p in shelf.iterdir())
    assert kept == [".building-now", "k0", "k3", "k4"], "the current store and the two used last"
    for n in range(5, 8):
        built_store(tmp_path, f"k{n}", _filler([]))
    assert sorted(p.name for p in shelf.iterdir() if p.name.startswith("k")) == ["k5", "k6", "k7"]


def test_without_a_cache_the_store_is_private_and_removed_at_exit(tmp_path: Path) -> None:
    script = (
        "import pyoxigraph as ox\n"
        "from natograph.store.cached import built_store\n"
        "t = ox.Triple(ox.NamedNode('urn:x:s'), ox.NamedNode('urn:x:p'), ox.Literal('1'))\n"
        "s = built_store(None, 'k', lambda st: st.load([t], 'urn:x:g'))\n"
        "print(s.path)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    folder = Path(out.stdout.strip())
    assert folder.name.startswith(".building-")
    assert not folder.exists(), "the private store was removed when its process ended"


def test_the_pipeline_reuses_the_store_until_a_file_changes(project: Path) -> None:
    settings = Settings(root=project, hermit=False, cache_dir=project / "cache")
    first, _ = pipeline.open_store(settings)
    again, _ = pipeline.open_store(settings)
    assert again.path == first.path and again.read_only
    shelf = project / "cache" / STORES
    assert len(list(shelf.iterdir())) == 1, "an unchanged build re-opened the same store"

    data = sorted((project / "data").glob("*.ttl"))[0]
    data.write_text(data.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    edited, _ = pipeline.open_store(settings)
    assert edited.path != first.path, "an edited file makes a new store"
    assert len(edited) == len(first)

    no_reasoner, _ = pipeline.open_store(settings.model_copy(update={"reasoner": False}))
    assert no_reasoner.path not in (first.path, edited.path)
    assert len(no_reasoner) < len(edited), "the settings that change the content are in the key"


def test_query_workers_open_the_servers_folder_and_hold_no_copy(tmp_path: Path) -> None:
    settings = Settings(root=tmp_path, hermit=False, query_workers=2, lane_workers=1)
    store = built_store(tmp_path, "k", _filler([]))
    backend = open_backend(store, settings)
    try:
        pool = backend.executor
        workers = [
            c for c in psutil.Process().children() if "natograph.query.worker" in c.cmdline()
        ]
        ours = [w for w in workers if str(store.path) in w.cmdline()]
        assert len(ours) == 3, "two general workers and the short lane, all on the one folder"
        assert not any("--dump" in w.cmdline() for w in workers)
        assert not list(tmp_path.glob("*.nq")) and backend._cleanup == []
        outcome = pool.run(Job(ASK, "ASK", "application/sparql-results+json"), timeout=5)
        assert b"true" in outcome.body
    finally:
        backend.close()
    assert store.path is not None and store.path.is_dir(), "a shared store outlives its server"


def test_a_store_in_memory_is_copied_once_for_the_workers_and_removed(tmp_path: Path) -> None:
    memory = OxigraphStore()
    memory.load([TRIPLE], "urn:x:g")
    backend = open_backend(memory, Settings(root=tmp_path, hermit=False, query_workers=1))
    [copy] = backend._cleanup
    assert OxigraphStore(copy, read_only=True).query(ASK) is True
    backend.close()
    assert not copy.exists()


def test_workers_can_hold_a_copy_in_memory_and_answer_the_same(tmp_path: Path) -> None:
    """NATOGRAPH_WORKER_STORE=copy: each worker loads the shared folder into memory."""
    store = built_store(tmp_path, "k", _filler([]))
    answers = {}
    for mode in ("shared", "copy"):
        settings = Settings(root=tmp_path, hermit=False, query_workers=1, worker_store=mode)
        backend = open_backend(store, settings)
        try:
            workers = [c for c in psutil.Process().children() if str(store.path) in c.cmdline()]
            assert all(("--copy" in w.cmdline()) == (mode == "copy") for w in workers)
            job = Job("SELECT ?o { <urn:x:s> <urn:x:p> ?o }", "SELECT", "text/csv")
            answers[mode] = backend.executor.run(job, timeout=5).body
        finally:
            backend.close()
    assert answers["shared"] == answers["copy"] == b"o\r\n1\r\n"


def _mixed_triples() -> list[ox.Triple | ox.Quad]:
    """Every kind of term a built graph holds, blank nodes shared across many triples."""
    out: list[ox.Triple | ox.Quad] = []
    p = ox.NamedNode("urn:x:p")
    for i in range(60):
        s = ox.NamedNode(f"urn:x:s{i}")
        node = ox.BlankNode(f"n{i % 7}")  # each blank node in triples far apart
        out.append(ox.Triple(s, p, ox.Literal(f"v{i}", language="fr")))
        out.append(ox.Triple(s, p, ox.Literal(str(i), datatype=ox.NamedNode(XSD_INT))))
        out.append(ox.Triple(s, p, node))
        out.append(ox.Triple(node, p, ox.Literal('quote " and \\ and \n', language="en")))
        out.append(ox.Quad(s, p, ox.NamedNode(f"urn:x:o{i}")))  # parsers give default-graph quads
    return out


XSD_INT = "http://www.w3.org/2001/XMLSchema#integer"


def test_the_parallel_bulk_load_writes_what_a_transaction_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chunks of N-Triples text are written side by side, and a bulk load from text gives each
    document fresh blank nodes: a blank node used in several chunks must stay one node."""
    monkeypatch.setattr("natograph.store.oxigraph.BULK_CHUNK", 7)
    triples = _mixed_triples()
    reference = OxigraphStore()
    reference.load(triples, "urn:x:g1")
    reference.load(triples[:50], "urn:x:g2")

    bulk = OxigraphStore(tmp_path / "bulk", bulk=True)
    bulk.load(iter(triples), "urn:x:g1")  # a generator, as a parser gives
    bulk.load(triples[:50], "urn:x:g2")
    bulk.flush()
    got = set(bulk._quads())
    assert got == set(reference._quads())
    assert len(bulk) == len(reference) == len(set(triples)) + len(set(triples[:50]))
    nodes = {q.subject for q in got if isinstance(q.subject, ox.BlankNode)}
    assert {n.value for n in nodes} == {f"n{i}" for i in range(7)}, "labels kept"


def test_a_failing_chunk_fails_the_bulk_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("natograph.store.oxigraph.BULK_CHUNK", 3)

    def broken(*_args: object, **_kwargs: object) -> None:
        raise OSError("disk full")

    store = OxigraphStore(tmp_path / "bulk", bulk=True)
    monkeypatch.setattr(ox, "serialize", broken)
    store.load(_mixed_triples(), "urn:x:g")
    with pytest.raises(OSError, match="disk full"):
        store.flush()
