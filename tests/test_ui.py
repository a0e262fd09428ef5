"""The query page at `/`: content, escaping, self-contained assets, and the example queries."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from fastapi.testclient import TestClient

from natograph.namespaces import PREFIXES
from natograph.query.render import rows
from natograph.query.text import CompetencyQuestion, Parameter, competency_questions, guard
from natograph.store import OxigraphStore
from natograph.web import pages, ui
from natograph.web.pages import static_url

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "src" / "natograph" / "static" / "vendor" / "yasgui"
STATIC = ROOT / "src" / "natograph" / "static"
BASE = "http://testserver/"

# Attributes whose value the browser fetches or navigates to.
URL_ATTRIBUTES = {
    "src",
    "href",
    "action",
    "formaction",
    "poster",
    "data",
    "srcset",
    "xlink:href",
    "manifest",
    "background",
    "ping",
}
ABSOLUTE_URL = re.compile(r"""(?:https?:)?//[^\s"'`<>()\\{}]+""")

# Absolute URLs in the YASGUI bundle that are never fetched by this page, each with the reason.
# Namespace IRIs (ending in /, #, : or _: the bundled prefix list, XML namespaces) are accepted
# by shape; everything else must be listed here, so a new URL in an upgrade fails this test
# until someone has looked at it.
BUNDLE_URLS_NOT_FETCHED = {
    "https://dbpedia.org/sparql": "YASQE's default endpoint; ui.js sets the page's own /sparql",
    "https://query.wikidata.org/bigdata/namespace/wdq/sparql": (
        "default endpoint catalogue entry; ui.js replaces the catalogue with /sparql only"
    ),
    "https://docs.triply.cc/yasgui/#table": "help link (an <a>, hidden by ui.css), not loaded",
    "https://docs.triply.cc/yasgui/#response": "help link (an <a>, hidden by ui.css), not loaded",
    "https://datatables.net/tn/17": "text of a DataTables error message",
    "https://developer.mozilla.org/en-US/docs/Web/Security/Same-origin_policy": (
        "link in YASR's CORS error message, not loaded"
    ),
    "http://www.w3.org/1998/Math/MathML": "XML namespace",
    "http://www.w3.org/1999/xhtml": "XML namespace",
    "http://www.w3.org/2000/svg": "XML namespace",
    "http://www.w3.org/2002/07/owl#sameAs": "RDF term",
    "http://purl.org/dc/dcmitype/StillImage": "RDF term",
}
# The bundle's fetch() calls and what keeps each from leaving the server (checked in a browser by
# tests/test_browser.py): a snippet just before each call, and the reason.
BUNDLE_FETCHES = {
    "let c=new Request(r.url,o);e.emit(`query`,c,a);let l=await ": "the SPARQL request: /sparql",
    "get:function(e){return(e.config.prefixCcApi?": (
        "prefix.cc: ui.js forks the prefix completer with a local list, prefixCcApi null"
    ),
    "lov/api/v2/autocomplete/terms?${o.toString()}`;return ": (
        "Linked Open Vocabularies: the property and class completers are switched off"
    ),
    "let t=new URL(e);t.searchParams.append(`query`,`ASK {?x ?y ?z}`),": (
        "CORS probe: only when corsProxy is set; ui.js leaves it undefined"
    ),
}


class Page(HTMLParser):
    """Every start tag with its attributes, the example titles, and the JSON configuration."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.titles: list[str] = []
        self.config_text = ""
        self._capture: str | None = None
        self._buffer: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        self.tags.append((tag, attributes))
        classes = attributes.get("class", "").split()
        if tag == "h3" and "example-title" in classes:
            self._capture, self._buffer = "title", []
        elif tag == "script" and attributes.get("id") == "natograph-config":
            self._capture, self._buffer = "config", []

    def handle_data(self, data: str) -> None:
        if self._capture:
            self._buffer.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._capture == "title" and tag == "h3":
            self.titles.append("".join(self._buffer))
        elif self._capture == "config" and tag == "script":
            self.config_text = "".join(self._buffer)
        else:
            return
        self._capture = None


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


@pytest.fixture(scope="module")
def page(client: TestClient) -> tuple[str, dict[str, str]]:
    response = client.get("/query")
    assert response.status_code == 200, response.text
    return response.text, dict(response.headers)


def test_page_is_html_with_endpoint_and_every_question(page: tuple[str, dict[str, str]]) -> None:
    html, headers = page
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="en">' in html
    assert "http://testserver/sparql" in html
    parsed = parse(html)
    questions = competency_questions(ROOT / "queries")
    assert len(questions) >= 30
    assert parsed.titles == [cq.title for cq in questions]
    buttons = [a["data-example"] for t, a in parsed.tags if t == "button" and "data-example" in a]
    assert buttons == [cq.name for cq in questions]
    # Landmarks, headings and the links the introduction promises.
    tags = [t for t, _ in parsed.tags]
    for landmark in ("header", "nav", "main", "footer"):
        assert landmark in tags
    assert tags.count("h1") == 1
    hrefs = {a.get("href") for t, a in parsed.tags if t == "a"}
    assert {"sparql", ".well-known/void", "openapi.json"} <= hrefs


def test_page_headers_forbid_other_origins(page: tuple[str, dict[str, str]]) -> None:
    _html, headers = page
    policy = headers["content-security-policy"]
    assert "default-src 'self'" in policy
    assert "connect-src 'self'" in policy
    assert "script-src 'self';" in policy
    assert "http" not in policy
    assert headers["x-content-type-options"] == "nosniff"


def test_config_reaches_javascript_as_json(page: tuple[str, dict[str, str]]) -> None:
    html, _headers = page
    config = json.loads(parse(html).config_text)
    assert config["endpoint"] == "sparql"
    assert config["prefixes"] == PREFIXES
    for prefix, iri in PREFIXES.items():
        assert f"PREFIX {prefix}: <{iri}>" in config["defaultQuery"]
    names = [e["name"] for e in config["examples"]]
    assert names == [cq.name for cq in competency_questions(ROOT / "queries")]


def _external(url: str) -> bool:
    """True when the URL, resolved against the page, leaves the server that sent it."""
    if url.startswith(("data:", "#", "mailto:")) or not url.strip():
        return False
    resolved = urlsplit(urljoin(BASE, url.strip()))
    return resolved.scheme not in ("http", "https") or resolved.netloc != urlsplit(BASE).netloc


def test_no_element_references_another_origin(page: tuple[str, dict[str, str]]) -> None:
    html, _headers = page
    parsed = parse(html)
    checked = 0
    for tag, attributes in parsed.tags:
        for name, value in attributes.items():
            if name in URL_ATTRIBUTES:
                urls = (
                    [part.split()[0] for part in value.split(",")] if name == "srcset" else [value]
                )
                for url in urls:
                    checked += 1
                    assert not _external(url), f"<{tag} {name}={value!r}> leaves the server"
            if name == "style":
                assert "url(" not in value, f"<{tag} style={value!r}>"
            if name == "http-equiv":
                assert value.lower() != "refresh"
    assert checked >= 10
    assert not re.search(r"(?:src|href)\s*=\s*[\"']?(?:https?:)?//", html)


def test_stylesheets_load_nothing_from_elsewhere() -> None:
    for css in (VENDOR / "yasgui.min.css", STATIC / "ui.css"):
        text = css.read_text(encoding="utf-8")
        assert "@import" not in text, css
        for target in re.findall(r"url\(\s*['\"]?([^'\")]*)", text):
            assert target.startswith("data:") or not _external(target), (css, target)
        assert not ABSOLUTE_URL.findall(re.sub(r"/\*.*?\*/", "", text, flags=re.S)), css


def test_page_scripts_contain_no_absolute_urls() -> None:
    text = (STATIC / "ui.js").read_text(encoding="utf-8")
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))
    assert not ABSOLUTE_URL.findall(code)
    svg = (STATIC / "favicon.svg").read_text(encoding="utf-8")
    assert ABSOLUTE_URL.findall(svg) == ["http://www.w3.org/2000/svg"]  # XML namespace


def test_bundle_urls_are_identifiers_or_reviewed_links() -> None:
    bundle = (VENDOR / "yasgui.min.js").read_text(encoding="utf-8")
    found = set(re.findall(r"""https?://[^\s"'`<>()\\{}]*""", bundle))
    assert len(found) > 100  # the bundled prefix list: a sign the scan reads the real file
    unreviewed = sorted(
        url
        for url in found
        if url not in BUNDLE_URLS_NOT_FETCHED and not re.search(r"[/#:_]$", url)
    )
    assert unreviewed == [], "new absolute URLs in the YASGUI bundle: review and list them"
    # No CDN, web font, analytics or beacon in the bundle.
    for marker in (
        "googleapis",
        "gstatic",
        "google-analytics",
        "googletagmanager",
        "gtag(",
        "unpkg.com",
        "jsdelivr",
        "cdnjs",
        "sendBeacon",
        "importScripts",
        "new WebSocket(",
        "new EventSource(",
    ):
        assert marker not in bundle, marker


def test_bundle_fetches_are_the_reviewed_ones() -> None:
    bundle = (VENDOR / "yasgui.min.js").read_text(encoding="utf-8")
    calls = [m.start() for m in re.finditer(r"(?<![\w$])fetch\(", bundle)]
    assert len(calls) == len(BUNDLE_FETCHES)
    for snippet in BUNDLE_FETCHES:
        assert any(bundle[max(0, c - len(snippet) - 40) : c].find(snippet) >= 0 for c in calls), (
            snippet
        )
    script = (STATIC / "ui.js").read_text(encoding="utf-8")
    assert 'Yasqe.defaults.autocompleters = ["natographPrefixes", "variables"];' in script
    assert "Yasqe.defaults.prefixCcApi = null;" in script
    assert "persistenceId: null" in script
    assert "corsProxy: undefined" in script


def test_vendored_files_are_served_with_their_types(client: TestClient) -> None:
    expected = {
        "vendor/yasgui/yasgui.min.js": "text/javascript; charset=utf-8",
        "vendor/yasgui/yasgui.min.css": "text/css; charset=utf-8",
        "vendor/yasgui/LICENSE": "text/plain; charset=utf-8",
        "ui.js": "text/javascript; charset=utf-8",
        "ui.css": "text/css; charset=utf-8",
        "favicon.svg": "image/svg+xml",
    }
    for path, media_type in expected.items():
        response = client.get("/" + static_url(path))
        assert response.status_code == 200, path
        assert response.headers["content-type"] == media_type, path
        assert "immutable" in response.headers["cache-control"]
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.content == (STATIC / path).read_bytes()


def test_page_assets_all_resolve(client: TestClient, page: tuple[str, dict[str, str]]) -> None:
    html, _headers = page
    for tag, attributes in parse(html).tags:
        url = attributes.get("src") if tag == "script" else None
        if tag == "link":
            url = attributes.get("href")
        if url:
            assert client.get("/" + url).status_code == 200, url


@pytest.mark.parametrize(
    "path",
    ["../web/ui.py", "%2e%2e/web/ui.py", "vendor/yasgui", "vendor/yasgui/", "", ".hidden", "x.py"],
)
def test_static_route_serves_only_its_files(client: TestClient, path: str) -> None:
    assert client.get("/static/" + path).status_code == 404


def test_license_and_pinned_version() -> None:
    script = (ROOT / "scripts" / "vendor-yasgui.sh").read_text(encoding="utf-8")
    pinned = re.search(r'^VERSION="([0-9.]+)"$', script, re.MULTILINE)
    assert pinned is not None
    assert re.search(r'^PACKAGE="@zazuko/yasgui"$', script, re.MULTILINE)
    license_text = (VENDOR / "LICENSE").read_text(encoding="utf-8")
    assert "MIT License" in license_text
    assert "Permission is hereby granted" in license_text
    info = ui.vendored_version()
    assert info["package"] == "@zazuko/yasgui"
    assert info["version"] == pinned.group(1) == "4.6.2"
    assert info["integrity"].startswith("sha512-")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", info["vendored"])
    # The committed files are the ones the script checked against the registry.
    for name in ("yasgui.min.js", "yasgui.min.css"):
        digest = hashlib.sha256((VENDOR / name).read_bytes()).hexdigest()
        assert info[f"sha256 {name}"] == digest, name
    assert sorted(p.name for p in VENDOR.iterdir()) == [
        "LICENSE",
        "VERSION",
        "yasgui.min.css",
        "yasgui.min.js",
    ]


def test_markup_in_a_title_is_escaped() -> None:
    evil = "<script>alert(1)</script>"
    cq = CompetencyQuestion(
        name="99-evil",
        text='SELECT * WHERE { ?s ?p "</script><script>alert(2)</script>" }',
        title=evil,
        question='Is "this" & <b>that</b> escaped?',
    )
    examples = [ui.example(cq)]
    html = ui.render_page(ui.page_context(examples, "http://example.test/sparql", 1, 1))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;that&lt;/b&gt;" in html
    assert evil not in html
    assert "<script>alert(2)" not in html
    parsed = parse(html)
    assert parsed.titles == [evil]
    config = json.loads(parsed.config_text)
    assert config["examples"][0]["title"] == evil
    assert config["examples"][0]["query"] == cq.text
    scripts = [a for t, a in parsed.tags if t == "script"]
    assert len(scripts) == 3  # the two static scripts and the JSON data block, nothing injected


@pytest.mark.parametrize("escape", [pages.json_script, pages.jsonld_script])
def test_json_script_cannot_close_its_element(escape: Callable[[object], object]) -> None:
    value = {"a": "</script><!-- & \u2028", "b": ["<", ">"]}
    text = str(escape(value))
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == value


def _parameterised() -> list[CompetencyQuestion]:
    return [cq for cq in competency_questions(ROOT / "queries") if cq.parameters]


@pytest.mark.parametrize("cq", _parameterised(), ids=lambda cq: cq.name)
def test_example_text_answers_like_the_defaults(
    cq: CompetencyQuestion,
    store: OxigraphStore,
    run_cq: Callable[..., list[dict[str, str]]],
) -> None:
    """The text shown in the editor, run as it stands, equals the file run with its defaults."""
    text = ui.with_defaults(cq)
    guard(text)
    for p in cq.parameters:
        assert p.default is not None
        assert p.default in text
    assert rows(store.query(text)) == run_cq(cq.name)


def test_examples_without_parameters_are_unchanged() -> None:
    plain = [cq for cq in competency_questions(ROOT / "queries") if not cq.parameters]
    assert plain
    for cq in plain:
        assert ui.with_defaults(cq) == cq.text


def test_substitution_respects_clauses_strings_and_comments() -> None:
    cq = CompetencyQuestion(
        name="t",
        text=(
            "# uses ?day\n"
            "SELECT ?day ?x (COUNT(?day) AS ?n) WHERE {\n"
            '  ?x <http://ex/p?day> ?day . FILTER (?day != "?day")\n'
            "  { SELECT $day WHERE { ?y ?q $day } }\n"
            "  ?x ngo:select ?day .\n"
            "} GROUP BY ?day ?x ORDER BY DESC(?day) ?day\n"
        ),
        parameters=[Parameter("day", "xsd:date", "2020-01-02", "")],
    )
    term = '"2020-01-02"^^xsd:date'
    expected = (
        f"SELECT ({term} AS ?day) ?x (COUNT({term}) AS ?n) WHERE {{\n"
        f'  ?x <http://ex/p?day> {term} . FILTER ({term} != "?day")\n'
        f"  {{ SELECT ({term} AS ?day) WHERE {{ ?y ?q {term} }} }}\n"
        f"  ?x ngo:select {term} .\n"
        f"}} GROUP BY ({term}) ?x ORDER BY DESC({term}) ({term})\n"
    )
    text = ui.with_defaults(cq)
    assert text.startswith("# uses ?day\n# Parameter ?day (xsd:date)")
    assert "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n" in text
    assert text.endswith(expected)


def test_no_page_loads_assets_from_a_cdn(client: TestClient) -> None:
    """FastAPI's Swagger and ReDoc pages pull their assets from a CDN: they stay switched off."""
    assert client.get("/docs").status_code == 404
    assert client.get("/redoc").status_code == 404
    assert client.get("/openapi.json").json()["info"]["title"] == "natograph"
