"""Shared fixtures: the curated graph is built once per test session, through the real pipeline."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from natograph import pipeline
from natograph.pipeline import Build
from natograph.results import rows
from natograph.settings import Settings
from natograph.sparql import CompetencyQuestion
from natograph.store import OxigraphStore

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
        return rows(store.query(cq.text, substitutions=cq.substitutions(params)))

    return run


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project's ontology, data and shapes that a test may break."""
    for folder in ("ontology", "data", "shapes"):
        if (ROOT / folder).is_dir():
            shutil.copytree(ROOT / folder, tmp_path / folder)
    return tmp_path
