"""The partnership landscape on a date, and what changed between two dates.

One competency question (`queries/35-landscape-on-date.rq`) finds every engagement in force, or
possibly in force, on a day; this module groups its rows by structure and compares two days.
The CLI (`natograph landscape`) and the web page both read it from here, so the numbers a
researcher sees are the numbers the query in `queries/` gives.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from natograph.namespaces import curie
from natograph.query.text import CompetencyQuestion
from natograph.store import GraphStore, Solutions

QUERY = "35-landscape-on-date"
"""The competency question behind the landscape (in the project's queries/ folder)."""

STATUSES = ("active", "suspended", "uncertain")
"""How an engagement stands on the day: certainly in force, under a suspension certainly in
force, or only possibly in force (a date known to a month, year or decade, or not at all)."""

KINDS = (
    "Alliance",
    "PartnershipFramework",
    "PartnershipCouncil",
    "SpecialStructure",
    "PartnerGroup",
    "Initiative",
    "PartnershipTool",
)
"""The kinds of structure shown, in the order they are shown (ontology class local names)."""

_ONTOLOGY = "https://w3id.org/natograph/ontology/"


@dataclass(frozen=True)
class Engagement:
    member: str
    label: str
    standing: str
    """active, suspended or uncertain (named so: HTTP statuses belong to the web layer)."""


@dataclass
class Structure:
    iri: str
    label: str
    kind: str
    engagements: list[Engagement] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for e in self.engagements if e.standing == status)


@dataclass
class Landscape:
    on: date
    structures: list[Structure]

    def rows(self) -> list[dict[str, str]]:
        """One flat row per engagement (for CSV, JSON and pandas)."""
        return [
            {
                "date": self.on.isoformat(),
                "kind": s.kind,
                "structure": s.iri,
                "structureLabel": s.label,
                "member": e.member,
                "memberLabel": e.label,
                "status": e.standing,
            }
            for s in self.structures
            for e in s.engagements
        ]


@dataclass(frozen=True)
class Change:
    """One engagement that is not the same on the two days."""

    structure: str
    structure_label: str
    kind: str
    member: str
    member_label: str
    change: str
    """joined, left, suspended, resumed, became certain, became uncertain; `became an Ally`
    and `left the Alliance` for the Alliance itself."""
    before: str | None
    """The status on the first day (None: not engaged)."""
    after: str | None

    def row(self) -> dict[str, str]:
        return {k: "" if v is None else str(v) for k, v in asdict(self).items()}


def landscape(store: GraphStore, queries_dir: Path, on: date, lang: str = "en") -> Landscape:
    """Every structure with its engagements on `on`, in KINDS order, then by label (in `lang`,
    English where a resource has no label in it)."""
    cq = CompetencyQuestion.from_file(queries_dir / f"{QUERY}.rq")
    given = {"date": on.isoformat(), "lang": lang}
    result = store.query(cq.text, bindings=cq.substitutions(given))
    assert isinstance(result, Solutions)
    structures: dict[str, Structure] = {}
    seen: dict[tuple[str, str], Engagement] = {}
    for row in result:
        iri = row["structure"].value
        kind = row["kind"].value.removeprefix(_ONTOLOGY)
        name = row["structureLabel"].value if row["structureLabel"] is not None else curie(iri)
        structure = structures.setdefault(iri, Structure(iri, name, kind))
        member = row["member"].value
        label = row["memberLabel"].value if row["memberLabel"] is not None else curie(member)
        engagement = Engagement(member, label, row["status"].value)
        # A member engaged twice (two sources' claims, say) shows once, as it stands best.
        known = seen.get((iri, member))
        if known is None or STATUSES.index(engagement.standing) < STATUSES.index(known.standing):
            seen[(iri, member)] = engagement
    for (iri, _member), engagement in seen.items():
        structures[iri].engagements.append(engagement)
    ordered = sorted(structures.values(), key=lambda s: (_kind_rank(s.kind), sort_key(s.label)))
    for structure in ordered:
        structure.engagements.sort(key=lambda e: (STATUSES.index(e.standing), sort_key(e.label)))
    return Landscape(on, ordered)


def compare(before: Landscape, after: Landscape) -> list[Change]:
    """What changed from `before` to `after`, structure by structure, like a diff."""
    first = _index(before.structures)
    second = _index(after.structures)
    labels = {s.iri: (s.label, s.kind) for s in (*before.structures, *after.structures)}
    changes = []
    for key in sorted(set(first) | set(second)):
        was, now = first.get(key), second.get(key)
        if was is not None and now is not None and was.standing == now.standing:
            continue
        structure, member = key
        label, kind = labels[structure]
        changes.append(
            Change(
                structure, label, kind, member, (now or was).label,  # type: ignore[union-attr]
                _change(kind, was.standing if was else None, now.standing if now else None),
                was.standing if was else None, now.standing if now else None,
            )
        )  # fmt: skip
    return sorted(
        changes,
        key=lambda c: (_kind_rank(c.kind), sort_key(c.structure_label), sort_key(c.member_label)),
    )


def _change(kind: str, was: str | None, now: str | None) -> str:
    alliance = kind == "Alliance"
    if was is None:
        return "became an Ally" if alliance else "joined"
    if now is None:
        return "left the Alliance" if alliance else "left"
    if now == "suspended":
        return "suspended"
    if was == "suspended":
        return "resumed"
    return "became certain" if now == "active" else "became uncertain"


def _index(structures: Iterable[Structure]) -> dict[tuple[str, str], Engagement]:
    return {(s.iri, e.member): e for s in structures for e in s.engagements}


def sort_key(label: str) -> str:
    """Alphabetical order that ignores case and accents (Égypte among the E's)."""
    decomposed = unicodedata.normalize("NFKD", label.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _kind_rank(kind: str) -> int:
    return KINDS.index(kind) if kind in KINDS else len(KINDS)


def table(view: Landscape) -> str:
    """The landscape as text: each structure with its counts, then its members."""
    lines = [f"The partnership landscape on {view.on.isoformat()}", ""]
    for s in view.structures:
        counts = ", ".join(f"{s.count(k)} {k}" for k in STATUSES if s.count(k))
        lines.append(f"{s.label} ({_words(s.kind)}): {counts}")
        for status in STATUSES:
            names = [e.label for e in s.engagements if e.standing == status]
            if names:
                lines.append(f"  {status}: {', '.join(names)}")
    return "\n".join(lines) + "\n"


def changes_table(before: date, after: date, changes: list[Change]) -> str:
    """The changes as a diff: + joined (or became an Ally), - left, ~ anything else."""
    lines = [f"What changed from {before.isoformat()} to {after.isoformat()}", ""]
    current = None
    for c in changes:
        if c.structure_label != current:
            current = c.structure_label
            lines.append(f"{current}:")
        mark = {"joined": "+", "became an Ally": "+", "left": "-", "left the Alliance": "-"}
        lines.append(f"  {mark.get(c.change, '~')} {c.member_label}: {c.change}")
    if not changes:
        lines.append("no change")
    return "\n".join(lines) + "\n"


def _words(kind: str) -> str:
    """'PartnershipFramework' -> 'partnership framework'."""
    return "".join(f" {ch.lower()}" if ch.isupper() else ch for ch in kind).strip()
