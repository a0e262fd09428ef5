"""Every engagement over time: tracks of dated stretches, and the landscape on any day from them.

One competency question (`queries/36-timelines.rq`) returns each engagement's four window dates and
those of its suspensions. From them this module cuts a track into stretches that are each wholly
active, suspended or uncertain, using the rule of `queries/35-landscape-on-date.rq` (the README's
"Dates and their precision"); tests/test_timeline.py checks, day by day, that both give the same
answer. Charts and the "jungle" map need the landscape on dozens of days: one query and this rule
answer them all at once, where query 35 would be run once per day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from natograph.namespaces import curie
from natograph.query.landscape import KINDS, STATUSES, Engagement, Landscape, Structure, sort_key
from natograph.query.text import CompetencyQuestion
from natograph.store import GraphStore, Solutions

QUERY = "36-timelines"
_ONTOLOGY = "https://w3id.org/natograph/ontology/"


@dataclass(frozen=True)
class Window:
    """The four window dates of an engagement or a suspension (None: not recorded)."""

    possible_from: date | None
    certain_from: date | None
    certain_until: date | None
    possible_until: date | None

    def may_hold(self, day: date) -> bool:
        return not (self.possible_from is not None and day < self.possible_from) and not (
            self.possible_until is not None and self.possible_until <= day
        )

    def surely_holds(self, day: date) -> bool:
        return (
            self.certain_from is not None
            and self.certain_from <= day
            and not (self.certain_until is not None and self.certain_until <= day)
        )

    def dates(self) -> list[date]:
        return [
            d
            for d in (
                self.possible_from,
                self.certain_from,
                self.certain_until,
                self.possible_until,
            )
            if d is not None
        ]


@dataclass(frozen=True)
class Stretch:
    """From `start` (inclusive) to `end` (exclusive; None: to the data's end) in one standing."""

    start: date
    end: date | None
    standing: str


@dataclass
class Track:
    """One engagement: who, in what, and its dates with those of its suspensions."""

    engagement: str
    structure: str
    structure_label: str
    kind: str
    member: str
    member_label: str
    window: Window
    suspensions: list[Window] = field(default_factory=list)

    def standing(self, day: date) -> str | None:
        """active, suspended, uncertain, or None when not engaged: query 35's rule."""
        if not self.window.may_hold(day):
            return None
        if any(s.surely_holds(day) for s in self.suspensions):
            return "suspended"
        maybe_suspended = any(s.may_hold(day) for s in self.suspensions)
        if self.window.surely_holds(day) and not maybe_suspended:
            return "active"
        return "uncertain"

    def stretches(self, first: date) -> list[Stretch]:
        """The track from `first` on, cut where its standing changes (not-engaged gaps left out)."""
        cuts = sorted({first, *(d for w in self._windows() for d in w.dates() if d > first)})
        out: list[Stretch] = []
        for start, end in zip(cuts, [*cuts[1:], None], strict=True):
            now = self.standing(start)
            if now is None:
                continue
            if out and out[-1].end == start and out[-1].standing == now:
                out[-1] = Stretch(out[-1].start, end, now)
            else:
                out.append(Stretch(start, end, now))
        return out

    def _windows(self) -> Iterable[Window]:
        yield self.window
        yield from self.suspensions


def tracks(store: GraphStore, queries_dir: Path, lang: str = "en") -> list[Track]:
    """Every engagement with its suspensions, in query 36's order."""
    cq = CompetencyQuestion.from_file(queries_dir / f"{QUERY}.rq")
    result = store.query(cq.text, bindings=cq.substitutions({"lang": lang}))
    assert isinstance(result, Solutions)
    found: dict[str, Track] = {}
    for row in result:
        window = Window(*(_day(row[name]) for name in _WINDOW))
        engagement = row["engagement"].value
        track = found.get(engagement)
        if track is None:
            track = found[engagement] = Track(
                engagement,
                row["structure"].value,
                _label(row["structureLabel"], row["structure"].value),
                row["kind"].value.removeprefix(_ONTOLOGY),
                row["member"].value,
                _label(row["memberLabel"], row["member"].value),
                _UNDATED,
            )
        if row["suspension"] is None:
            track.window = window
        else:
            track.suspensions.append(window)
    return list(found.values())


_UNDATED = Window(None, None, None, None)
_WINDOW = ("possibleFrom", "certainFrom", "certainUntil", "possibleUntil")


def _day(term: object) -> date | None:
    value = getattr(term, "value", None)
    return date.fromisoformat(value[:10]) if value else None


def _label(term: object, iri: str) -> str:
    value = getattr(term, "value", None)
    return str(value) if value is not None else curie(iri)


def landscape_on(all_tracks: Iterable[Track], day: date) -> Landscape:
    """The landscape on `day` from the tracks: the same as natograph.query.landscape.landscape."""
    structures: dict[str, Structure] = {}
    best: dict[tuple[str, str], Engagement] = {}
    for track in all_tracks:
        now = track.standing(day)
        structure = structures.setdefault(
            track.structure, Structure(track.structure, track.structure_label, track.kind)
        )
        if now is None:
            continue
        known = best.get((track.structure, track.member))
        if known is None or STATUSES.index(now) < STATUSES.index(known.standing):
            best[(track.structure, track.member)] = Engagement(
                track.member, track.member_label, now
            )
    for (iri, _member), engagement in best.items():
        structures[iri].engagements.append(engagement)
    shown = [s for s in structures.values() if s.engagements]
    shown.sort(key=lambda s: (KINDS.index(s.kind), sort_key(s.label)))
    for structure in shown:
        structure.engagements.sort(key=lambda e: (STATUSES.index(e.standing), sort_key(e.label)))
    return Landscape(day, shown)


def first_day(all_tracks: Iterable[Track]) -> date:
    """The earliest date any track records (the left edge of a chart of them)."""
    return min(
        (d for t in all_tracks for w in t._windows() for d in w.dates()), default=date.today()
    )


def year_ends(first: int, last: date) -> list[date]:
    """31 December of each year from `first`, the last year's day being `last` itself."""
    days = [date(year, 12, 31) for year in range(first, last.year)]
    return [*days, last]


Row = dict[str, str]
"""One stretch of a resource's chart: row (label), iri, start, end, standing, ongoing."""


def resource_rows(all_tracks: Iterable[Track], iri: str, first: date, last: date) -> list[Row]:
    """The stretches of every engagement `iri` takes part in, as a member (one line per
    structure) or as the structure (one line per member), from `first` to `last` inclusive.

    Lines are ordered by when they begin, so a country's chart reads as its history."""
    rows: list[Row] = []
    for track in all_tracks:
        if iri not in (track.member, track.structure):
            continue
        other = track.structure_label if track.member == iri else track.member_label
        other_iri = track.structure if track.member == iri else track.member
        for stretch in track.stretches(first):
            if stretch.start > last:
                continue
            end = last if stretch.end is None or stretch.end > last else stretch.end
            rows.append(
                {
                    "row": other,
                    "iri": other_iri,
                    "start": stretch.start.isoformat(),
                    "end": end.isoformat(),
                    "standing": stretch.standing,
                    "ongoing": "true" if stretch.end is None else "false",
                }
            )
    begins: dict[str, str] = {}
    for row in rows:
        begins[row["row"]] = min(begins.get(row["row"], row["start"]), row["start"])
    rows.sort(key=lambda r: (begins[r["row"]], sort_key(r["row"]), r["start"]))
    return rows


def yearly_counts(all_tracks: Iterable[Track], days: list[date]) -> list[dict[str, object]]:
    """For each structure and each day in `days` (year ends, say): how many members it had, by
    standing; one row per structure and day, structures in landscape order.

    `count` is the members certainly engaged (active or suspended): an undated membership is
    "uncertain" on every day since 1949, and counting it would make a structure look older than
    it is. `text` is what a cell prints: the count, with "+n" for n uncertain members."""
    every = list(all_tracks)
    out: list[dict[str, object]] = []
    views = [landscape_on(every, day) for day in days]
    order: dict[str, tuple[int, str]] = {}
    for view in views:
        for s in view.structures:
            order.setdefault(s.iri, (KINDS.index(s.kind), sort_key(s.label)))
    labels = {t.structure: t.structure_label for t in every}
    by_iri = {view.on: {s.iri: s for s in view.structures} for view in views}
    for iri in sorted(order, key=order.__getitem__):
        for day in days:
            found = by_iri[day].get(iri)
            counts = {st: (found.count(st) if found else 0) for st in STATUSES}
            certain = counts["active"] + counts["suspended"]
            unsure = counts["uncertain"]
            out.append(
                {
                    "structure": iri,
                    "row": labels[iri],
                    "year": day.year,
                    "date": day.isoformat(),
                    "count": certain,
                    **counts,
                    "text": f"{certain}+{unsure}" if unsure else str(certain) if certain else "",
                }
            )
    return out


@dataclass(frozen=True)
class Span:
    """One line of a resource's history, for its summary: what, from when, until when (None:
    ongoing at the data's end), and since when it is suspended (None: not suspended at its end)."""

    label: str
    iri: str
    start: date
    end: date | None
    suspended_since: date | None
    uncertain: bool
    """Whether any stretch of it is uncertain (its dates are approximate)."""


def spans(rows: list[Row]) -> list[Span]:
    """resource_rows folded into one span per line, in the rows' order: the summary a page
    leads with ("NATO-Ukraine Commission 1997-2023, Council since 2023")."""
    grouped: dict[str, list[Row]] = {}
    for row in rows:
        grouped.setdefault(row["row"], []).append(row)
    out: list[Span] = []
    for label, parts in grouped.items():
        last = parts[-1]
        ongoing = last["ongoing"] == "true"
        out.append(
            Span(
                label=label,
                iri=last["iri"],
                start=date.fromisoformat(parts[0]["start"]),
                end=None if ongoing else date.fromisoformat(last["end"]),
                suspended_since=(
                    date.fromisoformat(last["start"]) if last["standing"] == "suspended" else None
                ),
                uncertain=any(p["standing"] == "uncertain" for p in parts),
            )
        )
    return out
