"""The README's commands work as written: each `natograph` example runs and succeeds."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from natograph.cli import app
from natograph.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
# `natograph serve` runs until stopped (tests/test_serve.py starts it as a real process) and
# `natograph ldcheck` needs a running server (tests/test_linked_data.py runs it against one).
NEEDS_SERVER = (".venv/bin/natograph serve", ".venv/bin/natograph ldcheck")
EXAMPLES = [
    line.split("#", 1)[0].strip() if " # " in line else line.strip()
    for line in re.findall(r"^\.venv/bin/natograph .*$", README, flags=re.M)
    if not line.startswith(NEEDS_SERVER)
]


def test_readme_has_examples() -> None:
    assert len(EXAMPLES) >= 6


@pytest.mark.parametrize("command", EXAMPLES)
def test_readme_example_runs(command: str, tmp_path: Path) -> None:
    args = shlex.split(command)[1:]
    args = [a for a in args if a not in ("[--check]",)]
    if args[0] == "check":
        args.append("--no-hermit")  # HermiT has its own tests; keep this one fast
    if args[0] == "fmt":
        args.append("--check")  # never rewrite the checkout from a test
    if args[0] == "build":
        args = ["build", "--no-hermit", "--out", str(tmp_path / "dist")]  # not into the checkout
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output


def test_readme_names_exactly_two_setup_commands() -> None:
    setup = README.split("## Set-up", 1)[1].split("##", 1)[0]
    block = setup.split("```sh", 1)[1].split("```", 1)[0]
    assert [line.split()[:2] for line in block.strip().splitlines()] == [
        ["make", "run"],
        ["make", "test"],
    ]


def test_readme_linked_data_examples_work(live_server: str) -> None:
    """The curl commands shown to linked-data consumers run as written against a server."""
    section = README.split("## Linked data", 1)[1].split("\n## ", 1)[0]
    commands = [line.split(" # ", 1)[0].strip() for line in section.splitlines()]
    commands = [c for c in commands if c.startswith("curl ")]
    assert len(commands) >= 3
    for command in commands:
        args = [a.replace("http://127.0.0.1:8000", live_server) for a in shlex.split(command)]
        result = subprocess.run([*args, "-sSf"], capture_output=True, timeout=60, check=False)
        assert result.returncode == 0, (command, result.stderr)
        assert b"https://w3id.org/natograph/" in result.stdout, command


def test_readme_tells_editors_where_the_ontology_documentation_is() -> None:
    section = README.split("## Linked data", 1)[1].split("\n## ", 1)[0]
    assert "http://127.0.0.1:8000/ontology" in section and "Open from URL" in section


def test_every_setting_is_in_the_readme_table() -> None:
    """The settings table is the settings object: a new field without a row fails here."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [f for f in Settings.model_fields if f"| `NATOGRAPH_{f.upper()}` |" not in readme]
    assert missing == []


def test_readme_views_examples_work(live_server: str, tmp_path: Path) -> None:
    """The researcher's views: the curl commands run as written, and every view is in the table."""
    section = README.split("## The researcher's views", 1)[1].split("\n## ", 1)[0]
    commands = [line.split(" # ", 1)[0].strip() for line in section.splitlines()]
    commands = [c for c in commands if c.startswith("curl ")]
    assert len(commands) >= 3
    for command in commands:
        args = [a.replace("http://127.0.0.1:8000", live_server) for a in shlex.split(command)]
        result = subprocess.run(
            [*args, "-sSf"], capture_output=True, timeout=60, check=False, cwd=tmp_path
        )
        assert result.returncode == 0, (command, result.stderr)
    assert (tmp_path / "ukr.svg").read_bytes().startswith(b"<svg")
    for page in ("/landscape", "/timeline", "/jungle", "/search"):
        assert f"| `{page}" in section, page
    # The pandas lines, as written but for the server's address.
    code = section.split("```python", 1)[1].split("```", 1)[0]
    space: dict[str, object] = {}
    exec(code.replace("http://127.0.0.1:8000", live_server), space)
    growth = space["growth"]
    assert list(growth.columns)[:3] == ["year", "date", "structures"]  # type: ignore[attr-defined]
    assert growth["year"].iloc[0] == 1991  # type: ignore[index]
