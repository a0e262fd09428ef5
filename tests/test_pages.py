"""The HTML pages for people: resource pages, the landing page and the 404 page.

Pages are rendered from real descriptions of the curated graph (the `store` fixture), then parsed:
the tests read what a person would read (cells of the timeline, the heading, the links) rather
than grepping templates, and check the markup rules every page keeps (one h1, headings in order,
unique ids, captioned tables, escaped data).
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox
import pytest

from natograph.namespaces import BASE, PREFIXES
from natograph.publish.describe import describe
from natograph.query.render import rows
from natograph.query.text import competency_questions
from natograph.store import OxigraphStore
from natograph.web.i18n import translator
from natograph.web.landing import landing_data, render_landing
from natograph.web.not_found import known_resources, render_not_found, suggest
from natograph.web.pages import page_context
from natograph.web.related import RelatedQuestion, related_questions
from natograph.web.resource_page import render_resource, resource_view
from natograph.web.terms import Labels, Terms

ROOT = Path(__file__).resolve().parents[1]
NGO = BASE + "ontology/"
UKR = BASE + "id/country/UKR"
BLR = BASE + "id/country/BLR"
EAPC = BASE + "id/eapc"
PFP = BASE + "id/pfp"
EVIL = BASE + "id/evil"
SCRIPT = "<script>alert(1)</script>"
VOID_ELEMENTS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


# --- Parsing the pages ---------------------------------------------------------------------------


class Page(HTMLParser):
    """The parts of a page the tests read, and the markup problems it has."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.ids: list[str] = []
        self.headings: list[tuple[int, str]] = []
        self.links: list[dict[str, str]] = []
        self.tables: list[dict[str, object]] = []
        self.scripts: list[str] = []
        self.html_lang = ""
        self._stack: list[str] = []
        self._text: list[list[str]] = []
        self._heading: tuple[int, list[str]] | None = None
        self._cell: dict[str, object] | None = None
        self._link: dict[str, str] | None = None
        self._in_script = False
        self.feed(html)
        self.close()
        if self._stack:
            self.problems.append(f"unclosed elements: {self._stack}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.append(a["id"])
        if tag not in VOID_ELEMENTS:
            self._stack.append(tag)
        if tag == "html":
            self.html_lang = a.get("lang", "")
        elif re.fullmatch(r"h[1-6]", tag):
            self._heading = (int(tag[1]), [])
        elif tag == "a":
            self._link = {**a, "text": ""}
            self.links.append(self._link)
        elif tag == "table":
            self.tables.append({"caption": "", "head": [], "rows": []})
        elif tag == "caption":
            self._text.append([])
        elif tag == "tr":
            self.tables[-1]["rows"].append([])  # type: ignore[attr-defined]
        elif tag in ("td", "th"):
            self._cell = {"text": "", "hrefs": [], "tag": tag, "scope": a.get("scope")}
            self.tables[-1]["rows"][-1].append(self._cell)  # type: ignore[index]
        elif tag == "time" and not a.get("datetime"):
            self.problems.append("<time> without datetime")
        elif tag == "script":
            self._in_script = True
            self.scripts.append("")
        if tag == "a" and self._cell is not None:
            self._cell["hrefs"].append(a.get("href", ""))  # type: ignore[attr-defined]

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID_ELEMENTS:
            return
        if not self._stack or self._stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self._stack[-1] if self._stack else None}>")
            return
        self._stack.pop()
        if re.fullmatch(r"h[1-6]", tag) and self._heading is not None:
            self.headings.append((self._heading[0], "".join(self._heading[1]).strip()))
            self._heading = None
        elif tag == "caption":
            self.tables[-1]["caption"] = "".join(self._text.pop()).strip()
        elif tag in ("td", "th"):
            self._cell = None
        elif tag == "a":
            self._link = None
        elif tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data
            return
        for collector in self._text:
            collector.append(data)
        if self._heading is not None:
            self._heading[1].append(data)
        if self._cell is not None:
            self._cell["text"] = str(self._cell["text"]) + data
        if self._link is not None:
            self._link["text"] += data

    def table(self, caption_start: str) -> list[list[dict[str, object]]]:
        for table in self.tables:
            if str(table["caption"]).startswith(caption_start):
                return table["rows"]  # type: ignore[return-value]
        raise AssertionError(f"no table captioned {caption_start!r}")

    def row(self, caption_start: str, containing: str) -> list[str]:
        """The cell texts (whitespace collapsed) of the first row with `containing` in a cell."""
        for cells in self.table(caption_start):
            texts = [" ".join(str(c["text"]).split()) for c in cells]
            if any(containing in t for t in texts):
                return texts
        raise AssertionError(f"no row with {containing!r}")


def check_markup(html: str) -> Page:
    """Parse the page and assert the rules every page keeps."""
    page = Page(html)
    assert page.problems == []
    assert len(page.ids) == len(set(page.ids)), sorted(i for i in page.ids if page.ids.count(i) > 1)
    levels = [level for level, _ in page.headings]
    assert levels.count(1) == 1, page.headings
    assert levels[0] == 1
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, f"heading jumps from h{before} to h{after}: {page.headings}"
    for table in page.tables:
        assert table["caption"], "every table has a caption"
        for cells in table["rows"]:  # type: ignore[attr-defined]
            for cell in cells:
                if cell["tag"] == "th":
                    assert cell["scope"] in ("col", "row")
    for link in page.links:
        href = link.get("href", "")
        assert not href.startswith(BASE), f"a link leaves the server: {href}"
        assert not href.lower().startswith("javascript:")
        if href.startswith(("http://", "https://")):
            assert link.get("rel") == "external", href
    assert "<script>alert" not in html
    return page


# --- Fixtures ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def related(store: OxigraphStore) -> list[RelatedQuestion]:
    return related_questions(store, competency_questions(ROOT / "queries"))


def document_path(iri: str) -> str:
    return iri[len(BASE) :] + ".html"


@pytest.fixture(scope="session")
def render(store: OxigraphStore, related: list[RelatedQuestion]) -> Callable[..., str]:
    def page(iri: str, lang: str = "en", explicit: bool = False, jsonld: object = None) -> str:
        path = document_path(iri)
        context = page_context(path, lang, iri=iri, jsonld=jsonld)
        return render_resource(
            describe(store, iri),
            lang,
            context,
            base=BASE,
            explicit_lang=explicit,
            related=related,
        )

    return page


# --- Resource pages ------------------------------------------------------------------------------


def test_ukraine_timeline_has_dates_and_sources(render: Callable[..., str]) -> None:
    page = check_markup(render(UKR))
    assert page.headings[0] == (1, "Ukraine")
    caption = "Memberships, participations and partnerships"
    pfp = page.row(caption, "Partnership for Peace")
    assert pfp[0] == "partnership membership"
    assert pfp[2] == "1994-02-08"
    assert pfp[3] == "ongoing"
    assert pfp[4] == "active", "its state on the date of the newest source"
    for source in ("NATO topic page on partnerships (2014)", "NATO chronology, February 1994"):
        assert source in pfp[6]
    nuc = page.row(caption, "NATO-Ukraine Commission")
    assert (nuc[2], nuc[3]) == ("1997-07-09", "2023-07-11")
    council = page.row(caption, "NATO-Ukraine Council")
    assert (council[2], council[3]) == ("2023-07-11", "ongoing")
    # the PfP row links its sources to their pages, through this server
    rows_ = page.table(caption)
    pfp_cells = next(r for r in rows_ if "Partnership for Peace" in str(r[1]["text"]))
    assert "../../id/source/S000" in pfp_cells[6]["hrefs"]  # type: ignore[operator]
    assert pfp_cells[0]["hrefs"] == ["../../id/membership/pfp-UKR"]


def test_a_season_is_shown_as_one(render: Callable[..., str]) -> None:
    """The NATO-Russia Council's meetings resumed in "spring 2009": a season, not 1 January."""
    page = check_markup(render(BASE + "id/country/RUS"))
    nrc = page.row("Memberships, participations", "NATO-Russia Council")
    assert "until spring 2009 (season)" in nrc[5]
    assert nrc[4] == "suspended", "practical cooperation has been suspended since 2014"


def test_suspension_is_shown(render: Callable[..., str]) -> None:
    page = check_markup(render(BLR))
    pfp = page.row("Memberships, participations", "Partnership for Peace")
    assert pfp[4] == "suspended"
    assert "since 2021-11 (month)" in pfp[5]
    assert "Relations with Belarus (2024)" in pfp[5]
    eapc = page.row("Memberships, participations", "Euro-Atlantic Partnership Council")
    assert eapc[2] == "unknown; attested on 2014-10-16"


def test_disagreeing_claims_are_kept_side_by_side(render: Callable[..., str]) -> None:
    html = render(EAPC)
    page = check_markup(html)
    claims = page.table("Claims about this resource")
    starts = [
        [" ".join(str(c["text"]).split()) for c in cells]
        for cells in claims
        if any("start date" in str(c["text"]) for c in cells)
    ]
    values = sorted(cells[2].split()[0] for cells in starts)
    assert values == ["1997-05-29", "1997-05-30"]
    assert all("sources disagree" in cells[1] for cells in starts)
    assert "The sources disagree on:" in html
    assert "kept side by side on purpose" in html
    # the 2024 member count does not conflict with anything
    count = page.row("Claims about this resource", "50 members")
    assert "sources disagree" not in count[1]
    assert count[3] == "2024-07-03"


def test_inferred_values_are_marked(render: Callable[..., str], store: OxigraphStore) -> None:
    html = render(UKR)
    inferred = r' <span class="inferred" title="[^"]+">inferred</span>'
    assert re.search(
        r'<a href="../../ontology/PartnerCountry">partner country</a>' + inferred, html
    )
    asserted = re.search(r'<a href="../../ontology/Country">country</a>(.{0,30})', html)
    assert asserted is not None and "inferred" not in asserted.group(1)
    context = page_context("id/country/UKR.html", "en")
    view = resource_view(describe(store, UKR), "en", context, base=BASE)
    flags = {s.value.iri: s.inferred for s in view.types}  # type: ignore[union-attr]
    assert flags == {
        NGO + "Country": False,
        NGO + "PartnerCountry": True,
        PREFIXES["prov"] + "Agent": True,
        PREFIXES["schema"] + "Country": True,
    }


def test_french_page_uses_french_labels(render: Callable[..., str]) -> None:
    page = check_markup(render(PFP, "fr"))
    assert page.html_lang == "fr"
    assert page.headings[0] == (1, "Partenariat pour la paix")
    html = render(UKR, "fr")
    # Ukraine's French label is ISO 3166-1's French name (which is spelled the same).
    assert '<h1 id="resource-title">Ukraine</h1>' in html
    # Every organisation has a French name now (a working translation for the UN: no stored
    # NATO page in French was cited for it).
    un = render(BASE + "id/un", "fr")
    assert '<h1 id="resource-title">Organisation des Nations Unies</h1>' in un
    # Membership is "appartenance": "adhésion" is accession in NATO's French.
    assert "Appartenances et engagements" in html
    assert "dhésion" not in html
    assert "inféré" in html
    fr = Page(html)
    pfp = fr.row("Appartenances, participations", "Partenariat pour la paix")
    assert pfp[3] == "en cours"


def test_links_are_relative_and_keep_an_explicit_language(render: Callable[..., str]) -> None:
    page = check_markup(render(UKR, "fr", explicit=True))
    internal = [link["href"] for link in page.links if link["href"].startswith("../../id/")]
    assert internal and all(href.endswith("?lang=fr") for href in internal)
    external = [link for link in page.links if link.get("rel") == "external"]
    assert any(link["href"] == "http://www.wikidata.org/entity/Q212" for link in external)
    assert all("lang=" not in link["href"] for link in external)
    plain = check_markup(render(UKR, "fr"))
    assert not [link for link in plain.links if "?lang=" in link["href"] and "id/" in link["href"]]


def test_ontology_class_page_shows_its_axioms(render: Callable[..., str]) -> None:
    html = render(NGO + "AlliedCountry")
    page = check_markup(html)
    assert page.headings[0] == (1, "Allied country")
    assert "A country that holds, or has held, membership" in html
    # the owl:equivalentClass restriction is shown in place, its terms linked by label
    assert '<a href="../ontology/AllianceMembership">Alliance membership</a>' in html
    assert 'rel="external">owl:someValuesFrom</a>' in html
    assert '<ol class="rdf-list">' in html
    # the reasoner's members of the class link here, marked inferred
    albania = next(link for link in page.links if link["href"] == "../id/country/ALB")
    assert albania["text"] == "Albania"


def test_related_queries_are_about_this_resource(
    render: Callable[..., str], store: OxigraphStore
) -> None:
    page = check_markup(render(UKR))
    editor = [link for link in page.links if link["href"].startswith("../../query?")]
    titles = [parse_qs(urlsplit(link["href"]).query)["tabTitle"][0] for link in editor]
    assert "Timeline of one country's engagements" in titles
    assert "What a given summit or meeting launched" not in titles
    timeline = editor[titles.index("Timeline of one country's engagements")]
    query = parse_qs(urlsplit(timeline["href"]).query)["query"][0]
    assert "ngc:UKR" in query and "# param:" not in query
    answer = rows(store.query(query))
    assert answer and {r["country"] for r in answer} == {"ngc:UKR"}
    assert {r["within"] for r in answer} >= {"ng:pfp", "ng:nato-ukraine-council"}
    everything = parse_qs(urlsplit(editor[-1]["href"]).query)["query"][0]
    triples = rows(store.query(everything))
    assert any(r["subject"] == "ngc:UKR" and r["predicate"] == "rdfs:label" for r in triples)
    assert any(r["object"] == "ngc:UKR" and r["predicate"] == "ngo:member" for r in triples)
    csv = [link["href"] for link in page.links if "format=csv" in link["href"]]
    assert csv and all(href.startswith("../../sparql?") for href in csv)


def test_summit_page_offers_the_summit_question(render: Callable[..., str]) -> None:
    page = check_markup(render(BASE + "id/wales-summit-2014"))
    titles = [
        parse_qs(urlsplit(link["href"]).query)["tabTitle"][0]
        for link in page.links
        if link["href"].startswith("../query?")
    ]
    assert "What a given summit or meeting launched" in titles
    assert "Timeline of one country's engagements" not in titles


def test_incoming_links_are_grouped_and_truncation_is_said(store: OxigraphStore) -> None:
    full = describe(store, EAPC)
    html = render_resource(full, "en", page_context("id/eapc.html", "en"), base=BASE)
    assert "Only the first links are listed here." not in html
    capped = describe(store, EAPC, max_incoming=3)
    assert capped.incoming_truncated
    page = check_markup(
        render_resource(capped, "en", page_context("id/eapc.html", "en"), base=BASE)
    )
    assert any(link["text"] == "Query them all" for link in page.links)
    view = resource_view(capped, "en", page_context("id/eapc.html", "en"), base=BASE)
    assert sum(len(g.subjects) + g.anonymous for g in view.incoming) == 3


# --- Hostile data --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def evil_store() -> OxigraphStore:
    """A tiny graph whose labels, text and IRIs try to inject markup or script."""
    store = OxigraphStore()
    rdfs, rdf = PREFIXES["rdfs"], PREFIXES["rdf"]
    evil, other = ox.NamedNode(EVIL), ox.NamedNode(BASE + "id/other")
    triples = [
        ox.Triple(evil, ox.NamedNode(rdfs + "label"), ox.Literal(SCRIPT, language="en")),
        ox.Triple(evil, ox.NamedNode(rdf + "type"), ox.NamedNode(NGO + "PartnershipFramework")),
        ox.Triple(
            evil, ox.NamedNode(rdfs + "comment"), ox.Literal('</script><img src=x onerror="x">')
        ),
        ox.Triple(evil, ox.NamedNode(NGO + "startDate"), ox.Literal('"><b>x</b>')),
        ox.Triple(evil, ox.NamedNode(rdfs + "seeAlso"), ox.NamedNode("javascript:alert(1)")),
        ox.Triple(other, ox.NamedNode(rdfs + "seeAlso"), evil),
        ox.Triple(other, ox.NamedNode(rdfs + "label"), ox.Literal("<i>other</i>", language="fr")),
        ox.Triple(
            ox.NamedNode(NGO + "PartnershipFramework"),
            ox.NamedNode(rdfs + "label"),
            ox.Literal("</title><script>alert(2)</script>", language="en"),
        ),
    ]
    store.load(triples, BASE + "graph/data")
    return store


def test_markup_in_data_is_escaped_everywhere(evil_store: OxigraphStore) -> None:
    jsonld = {"@id": EVIL, "label": SCRIPT, "comment": "</script><img src=x>"}
    context = page_context("id/evil.html", "en", iri=EVIL, jsonld=jsonld)
    html = render_resource(describe(evil_store, EVIL), "en", context, base=BASE)
    page = check_markup(html)
    assert page.headings[0] == (1, SCRIPT)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img" not in html and "<b>x</b>" not in html and "<i>other</i>" not in html
    assert "<script>alert(2)" not in html and "</title><script>" not in html
    # javascript: IRIs are shown, never linked
    assert "javascript:alert(1)" in html
    assert not [link for link in page.links if "javascript" in link.get("href", "").lower()]
    # the embedded JSON-LD cannot close its element, and still decodes to the same data; the
    # only other script is the search box's type-ahead, a static file (no inline code)
    inline = [script for script in page.scripts if script]
    assert len(inline) == 1
    assert "</" not in inline[0]
    assert json.loads(inline[0]) == jsonld
    assert re.findall(r"<script src=\"[./]*static/([^\"?]+)", html) == ["search.js"]


def test_landing_and_404_escape_data(evil_store: OxigraphStore) -> None:
    data = landing_data(evil_store, BASE)
    html = render_landing(data, "en", page_context("", "en"))
    check_markup(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    known = known_resources(evil_store, BASE)
    requested = BASE + "id/evil<b>"
    nf = render_not_found(
        requested,
        suggest(requested, known.iris, base=BASE),
        "en",
        page_context("id/evil<b>", "en", iri=requested),
        base=BASE,
        labels=known.labels,
    )
    check_markup(nf)
    assert "id/evil&lt;b&gt;" in nf and "<b>" not in nf
    assert 'href="../id/evil"' in nf


# --- Landing page --------------------------------------------------------------------------------


def test_landing_counts_equal_sparql_counts(store: OxigraphStore) -> None:
    data = landing_data(store, BASE)
    html = render_landing(data, "en", page_context("", "en", iri=BASE))
    page = check_markup(html)
    table = page.table("Instances per class")
    shown = {}
    for cells in table[1:]:
        curie = str(cells[0]["text"]).split()[-1]
        shown[curie] = int(str(cells[1]["text"]).replace(",", ""))
    expected = {
        r["c"]: int(r["n"])
        for r in rows(
            store.query(
                "SELECT ?c (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ?c"
                " FILTER(STRSTARTS(STR(?c), STR(ngo:))) } GROUP BY ?c"
            )
        )
    }
    assert shown == expected
    assert shown["ngo:PartnershipFramework"] == 4
    total = rows(store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"))
    assert f"{int(total[0]['n']):,} triples in 4 named graphs" in html


def test_landing_lists_structures_and_links(store: OxigraphStore) -> None:
    data = landing_data(store, BASE)
    html = render_landing(data, "fr", page_context("", "fr"), explicit_lang=True)
    page = check_markup(html)
    assert page.html_lang == "fr"
    headings = [text for level, text in page.headings if level == 3]
    assert headings[:1] == ["Cadres de partenariat"]
    assert {"Structures spéciales", "Initiatives"} <= set(headings)
    pfp = next(link for link in page.links if link["href"] == "./id/pfp?lang=fr")
    assert pfp["text"] == "Partenariat pour la paix"
    assert (
        'depuis <time datetime="1994-12">1994-12</time> <span class="precision">(mois)</span>'
        in html
    )
    hrefs = {link["href"] for link in page.links}
    for target in ("./query", "./sparql", "./dist/", "./.well-known/void", "./context.jsonld"):
        assert target in hrefs
    assert {"./ontology?lang=fr", "./dataset?lang=fr"} <= hrefs
    english = check_markup(render_landing(data, "en", page_context("dataset.html", "en")))
    assert any(link["text"] == "Partnership for Peace" for link in english.links)


# --- 404 page ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("asked", "first"),
    [
        ("id/country/UKRR", "id/country/UKR"),
        ("id/country/ukr", "id/country/UKR"),
        ("ontology/Contry", "ontology/Country"),
        ("id/pfpp", "id/pfp"),
    ],
)
def test_404_suggests_close_iris(store: OxigraphStore, asked: str, first: str) -> None:
    known = known_resources(store, BASE)
    found = suggest(BASE + asked, known.iris, base=BASE)
    assert found[0] == BASE + first
    assert len(found) <= 5


def test_404_suggests_nothing_for_nonsense(store: OxigraphStore) -> None:
    known = known_resources(store, BASE)
    assert suggest(BASE + "id/zzzzqqqq-xxxx", known.iris, base=BASE) == []


def test_404_page(store: OxigraphStore) -> None:
    known = known_resources(store, BASE)
    assert BASE + "graph/data" in known.iris and UKR in known.iris
    iri = BASE + "id/country/UKRR"
    html = render_not_found(
        iri,
        suggest(iri, known.iris, base=BASE),
        "en",
        page_context("id/country/UKRR", "en", iri=iri),
        base=BASE,
        labels=known.labels,
    )
    page = check_markup(html)
    assert page.headings[0] == (1, "Not in natograph")
    ukraine = next(link for link in page.links if link["text"] == "Ukraine")
    assert ukraine["href"] == "../../id/country/UKR"
    hrefs = {link["href"] for link in page.links}
    assert {"../../", "../../query", "../../ontology"} <= hrefs
    french = render_not_found(iri, [], "fr", page_context("id/country/UKRR", "fr"), base=BASE)
    check_markup(french)
    assert "Aucun IRI du graphe n&#39;est proche de celui-ci." in french


# --- Dates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lexical", "precision", "lang", "expected"),
    [
        ("2021-11-01", None, "en", ("2021-11-01", "2021-11-01", None)),
        ("2021-11-01", "time:unitMonth", "en", ("2021-11", "2021-11", "month")),
        ("1997-01-01", "time:unitYear", "fr", ("1997", "1997", "année")),
        ("2014-07-01", "ngo:unitQuarter", "en", ("Q3 2014", None, "quarter")),
        ("1990-01-01", "time:unitDecade", "en", ("1990s", None, "decade")),
        ("1990-01-01", "time:unitDecade", "fr", ("années 1990", None, "décennie")),
    ],
)
def test_dates_show_their_precision(
    lexical: str, precision: str | None, lang: str, expected: tuple[str, str | None, str | None]
) -> None:
    terms = Terms("./", BASE, lang, False, Labels(), translator(lang))
    unit = None
    if precision:
        prefix, local = precision.split(":")
        unit = PREFIXES[prefix] + local
    date = terms.date(ox.Literal(lexical, datatype=ox.NamedNode(PREFIXES["xsd"] + "date")), unit)
    assert date is not None
    assert (date.text, date.datetime, date.precision) == expected
