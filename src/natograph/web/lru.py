"""A bounded LRU of finished answers, sized by their bytes.

The dataset is read-only while the server runs, so an answer never goes stale: the SPARQL
endpoint keeps query results and the dereferencing router rendered documents, each in one of
these within the `result_cache_mb` setting.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


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
