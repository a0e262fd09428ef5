"""The "jungle" map (natograph.query.jungle) agrees with query 37 on every day, and its figures
are the sources' (issue 11, point 3)."""

from __future__ import annotations

from datetime import date

import pytest

from natograph.query.jungle import Jungle, growth, jungle_on
from natograph.query.text import CompetencyQuestion
from natograph.query.timeline import Track, tracks, year_ends
from natograph.settings import Settings
from natograph.store import OxigraphStore, Solutions

QUERIES = Settings().queries_dir
NG = "https://w3id.org/natograph/id/"


@pytest.fixture(scope="module")
def all_tracks(store: OxigraphStore) -> list[Track]:
    return tracks(store, QUERIES)


def _query_overlaps(store: OxigraphStore, day: date) -> dict[tuple[str, str], int]:
    cq = CompetencyQuestion.from_file(QUERIES / "37-structure-overlaps-on-date.rq")
    result = store.query(cq.text, bindings=cq.substitutions({"date": day.isoformat()}))
    assert isinstance(result, Solutions)
    return {(r["a"].value, r["b"].value): int(r["shared"].value) for r in result}


def _module_overlaps(jungle: Jungle) -> dict[tuple[str, str], int]:
    return {tuple(sorted((o.a.iri, o.b.iri))): o.shared for o in jungle.overlaps()}  # type: ignore[misc]


def test_the_overlaps_are_query_37s_on_every_dated_day(
    store: OxigraphStore, all_tracks: list[Track]
) -> None:
    days = {date(year, 12, 31) for year in range(1991, 2026)}
    for track in all_tracks:
        for window in (track.window, *track.suspensions):
            days.update(d for d in window.dates() if d.year >= 1991)
    assert len(days) > 60
    for day in sorted(days):
        assert _module_overlaps(jungle_on(all_tracks, day)) == _query_overlaps(store, day), day


def test_on_16_october_2014_the_map_has_the_41_partners(all_tracks: list[Track]) -> None:
    jungle = jungle_on(all_tracks, date(2014, 10, 16))
    # The 2014 page's 41 partners (S000) are those of the frameworks and partner groups; the
    # matrix also lists a programme-only participant (Colombia, in Building Integrity, undated).
    kinds = {c.iri: c.kind for c in jungle.columns}
    in_frameworks = [
        p
        for p in jungle.partners
        if any(kinds[s] in {"PartnershipFramework", "PartnerGroup"} for s in p.standings)
    ]
    assert len(in_frameworks) == 41
    assert {p.label for p in jungle.partners} - {p.label for p in in_frameworks} == {"Colombia"}
    iris = {p.iri for p in jungle.partners}
    assert NG + "country/UKR" in iris and NG + "country/RUS" in iris
    assert NG + "country/FRA" not in iris and NG + "country/POL" not in iris
    russia = next(p for p in jungle.partners if p.iri == NG + "country/RUS")
    assert russia.standings[NG + "pfp"] == "suspended"
    pfp_eapc = next(o for o in jungle.overlaps() if {o.a.iri, o.b.iri} == {NG + "pfp", NG + "eapc"})
    assert pfp_eapc.shared == 22  # every PfP participant also sits in the EAPC


def test_finland_and_sweden_leave_the_map_when_they_become_allies(
    all_tracks: list[Track],
) -> None:
    before = {p.iri for p in jungle_on(all_tracks, date(2022, 2, 23)).partners}
    after = {p.iri for p in jungle_on(all_tracks, date(2024, 12, 31)).partners}
    for code in ("FIN", "SWE"):
        assert NG + f"country/{code}" in before and NG + f"country/{code}" not in after


def test_the_toolbox_grew_from_one_structure_to_many(all_tracks: list[Track]) -> None:
    rows = growth(all_tracks, year_ends(1991, date(2024, 12, 31)))
    by_year = {r["year"]: r for r in rows}
    assert by_year[1992]["structures"] == 1  # the NACC alone
    assert int(str(by_year[2024]["structures"])) >= 15
    assert by_year[1992]["overlappingPairs"] == 0
    assert int(str(by_year[2024]["overlappingPairs"])) > int(str(by_year[2004]["overlappingPairs"]))


def test_the_matrix_rows_cover_every_cell_and_the_overlap_matrix_is_symmetric(
    all_tracks: list[Track],
) -> None:
    jungle = jungle_on(all_tracks, date(2020, 6, 1))
    assert len(jungle.matrix_rows()) == sum(p.engagements for p in jungle.partners)
    cells = {(r["aIri"], r["bIri"]): r["count"] for r in jungle.overlap_rows()}
    assert all(cells[(a, b)] == cells[(b, a)] for a, b in cells)
    # The diagonal is a structure's own certain partners.
    pfp = sum(1 for p in jungle.partners if p.standings.get(NG + "pfp") in {"active", "suspended"})
    assert cells[(NG + "pfp", NG + "pfp")] == pfp
