"""Shared fixtures: the curated graph is built once per test session, through the real pipeline."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from natograph.build import pipeline
from natograph.build.pipeline import Build
from natograph.query.render import rows
from natograph.query.text import CompetencyQuestion
from natograph.settings import Settings
from natograph.store import OxigraphStore
from natograph.web.app import create_app
from natograph.web.http import server_config
from natograph.web.served import ServedGraph, served_from_store

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def curated() -> tuple[OxigraphStore, Build]:
    """The curated graph, validated and reasoned (HermiT has its own test), loaded in memory."""
    return pipeline.open_store(Settings(root=ROOT, hermit=False))


@pytest.fixture(scope="session")
def store(curated: tuple[OxigraphStore, Build]) -> OxigraphStore:
    return curated[0]


@pytest.fixture(scope="session")
def run_cq(store: OxigraphStore) -> Callable[..., list[dict[str, str]]]:
    """Run a competency question from queries/ by name, with optional parameters."""

    def run(name: str, **params: str) -> list[dict[str, str]]:
        cq = CompetencyQuestion.from_file(ROOT / "queries" / f"{name}.rq")
        return rows(store.query(cq.text, bindings=cq.substitutions(params)))

    return run


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project's ontology, data and shapes that a test may break."""
    for folder in ("ontology", "data", "shapes"):
        if (ROOT / folder).is_dir():
            shutil.copytree(ROOT / folder, tmp_path / folder)
    return tmp_path


@pytest.fixture(scope="session")
def served_app(curated: tuple[OxigraphStore, Build]) -> Iterator[tuple[FastAPI, ServedGraph]]:
    """The web app over the curated graph, with real query worker processes (2 s timeout)."""
    settings = Settings(root=ROOT, hermit=False, query_timeout=2.0, query_workers=2, max_queue=4)
    store, build = curated
    served = served_from_store(store, settings, build)
    yield create_app(served, settings), served
    served.close()


@pytest.fixture(scope="session")
def client(served_app: tuple[FastAPI, ServedGraph]) -> Iterator[TestClient]:
    """An in-process ASGI client (no socket)."""
    with TestClient(served_app[0]) as test_client:
        yield test_client


@contextmanager
def live(app: FastAPI, settings: Settings, log_level: str = "warning") -> Iterator[str]:
    """An app on a real socket (natograph's uvicorn configuration, in a thread, loopback only);
    yields its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    placed = settings.model_copy(update={"host": "127.0.0.1", "port": port})
    server = uvicorn.Server(server_config(app, placed, log_level=log_level))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("live server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_server(served_app: tuple[FastAPI, ServedGraph]) -> Iterator[str]:
    """The session's app on a real socket; yields its base URL."""
    with live(served_app[0], Settings(root=ROOT, hermit=False)) as url:
        yield url
