"""The build cache: SHACL, OWL RL and HermiT results are reused for byte-identical inputs only."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from natograph.build.cache import Cache
from natograph.build.pipeline import build
from natograph.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "checkout"
    for part in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(ROOT / part, root / part)
    return root


@pytest.mark.slow
def test_a_cached_shacl_report_is_the_fresh_one_and_an_edit_invalidates_it(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    cache_dir = tmp_path / "cache"
    checkout_cache = ROOT / ".cache" / "natograph"
    if checkout_cache.is_dir():  # the reasoner's results for these very bytes: only SHACL is cold
        shutil.copytree(checkout_cache, cache_dir, ignore=shutil.ignore_patterns("*.shacl.json"))
    settings = Settings(root=root, cache_dir=cache_dir, hermit=False)
    fresh = build(settings).report
    assert len(list(cache_dir.glob("*.shacl.json"))) == 1, "the report was kept"
    again = build(settings).report
    assert again.problems == fresh.problems, "the kept report is the report"

    # Break a rule in a shapes-checked file: the key changes, the report is computed anew.
    data = root / "data" / "countries.ttl"
    data.write_text(
        data.read_text(encoding="utf-8").replace('"North Macedonia"@en', '"North Macedonia"@de'),
        encoding="utf-8",
    )
    edited = build(settings).report
    assert len(list(cache_dir.glob("*.shacl.json"))) == 2
    assert any(p.focus == "ngc:MKD" and p.check == "shacl" for p in edited.errors)
    assert not any(p.focus == "ngc:MKD" and p.check == "shacl" for p in fresh.errors)


def test_without_a_cache_folder_nothing_is_kept(tmp_path: Path) -> None:
    cache = Cache(None)
    cache.put("key", ".shacl.json", b"[]")
    assert cache.get("key", ".shacl.json") is None
