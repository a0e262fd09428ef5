"""Problems found in the curated files, and their rendering for people and machines.

Every check (syntax, SHACL, reasoning) reports through the same `Problem` record, so that
`natograph check`, the server's start-up refusal and the tests all see one shape of error that
always names a file and, where it can, a line.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path

from natograph.build.cache import Cache
from natograph.errors import NatographError


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Problem:
    """One thing wrong, located as precisely as the check allows, with what to do about it."""

    check: str
    """Which stage found it: `syntax`, `definitions`, `shacl`, `reasoner`."""
    message: str
    severity: Severity = Severity.ERROR
    file: str | None = None
    line: int | None = None
    column: int | None = None
    text: str | None = None
    """The offending source text, when the check can point at it."""
    focus: str | None = None
    shape: str | None = None
    path: str | None = None
    value: str | None = None
    constraint: str | None = None
    """The SHACL constraint component that failed, for SHACL problems."""
    hint: str | None = None
    """What the editor should do to fix it."""

    def location(self) -> str:
        if self.file is None:
            return ""
        loc = self.file
        if self.line is not None:
            loc += f":{self.line}"
            if self.column is not None:
                loc += f":{self.column}"
        return loc


@dataclass
class Report:
    """All problems of one run; the run fails when any of them is an error."""

    problems: list[Problem] = field(default_factory=list)
    stats: dict[str, int | float | str] = field(default_factory=dict)

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_json(self) -> str:
        return json.dumps(
            {
                "ok": self.ok,
                "errors": len(self.errors),
                "warnings": sum(p.severity is Severity.WARNING for p in self.problems),
                "stats": self.stats,
                "problems": [
                    {k: v for k, v in asdict(p).items() if v is not None} for p in self.problems
                ],
            },
            indent=2,
            ensure_ascii=False,
        )

    def to_text(self) -> str:
        """Group by check and then by shape, the way an editor fixes things: one rule at a time."""
        if not self.problems:
            return "no problems found"
        out: list[str] = []
        for check in dict.fromkeys(p.check for p in self.problems):
            group = [p for p in self.problems if p.check == check]
            out.append(f"== {check}: {len(group)} problem(s)")
            for shape in dict.fromkeys(p.shape for p in group):
                if shape is not None:
                    out.append(f"-- shape {shape}")
                out.extend(_render(p) for p in group if p.shape == shape)
        n_err, n_warn = len(self.errors), len(self.problems) - len(self.errors)
        out.append(f"{n_err} error(s), {n_warn} warning(s)")
        return "\n".join(out)


def _render(p: Problem) -> str:
    head = f"{p.severity.value}: "
    if p.location():
        head = f"{p.location()}: " + head
    lines = [head + p.message]
    for label, value in (
        ("focus", p.focus),
        ("path", p.path),
        ("value", p.value),
        ("text", p.text),
        ("constraint", p.constraint),
        ("fix", p.hint),
    ):
        if value is not None:
            lines.append(f"    {label}: {value}")
    return "\n".join(lines)


class CheckFailed(NatographError):
    """Raised when the pipeline must stop (the graph would be wrong if it went on)."""

    def __init__(self, report: Report) -> None:
        super().__init__(report.to_text())
        self.report = report


def relpath(path: Path, root: Path | None = None) -> str:
    """Paths in messages are relative to the project so they can be clicked in an editor."""
    try:
        return str(path.resolve().relative_to((root or Path.cwd()).resolve()))
    except ValueError:
        return str(path)


def problems_to_json(problems: list[Problem]) -> bytes:
    """Problems as bytes for the build cache (natograph.build.cache); problems_from_json reads
    them back."""
    return json.dumps([asdict(p) for p in problems]).encode("utf-8")


def problems_from_json(data: bytes) -> list[Problem]:
    return [Problem(**{**p, "severity": Severity(p["severity"])}) for p in json.loads(data)]


def cached_problems(
    cache: Cache,
    key: str,
    suffix: str,
    compute: Callable[[], list[Problem]],
) -> list[Problem]:
    """A check's problems, kept under `key` for byte-identical inputs (SHACL)."""
    hit = cache.get(key, suffix)
    if hit is not None:
        return problems_from_json(hit)
    problems = compute()
    cache.put(key, suffix, problems_to_json(problems))
    return problems
