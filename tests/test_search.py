"""Search by name: the index (natograph.search), `/search` and `/search.json`, and the 404 page.

The index is built from the curated graph (the `store` fixture), so these tests name real
resources: North Macedonia's former name ("the former Yugoslav Republic of Macedonia", a dated
ngo:hasName with an end date, and its initialism fYROM), French labels (ISO 3166-1's "Suède",
"Macédoine du Nord"), acronyms (EOP, PfP) and alternative labels ("Czech Republic"). Each case
asserts the IRI that must come first, so a ranking change that buries the answer fails.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from natograph.namespaces import BASE
from natograph.search import (
    MAX_LIMIT,
    MAX_QUERY_LENGTH,
    Entry,
    Name,
    QueryTooLong,
    SearchIndex,
    initialisms,
    normalise,
)
from natograph.store import OxigraphStore
from natograph.web.i18n import messages
from natograph.web.not_found import search_text
from natograph.web.pages import static_url
from test_pages import check_markup

ROOT = Path(__file__).resolve().parents[1]
MKD = BASE + "id/country/MKD"
SWE = BASE + "id/country/SWE"
CZE = BASE + "id/country/CZE"
RUS = BASE + "id/country/RUS"
UKR = BASE + "id/country/UKR"
FIN = BASE + "id/country/FIN"
KGZ = BASE + "id/country/KGZ"
DEU = BASE + "id/country/DEU"
PFP = BASE + "id/pfp"
EOP = BASE + "id/enhanced-opportunities-partners"
NATO = BASE + "id/nato"
NUC = BASE + "id/nato-ukraine-council"
NUC_COMMISSION = BASE + "id/nato-ukraine-commission"
FYROM = "the former Yugoslav Republic of Macedonia"
HTML = {"Accept": "text/html"}
HIT_KEYS = {
    "iri",
    "label",
    "label_language",
    "matched",
    "matched_language",
    "kind",
    "match",
    "types",
    "score",
}


@pytest.fixture(scope="module")
def index(store: OxigraphStore) -> SearchIndex:
    return SearchIndex.from_store(store)


def _result_hrefs(html: str, section: str = "") -> list[str]:
    """The links of the (first) list of search results after `section`, in order."""
    after = html.split(section, 1)[1] if section else html
    found = re.search(r'<ol class="search-results">(.*?)</ol>', after, re.S)
    assert found is not None, "no list of search results"
    return re.findall(r'<a href="([^"]+)"', found.group(1))


# --- Normalising and abbreviating ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["Macédoine du Nord", "MACEDOINE-du-nord", "macedoine du  nord", " Macédoine, du Nord! "],
)
def test_case_accents_and_punctuation_are_ignored(text: str) -> None:
    assert normalise(text) == "macedoine du nord"


def test_letters_nfkd_keeps_are_spelt_as_typed() -> None:
    assert normalise("Œuvre Øresund Straße") == "oeuvre oresund strasse"
    assert normalise("Côte d\u2019Ivoire") == "cote d ivoire"
    assert normalise("?!  --") == ""


def test_initialisms_come_with_and_without_small_words() -> None:
    assert set(initialisms(FYROM)) == {"tfyrom", "fyrom", "fyrm"}
    assert "pfp" in initialisms("Partnership for Peace")
    assert "ppp" in initialisms("Partenariat pour la paix")
    # An aside in brackets is no part of the name; one word has no initialism.
    assert "fyrom" in initialisms(FYROM + " (name until 2019)")
    assert initialisms("Sweden") == ()
    assert initialisms(" ".join(["word"] * 11)) == ()


# --- The index over the curated graph ------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "lang", "first", "kind", "match"),
    [
        ("fYROM", "en", MKD, "former", "initialism"),
        ("FYROM", "fr", MKD, "former", "initialism"),
        (FYROM, "en", MKD, "former", "exact"),
        ("former Yugoslav Republic of Macedonia", "en", MKD, "former", "word"),
        ("Macédoine", "fr", MKD, "label_fr", "prefix"),
        ("macedoine", "en", MKD, "label_fr", "prefix"),
        ("Macédoine du Nrod", "fr", MKD, "label_fr", "fuzzy"),
        ("Macedoine du Nrod", "en", MKD, "label_fr", "fuzzy"),
        ("EOP", "en", EOP, "acronym", "acronym"),
        ("eop", "fr", EOP, "acronym", "acronym"),
        ("pfp", "en", PFP, "acronym", "acronym"),
        ("PfP", "en", PFP, "acronym", "acronym"),
        ("Partenariat pour la paix", "en", PFP, "label_fr", "exact"),
        ("Swedn", "en", SWE, "label", "fuzzy"),
        ("Suède", "fr", SWE, "label_fr", "exact"),
        ("Suéde", "fr", SWE, "label_fr", "exact"),
        ("Suèdde", "fr", SWE, "label_fr", "fuzzy"),
        ("Finlnd", "en", FIN, "label", "fuzzy"),
        ("Allemagne", "en", DEU, "label_fr", "exact"),
        ("Czech Republic", "en", CZE, "alternative", "exact"),
        ("Kyrgystan", "en", KGZ, "alternative", "fuzzy"),
        ("ukr", "en", UKR, "code", "acronym"),
        ("Ukrain", "en", UKR, "label", "prefix"),
        ("Russie", "fr", RUS, "label_fr", "prefix"),
        ("OTAN", "fr", NATO, "acronym", "acronym"),
    ],
)
def test_the_named_resource_comes_first(
    index: SearchIndex, query: str, lang: str, first: str, kind: str, match: str
) -> None:
    hits = index.search(query, lang=lang)
    assert hits, query
    top = hits[0]
    assert (top.iri, top.kind, top.match) == (first, kind, match), [
        (h.iri, h.kind, h.match, h.score) for h in hits[:3]
    ]
    assert len({hit.iri for hit in hits}) == len(hits), "one hit per resource"


def test_a_former_name_says_which_name_matched(index: SearchIndex) -> None:
    top = index.search("fYROM")[0]
    assert top.label == "North Macedonia" and top.label_language == "en"
    assert top.matched == FYROM and top.kind == "former"
    assert top.type_names == ("Country",)
    # The dated name itself is a resource too, and comes after the country.
    assert [hit.iri for hit in index.search("fYROM")[:2]] == [MKD, BASE + "id/name-fyrom"]


def test_labels_are_in_the_asked_language(index: SearchIndex) -> None:
    english = index.search("Suede", lang="en")[0]
    french = index.search("Suede", lang="fr")[0]
    assert english.iri == french.iri == SWE
    assert (english.label, english.label_language) == ("Sweden", "en")
    assert (french.label, french.label_language) == ("Suède", "fr")
    assert english.matched == french.matched == "Suède"


def test_an_acronym_outranks_an_alternative_label(index: SearchIndex) -> None:
    """NUC is the NATO-Ukraine Council's acronym, and the Commission's former one (kept as a
    skos:altLabel, data/structures.ttl): the acronym's owner first."""
    assert [hit.iri for hit in index.search("NUC")[:2]] == [NUC, NUC_COMMISSION]


def test_a_first_word_outranks_a_later_one(index: SearchIndex) -> None:
    hits = [hit.iri for hit in index.search("Russie", lang="fr")]
    assert hits[0] == RUS
    assert BASE + "id/nrc" in hits[1:]


def test_short_and_empty_queries(index: SearchIndex) -> None:
    assert index.search("") == []
    assert index.search("   ") == []
    assert index.search("?!-") == []
    # One letter finds only a name that is exactly it (none here), never every name with an s.
    assert index.search("s") == []
    # Two letters: exact and prefix matches, no typo tolerance.
    hits = index.search("MD")
    assert hits[0].iri == BASE + "id/md" and hits[0].match == "acronym"
    assert {hit.match for hit in hits} <= {"acronym", "exact", "initialism", "prefix", "word"}


def test_nonsense_finds_nothing(index: SearchIndex) -> None:
    assert index.search("zzqxwvj") == []
    # Three letters are compared with whole names and word starts, not inside words.
    assert all(hit.match != "fuzzy" for hit in index.search("mac"))


def test_limit_is_kept_within_bounds(index: SearchIndex) -> None:
    assert len(index.search("nato", limit=3)) == 3
    assert len(index.search("nato", limit=0)) == 1
    assert len(index.search("a", limit=1000)) <= MAX_LIMIT
    assert len(index.search("the", limit=1000)) == MAX_LIMIT


def test_an_over_long_query_is_refused(index: SearchIndex) -> None:
    index.search("a" * MAX_QUERY_LENGTH)
    with pytest.raises(QueryTooLong, match=f"at most {MAX_QUERY_LENGTH}"):
        index.search("a" * (MAX_QUERY_LENGTH + 1))


def test_the_index_holds_every_named_resource_under_the_base(index: SearchIndex) -> None:
    assert len(index) > 400
    assert all(entry.iri.startswith(BASE) for entry in index.entries)
    mkd = index.entry(MKD)
    assert mkd is not None
    assert {(n.text, n.kind) for n in mkd.names} >= {
        ("North Macedonia", "label"),
        ("Macédoine du Nord", "label_fr"),
        ("MKD", "code"),
        (FYROM, "alternative"),
        (FYROM, "former"),
    }
    assert mkd.types == (BASE + "ontology/Country",)


def test_ties_go_to_the_resource_the_graph_links_to_most() -> None:
    index = SearchIndex(
        [
            Entry("urn:x:rare", (Name("Alpha", "label", "en"),), weight=1),
            Entry("urn:x:common", (Name("Alpha", "label", "en"),), weight=9),
            Entry("urn:x:other", (Name("Alphabet", "label", "en"),), weight=99),
        ]
    )
    assert [hit.iri for hit in index.search("alpha")] == [
        "urn:x:common",
        "urn:x:rare",
        "urn:x:other",
    ]


# --- /search and /search.json --------------------------------------------------------------------


def test_the_search_page_lists_linked_results(client: TestClient) -> None:
    response = client.get("/search", params={"q": "fYROM"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-language"] == "en"
    assert "Accept-Language" in response.headers["vary"]
    html = response.text
    page = check_markup(html)
    assert page.headings[0] == (1, "Search results for “fYROM”")
    assert _result_hrefs(html)[:2] == ["./id/country/MKD", "./id/name-fyrom"]
    assert f"found by its former name: <span>{FYROM}</span>" in html
    assert 'id="search-q" name="q" value="fYROM"' in html


def test_the_search_page_speaks_french(client: TestClient) -> None:
    response = client.get("/search", params={"q": "Macédoine du Nrod", "lang": "fr"})
    assert response.status_code == 200
    assert response.headers["content-language"] == "fr"
    html = response.text
    page = check_markup(html)
    assert page.html_lang == "fr"
    assert page.headings[0] == (1, "Résultats de la recherche « Macédoine du Nrod »")
    assert _result_hrefs(html)[0] == "./id/country/MKD?lang=fr"
    assert ">Macédoine du Nord</a>" in html
    assert '<span class="search-types">pays</span>' in html
    # The language switch keeps the search.
    assert 'href="search?q=Mac%C3%A9doine+du+Nrod&amp;lang=en"' in html


def test_accept_language_chooses_the_page_language(client: TestClient) -> None:
    response = client.get("/search?q=Sweden", headers={"Accept-Language": "fr-CH, en;q=0.5"})
    assert response.headers["content-language"] == "fr"
    assert ">Suède</a>" in response.text
    assert _result_hrefs(response.text)[0] == "./id/country/SWE"  # no ?lang=: not chosen


def test_an_english_label_on_a_french_page_says_its_language(client: TestClient) -> None:
    html = client.get("/search?q=Kyrgystan&lang=fr").text
    assert '<span lang="en">Kyrgyzstan</span>' in html


def test_the_json_answer(client: TestClient) -> None:
    response = client.get("/search.json", params={"q": "Swedn", "limit": "3"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    document = response.json()
    assert set(document) == {"query", "lang", "results"}
    assert (document["query"], document["lang"]) == ("Swedn", "en")
    assert 1 <= len(document["results"]) <= 3
    first = document["results"][0]
    assert set(first) == HIT_KEYS | {"page"}
    assert first["iri"] == SWE and first["label"] == "Sweden"
    assert first["page"] == "id/country/SWE"  # where on this server the suggestion links to
    assert (first["kind"], first["match"], first["types"]) == ("label", "fuzzy", ["Country"])
    assert isinstance(first["score"], float) and 75 <= first["score"] < 100


def test_the_json_answer_in_french(client: TestClient) -> None:
    document = client.get("/search.json?q=pfp&lang=fr&limit=1").json()
    assert document["lang"] == "fr"
    [hit] = document["results"]
    assert (hit["iri"], hit["label"], hit["label_language"]) == (
        PFP,
        "Partenariat pour la paix",
        "fr",
    )
    assert (hit["matched"], hit["kind"]) == ("PfP", "acronym")


def test_an_empty_query_shows_the_form(client: TestClient) -> None:
    for path in ("/search", "/search?q=", "/search?q=%20%20"):
        response = client.get(path)
        assert response.status_code == 200, path
        page = check_markup(response.text)
        assert page.headings[0] == (1, "Search")
        assert 'id="search-q" name="q" value=""' in response.text
        assert "results-title" not in response.text
    assert client.get("/search.json").json() == {"query": "", "lang": "en", "results": []}


def test_one_letter_asks_for_more(client: TestClient) -> None:
    assert "Type at least two letters" in client.get("/search?q=s").text
    assert "No name in natograph is close to “zzqxwvj”" in client.get("/search?q=zzqxwvj").text


def test_the_search_text_is_escaped(client: TestClient) -> None:
    evil = '<script>alert(1)</script>"'
    html = client.get("/search", params={"q": evil}).text
    check_markup(html)
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&#34;" in html
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;&#34;"' in html
    assert client.get("/search.json", params={"q": evil}).json()["query"] == evil


@pytest.mark.parametrize("path", ["/search", "/search.json"])
def test_bad_parameters_are_400(client: TestClient, path: str) -> None:
    long = client.get(path, params={"q": "a" * (MAX_QUERY_LENGTH + 1)})
    assert long.status_code == 400
    assert "q is 201 characters long" in long.text and str(MAX_QUERY_LENGTH) in long.text
    for limit in ("0", "-1", "ten", "1.5"):
        response = client.get(path, params={"q": "nato", "limit": limit})
        assert response.status_code == 400, limit
        assert "limit" in response.text and f"1 to {MAX_LIMIT}" in response.text
    # Past the maximum is not an error: the answer is capped.
    capped = client.get("/search.json", params={"q": "the", "limit": "500"})
    assert capped.status_code == 200
    assert len(capped.json()["results"]) == MAX_LIMIT


def test_every_page_has_the_search_box(client: TestClient) -> None:
    for path, action in [
        ("/", "./search"),
        ("/id/country/UKR.html", "../../search"),
        ("/landscape?date=2014-10-16", "./search"),
        ("/ontology.html", "./search"),
    ]:
        html = client.get(path).text
        form = re.search(r'<form class="site-search" role="search" action="([^"]+)"', html)
        assert form is not None and form.group(1) == action, path
        assert 'data-suggest data-suggest-label="Suggestions"' in html
        assert "static/search.js" in html


def test_the_type_ahead_script_is_served(client: TestClient) -> None:
    response = client.get("/" + static_url("search.js"))
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/javascript; charset=utf-8"
    script = response.text
    # It asks this server only, relative to the form, and keeps within the query limit.
    assert 'form.action + ".json?"' in script
    assert f"var MAX_LENGTH = {MAX_QUERY_LENGTH};" in script
    assert "http" not in script.replace("https://", "").split("(function", 1)[1]


def test_every_kind_of_name_and_class_has_words() -> None:
    """A missing message would be a 500 on the page (the kinds are natograph.search.NameKind)."""
    table = messages()
    for kind in ("label", "label_fr", "acronym", "code", "alternative", "former"):
        assert f"search_matched_{kind}" in table, kind


# --- The 404 page --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("iri", "text"),
    [
        (BASE + "id/country/Swedn", "Swedn"),
        (BASE + "id/north-macedonia", "north macedonia"),
        (BASE + "id/north_macedonia.html", "north macedonia"),
        (BASE + "id/C%C3%B4te-d%27Ivoire/", "Côte d'Ivoire"),
        (BASE + "id/--", ""),
        (BASE + "id/%21%3F", ""),
    ],
)
def test_the_404_searches_the_last_segment_as_words(iri: str, text: str) -> None:
    assert search_text(iri, BASE) == text


def test_the_404_lists_resources_named_like_the_last_segment(client: TestClient) -> None:
    response = client.get("/id/country/Swedn", headers=HTML)
    assert response.status_code == 404
    html = response.text
    check_markup(html)
    assert "Resources named like “Swedn”" in html
    assert _result_hrefs(html, 'id="named-like"')[0] == "../../id/country/SWE"
    # The search form is there, filled in, and goes to /search.
    assert 'action="../../search"' in html
    assert 'id="not-found-q" name="q" value="Swedn"' in html


def test_the_404_finds_a_former_name_and_a_french_name(client: TestClient) -> None:
    html = client.get("/id/fyrom", headers=HTML).text
    assert _result_hrefs(html, 'id="named-like"')[0] == "../id/country/MKD"
    assert "found by its former name:" in html
    french = client.get("/id/macedoine-du-nrod?lang=fr", headers=HTML)
    assert french.status_code == 404
    assert french.headers["content-language"] == "fr"
    assert "Ressources dont le nom ressemble à « macedoine du nrod »" in french.text
    assert _result_hrefs(french.text, 'id="named-like"')[0] == "../id/country/MKD?lang=fr"


def test_the_404_keeps_its_close_iris(client: TestClient) -> None:
    html = client.get("/id/country/UKRR", headers=HTML).text
    close = html.split('id="suggestions"', 1)[1].split("</section>", 1)[0]
    assert 'href="../../id/country/UKR"' in close
    assert _result_hrefs(html, 'id="named-like"')[0] == "../../id/country/UKR"


def test_a_404_with_no_name_like_it_says_so(client: TestClient) -> None:
    html = client.get("/id/zzqxwvj", headers=HTML).text
    assert "No resource has a name like “zzqxwvj”." in html
    assert 'value="zzqxwvj"' in html


def test_the_404_escapes_the_searched_text(client: TestClient) -> None:
    response = client.get("/id/%3Cscript%3Ealert(1)%3C%2Fscript%3E", headers=HTML)
    assert response.status_code == 404
    check_markup(response.text)
    assert "<script>alert(1)" not in response.text
    assert "&lt;script&gt;alert(1)" in response.text


def test_a_404_for_a_long_path_is_no_error(client: TestClient) -> None:
    response = client.get("/id/" + "a" * (MAX_QUERY_LENGTH * 3), headers=HTML)
    assert response.status_code == 404
    check_markup(response.text)


def test_the_plain_404_is_unchanged(client: TestClient) -> None:
    response = client.get("/id/country/Swedn", headers={"Accept": "text/turtle"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/plain")
    assert "named like" not in response.text


def test_the_page_names_its_query_and_offers_its_json(client: TestClient) -> None:
    html = client.get("/search?q=pfp").text
    assert 'href="./query?example=38-resources-by-name#example-38-resources-by-name"' in html
    assert 'href="./search.json?q=pfp&amp;lang=en">JSON</a>' in html
