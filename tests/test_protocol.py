"""The SPARQL endpoint's own behaviour, beyond what the W3C suite checks (test_w3c_protocol.py).

Through the in-process `client` over the curated graph: the three ways to send a query, every
result format read back by a real parser, content negotiation, every refusal and its status code,
graph selection, HTTP caching, CORS, compression, the row cap, and the service and VoID
descriptions. Expected values come from the curated graph (32 allies, North Macedonia's label,
the 54 partner countries, ever, that only the inferred graph types as such).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from rdflib import RDF, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDFS

from natograph.namespaces import GRAPH_DATA, GRAPH_INFERRED, NGC
from natograph.settings import Settings
from natograph.store import OxigraphStore
from natograph.web.app import create_app
from natograph.web.served import ServedGraph, served_from_store
from w3c import RDF_FORMATS, RESULTS_FORMATS, media_type, parse_boolean, parse_rdf, parse_table

ROOT = Path(__file__).resolve().parents[1]
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
GRAPHS = {
    "https://w3id.org/natograph/graph/" + name
    for name in ("data", "inferred", "ontology", "shapes")
}

QUERY = "application/sparql-query"
JSON = "application/sparql-results+json"
XML = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"
TURTLE = "text/turtle"
XSD_DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"
RDFS_LABEL = str(RDFS.label)
FORM = {"Content-Type": "application/x-www-form-urlencoded"}

ALLIES = (
    "SELECT ?c ?iso ?label WHERE { ?c a ngo:AlliedCountry ; ngo:iso3166Alpha3 ?iso ; "
    'rdfs:label ?label FILTER (LANG(?label) = "en") } ORDER BY ?iso'
)
ALLIES_GRAPH = (
    "CONSTRUCT { ?c ngo:iso3166Alpha3 ?iso ; rdfs:label ?label } "
    "WHERE { ?c a ngo:AlliedCountry ; ngo:iso3166Alpha3 ?iso ; rdfs:label ?label }"
)
DESCRIBE_MKD = "DESCRIBE ngc:MKD"
IS_ALLY = "ASK { ngc:MKD a ngo:AlliedCountry }"
PARTNER_TYPINGS = "SELECT (COUNT(*) AS ?n) WHERE { ?c a ngo:PartnerCountry }"
"""Answered only by the inferred graph: no data file asserts ngo:PartnerCountry."""
NAMED_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"


def get(client: TestClient, query: str, accept: str = JSON, **params: str) -> httpx.Response:
    response: httpx.Response = client.get(
        "/sparql", params={"query": query, **params}, headers={"Accept": accept}
    )
    return response


def post(client: TestClient, body: bytes, content_type: str | None = QUERY) -> httpx.Response:
    headers = {"Content-Type": content_type} if content_type else {}
    response: httpx.Response = client.post("/sparql", content=body, headers=headers)
    return response


def count(response: httpx.Response) -> int:
    assert response.status_code == 200, response.text
    _names, rows = parse_table(response)
    return int(rows[0]["n"])


def column(response: httpx.Response, name: str) -> list[str]:
    assert response.status_code == 200, response.text
    _names, rows = parse_table(response)
    return [row[name] for row in rows]


def refusal(response: httpx.Response, status: int, *words: str) -> str:
    """Assert a plain-text refusal with `status` whose message contains each of `words`."""
    assert response.status_code == status, f"{response.status_code}: {response.text[:300]}"
    assert media_type(response) == "text/plain"
    for word in words:
        assert word in response.text, f"{word!r} not in {response.text!r}"
    return response.text


# --- three ways to send a query ----------------------------------------------------------------


def test_get_form_post_and_direct_post_give_the_same_answer(client: TestClient) -> None:
    by_get = get(client, ALLIES)
    by_form = client.post("/sparql", data={"query": ALLIES}, headers={"Accept": JSON})
    by_direct = client.post(
        "/sparql", content=ALLIES.encode(), headers={"Content-Type": QUERY, "Accept": JSON}
    )
    for response in (by_get, by_form, by_direct):
        assert response.status_code == 200, response.text
    assert by_get.content == by_form.content == by_direct.content
    _names, rows = parse_table(by_get)
    assert len(rows) == 32
    assert {"c": str(NGC.MKD), "iso": "MKD", "label": "North Macedonia"} in rows


# --- result formats, read back by real parsers -------------------------------------------------


@pytest.mark.parametrize("accept", [JSON, XML, CSV, TSV])
def test_select_result_formats_parse(client: TestClient, accept: str) -> None:
    response = get(client, ALLIES, accept)
    assert response.status_code == 200, response.text
    assert media_type(response) == accept
    names, rows = parse_table(response)
    assert names == ["c", "iso", "label"]
    assert len(rows) == 32
    assert rows == parse_table(get(client, ALLIES, JSON))[1]


TERMS = (
    "SELECT ?label ?n ?text ?quoted ?blank WHERE { ngc:MKD rdfs:label ?label "
    'FILTER (LANG(?label) = "en") BIND (1.5 AS ?n) '
    'BIND ("tab\\there, \\"quoted\\"\\nnext line" AS ?text) '
    "BIND (TRIPLE(ngc:MKD, rdfs:label, ?label) AS ?quoted) BIND (BNODE() AS ?blank) }"
)
TEXT = 'tab\there, "quoted"\nnext line'


@pytest.mark.parametrize("accept", [JSON, XML, TSV])
def test_select_terms_keep_their_kinds_and_types(client: TestClient, accept: str) -> None:
    response = get(client, TERMS, accept)
    assert response.status_code == 200, response.text
    solutions = ox.parse_query_results(response.content, RESULTS_FORMATS[accept])
    assert isinstance(solutions, ox.QuerySolutions)
    (row,) = list(solutions)
    label = ox.Literal("North Macedonia", language="en")
    assert row["label"] == label
    assert row["n"] == ox.Literal("1.5", datatype=ox.NamedNode(XSD_DECIMAL))
    assert row["text"] == ox.Literal(TEXT)
    assert row["quoted"] == ox.Triple(ox.NamedNode(str(NGC.MKD)), ox.NamedNode(RDFS_LABEL), label)
    assert isinstance(row["blank"], ox.BlankNode)


def test_csv_cells_are_quoted_where_needed(client: TestClient) -> None:
    response = get(client, TERMS, CSV)
    header, *rows = list(csv.reader(io.StringIO(response.content.decode(), newline="")))
    assert header == ["label", "n", "text", "quoted", "blank"]
    (row,) = rows
    assert row[:3] == ["North Macedonia", "1.5", TEXT]
    assert row[4].startswith("_:")


@pytest.mark.parametrize("accept", [JSON, XML])
@pytest.mark.parametrize(
    ("query", "answer"), [(IS_ALLY, True), ("ASK { ngc:MKD a ngo:NoSuchClass }", False)]
)
def test_ask_result_formats_parse(
    client: TestClient, accept: str, query: str, answer: bool
) -> None:
    response = get(client, query, accept)
    assert response.status_code == 200, response.text
    assert media_type(response) == accept
    assert parse_boolean(response) is answer


def test_ask_in_csv_and_tsv_is_one_askresult_column(client: TestClient) -> None:
    """CSV and TSV define no boolean result; the endpoint writes a one-cell table."""
    as_csv = get(client, IS_ALLY, CSV)
    assert media_type(as_csv) == CSV
    assert list(csv.reader(io.StringIO(as_csv.text))) == [["_askResult"], ["true"]]
    as_tsv = get(client, IS_ALLY, TSV)
    assert media_type(as_tsv) == TSV
    assert parse_table(as_tsv) == (["_askResult"], [{"_askResult": "true"}])


@pytest.mark.parametrize("accept", list(RDF_FORMATS))
@pytest.mark.parametrize("query", [ALLIES_GRAPH, DESCRIBE_MKD], ids=["construct", "describe"])
def test_graph_result_formats_parse(client: TestClient, query: str, accept: str) -> None:
    response = get(client, query, accept)
    assert response.status_code == 200, response.text
    assert media_type(response) == accept
    graph = parse_rdf(response)
    assert (NGC.MKD, RDFS.label, Literal("North Macedonia", lang="en")) in graph
    reference = parse_rdf(get(client, query, "application/n-triples"))
    assert isomorphic(graph, reference), f"{accept} does not say what N-Triples says"


# --- content negotiation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "accept", "chosen"),
    [
        (ALLIES, f"{CSV};q=0.5, {XML}", XML),
        (ALLIES, "text/*", CSV),
        (ALLIES_GRAPH, "text/*", TURTLE),
        (ALLIES, f"{JSON};q=0, application/json;q=0, */*", XML),
        (ALLIES, "*/*", JSON),
        (ALLIES_GRAPH, "*/*", TURTLE),
        (IS_ALLY, f"{XML};q=0.9, {JSON};q=0.8", XML),
        (ALLIES, f"{TSV}, */*;q=0.1", TSV),
        (
            ALLIES_GRAPH,
            "application/rdf+xml;q=0.5, application/n-triples;q=0.9",
            "application/n-triples",
        ),
        (DESCRIBE_MKD, "application/ld+json", "application/ld+json"),
    ],
)
def test_accept_negotiation(client: TestClient, query: str, accept: str, chosen: str) -> None:
    response = get(client, query, accept)
    assert response.status_code == 200, response.text
    assert media_type(response) == chosen


def test_q_zero_excludes_a_type(client: TestClient) -> None:
    refusal(get(client, ALLIES, "application/json;q=0"), 406, JSON)
    assert media_type(get(client, ALLIES, f"{JSON};q=0, {XML};q=0.1")) == XML


def test_format_parameter_overrides_accept(client: TestClient) -> None:
    assert media_type(get(client, ALLIES, XML, format="csv")) == CSV
    assert media_type(get(client, ALLIES, "image/png", format="tsv")) == TSV
    assert media_type(get(client, ALLIES_GRAPH, "application/rdf+xml", format="turtle")) == TURTLE
    assert media_type(get(client, ALLIES, CSV, format=XML)) == XML


@pytest.mark.parametrize(
    ("name", "chosen"),
    [
        ("xml", "application/rdf+xml"),
        ("rdf+xml", "application/rdf+xml"),
        ("json-ld", "application/ld+json"),
        ("json", "application/ld+json"),
        ("n-triples", "application/n-triples"),
    ],
)
def test_format_names_mean_rdf_syntaxes_for_graph_results(
    client: TestClient, name: str, chosen: str
) -> None:
    """SPARQLWrapper sends format=xml / rdf+xml / json-ld for CONSTRUCT: RDF, not SPARQL results."""
    response = get(client, DESCRIBE_MKD, TURTLE, format=name)
    assert media_type(response) == chosen
    assert (NGC.MKD, RDFS.label, Literal("North Macedonia", lang="en")) in parse_rdf(response)


def test_unknown_format_is_refused_listing_the_offered_names(client: TestClient) -> None:
    refusal(get(client, ALLIES, format="yaml"), 400, "'yaml'", "json, xml, csv, tsv")
    refusal(get(client, ALLIES_GRAPH, format="csv"), 400, "turtle", "jsonld", "trig")


def test_406_when_no_offered_type_fits_lists_the_offer(client: TestClient) -> None:
    refusal(get(client, ALLIES, "image/png"), 406, JSON, XML, CSV, TSV)
    refusal(get(client, ALLIES_GRAPH, JSON), 406, TURTLE, "application/n-triples")
    refusal(client.get("/sparql", headers={"Accept": "image/png"}), 406, TURTLE)


# --- refusals ----------------------------------------------------------------------------------


def test_malformed_query_is_400_with_line_and_column(client: TestClient) -> None:
    text = refusal(get(client, "SELECT ?s\nWHERE { ?s ?p }"), 400, "line", "column")
    assert "line 2," in text, "the line must count from the client's query"
    refusal(post(client, b"SELECT * WHERE { ?s ?p ?o"), 400, "line 1,", "column")


def test_two_query_parameters_are_refused(client: TestClient) -> None:
    refusal(client.get("/sparql?query=ASK%20%7B%7D&query=ASK%20%7B%7D"), 400, "exactly one")
    form = client.post("/sparql", content=b"query=ASK%7B%7D&query=ASK%7B%7D", headers=FORM)
    refusal(form, 400, "exactly one")


@pytest.mark.parametrize(
    "send",
    [
        lambda c: c.get("/sparql", params={"update": "CLEAR ALL"}),
        lambda c: c.post("/sparql", data={"update": "CLEAR ALL"}),
        lambda c: post(c, b"CLEAR ALL", "application/sparql-update"),
        lambda c: get(c, "INSERT DATA { <http://a> <http://b> <http://c> }"),
        lambda c: post(c, b"DROP ALL"),
    ],
    ids=["get", "form", "direct", "insert-as-query", "drop-as-query"],
)
def test_updates_are_403_read_only(
    client: TestClient, send: Callable[[TestClient], httpx.Response]
) -> None:
    refusal(send(client), 403, "read-only")
    assert count(get(client, "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }")) > 8000


def test_wrong_content_type_is_415(client: TestClient) -> None:
    refusal(post(client, b"ASK {}", "text/plain"), 415, "application/sparql-query")
    refusal(post(client, b'{"query": "ASK {}"}', "application/json"), 415)
    refusal(post(client, b"ASK {}", "application/sparql-query; charset=ISO-8859-1"), 415, "UTF-8")


def test_missing_content_type_is_400(client: TestClient) -> None:
    refusal(post(client, b"ASK {}", None), 400, "Content-Type")
    refusal(post(client, b"query=ASK%20%7B%7D", None), 400, "Content-Type")


def test_body_that_is_not_utf8_is_400(client: TestClient) -> None:
    latin1 = 'ASK { ?s ?p "café" }'.encode("latin-1")
    refusal(post(client, latin1), 400, "UTF-8")
    refusal(post(client, b"query=" + latin1, FORM["Content-Type"]), 400, "UTF-8")


def test_oversize_body_is_413(client: TestClient) -> None:
    body = b"ASK {}" + b" " * 1_000_000
    refusal(post(client, body), 413, "limit")
    refusal(post(client, b"query=" + body, FORM["Content-Type"]), 413, "limit")


def test_service_is_403_federated_queries_disabled(client: TestClient) -> None:
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    refusal(get(client, query), 403, "federated", "disabled")
    refusal(post(client, query.encode()), 403, "federated", "disabled")


def test_methods_other_than_get_and_post_are_405(client: TestClient) -> None:
    for method in ("PUT", "DELETE", "PATCH"):
        assert client.request(method, "/sparql?query=ASK%7B%7D").status_code == 405


# --- graph selection ---------------------------------------------------------------------------


def test_default_graph_uri_selects_the_default_graph(client: TestClient) -> None:
    union = count(get(client, PARTNER_TYPINGS))
    # Every country that ever held a partner membership: today's partners and the Allies that
    # were partners before they joined (ngo:PartnerCountry is not dated).
    assert union == 54
    inferred = get(client, PARTNER_TYPINGS, **{"default-graph-uri": str(GRAPH_INFERRED)})
    assert count(inferred) == union
    assert count(get(client, PARTNER_TYPINGS, **{"default-graph-uri": str(GRAPH_DATA)})) == 0


def test_named_graph_uri_selects_the_named_graphs(client: TestClient) -> None:
    assert set(column(get(client, NAMED_GRAPHS), "g")) == GRAPHS
    only_data = get(client, NAMED_GRAPHS, **{"named-graph-uri": str(GRAPH_DATA)})
    assert column(only_data, "g") == [str(GRAPH_DATA)]
    # A protocol dataset is exactly what it lists: no default-graph-uri, an empty default graph.
    empty_default = get(client, "ASK { ?s ?p ?o }", **{"named-graph-uri": str(GRAPH_DATA)})
    assert parse_boolean(empty_default) is False
    no_named = get(client, NAMED_GRAPHS, **{"default-graph-uri": str(GRAPH_DATA)})
    assert column(no_named, "g") == []


def test_query_from_clauses_apply_unless_the_protocol_names_a_dataset(client: TestClient) -> None:
    from_data = PARTNER_TYPINGS.replace("WHERE", f"FROM <{GRAPH_DATA}> WHERE")
    from_inferred = PARTNER_TYPINGS.replace("WHERE", "FROM ngg:inferred WHERE")
    prologue = "PREFIX ngg: <https://w3id.org/natograph/graph/>\n"
    assert count(get(client, from_data)) == 0
    assert count(get(client, prologue + from_inferred)) == 54
    overridden = get(client, from_data, **{"default-graph-uri": str(GRAPH_INFERRED)})
    assert count(overridden) == 54


def test_graph_parameter_that_is_not_an_iri_is_400(client: TestClient) -> None:
    refusal(get(client, IS_ALLY, **{"default-graph-uri": "not an iri"}), 400, "not an absolute IRI")
    refusal(get(client, IS_ALLY, **{"named-graph-uri": ""}), 400, "named-graph-uri")
    assert parse_boolean(get(client, IS_ALLY)) is True  # the workers are still there


def test_inferred_false_leaves_the_inferred_triples_out(client: TestClient) -> None:
    assert count(get(client, PARTNER_TYPINGS, inferred="false")) == 0
    assert count(get(client, PARTNER_TYPINGS, inferred="true")) == 54


def test_relative_iris_resolve_against_the_endpoint(client: TestClient) -> None:
    response = get(client, "CONSTRUCT { <s> <p> <o> } WHERE {}", "application/n-triples")
    assert response.status_code == 200, response.text
    assert response.text.strip() == (
        "<http://testserver/s> <http://testserver/p> <http://testserver/o> ."
    )


# --- HTTP caching, CORS, compression -----------------------------------------------------------


def test_etag_and_last_modified_revalidate(client: TestClient) -> None:
    first = get(client, ALLIES)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert etag and modified
    again = client.get("/sparql", params={"query": ALLIES}, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    other = client.get("/sparql", params={"query": ALLIES}, headers={"If-None-Match": 'W/"x"'})
    assert other.status_code == 200
    since = client.get("/sparql", params={"query": ALLIES}, headers={"If-Modified-Since": modified})
    assert since.status_code == 304
    old = "Mon, 01 Jan 1990 00:00:00 GMT"
    assert (
        client.get(
            "/sparql", params={"query": ALLIES}, headers={"If-Modified-Since": old}
        ).status_code
        == 200
    )
    assert get(client, ALLIES, XML).headers["etag"] != etag, "each format has its own ETag"


def test_cors_preflight_and_simple_requests(client: TestClient) -> None:
    preflight = client.options(
        "/sparql",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert preflight.headers["access-control-allow-methods"] == "GET, HEAD, POST, OPTIONS"
    assert preflight.headers["access-control-allow-headers"] == "content-type"
    assert int(preflight.headers["access-control-max-age"]) > 0
    assert preflight.headers["allow"] == "GET, HEAD, POST, OPTIONS"
    simple = client.get(
        "/sparql", params={"query": IS_ALLY}, headers={"Origin": "https://example.org"}
    )
    assert simple.headers["access-control-allow-origin"] == "*"
    assert "ETag" in simple.headers["access-control-expose-headers"]


@pytest.mark.parametrize(
    "path",
    [
        "/sparql?query=ASK%7B%7D",
        "/sparql",
        "/",
        "/id/country/UKR",
        "/id/country/UKR.ttl",
        "/ontology",
        "/context.jsonld",
        "/dist/",
        "/.well-known/void",
        "/health",
        "/query",
    ],
)
def test_head_answers_wherever_get_does_with_the_same_headers(
    client: TestClient, path: str
) -> None:
    got = client.get(path, follow_redirects=False)
    head = client.head(path, follow_redirects=False)
    assert head.status_code == got.status_code
    assert head.content == b""
    for name in ("content-type", "etag", "location", "vary", "link"):
        assert head.headers.get(name) == got.headers.get(name), name
    if "content-encoding" not in got.headers:
        assert head.headers.get("content-length") == got.headers.get("content-length")


def test_options_lists_the_methods_a_path_allows(client: TestClient) -> None:
    sparql = client.options("/sparql")
    assert sparql.status_code == 204 and sparql.headers["allow"] == "GET, HEAD, POST, OPTIONS"
    assert "access-control-allow-origin" not in sparql.headers  # no Origin: not a preflight
    page = client.options("/id/country/UKR", headers={"Origin": "https://example.org"})
    assert page.status_code == 204 and page.headers["allow"] == "GET, HEAD, OPTIONS"
    assert page.headers["access-control-allow-methods"] == "GET, HEAD, OPTIONS"


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "TRACE", "CONNECT", "FOO"])
def test_other_methods_get_405_naming_the_real_ones(client: TestClient, method: str) -> None:
    sparql = client.request(method, "/sparql")
    text = refusal(sparql, 405, method, "GET, HEAD, POST, OPTIONS")
    assert sparql.headers["allow"] == "GET, HEAD, POST, OPTIONS" and "{" not in text
    page = client.request(method, "/id/country/UKR")
    refusal(page, 405, "GET, HEAD, OPTIONS")
    assert page.headers["allow"] == "GET, HEAD, OPTIONS"
    assert client.post("/id/country/UKR").status_code == 405


def test_invalid_utf8_in_the_query_string_is_a_400_as_in_a_body(client: TestClient) -> None:
    for raw in ("%FF%FE", "%C3%28", "%E2%82"):
        by_get = client.get(f"/sparql?query=ASK%7B%7D%23{raw}")
        refusal(by_get, 400, "not valid UTF-8", "query string")
        form = client.post("/sparql", content=f"query=ASK%7B%7D%23{raw}".encode(), headers=FORM)
        refusal(form, 400, "not valid UTF-8", "request body")
    name = client.get("/sparql?qu%FFery=ASK%7B%7D")
    refusal(name, 400, "not valid UTF-8")
    fine = client.get("/sparql?query=ASK%7B%7D%23%C3%A9", headers={"Accept": JSON})
    assert fine.status_code == 200


def test_large_bodies_are_gzipped_small_ones_not(client: TestClient) -> None:
    large = client.get(
        "/sparql", params={"query": ALLIES}, headers={"Accept": JSON, "Accept-Encoding": "gzip"}
    )
    assert large.headers["content-encoding"] == "gzip"
    assert len(parse_table(large)[1]) == 32
    small = client.get(
        "/sparql", params={"query": IS_ALLY}, headers={"Accept": JSON, "Accept-Encoding": "gzip"}
    )
    assert "content-encoding" not in small.headers
    plain = client.get(
        "/sparql", params={"query": ALLIES}, headers={"Accept": JSON, "Accept-Encoding": "identity"}
    )
    assert "content-encoding" not in plain.headers


# --- limits (a second app with small ones) -----------------------------------------------------


@pytest.fixture(scope="module")
def limited(store: OxigraphStore) -> Iterator[TestClient]:
    """The curated graph behind small limits: 5 rows, 2000-character queries, 5000-byte bodies."""
    settings = Settings(
        root=ROOT, hermit=False, query_workers=1, max_rows=5, max_query_length=2000, max_body=5000
    )
    served = served_from_store(store, settings)
    try:
        with TestClient(create_app(served, settings)) as test_client:
            yield test_client
    finally:
        served.close()


def test_results_over_the_row_cap_are_refused_unless_a_cut_is_asked_for(
    limited: TestClient,
) -> None:
    refusal(get(limited, ALLIES), 413, "more than 5 rows")
    refusal(get(limited, ALLIES_GRAPH, "application/n-triples"), 413, "truncate=true")
    cut = limited.get("/sparql", params={"query": ALLIES, "truncate": "true"})
    assert cut.headers["x-sparql-maxrows"] == "5"
    assert cut.headers["x-sparql-truncated"] == "true; rows=5"
    assert len(parse_table(cut)[1]) == 5
    xml = limited.get("/sparql", params={"query": ALLIES, "truncate": "true", "format": "xml"})
    assert "<link href=" in xml.text and "truncated" in xml.text
    turtle = limited.get(
        "/sparql", params={"query": ALLIES_GRAPH, "truncate": "true", "format": "turtle"}
    )
    assert turtle.text.startswith("# truncated: only the first 5 rows")
    refusal(limited.get("/sparql", params={"query": ALLIES, "truncate": "maybe"}), 400, "truncate")
    under = get(limited, ALLIES + " LIMIT 5")
    assert "x-sparql-maxrows" not in under.headers and len(parse_table(under)[1]) == 5


def test_overlong_get_query_is_414_and_says_to_post(limited: TestClient) -> None:
    query = IS_ALLY + " #" + "x" * 2000
    refusal(get(limited, query), 414, "POST")
    refusal(post(limited, query.encode()), 413, "2000-character limit")
    assert parse_boolean(post(limited, IS_ALLY.encode())) is True


def test_oversize_body_is_413_naming_the_limit(limited: TestClient) -> None:
    refusal(post(limited, b" " * 5001), 413, "5000-byte limit")


# --- descriptions ------------------------------------------------------------------------------


def test_service_description_lists_the_named_graphs_with_counts(client: TestClient) -> None:
    response = client.get("/sparql", headers={"Accept": TURTLE})
    assert response.status_code == 200 and media_type(response) == TURTLE
    graph = parse_rdf(response)
    (dataset,) = graph.objects(None, SD.defaultDataset)
    counts: dict[str, int] = {}
    for named in graph.objects(dataset, SD.namedGraph):
        described = graph.value(graph.value(named, SD.graph), VOID.triples)
        assert isinstance(described, Literal), "a named graph without void:triples"
        counts[str(graph.value(named, SD.name))] = int(described)
    assert set(counts) == GRAPHS
    for iri, triples in counts.items():
        query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}"
        assert count(get(client, query)) == triples > 0, iri


def test_service_description_in_every_rdf_syntax(client: TestClient) -> None:
    reference = parse_rdf(client.get("/sparql", headers={"Accept": "application/n-triples"}))
    for accept in RDF_FORMATS:
        response = client.get("/sparql", headers={"Accept": accept})
        assert response.status_code == 200, f"{accept}: {response.text[:200]}"
        assert media_type(response) == accept
        assert isomorphic(parse_rdf(response), reference), accept


def test_void_description(client: TestClient, served_app: tuple[FastAPI, ServedGraph]) -> None:
    response = client.get("/.well-known/void", headers={"Accept": TURTLE})
    assert response.status_code == 200 and media_type(response) == TURTLE
    graph = parse_rdf(response)
    datasets = [d for d in graph.subjects(RDF.type, VOID.Dataset) if graph.value(d, VOID.subset)]
    assert len(datasets) == 1
    (dataset,) = datasets
    assert graph.value(dataset, VOID.sparqlEndpoint) == URIRef("http://testserver/sparql")
    total = graph.value(dataset, VOID.triples)
    assert isinstance(total, Literal)
    assert int(total) == sum(served_app[1].graphs.values()) > 8000


# --- nothing leaks -----------------------------------------------------------------------------


AWKWARD = [
    ("GET", "/sparql?query=%FF%FE", None, {}),
    ("GET", "/sparql?query=SELECT%20*%20%7B%7D%20LIMIT%2099999999999999999999", None, {}),
    ("GET", "/sparql?query=ASK%7B%7D&format=", None, {}),
    ("GET", "/sparql?query=ASK%7B%7D", None, {"Accept": ";;;,,/q=x"}),
    ("GET", "/sparql?query=ASK%7B%7D", None, {"If-Modified-Since": "yesterday"}),
    ("GET", "/sparql?query=ASK%7B%7D&default-graph-uri=%3Cx%3E", None, {}),
    ("GET", "/sparql?query=SELECT%20*%20FROM%20%3Cnot%20an%20iri%3E%20%7B%7D", None, {}),
    ("GET", "/sparql?query=SELECT%20(REGEX(%22a%22%2C%22(%22)%20AS%20%3Fx)%20%7B%7D", None, {}),
    ("GET", "/sparql?query=", None, {}),
    ("GET", "/sparql?format=json", None, {}),
    ("POST", "/sparql", b"query=%", FORM),
    ("POST", "/sparql", b"\x00\x01", {"Content-Type": QUERY}),
    ("POST", "/sparql", b"ASK {}", {"Content-Type": "application/sparql-query; charset"}),
    ("POST", "/sparql", b"ASK {}", {"Content-Type": ";"}),
    ("POST", "/sparql", b"ASK {}", {"Content-Type": QUERY, "Content-Length": "x"}),
]


@pytest.mark.parametrize(("method", "url", "body", "headers"), AWKWARD)
def test_no_response_leaks_a_traceback(
    client: TestClient, method: str, url: str, body: bytes | None, headers: dict[str, str]
) -> None:
    response = client.request(method, url, content=body, headers=headers)
    assert response.status_code < 500, response.text
    assert "Traceback" not in response.text
    assert 'File "' not in response.text
