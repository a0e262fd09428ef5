"""Which resource a local path names: the registry of kinds (natograph.web.kinds), asked in turn.

The graph is read-only while the server runs, so what a path names never changes: the answer is
remembered, sparing cached documents the look-up. Bounded, since paths come from clients.
"""

from __future__ import annotations

from natograph.web.caching import SizedLRU
from natograph.web.kinds import Handler, Resource

_REMEMBERED = 4096
"""Paths whose answer is remembered (each counts as one)."""


class Resolver:
    def __init__(self, handlers: list[Handler], base: str) -> None:
        self.handlers = handlers
        self.base = base
        # Each entry weighs 1; "names nothing" is remembered too (as an empty tuple).
        self._resolved: SizedLRU[str, tuple[Resource, ...]] = SizedLRU(_REMEMBERED, lambda _: 1)

    def resolve(self, thing_path: str) -> Resource | None:
        """The resource a local path (relative to the root, no extension) names, or None."""
        found = self._resolved.get_or_make(thing_path, lambda: self._named(thing_path))
        return found[0] if found else None

    def _named(self, thing_path: str) -> tuple[Resource, ...]:
        resource = self._resolve(thing_path)
        return (resource,) if resource is not None else ()

    def _resolve(self, thing_path: str) -> Resource | None:
        iri = self.base + thing_path
        for handler in self.handlers:
            try:
                if handler.claims(iri, thing_path):
                    return Resource(iri, handler)
            except ValueError:  # not an IRI at all (the path passed BadPath, but may not be one)
                return None
        return None
