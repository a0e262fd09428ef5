"""The researcher's views in a real browser (issue 11, point 8): the landscape of 16 October 2014,
a comparison across the 2022 watershed, a timeline and the jungle matrix with their tables.

Same Chromium and fixtures as tests/test_browser.py (every request leaving the live server fails
the test). The pages need no JavaScript: these tests use them as a person does, through the
forms and links, and read what the browser renders (not the HTML source).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

import test_browser as browser_tests
from test_browser import Session, _assert_self_contained

pytestmark = pytest.mark.browser

browser = browser_tests.browser
session = browser_tests.session

LOADED = "img => img.complete && img.naturalWidth > 300"
"""The chart image arrived and the browser decoded it (a broken image has no natural width)."""


def test_the_landscape_of_16_october_2014_shows_its_41_partners(session: Session) -> None:
    page = session.page
    page.goto(session.origin + "/landscape")
    page.get_by_label("Date", exact=True).fill("2014-10-16")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"/landscape\?.*date=2014-10-16"))
    expect(page.locator("h1")).to_have_text("The partnership landscape on 2014-10-16")
    # The 41 partners of the 2014 page: every member of a framework or partner group.
    summary = page.locator("table.landscape-summary tbody tr")
    partners: set[str] = set()
    for i in range(summary.count()):
        row = summary.nth(i)
        kind = row.locator("td").first.inner_text()
        if kind in ("partnership framework", "partner group"):
            partners.update(row.locator("td").last.locator("a").all_inner_texts())
    assert len(partners) == 41, sorted(partners)
    pfp = page.locator("tr#pfp")
    expect(pfp.locator("td.count").nth(1)).to_have_text("1")  # Russia, suspended
    # One year on, by a plain link.
    page.get_by_role("link", name=re.compile("One year later")).click()
    page.wait_for_url(re.compile(r"date=2015-10-16"))
    _assert_self_contained(session)


def test_compare_2022_and_2024_lists_finland_and_sweden_becoming_allies(session: Session) -> None:
    page = session.page
    page.goto(session.origin + "/landscape?date=2022-02-23")
    page.get_by_label("Compare with (optional)").fill("2024-12-31")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"compare=2024-12-31"))
    changes = page.locator("table.changes tbody tr")
    allies = changes.filter(has_text="became an Ally")
    names = {t.strip() for t in allies.locator("td:nth-child(2)").all_inner_texts()}
    assert {"Finland", "Sweden"} <= names, names
    _assert_self_contained(session)


def test_a_country_timeline_renders_its_chart_and_its_accessible_table(session: Session) -> None:
    page = session.page
    page.goto(session.origin + "/id/country/UKR.html")
    chart = page.locator("#summary figure.chart img")
    expect(chart).to_be_visible()
    page.wait_for_function(LOADED, arg=chart.element_handle())
    assert "engagements" in (chart.get_attribute("alt") or "")
    # The table behind the chart, folded: a person opens it with the disclosure.
    page.locator("#summary summary").click()
    table = page.get_by_role("table", name=re.compile("Ukraine: engagements as recorded"))
    expect(table).to_be_visible()
    commission = table.get_by_role("row").filter(has_text="NATO-Ukraine Commission")
    expect(commission.get_by_role("cell").first).to_have_text("active")
    # The toolbox timeline has one row per structure, in a region a keyboard can scroll.
    page.get_by_role("link", name="Open the timeline on its own page").click()
    page.get_by_role("link", name="The whole toolbox over time").click()
    page.wait_for_url(re.compile(r"/timeline$"))
    grid = page.get_by_role("table", name=re.compile("Members at each year's end"))
    expect(grid.get_by_role("row", name=re.compile("^Partnership for Peace"))).to_have_count(1)
    region = page.get_by_role("region", name=re.compile("Members at each year's end"))
    expect(region).to_have_attribute("tabindex", "0")
    page.wait_for_function(LOADED, arg=page.locator("figure.chart img").element_handle())
    _assert_self_contained(session)


def test_the_jungle_matrix_renders_with_words_behind_its_symbols(session: Session) -> None:
    page = session.page
    page.goto(session.origin + "/jungle?date=2014-10-16")
    matrix = page.get_by_role("table", name=re.compile("42 partners in 15 structures"))
    expect(matrix).to_be_visible()
    russia = matrix.get_by_role("row").filter(has=page.get_by_role("link", name="Russia"))
    # The accessible name of the cell is its standing in words, not the symbol.
    suspended = russia.get_by_role("cell", name="suspended", exact=True)
    expect(suspended.first).to_be_visible()
    assert suspended.count() == russia.locator("td.status-suspended").count() >= 1
    overlaps = page.get_by_role("table", name=re.compile("pairs of structures sharing partners"))
    first = overlaps.get_by_role("row").nth(1)
    expect(first.get_by_role("cell").last).to_have_text("22")
    for img in page.locator("figure.chart img").all():
        img.scroll_into_view_if_needed()
        page.wait_for_function(LOADED, arg=img.element_handle())
    _assert_self_contained(session)


def test_a_views_query_link_opens_its_question_in_the_editor(session: Session) -> None:
    """Each view links to the competency question that computes it; the link opens that
    question, ready to run, in its own tab of the query editor (static/ui.js)."""
    page = session.page
    page.goto(session.origin + "/timeline")
    page.get_by_role("link", name="queries/36-timelines.rq").click()
    page.wait_for_url(re.compile(r"/query\?example=36-timelines#example-36-timelines$"))
    page.wait_for_selector("html.yasgui-ready")
    page.wait_for_function(
        "() => window.natograph.yasgui.getTab().getQuery().includes('ngo:suspends')"
    )
    query = page.evaluate("window.natograph.yasgui.getTab().getQuery()")
    assert "SELECT" in query and "?possibleFrom" in query
    name = page.evaluate("window.natograph.yasgui.getTab().getName()")
    assert name != "Query", name  # its own tab, named for the question
    _assert_self_contained(session)
