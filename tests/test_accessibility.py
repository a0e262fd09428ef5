"""Automated accessibility check of the linked-data pages with axe-core, in the real browser.

Each page is opened in Debian's Chromium (the fixtures of tests/test_browser.py: every request
that would leave the live server fails the test), axe-core is injected into it by Playwright and
run against the WCAG 2.0 and 2.1 level A and AA rules. Only a real browser can do this: colour
contrast, visibility and the accessible names depend on the computed styles of the rendered page.

axe-core is vendored for the tests only (tests/vendor/axe-core/, pinned and checked against the
npm registry's integrity by scripts/vendor-axe.sh). It is evaluated in the page over the
DevTools protocol, which is not a network request and is not subject to the page's
Content-Security-Policy; the server never serves it.

An automated check finds only part of the WCAG failures (contrast, names, structure, language);
it does not replace reading the pages with a screen reader and a keyboard. It does keep fixed
what it can see.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, ViewportSize

import test_browser as browser_tests
from test_browser import Session, _assert_self_contained

pytestmark = pytest.mark.browser

# The browser fixtures of the browser tests, shared rather than copied: pytest finds fixtures
# among a module's attributes, so binding them here makes them this module's too.
browser = browser_tests.browser
session = browser_tests.session

AXE_DIR = Path(__file__).resolve().parent / "vendor" / "axe-core"
AXE = AXE_DIR / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
TARGETS_SHOWN = 3
DOCUMENT_404 = (
    "console error: Failed to load resource: the server responded with a status of 404 (Not Found)"
)

# (test id, path opened, HTTP status expected). The 404 is an unknown IRI under the base, asked
# for with the browser's own Accept header: it gets the HTML "not found" page.
PAGES = [
    ("landing", "/", 200),
    ("partner", "/id/country/UKR.html", 200),
    ("partner-fr", "/id/country/UKR.html?lang=fr", 200),
    ("framework", "/id/pfp.html", 200),
    ("ontology-term", "/ontology/Country.html", 200),
    ("ontology-doc", "/ontology.html", 200),
    ("membership", "/id/membership/pfp-UKR.html", 200),
    ("not-found", "/id/country/UKRR", 404),
    ("landscape", "/landscape?date=2014-10-16", 200),
    ("landscape-compare-fr", "/landscape?date=2022-02-23&compare=2024-12-31&lang=fr", 200),
    ("timeline", "/timeline", 200),
    ("timeline-country-fr", "/timeline?resource=id/country/UKR&lang=fr", 200),
    ("jungle", "/jungle?date=2014-10-16", 200),
    ("jungle-fr", "/jungle?date=2022-02-23&lang=fr", 200),
    ("search", "/search?q=fYROM", 200),
    ("search-fr", "/search?q=Mac%C3%A9doine%20du%20Nrod&lang=fr", 200),
    ("search-form", "/search", 200),
    ("search-none", "/search?q=zzqxwvj", 200),
    # A 404 whose last segment names something: the search hits and the search form, in French.
    ("not-found-search-fr", "/id/north-macedonia?lang=fr", 404),
]
# The fixture's desktop window, and a phone's width: below 40em the stylesheet lays the pages out
# differently (one column, tables scrolled in their own region), and that layout is checked too.
VIEWPORTS: dict[str, ViewportSize | None] = {
    "desktop": None,
    "narrow": {"width": 375, "height": 800},
}


def _axe_version() -> str:
    """The pinned version, from the VERSION file scripts/vendor-axe.sh writes."""
    for line in (AXE_DIR / "VERSION").read_text(encoding="utf-8").splitlines():
        key, _, value = line.partition(": ")
        if key == "version":
            return value
    raise AssertionError(f"no version line in {AXE_DIR / 'VERSION'}")


def _run_axe(page: Page) -> dict[str, Any]:
    """Inject axe-core into the loaded page and run the WCAG 2.x A/AA rules on the document."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run scripts/vendor-axe.sh", pytrace=False)
    page.evaluate(AXE.read_text(encoding="utf-8"))
    version = page.evaluate("window.axe.version")
    assert version == _axe_version()
    results: dict[str, Any] = page.evaluate(
        """tags => window.axe.run(document, {
                runOnly: {type: "tag", values: tags},
                resultTypes: ["violations"],
            })""",
        WCAG_TAGS,
    )
    return results


def _describe(violations: list[dict[str, Any]]) -> str:
    """One paragraph per violation: what rule, how bad, what to do, and where."""
    lines = []
    for violation in violations:
        nodes = violation["nodes"]
        targets = [" ".join(map(str, node["target"])) for node in nodes[:TARGETS_SHOWN]]
        more = f" (+{len(nodes) - TARGETS_SHOWN} more)" if len(nodes) > TARGETS_SHOWN else ""
        lines.append(
            f"- {violation['id']} [{violation['impact']}]: {violation['help']} "
            f"({violation['helpUrl']})\n    at {targets}{more}"
        )
        summary = (nodes[0].get("failureSummary") or "").strip() if nodes else ""
        if summary:
            lines.append("    first: " + " ".join(summary.split())[:300])
    return "\n".join(lines)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize(("path", "status"), [p[1:] for p in PAGES], ids=[p[0] for p in PAGES])
def test_page_has_no_wcag_a_or_aa_violations(
    session: Session, path: str, status: int, viewport: str
) -> None:
    page = session.page
    size = VIEWPORTS[viewport]
    if size is not None:
        page.set_viewport_size(size)
    response = page.goto(session.origin + path)
    assert response is not None
    assert response.status == status
    assert response.headers["content-type"].startswith("text/html")

    if size is not None:
        # Nothing but a table's own region scrolls sideways on a phone (WCAG 1.4.10 reflow).
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= size["width"], f"{path} is {width} px wide at {size['width']} px"

    results = _run_axe(page)

    violations = results["violations"]
    assert violations == [], (
        f"axe-core {results['testEngine']['version']} found {len(violations)} WCAG 2.x A/AA "
        f"violation(s) on {path} ({viewport}):\n{_describe(violations)}"
    )
    # The run was not vacuous: axe looked at the page's language and its colour contrast. With
    # resultTypes ["violations"], passes keep one node each, which is enough to show the rule ran.
    passed = {rule["id"] for rule in results["passes"]}
    assert {"html-has-lang", "color-contrast", "document-title"} <= passed, passed

    if status == 404:
        # Chromium logs the document's own 404 status as a console error; that one is expected.
        assert DOCUMENT_404 in session.errors, session.errors
        session.errors.remove(DOCUMENT_404)
    _assert_self_contained(session)
    assert not any("axe" in request for request in session.requests), session.requests


def test_server_does_not_serve_axe(session: Session) -> None:
    """axe-core is a test tool: it is vendored under tests/, never under the static files."""
    for path in ("/static/vendor/axe-core/axe.min.js", "/static/axe.min.js"):
        response = session.page.request.get(session.origin + path)
        assert response.status == 404, path


def test_the_open_suggestion_list_has_no_violations(session: Session) -> None:
    """The header's combobox with its listbox open (static/search.js), as a reader sees it
    while typing: the roles, names and states that script sets are checked too."""
    page = session.page
    page.goto(session.origin + "/?lang=fr")
    box = page.get_by_role("search", name="Rechercher dans natograph").get_by_role("combobox")
    box.press_sequentially("fyrom", delay=30)
    page.get_by_role("listbox").get_by_role("option").first.wait_for()
    box.press("ArrowDown")
    results = _run_axe(page)
    assert results["violations"] == [], _describe(results["violations"])
    _assert_self_contained(session)
