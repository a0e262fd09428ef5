"""The landscape on a date and the comparison of two dates (natograph.query.landscape, CLI)."""

from __future__ import annotations

import json
from datetime import date

from typer.testing import CliRunner

from natograph.cli import app
from natograph.query.landscape import compare, landscape
from natograph.settings import Settings
from natograph.store import OxigraphStore

QUERIES = Settings().queries_dir


def test_the_landscape_groups_every_kind_of_structure_with_counts(store: OxigraphStore) -> None:
    view = landscape(store, QUERIES, date(2014, 10, 16))
    by_label = {s.label: s for s in view.structures}
    pfp = by_label["Partnership for Peace"]
    assert (pfp.count("active"), pfp.count("suspended")) == (21, 1)
    assert [e.label for e in pfp.engagements if e.standing == "suspended"] == ["Russia"]
    kinds = [s.kind for s in view.structures]
    assert kinds[0] == "Alliance" and kinds == sorted(kinds, key=lambda k: _rank(k))
    assert {"SpecialStructure", "PartnerGroup", "Initiative", "PartnershipTool"} <= set(kinds)
    assert by_label["NATO-Russia Council"].count("suspended") == 1
    assert len(view.rows()) == sum(len(s.engagements) for s in view.structures)


def _rank(kind: str) -> int:
    from natograph.query.landscape import KINDS

    return KINDS.index(kind)


def test_comparing_two_dates_lists_finland_and_sweden_becoming_allies(
    store: OxigraphStore,
) -> None:
    before = landscape(store, QUERIES, date(2022, 2, 23))
    after = landscape(store, QUERIES, date(2024, 12, 31))
    changes = {(c.structure_label, c.member_label): c for c in compare(before, after)}
    for country in ("Finland", "Sweden"):
        ally = changes[("North Atlantic Treaty Organization", country)]
        assert (ally.change, ally.before, ally.after) == ("became an Ally", None, "active")
        assert changes[("Partnership for Peace", country)].change == "left"
    assert changes[("NATO-Ukraine Council", "Ukraine")].change == "joined"
    assert changes[("NATO-Ukraine Commission", "Ukraine")].change == "left"
    assert ("Mediterranean Dialogue", "Egypt") not in changes  # unchanged: not listed
    assert compare(after, after) == []


def test_a_suspension_and_its_end_are_changes(store: OxigraphStore) -> None:
    # Malta's PfP participation was suspended from 27 Oct 1996 to (excluding) 3 Apr 2008.
    during = landscape(store, QUERIES, date(2000, 1, 1))
    after = landscape(store, QUERIES, date(2008, 4, 3))
    malta = {c.change for c in compare(during, after) if c.member_label == "Malta"}
    assert "resumed" in malta
    back = {c.change for c in compare(after, during) if c.member_label == "Malta"}
    assert "suspended" in back


def test_the_cli_gives_the_landscape_and_the_diff_as_table_csv_and_json() -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["landscape", "--date", "2014-10-16"])
    assert result.exit_code == 0, result.output
    assert "Partnership for Peace (partnership framework): 21 active, 1 suspended" in result.output
    result = runner.invoke(
        app, ["landscape", "--date", "2022-02-23", "--compare", "2024-12-31", "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    allies = {r["member_label"] for r in rows if r["change"] == "became an Ally"}
    assert allies == {"Finland", "Sweden"}
    result = runner.invoke(app, ["landscape", "--date", "2014-10-16", "-f", "csv"])
    header, *lines = result.stdout.splitlines()
    assert header == "date,kind,structure,structureLabel,member,memberLabel,status"
    assert any(",Russia,suspended" in line for line in lines)
    table = runner.invoke(app, ["landscape", "--date", "2022-02-23", "--compare", "2024-12-31"])
    assert "  + Finland: became an Ally" in table.output


def test_the_cli_refuses_a_bad_date_and_notes_a_date_past_the_sources() -> None:
    runner = CliRunner()
    bad = runner.invoke(app, ["landscape", "--date", "2014-13-01"])
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output
    late = runner.invoke(app, ["landscape", "--date", "2030-01-01", "-f", "csv"])
    assert late.exit_code == 0
    assert "newest source" in late.stderr
