"""The web layer's in-memory caching, one way for each of its two needs.

The dataset is read-only while the server runs, so nothing computed from it goes stale. Two
kinds of value are kept:

- **per dataset**, computed once on first use and kept for as long as the graph is served
  (`Computed`, one per ServedGraph): the JSON-LD context, the landing page's figures, the known
  IRIs a 404 suggests from, the ontology documentation's model;
- **per request**, many and unbounded in number (query results, rendered documents, compacted
  JSON-LD, what a path names): kept in a `SizedLRU` within a bound, least recently used first out.

(Process-wide constants such as the template environment use functools.cache; the build's
results on disk are natograph.build.cache's.)
"""

from __future__ import annotations

import threading
import typing
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
T = TypeVar("T")


class SizedLRU(Generic[K, V]):
    """Least recently used entries leave first once the total size passes `max_bytes`; an entry
    larger than an eighth of it is never kept, so one huge answer cannot empty the cache.

    Thread-safe: documents are rendered, and looked up, in the server's thread pool.
    """

    def __init__(self, max_bytes: int, size: Callable[[V], int]) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._size_of = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        size = self._size_of(value)
        with self._lock:
            if size > self.max_bytes // 8 or key in self._items:
                return
            self._items[key] = value
            self.size += size
            while self.size > self.max_bytes and self._items:
                self.size -= self._size_of(self._items.popitem(last=False)[1])

    def get_or_make(self, key: K, make: Callable[[], V]) -> V:
        """The cached value, or `make()`'s, kept (made outside the lock: it may take a while)."""
        value = self.get(key)
        if value is None:
            value = make()
            self.put(key, value)
        return value


class Computed:
    """The one holder of values derived from a served graph, each computed once on first use.

    The JSON-LD context, say, is published at /context.jsonld and used by every JSON-LD
    document: both ask for it here, so it is computed once per dataset version, not once per
    consumer. Two first requests racing wait for one computation (a lock per name)."""

    def __init__(self) -> None:
        self._values: dict[str, object] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def get(self, name: str, compute: Callable[[], T]) -> T:
        with self._guard:
            lock = self._locks.setdefault(name, threading.Lock())
        with lock:
            if name not in self._values:
                self._values[name] = compute()
            return typing.cast(T, self._values[name])
