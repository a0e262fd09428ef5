"""Tracks over time (natograph.query.timeline) agree with the landscape query on every day."""

from __future__ import annotations

from datetime import date
from itertools import pairwise

import pytest

from natograph.query.landscape import landscape
from natograph.query.timeline import Stretch, Track, first_day, landscape_on, tracks, year_ends
from natograph.settings import Settings
from natograph.store import OxigraphStore

QUERIES = Settings().queries_dir
NG = "https://w3id.org/natograph/id/"


@pytest.fixture(scope="module")
def all_tracks(store: OxigraphStore) -> list[Track]:
    return tracks(store, QUERIES)


def _days(all_tracks: list[Track]) -> list[date]:
    """Each New Year's Day 1990-2026 and every date a window or suspension starts or ends."""
    days = {date(year, 1, 1) for year in range(1990, 2027)}
    for track in all_tracks:
        for window in (track.window, *track.suspensions):
            days.update(window.dates())
    return sorted(days)


def test_the_tracks_give_the_landscape_query_answer_on_every_day(
    store: OxigraphStore, all_tracks: list[Track]
) -> None:
    days = _days(all_tracks)
    assert len(days) > 60
    for day in days:
        expected = landscape(store, QUERIES, day)
        assert landscape_on(all_tracks, day) == expected, day


def test_russia_in_the_partnership_for_peace_is_cut_at_its_suspension(
    all_tracks: list[Track],
) -> None:
    pfp = NG + "pfp"
    russia = [t for t in all_tracks if t.structure == pfp and t.member == NG + "country/RUS"]
    assert russia, "Russia's Partnership for Peace engagement"
    stretches = [s for t in russia for s in t.stretches(date(1991, 1, 1))]
    assert Stretch(date(2014, 4, 1), stretches[-1].end, "suspended") in stretches
    assert any(s.standing == "active" and s.end == date(2014, 4, 1) for s in stretches)


def test_finland_is_an_ally_from_4_april_2023(all_tracks: list[Track]) -> None:
    ally = [t for t in all_tracks if t.kind == "Alliance" and t.member == NG + "country/FIN"]
    assert [s for t in ally for s in t.stretches(date(1991, 1, 1))] == [
        Stretch(date(2023, 4, 4), None, "active")
    ]


def test_stretches_start_no_earlier_than_asked_and_do_not_overlap(
    all_tracks: list[Track],
) -> None:
    first = date(1991, 1, 1)
    for track in all_tracks:
        stretches = track.stretches(first)
        for one, two in pairwise(stretches):
            assert one.end is not None and one.end <= two.start, track.engagement
            assert not (one.end == two.start and one.standing == two.standing)
        assert all(s.start >= first for s in stretches)


def test_the_first_day_and_year_ends(all_tracks: list[Track]) -> None:
    assert first_day(all_tracks) <= date(1949, 8, 24)  # the Treaty entered into force
    ends = year_ends(2020, date(2024, 12, 31))
    assert ends == [
        date(2020, 12, 31),
        date(2021, 12, 31),
        date(2022, 12, 31),
        date(2023, 12, 31),
        date(2024, 12, 31),
    ]
