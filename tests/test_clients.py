"""Real SPARQL clients against the endpoint on a real socket (the `live_server` fixture).

The ASGI test client skips the HTTP layer (framing, gzip, header casing, proxies), so these tests
talk to uvicorn over loopback with the clients people actually use: SPARQLWrapper, rdflib's
SPARQLStore and plain httpx (and pandas, when it happens to be installed). Expected values come
from the curated graph: 32 allies, North Macedonia's English label, Ukraine's label.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI
from rdflib import Graph, Literal
from rdflib.namespace import RDF, RDFS
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import (
    CSV,
    JSON,
    JSONLD,
    POST,
    POSTDIRECTLY,
    RDFXML,
    TURTLE,
    XML,
    SPARQLWrapper,
)

from natograph.namespaces import GRAPH_ONTOLOGY, NGC, NGO, PREFIXES
from natograph.web.served import ServedGraph

PROLOGUE = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
"""Declared prefixes, for clients that parse the query themselves (rdflib's SPARQLStore)."""

ALLIES = "SELECT (COUNT(?c) AS ?n) WHERE { ?c a ngo:AlliedCountry }"
MKD_LABEL = 'SELECT ?label WHERE { ngc:MKD rdfs:label ?label FILTER (LANG(?label) = "en") }'
TIMEOUT = httpx.Timeout(20.0)

# SPARQLWrapper and rdflib's JSON-LD parser still build ConjunctiveGraphs.
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")


@pytest.fixture(scope="module")
def endpoint(live_server: str) -> str:
    return live_server + "/sparql"


def wrapper(endpoint: str, query: str, fmt: str) -> SPARQLWrapper:
    client = SPARQLWrapper(endpoint)
    client.setTimeout(20)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    return client


# ---------------------------------------------------------------- SPARQLWrapper


def test_sparqlwrapper_select_json(endpoint: str) -> None:
    result = wrapper(endpoint, ALLIES, JSON).queryAndConvert()
    assert isinstance(result, dict)
    assert result["head"]["vars"] == ["n"]
    binding = result["results"]["bindings"][0]["n"]
    assert binding["value"] == "32"
    assert binding["datatype"] == "http://www.w3.org/2001/XMLSchema#integer"


def test_sparqlwrapper_label_of_north_macedonia(endpoint: str) -> None:
    result = wrapper(endpoint, MKD_LABEL, JSON).queryAndConvert()
    assert isinstance(result, dict)
    assert result["results"]["bindings"] == [
        {"label": {"type": "literal", "value": "North Macedonia", "xml:lang": "en"}}
    ]


@pytest.mark.parametrize(("query", "expected"), [
    ("ASK { ngc:FIN a ngo:AlliedCountry }", True),
    ("ASK { ngc:UKR a ngo:AlliedCountry }", False),
])  # fmt: skip
def test_sparqlwrapper_ask(endpoint: str, query: str, expected: bool) -> None:
    result = wrapper(endpoint, query, JSON).queryAndConvert()
    assert isinstance(result, dict)
    assert result["boolean"] is expected


CONSTRUCT_MKD = (
    "CONSTRUCT { ngc:MKD rdfs:label ?l ; ngo:iso3166Alpha3 ?iso }"
    " WHERE { ngc:MKD rdfs:label ?l ; ngo:iso3166Alpha3 ?iso }"
)


def assert_mkd(graph: Graph) -> None:
    assert (NGC.MKD, RDFS.label, Literal("North Macedonia", lang="en")) in graph
    assert graph.value(NGC.MKD, NGO.iso3166Alpha3) == Literal("MKD")


@pytest.mark.parametrize("fmt", [XML, RDFXML, JSONLD])
def test_sparqlwrapper_construct_to_rdflib_graph(endpoint: str, fmt: str) -> None:
    client = wrapper(endpoint, CONSTRUCT_MKD, fmt)
    client.setOnlyConneg(True)  # Accept header only: see the xfail below
    graph = client.queryAndConvert()
    assert isinstance(graph, Graph)
    assert_mkd(graph)


def test_sparqlwrapper_construct_turtle(endpoint: str) -> None:
    raw = wrapper(endpoint, CONSTRUCT_MKD, TURTLE).queryAndConvert()
    assert isinstance(raw, bytes)  # SPARQLWrapper leaves Turtle unparsed
    assert_mkd(Graph().parse(data=raw, format="turtle"))


@pytest.mark.parametrize("fmt", [XML, RDFXML, JSONLD])
def test_sparqlwrapper_construct_with_its_format_parameter(endpoint: str, fmt: str) -> None:
    graph = wrapper(endpoint, CONSTRUCT_MKD, fmt).queryAndConvert()
    assert isinstance(graph, Graph)
    assert_mkd(graph)


@pytest.mark.parametrize("request_method", [None, POSTDIRECTLY])
def test_sparqlwrapper_post(endpoint: str, request_method: str | None) -> None:
    client = wrapper(endpoint, ALLIES, JSON)
    client.setMethod(POST)
    if request_method is not None:
        client.setRequestMethod(request_method)
    result = client.queryAndConvert()
    assert isinstance(result, dict)
    assert result["results"]["bindings"][0]["n"]["value"] == "32"


def test_sparqlwrapper_csv(endpoint: str) -> None:
    query = "SELECT ?iso WHERE { ?c a ngo:AlliedCountry ; ngo:iso3166Alpha3 ?iso } ORDER BY ?iso"
    raw = wrapper(endpoint, query, CSV).queryAndConvert()
    assert isinstance(raw, bytes)
    table = list(csv.reader(io.StringIO(raw.decode("utf-8"))))
    assert table[0] == ["iso"]
    isos = [row[0] for row in table[1:]]
    assert len(isos) == 32
    assert {"MKD", "FIN", "SWE", "USA"} <= set(isos) and "UKR" not in isos
    assert isos == sorted(isos)


# ---------------------------------------------------------------- rdflib SPARQLStore


@pytest.fixture(scope="module")
def remote_graph(endpoint: str) -> Graph:
    return Graph(store=SPARQLStore(endpoint, returnFormat="json", timeout=20))


def test_sparqlstore_query(remote_graph: Graph) -> None:
    result = list(remote_graph.query(PROLOGUE + ALLIES))
    assert [str(row[0]) for row in result] == ["32"]  # type: ignore[index]


def test_sparqlstore_triples(remote_graph: Graph) -> None:
    labels = set(remote_graph.objects(NGC.UKR, RDFS.label))
    assert Literal("Ukraine", lang="en") in labels
    assert NGO.AlliedCountry in set(remote_graph.objects(NGC.MKD, RDF.type))
    assert (NGC.MKD, RDFS.label, Literal("North Macedonia", lang="en")) in remote_graph


# ---------------------------------------------------------------- plain httpx


@pytest.fixture(scope="module")
def http(live_server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server, timeout=TIMEOUT) as client:
        yield client


def test_httpx_get_json(http: httpx.Client) -> None:
    response = http.get(
        "/sparql", params={"query": ALLIES}, headers={"Accept": "application/sparql-results+json"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    assert response.json()["results"]["bindings"][0]["n"]["value"] == "32"


def test_httpx_post_form_and_direct(http: httpx.Client) -> None:
    form = http.post("/sparql", data={"query": MKD_LABEL}, headers={"Accept": "text/csv"})
    direct = http.post(
        "/sparql",
        content=MKD_LABEL.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"},
    )
    for response in (form, direct):
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/csv")
        assert list(csv.reader(io.StringIO(response.text))) == [["label"], ["North Macedonia"]]


def test_httpx_tsv_and_format_parameter(http: httpx.Client) -> None:
    response = http.get("/sparql", params={"query": MKD_LABEL, "format": "tsv"})
    assert response.status_code == 200
    assert response.text.splitlines() == ["?label", '"North Macedonia"@en']


def test_httpx_gzip_is_negotiated(http: httpx.Client) -> None:
    query = "SELECT ?c ?label WHERE { ?c a ngo:AlliedCountry ; rdfs:label ?label }"
    plain = http.get("/sparql", params={"query": query}, headers={"Accept-Encoding": "identity"})
    gzipped = http.get("/sparql", params={"query": query}, headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in plain.headers
    assert gzipped.headers["content-encoding"] == "gzip"
    assert int(gzipped.headers["content-length"]) < len(plain.content)
    assert gzipped.json() == plain.json()  # httpx decompressed it
    assert len(plain.json()["results"]["bindings"]) >= 32


def test_httpx_etag_revalidation(http: httpx.Client) -> None:
    first = http.get("/sparql", params={"query": ALLIES})
    etag = first.headers["etag"]
    assert first.status_code == 200 and etag
    again = http.get("/sparql", params={"query": ALLIES}, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    other = http.get("/sparql", params={"query": ALLIES}, headers={"If-None-Match": 'W/"other"'})
    assert other.status_code == 200
    assert other.json() == first.json()
    since = http.get(
        "/sparql",
        params={"query": ALLIES},
        headers={"If-Modified-Since": first.headers["last-modified"]},
    )
    assert since.status_code == 304


def test_httpx_construct_turtle(http: httpx.Client) -> None:
    response = http.get(
        "/sparql",
        params={"query": "DESCRIBE ngc:MKD"},
        headers={"Accept": "text/turtle"},
    )
    assert response.status_code == 200
    graph = Graph().parse(data=response.text, format="turtle")
    assert graph.value(NGC.MKD, NGO.iso3166Alpha3) == Literal("MKD")


def test_httpx_errors_are_plain_text(http: httpx.Client) -> None:
    response = http.get("/sparql", params={"query": "SELECT ?s WHERE { ?s ?p }"})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/plain")
    assert "line 1" in response.text


def test_from_and_from_named_are_honoured(
    http: httpx.Client, served_app: tuple[FastAPI, ServedGraph]
) -> None:
    """A dataset clause replaces the union of graphs that natograph queries by default."""
    graphs = served_app[1].graphs
    ontology = str(GRAPH_ONTOLOGY)
    count = "SELECT (COUNT(*) AS ?n) {} WHERE {{ {} }}"
    cases = {
        count.format("", "?s ?p ?o"): sum(graphs.values()),
        count.format(f"FROM <{ontology}>", "?s ?p ?o"): graphs[ontology],
        count.format(f"FROM NAMED <{ontology}>", "?s ?p ?o"): 0,
        count.format(f"FROM NAMED <{ontology}>", "GRAPH ?g { ?s ?p ?o }"): graphs[ontology],
    }
    for query, expected in cases.items():
        response = http.get("/sparql", params={"query": query, "format": "csv"})
        assert response.status_code == 200, response.text
        assert response.text.split() == ["n", str(expected)], query


# ---------------------------------------------------------------- pandas (optional)


def test_pandas_reads_csv_and_json(live_server: str) -> None:
    pd = pytest.importorskip("pandas")
    query = "SELECT ?iso WHERE { ?c a ngo:AlliedCountry ; ngo:iso3166Alpha3 ?iso } ORDER BY ?iso"
    url = str(httpx.URL(live_server + "/sparql", params={"query": query, "format": "csv"}))
    frame = pd.read_csv(url)
    assert list(frame.columns) == ["iso"] and len(frame) == 32
    with httpx.Client(timeout=TIMEOUT) as client:
        data = client.get(live_server + "/sparql", params={"query": query}).text
    rows = json.loads(data)["results"]["bindings"]
    flat = pd.json_normalize(rows)
    assert sorted(flat["iso.value"]) == sorted(frame["iso"])
