"""The served store on disk, one per content: built once, then opened read-only by everyone.

Query workers are separate processes (Oxigraph cannot cancel a query, so a query is stopped by
ending its process). A store in memory would be copied into each of them: three copies of the
data with two workers, and every worker re-parsing a dump before it can answer. An on-disk
Oxigraph store opened read-only is shared instead: the kernel's page cache holds the data once,
and a worker is ready as soon as the folder is open.

Kept under the build's content key, a store also makes a warm start cheap: the store built last
time from the same files, settings and code is re-opened instead of loaded again (any edited
file changes the key, so nothing is ever stale). Several `natograph serve` processes over the
same files share one folder; the first to finish building it wins, the others discard theirs.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from natograph.store.oxigraph import OxigraphStore, write_store

STORES = "stores"
"""The cache folder's subfolder holding built stores, one folder per content key."""
COMPLETE = "natograph-complete"
"""Written into a store's folder once it is fully built and flushed: only such folders are used."""
KEEP = 3
"""Built stores kept (the most recently used); older ones are removed."""
_STALE_BUILD = 24 * 3600
"""Seconds after which a half-built folder (its builder killed) is removed."""


def built_store(
    cache: Path | None, key: str, fill: Callable[[OxigraphStore], object]
) -> OxigraphStore:
    """The read-only store for `key`: the cached one if complete, else built by `fill`.

    Without a usable cache folder (caching off, a read-only checkout) the store is built in a
    private temporary folder, removed when the process exits.
    """
    shelf = _shelf(cache)
    if shelf is not None:
        ready = shelf / key
        if (ready / COMPLETE).is_file():
            with contextlib.suppress(OSError):
                os.utime(ready / COMPLETE)  # most recently used: pruned last
            return OxigraphStore(ready, read_only=True)
    building = Path(tempfile.mkdtemp(prefix=f".building-{key[:12]}-", dir=shelf))
    try:
        write_store(building, fill)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    if shelf is None:
        atexit.register(shutil.rmtree, building, ignore_errors=True)
        return OxigraphStore(building, read_only=True)
    (building / COMPLETE).write_text(key + "\n", encoding="utf-8")
    try:
        building.rename(ready)
    except OSError:  # another process finished the same store first: use theirs
        shutil.rmtree(building, ignore_errors=True)
    prune(shelf, keep=KEEP, current=ready)
    return OxigraphStore(ready, read_only=True)


def _shelf(cache: Path | None) -> Path | None:
    if cache is None:
        return None
    shelf = cache / STORES
    try:
        shelf.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return shelf if os.access(shelf, os.W_OK) else None


def prune(shelf: Path, *, keep: int, current: Path) -> None:
    """Remove all but the `keep` most recently used stores, and builds abandoned long ago.

    A store another server still has open is never the current one of a fresh build, and only
    stores unused for `keep` builds are removed, so a running server keeps its folder.
    """
    now = time.time()
    complete: list[tuple[float, Path]] = []
    for folder in shelf.iterdir():
        marker = folder / COMPLETE
        with contextlib.suppress(OSError):
            if folder.name.startswith(".building-"):
                if now - folder.stat().st_mtime > _STALE_BUILD:
                    shutil.rmtree(folder, ignore_errors=True)
            elif marker.is_file() and folder != current:
                complete.append((marker.stat().st_mtime, folder))
    complete.sort(reverse=True)
    for _used, folder in complete[max(0, keep - 1) :]:
        shutil.rmtree(folder, ignore_errors=True)
