"""The "jungle" map: on a date, which partner is in which structure, and how much they overlap.

The 2024 source asks whether NATO's partnership toolbox is a coherent system or a jungle of
overlapping frameworks, programmes and initiatives. This module answers with three views of the
tracks of `queries/36-timelines.rq` (natograph.query.timeline):

- the **matrix** of partners by structures on a day, each cell the partner's standing;
- the **overlaps**: for two structures, how many partners they share on that day (the same
  figures as `queries/37-structure-overlaps-on-date.rq`, checked by tests/test_jungle.py);
- the **growth** over the years: at each year's end, how many structures had partners, how many
  partners there were, and how many pairs of structures shared at least one.

A partner is a country or organisation engaged in a structure other than the Alliance that is not
an Ally that day. Overlaps and growth count engagements that certainly hold (active or suspended):
an undated engagement is "uncertain" on every day, and counting it would make overlaps appear
decades before they existed. The matrix shows uncertain engagements too, marked as such.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from itertools import combinations

from natograph.query.landscape import KINDS, STATUSES, sort_key
from natograph.query.timeline import Track

QUERY = "37-structure-overlaps-on-date"
CERTAIN = frozenset({"active", "suspended"})
_ALLIANCE = "Alliance"


@dataclass(frozen=True)
class Column:
    iri: str
    label: str
    kind: str


@dataclass(frozen=True)
class Partner:
    iri: str
    label: str
    standings: dict[str, str]
    """Structure IRI -> active, suspended or uncertain (structures it is not in are absent)."""

    @property
    def certain(self) -> int:
        return sum(1 for s in self.standings.values() if s in CERTAIN)

    @property
    def engagements(self) -> int:
        return len(self.standings)


@dataclass(frozen=True)
class Overlap:
    a: Column
    b: Column
    shared: int
    """Partners certainly engaged in both."""


@dataclass(frozen=True)
class Jungle:
    on: date
    columns: list[Column]
    partners: list[Partner]
    """Most engaged first (certain engagements, then all), then by name."""

    def shared(self, a: Column, b: Column) -> int:
        """Partners certainly engaged in both `a` and `b` (in `a` alone when they are one)."""
        return sum(
            1
            for p in self.partners
            if p.standings.get(a.iri) in CERTAIN and p.standings.get(b.iri) in CERTAIN
        )

    def overlaps(self) -> list[Overlap]:
        """Every pair of structures sharing at least one partner, most shared first."""
        found: list[Overlap] = []
        for a, b in combinations(self.columns, 2):
            shared = self.shared(a, b)
            if shared:
                found.append(Overlap(a, b, shared))
        found.sort(key=lambda o: (-o.shared, sort_key(o.a.label), sort_key(o.b.label)))
        return found

    def matrix_rows(self) -> list[dict[str, object]]:
        """The matrix as flat rows (CSV, JSON): one per partner and structure it is in."""
        return [
            {
                "date": self.on.isoformat(),
                "partner": p.iri,
                "partnerLabel": p.label,
                "structure": c.iri,
                "structureLabel": c.label,
                "kind": c.kind,
                "standing": p.standings[c.iri],
            }
            for p in self.partners
            for c in self.columns
            if c.iri in p.standings
        ]

    def overlap_rows(self) -> list[dict[str, object]]:
        """Every ordered pair of structures (both halves of the symmetric matrix, and the
        diagonal: a structure's own certain partners), for the overlap chart and downloads."""
        rows: list[dict[str, object]] = []
        for a in self.columns:
            for b in self.columns:
                shared = self.shared(a, b)
                rows.append(
                    {"a": a.label, "b": b.label, "aIri": a.iri, "bIri": b.iri, "count": shared}
                )
        return rows


def jungle_on(all_tracks: Iterable[Track], day: date) -> Jungle:
    """The map on `day`."""
    every = list(all_tracks)
    allies = {t.member for t in every if t.kind == _ALLIANCE and t.standing(day) in CERTAIN}
    columns: dict[str, Column] = {}
    standings: dict[str, dict[str, str]] = {}
    labels: dict[str, str] = {}
    for track in every:
        if track.kind == _ALLIANCE or track.member in allies:
            continue
        now = track.standing(day)
        if now is None:
            continue
        columns.setdefault(
            track.structure, Column(track.structure, track.structure_label, track.kind)
        )
        labels.setdefault(track.member, track.member_label)
        mine = standings.setdefault(track.member, {})
        known = mine.get(track.structure)
        if known is None or STATUSES.index(now) < STATUSES.index(known):
            mine[track.structure] = now
    ordered = sorted(columns.values(), key=lambda c: (KINDS.index(c.kind), sort_key(c.label)))
    partners = [Partner(iri, labels[iri], standings[iri]) for iri in standings]
    partners.sort(key=lambda p: (-p.certain, -p.engagements, sort_key(p.label)))
    return Jungle(day, ordered, partners)


def growth(all_tracks: Iterable[Track], days: list[date]) -> list[dict[str, object]]:
    """At each day (year ends, say): structures with a certain partner, partners certainly in
    one, pairs of structures sharing one, and partners in more than one structure."""
    every = list(all_tracks)
    rows: list[dict[str, object]] = []
    for day in days:
        jungle = jungle_on(every, day)
        certain = [p for p in jungle.partners if p.certain]
        used = {s for p in certain for s, st in p.standings.items() if st in CERTAIN}
        rows.append(
            {
                "year": day.year,
                "date": day.isoformat(),
                "structures": len(used),
                "partners": len(certain),
                "overlappingPairs": len(jungle.overlaps()),
                "partnersInSeveral": sum(1 for p in certain if p.certain > 1),
            }
        )
    return rows
