"""A content-addressed cache for the slow, deterministic steps (SHACL, OWL RL closure, HermiT).

owlrl needs several seconds on the curated graph and HermiT starts a JVM; both depend only on the
bytes of the ontology and data files and on the reasoners' versions, so their results are kept
under a key made of exactly those. Editing any file changes the key; nothing is ever stale.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

_VERSIONED = (
    "natograph",
    "owlrl",
    "owlready2",
    "pyoxigraph",
    "pyshacl",
    "pyshacl-turbo",
    "rdflib",
    "reasonable",
)


def content_key(step: str, files: Iterable[Path]) -> str:
    digest = hashlib.sha256(step.encode())
    for name in _VERSIONED:
        digest.update(f"{name}={_version(name)};".encode())
    for path in sorted(files):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:32]


def _version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "?"


class Cache:
    """Files in one folder, written atomically so a killed process never leaves half a result."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def get(self, key: str, suffix: str) -> bytes | None:
        if self.folder is None:
            return None
        path = self.folder / f"{key}{suffix}"
        return path.read_bytes() if path.is_file() else None

    def get_triples(self, key: str, suffix: str) -> list[ox.Triple] | None:
        """Triples kept by `put_triples`, read back by Oxigraph (no rdflib on a warm build)."""
        data = self.get(key, suffix)
        return None if data is None else list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))

    def put_triples(self, key: str, suffix: str, triples: Iterable[ox.Triple]) -> None:
        data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        assert data is not None  # no output given: the bytes are returned
        self.put(key, suffix, data)

    def put(self, key: str, suffix: str, data: bytes) -> None:
        if self.folder is None:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            Path(tmp).replace(self.folder / f"{key}{suffix}")
        except OSError:
            pass  # a read-only checkout still works, only slower
