"""The README's commands work as written: each `natograph` example runs and succeeds."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from natograph.cli import app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
# `natograph serve` runs until stopped; tests/test_serve.py starts it as a real process instead.
EXAMPLES = [
    line.split("#", 1)[0].strip() if " # " in line else line.strip()
    for line in re.findall(r"^\.venv/bin/natograph .*$", README, flags=re.M)
    if not line.startswith(".venv/bin/natograph serve")
]


def test_readme_has_examples() -> None:
    assert len(EXAMPLES) >= 6


@pytest.mark.parametrize("command", EXAMPLES)
def test_readme_example_runs(command: str) -> None:
    args = shlex.split(command)[1:]
    args = [a for a in args if a not in ("[--check]",)]
    if args[0] == "check":
        args.append("--no-hermit")  # HermiT has its own tests; keep this one fast
    if args[0] == "fmt":
        args.append("--check")  # never rewrite the checkout from a test
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output


def test_readme_names_exactly_two_setup_commands() -> None:
    setup = README.split("## Set-up", 1)[1].split("##", 1)[0]
    block = setup.split("```sh", 1)[1].split("```", 1)[0]
    assert [line.split()[:2] for line in block.strip().splitlines()] == [
        ["make", "run"],
        ["make", "test"],
    ]
