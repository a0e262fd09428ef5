"""The query page and the linked-data pages in a real headless browser (Debian's Chromium,
driven by Playwright).

Chromium comes from Debian (`make browser`), not from `playwright install`: these tests launch
/usr/bin/chromium and fail, with that instruction, when it is missing. Every request the page
makes is recorded; any that would leave the live server is aborted and fails the test.

The linked-data tests open things by their IRI paths, as a person following a link to
`https://w3id.org/natograph/...` would: the browser's own Accept header must be what leads
through the 303 See Other to the HTML document, which no in-process client can show.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    Locator,
    Page,
    Request,
    Response,
    Route,
    expect,
    sync_playwright,
)

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
TITLE = "natograph: query NATO's partnerships with SPARQL"
ACTIVE = ".tabPanel.active"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}: run `make browser` (as root; it installs "
            "Debian's chromium package), then run the tests again.",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@dataclass
class Session:
    page: Page
    origin: str
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def same_origin(self, url: str) -> bool:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}" == self.origin


@pytest.fixture
def session(browser: Browser, live_server: str) -> Iterator[Session]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    recorded = Session(page=page, origin=live_server.rstrip("/"))

    def on_request(request: Request) -> None:
        recorded.requests.append(f"{request.method} {request.url}")

    def guard(route: Route) -> None:
        url = route.request.url
        if recorded.same_origin(url) or url.startswith("data:"):
            route.continue_()
        else:
            recorded.blocked.append(url)
            route.abort()

    context.on("request", on_request)
    context.route("**/*", guard)
    page.on("pageerror", lambda exc: recorded.errors.append(f"page error: {exc}"))
    page.on(
        "console",
        lambda msg: (
            recorded.errors.append(f"console {msg.type}: {msg.text}")
            if msg.type in ("error", "warning")
            else None
        ),
    )
    yield recorded
    context.close()


def _open(session: Session) -> float:
    started = time.perf_counter()
    session.page.goto(session.origin + "/query")
    session.page.wait_for_selector(".yasgui .CodeMirror")
    session.page.wait_for_selector("html.yasgui-ready")
    return time.perf_counter() - started


def _assert_self_contained(session: Session) -> None:
    assert session.blocked == [], f"the page tried to reach other origins: {session.blocked}"
    outside = [r for r in session.requests if not session.same_origin(r.split(" ", 1)[1])]
    assert outside == []
    assert session.errors == []


def test_example_query_runs_in_the_browser(session: Session, tmp_path: Path) -> None:
    page = session.page
    loaded = _open(session)

    assert page.title() == TITLE
    assert page.locator("h1").inner_text() == "natograph"
    endpoint = session.origin + "/sparql"
    assert page.locator("#endpoint-url").inner_text() == endpoint
    assert page.evaluate("window.natograph.yasgui.getTab().getEndpoint()") == endpoint
    first_query = page.evaluate("window.natograph.yasgui.getTab().getQuery()")
    assert "PREFIX ngo: <https://w3id.org/natograph/ontology/>" in first_query
    assert page.locator(".example-title").count() >= 30

    started = time.perf_counter()
    page.click('button[data-example="01-partners-per-framework"]')
    page.wait_for_selector(f"{ACTIVE} .CodeMirror")
    tab_name = page.evaluate("window.natograph.yasgui.getTab().getName()")
    assert tab_name.startswith("Partners per framework")
    query = page.evaluate("window.natograph.yasgui.getTab().getQuery()")
    assert '"2014-10-16"^^xsd:date' in query
    assert "?date" in query  # still the answer's first column

    page.click(f"{ACTIVE} .yasqe_queryButton")
    page.wait_for_selector(f"{ACTIVE} .yasr table.dataTable tbody tr")
    answered = time.perf_counter() - started

    rows = page.locator(f"{ACTIVE} .yasr table.dataTable tbody tr")
    assert rows.count() == 4
    pfp = rows.filter(has_text="Partnership for Peace")
    assert pfp.count() == 1
    cells = pfp.locator("td").all_inner_texts()
    # date, framework, label, listed, active: 22 partners listed on 16 Oct 2014, 21 active.
    assert any("2014-10-16" in c for c in cells)
    assert any(c.startswith('"22"') for c in cells), cells
    assert any(c.startswith('"21"') for c in cells), cells
    assert "4 results" in page.locator(f"{ACTIVE} .yasr").inner_text()

    shot = tmp_path / "query-page.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000

    posts = [r for r in session.requests if r == f"POST {endpoint}"]
    assert len(posts) == 1
    assert any("/static/vendor/yasgui/yasgui.min.js" in r for r in session.requests)
    _assert_self_contained(session)
    print(f"\npage ready in {loaded:.2f} s; example opened, run and shown in {answered:.2f} s")


def test_editor_completes_project_prefixes_offline(session: Session) -> None:
    page = session.page
    _open(session)
    completers = page.evaluate("window.natograph.yasgui.getTab().getYasqe().config.autocompleters")
    assert completers == ["natographPrefixes", "variables"]

    page.get_by_role("button", name="Add a new tab").click()
    page.wait_for_selector(f"{ACTIVE} .CodeMirror")
    page.evaluate("window.natograph.yasgui.getTab().getYasqe().setValue('')")
    page.click(f"{ACTIVE} .CodeMirror")
    page.keyboard.type("PREFIX ngc")
    hints = page.wait_for_selector(".CodeMirror-hints")
    assert hints is not None
    assert "ngc: <https://w3id.org/natograph/id/country/>" in hints.inner_text()
    page.keyboard.press("Enter")
    value = page.evaluate("window.natograph.yasgui.getTab().getQuery()")
    assert value.startswith("PREFIX ngc: <https://w3id.org/natograph/id/country/>")

    # A property and a class being typed: the Linked Open Vocabularies look-ups stay off.
    page.keyboard.type("\nSELECT * WHERE { ?s a ngo:Partner")
    page.keyboard.type(" ; rdfs:lab")
    page.wait_for_timeout(500)
    query = page.evaluate("window.natograph.yasgui.getTab().getQuery()")
    assert "PREFIX ngo: <https://w3id.org/natograph/ontology/>" in query  # added from our list
    stored = page.evaluate("window.localStorage.length")
    assert stored == 0
    _assert_self_contained(session)


# --- Linked-data pages ---------------------------------------------------------------------


def _visit_thing(session: Session, path: str) -> Response:
    """Open a thing's IRI path; assert the browser was sent 303 to its HTML document."""
    response = session.page.goto(session.origin + path)
    assert response is not None
    assert response.status == 200
    assert session.page.url == f"{session.origin}{path}.html"
    assert response.headers["content-type"].startswith("text/html")
    hop = response.request.redirected_from
    assert hop is not None, "the thing's IRI answered without a redirect"
    assert hop.url == session.origin + path
    redirect = hop.response()
    assert redirect is not None
    assert redirect.status == 303
    assert "Accept" in redirect.headers["vary"]
    return response


def test_partner_page_opens_by_iri_and_follows_a_link(session: Session) -> None:
    page = session.page
    started = time.perf_counter()
    _visit_thing(session, "/id/country/UKR")

    assert page.title() == "Ukraine · natograph"
    expect(page.locator("h1")).to_have_text("Ukraine")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    timeline = page.locator("table.timeline")
    expect(timeline).to_be_visible()
    expect(timeline.locator("caption")).to_contain_text("oldest first")
    pfp = page.locator("table.timeline tbody tr").filter(has_text="Partnership for Peace")
    expect(pfp).to_have_count(1)
    expect(pfp).to_be_visible()
    expect(pfp.locator("time").first).to_have_attribute("datetime", "1994-02-08")
    # The embedded description is JSON the browser parses, and it is about the page's thing.
    ids = page.evaluate(
        """() => JSON.parse(document.querySelector('script[type="application/ld+json"]').text)
                  ['@graph'].map(node => node.id)"""
    )
    assert "ngc:UKR" in ids

    link = pfp.get_by_role("link", name="Partnership for Peace", exact=True)
    expect(link).to_have_attribute("href", "../../id/pfp")
    link.click()
    page.wait_for_url(f"{session.origin}/id/pfp.html")
    expect(page.locator("h1")).to_have_text("Partnership for Peace")
    assert page.title() == "Partnership for Peace · natograph"
    expect(page.locator("table.timeline")).to_be_visible()
    followed = time.perf_counter() - started

    gets = [r.split(" ", 1)[1] for r in session.requests if r.startswith("GET ")]
    assert gets.index(f"{session.origin}/id/pfp") < gets.index(f"{session.origin}/id/pfp.html")
    assert any("/static/natograph.css" in url for url in gets)
    _assert_self_contained(session)
    print(f"\npartner page opened by IRI and a link followed in {followed:.2f} s")


def test_language_switch_renders_french(session: Session) -> None:
    page = session.page
    _visit_thing(session, "/id/country/UKR")
    expect(page.locator("#engagements-title")).to_have_text("Memberships and engagements")

    page.get_by_role("navigation", name="Language").get_by_role("link", name="Français").click()
    page.wait_for_url(f"{session.origin}/id/country/UKR.html?lang=fr")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    # Ukraine's French label (ISO 3166-1's French name) is shown, not marked as English.
    expect(page.locator("h1")).to_have_text("Ukraine")
    expect(page.locator("h1 [lang=en]")).to_have_count(0)
    expect(page.locator("#engagements-title")).to_have_text("Appartenances et engagements")
    switch = page.get_by_role("navigation", name="Langue")
    expect(switch.locator('[aria-current="true"]')).to_have_text("Français")
    row = page.locator("table.timeline tbody tr").filter(has_text="Partenariat pour la paix")
    expect(row).to_have_count(1)
    expect(row.get_by_role("cell", name="en cours")).to_be_visible()

    # The choice of language follows the links (through the 303) to the next page.
    row.get_by_role("link", name="Partenariat pour la paix").click()
    page.wait_for_url(f"{session.origin}/id/pfp.html?lang=fr")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("h1")).to_have_text("Partenariat pour la paix")
    assert page.title() == "Partenariat pour la paix · natograph"
    _assert_self_contained(session)


def test_landing_page_links_to_the_query_page(session: Session) -> None:
    page = session.page
    response = page.goto(session.origin + "/")
    assert response is not None and response.status == 200
    assert response.request.redirected_from is None  # the root is the page itself
    expect(page.locator("h1")).to_contain_text("natograph")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.locator("#explore").get_by_role("link", name="Query editor").click()
    page.wait_for_url(f"{session.origin}/query")
    page.wait_for_selector(".yasgui .CodeMirror")
    page.wait_for_selector("html.yasgui-ready")
    assert page.title() == TITLE
    endpoint = session.origin + "/sparql"
    assert page.locator("#endpoint-url").inner_text() == endpoint
    _assert_self_contained(session)


# --- Search ----------------------------------------------------------------------------------


def _header_search(session: Session, name: str) -> Locator:
    """The search box in the page header (base.html), found as a reader of a screen reader
    would: the search landmark by its name, then its box (a combobox: static/search.js makes
    it one, with a listbox of suggestions)."""
    return session.page.get_by_role("search", name=name).get_by_role("combobox")


def test_search_finds_a_country_by_its_former_name(session: Session) -> None:
    page = session.page
    _visit_thing(session, "/id/country/UKR")
    box = _header_search(session, "Search natograph")
    box.fill("fYROM")
    box.press("Enter")
    page.wait_for_url(f"{session.origin}/search?q=fYROM&lang=en")
    expect(page.locator("h1")).to_have_text("Search results for “fYROM”")
    first = page.locator("ol.search-results > li").first
    expect(first).to_contain_text("found by its former name: the former Yugoslav Republic")
    first.get_by_role("link", name="North Macedonia", exact=True).click()
    page.wait_for_url(f"{session.origin}/id/country/MKD.html?lang=en")
    expect(page.locator("h1")).to_have_text("North Macedonia")
    _assert_self_contained(session)


def test_search_finds_a_country_by_a_misspelt_french_name(session: Session) -> None:
    page = session.page
    page.goto(session.origin + "/?lang=fr")
    box = _header_search(session, "Rechercher dans natograph")
    box.fill("Macédoine du Nrod")
    page.get_by_role("search", name="Rechercher dans natograph").get_by_role(
        "button", name="Rechercher"
    ).click()
    page.wait_for_url(re.compile(r"/search\?q=Mac%C3%A9doine\+du\+Nrod&lang=fr$"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    first = page.locator("ol.search-results > li").first
    expect(first.get_by_role("link")).to_have_text("Macédoine du Nord")
    expect(first.get_by_role("link")).to_have_attribute("href", "./id/country/MKD?lang=fr")
    # The page's own form searches again, in the same language.
    again = page.get_by_role("search", name="Recherche par nom").get_by_role("combobox")
    expect(again).to_have_value("Macédoine du Nrod")
    again.fill("Suéde")
    again.press("Enter")
    page.wait_for_url(re.compile(r"/search\?lang=fr&q=Su%C3%A9de$"))
    expect(page.locator("ol.search-results > li").first.get_by_role("link")).to_have_text("Suède")
    _assert_self_contained(session)


def test_the_search_box_suggests_names_as_one_types(session: Session) -> None:
    page = session.page
    page.goto(session.origin + "/")
    box = _header_search(session, "Search natograph")
    box.press_sequentially("Swedn", delay=30)
    listbox = page.get_by_role("listbox", name="Suggestions")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(listbox.get_by_role("option").first).to_contain_text("Sweden")
    expect(page.get_by_role("status")).to_contain_text("suggestions")
    # The script asks this server's search.json, waiting for a pause in the typing (a slow
    # machine may see a pause mid-word, hence the last request, not the only one).
    asked = [r for r in session.requests if "/search.json?" in r]
    assert asked[-1] == f"GET {session.origin}/search.json?q=Swedn&limit=8&lang=en", asked
    assert len(asked) < len("Swedn"), asked

    # Typing on replaces the suggestions with the new query's: a former name shows the country
    # (and the name it matched), which a <datalist> would hide, as it contains no "fyrom".
    box.fill("")
    box.press_sequentially("fyrom", delay=30)
    first = listbox.get_by_role("option").first
    expect(first).to_contain_text("North Macedonia")
    expect(first).to_contain_text("former Yugoslav Republic")
    # The keyboard chooses and opens a suggestion; the box keeps the focus meanwhile.
    box.press("ArrowDown")
    expect(first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", first.get_attribute("id") or "")
    box.press("Enter")
    page.wait_for_url(f"{session.origin}/id/country/MKD.html?lang=en")
    expect(page.locator("h1")).to_have_text("North Macedonia")
    # Escape closes the list; Enter then searches as the plain form does.
    box = _header_search(session, "Search natograph")
    box.press_sequentially("pfp", delay=30)
    expect(page.get_by_role("listbox", name="Suggestions")).to_be_visible()
    box.press("Escape")
    expect(page.get_by_role("listbox", name="Suggestions")).to_be_hidden()
    box.press("Enter")
    page.wait_for_url(f"{session.origin}/search?q=pfp&lang=en")
    _assert_self_contained(session)
