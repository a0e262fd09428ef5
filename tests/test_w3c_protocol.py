"""The W3C SPARQL 1.1 Protocol and Service Description test suites, replayed against /sparql.

Every mf:ProtocolTest of ../shared/w3c/sparql11-protocol/manifest.ttl runs, in mf:entries order,
against one app serving exactly the graphs the manifest names (data1.nt ... loaded under their
kasei.us IRIs). natograph is read-only, so the tests that expect an update to succeed cannot
apply: for them the runner asserts the Protocol's refusal (403), checks that nothing was written,
and records them as "not applicable: read-only". The bad_update_* tests expect a 4xx anyway and
run as written. The three Service Description tests run against the same app.

docs/conformance.md is this module's report. `NATOGRAPH_WRITE_CONFORMANCE=1 pytest
tests/test_w3c_protocol.py` rewrites it; otherwise a test checks that the committed copy is
current, so the published claim cannot drift from what the endpoint does.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from rdflib import RDF, Graph, Namespace, URIRef

from natograph.settings import Settings
from natograph.store import OxigraphStore
from natograph.web.app import create_app
from natograph.web.served import served_from_store
from w3c import (
    PROTOCOL_MANIFEST,
    RDF_FORMATS,
    SERVICE_DESCRIPTION_MANIFEST,
    Expect,
    HttpRequest,
    ManifestTest,
    load_manifest,
    media_type,
    missing_message,
    parse_boolean,
    parse_rdf,
    parse_table,
)

pytestmark = pytest.mark.w3c

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "docs" / "conformance.md"
WRITE_REPORT = "NATOGRAPH_WRITE_CONFORMANCE"
AUTHORITY = "http://www.example"
"""The ht:connectionAuthority of every protocol test, used as the test client's base URL."""

PASS = "pass"
READ_ONLY = "not applicable: read-only"

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")


def _manifest(path: Path) -> list[ManifestTest]:
    """The manifest's tests; a missing W3C folder fails (never skips) with where to put it."""
    if not path.is_file():
        pytest.fail(missing_message(path), pytrace=False)
    return load_manifest(path)


def _params(path: Path) -> list[Any]:
    """One parameter per test, by test id; a single failing placeholder if the suite is absent."""
    if not path.is_file():
        return [pytest.param(None, id="w3c-suite-missing")]
    return [pytest.param(test, id=test.id) for test in load_manifest(path)]


def _graph_data(tests: list[ManifestTest]) -> list[tuple[Path, str]]:
    return sorted({pair for test in tests for pair in test.graph_data})


@pytest.fixture(scope="module")
def w3c_client() -> Iterator[TestClient]:
    """One app for the module, holding every graph any protocol test names."""
    store = OxigraphStore()
    for path, iri in _graph_data(_manifest(PROTOCOL_MANIFEST)):
        store.load(ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES), iri)
    settings = Settings(root=ROOT, hermit=False, query_workers=1, max_queue=8, query_timeout=10)
    app = create_app(served_from_store(store, settings), settings)
    with TestClient(app, base_url=AUTHORITY, follow_redirects=False) as client:
        yield client


# --- checking one response -------------------------------------------------------------------


def _parse_result(response: httpx.Response, expected_format: str) -> bool | None:
    """Check the body is what mf:expectedFormat names; return the boolean of an ASK result."""
    if expected_format == "RDF":
        parse_rdf(response)
        return None
    if expected_format == "boolean":
        return parse_boolean(response)
    assert expected_format == "tabular", f"unknown mf:expectedFormat {expected_format!r}"
    parse_table(response)
    return None


def check(response: httpx.Response, expect: Expect, context: str) -> None:
    """Assert what the manifest's ht:resp says about one response."""
    status = response.status_code
    classes = "/".join(f"{c}xx" for c in sorted(expect.status_classes))
    assert status // 100 in expect.status_classes, (
        f"{context}: status {status}, expected {classes}: {response.text[:500]}"
    )
    if expect.format is None:
        return
    value = _parse_result(response, expect.format)
    if expect.boolean is not None:
        assert value is expect.boolean, f"{context}: ASK answered {value}, not {expect.boolean}"


def _send(client: TestClient, request: HttpRequest) -> httpx.Response:
    response: httpx.Response = client.request(
        request.method, request.path, headers=dict(request.headers), content=request.body
    )
    return response


def _check_refused(response: httpx.Response, request: HttpRequest, context: str) -> None:
    """A read-only service's answer to a test that expects an update to succeed."""
    if request.is_update:
        assert response.status_code == 403, f"{context}: update answered {response.status_code}"
        assert "read-only" in response.text, f"{context}: the refusal does not say why"
        return
    # The follow-up query looks for what the update would have written: it must not be there.
    check(response, Expect(frozenset({2}), "boolean", False), context)


def _count_quads(client: TestClient) -> int:
    response = client.get(
        "/sparql",
        params={"query": "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def run_protocol_test(client: TestClient, test: ManifestTest) -> str:
    """Replay one manifest test; return its result for the report, or raise AssertionError."""
    assert test.requests, f"{test.id} has no ht:requests"
    before = _count_quads(client) if test.needs_update else 0
    for request in test.requests:
        response = _send(client, request)
        context = f"{test.id}: {request.method} {request.path}"
        assert "Traceback" not in response.text, f"{context}: a stack trace leaked"
        if test.needs_update:
            _check_refused(response, request, context)
        else:
            check(response, request.expect, context)
    if test.needs_update:
        assert _count_quads(client) == before, f"{test.id}: the refused update changed the data"
        return READ_ONLY
    return PASS


# --- service description ---------------------------------------------------------------------


def _description(client: TestClient, url: str = "/sparql", accept: str = "text/turtle") -> Graph:
    response = client.get(url, headers={"Accept": accept})
    assert response.status_code == 200, f"GET {url}: {response.status_code} {response.text[:300]}"
    return parse_rdf(response)


def _returns_rdf(client: TestClient) -> None:
    """GET on the endpoint (no query) returns RDF, in whichever RDF syntax the client asks for."""
    for accept in ("*/*", *RDF_FORMATS):
        response = client.get("/sparql", headers={"Accept": accept})
        assert response.status_code == 200, f"Accept {accept}: {response.status_code}"
        if accept != "*/*":
            assert media_type(response) == accept, f"asked for {accept}, got {media_type(response)}"
        assert len(parse_rdf(response)) > 0, f"Accept {accept}: an empty description"


def _has_endpoint_triple(client: TestClient) -> None:
    """The description names, as sd:endpoint, the very URL the client requested."""
    for url in (f"{AUTHORITY}/sparql", "http://sparql.example:8080/sparql"):
        graph = _description(client, url)
        endpoints = sorted(str(o) for o in graph.objects(None, SD.endpoint))
        assert (None, SD.endpoint, URIRef(url)) in graph, f"GET {url} described {endpoints}"


def _conforms_to_schema(client: TestClient) -> None:
    graph = _description(client)
    services = set(graph.subjects(RDF.type, SD.Service))
    assert services, "no sd:Service"
    languages = {SD.SPARQL10Query, SD.SPARQL11Query, SD.SPARQL11Update}
    for service in services:
        assert isinstance(graph.value(service, SD.endpoint), URIRef), "sd:endpoint is not an IRI"
        supported = set(graph.objects(service, SD.supportedLanguage))
        assert supported and supported <= languages, f"sd:supportedLanguage {supported}"
        formats = list(graph.objects(service, SD.resultFormat))
        assert formats and all(isinstance(f, URIRef) for f in formats), "sd:resultFormat"
        assert all(isinstance(f, URIRef) for f in graph.objects(service, SD.feature))
        datasets = list(graph.objects(service, SD.defaultDataset))
        assert datasets, "no sd:defaultDataset"
        for dataset in datasets:
            _check_dataset(graph, dataset)


def _check_dataset(graph: Graph, dataset: Any) -> None:
    assert (dataset, RDF.type, SD.Dataset) in graph, "sd:defaultDataset is not an sd:Dataset"
    default = graph.value(dataset, SD.defaultGraph)
    assert default is not None, "the sd:Dataset has no sd:defaultGraph"
    assert (default, RDF.type, SD.Graph) in graph, "sd:defaultGraph is not an sd:Graph"
    for named in graph.objects(dataset, SD.namedGraph):
        assert (named, RDF.type, SD.NamedGraph) in graph, "sd:namedGraph is not sd:NamedGraph"
        assert isinstance(graph.value(named, SD.name), URIRef), "a named graph has no sd:name"


SERVICE_DESCRIPTION_CHECKS: dict[str, Callable[[TestClient], None]] = {
    "returns-rdf": _returns_rdf,
    "has-endpoint-triple": _has_endpoint_triple,
    "conforms-to-schema": _conforms_to_schema,
}


def run_service_description_test(client: TestClient, test: ManifestTest) -> str:
    run = SERVICE_DESCRIPTION_CHECKS.get(test.id)
    assert run is not None, f"no check written for the service description test {test.id!r}"
    run(client)
    return PASS


# --- the tests -------------------------------------------------------------------------------


def test_w3c_suites_are_present() -> None:
    for path in (PROTOCOL_MANIFEST, SERVICE_DESCRIPTION_MANIFEST):
        assert path.is_file(), missing_message(path)


@pytest.mark.parametrize("test", _params(PROTOCOL_MANIFEST))
def test_protocol(test: ManifestTest | None, request: pytest.FixtureRequest) -> None:
    if test is None:
        pytest.fail(missing_message(PROTOCOL_MANIFEST), pytrace=False)
    assert test.kind == "ProtocolTest", f"{test.id} is a {test.kind}"
    client: TestClient = request.getfixturevalue("w3c_client")
    result = run_protocol_test(client, test)
    assert result == (READ_ONLY if test.id.startswith("update_") else PASS)


@pytest.mark.parametrize("test", _params(SERVICE_DESCRIPTION_MANIFEST))
def test_service_description(test: ManifestTest | None, request: pytest.FixtureRequest) -> None:
    if test is None:
        pytest.fail(missing_message(SERVICE_DESCRIPTION_MANIFEST), pytrace=False)
    client: TestClient = request.getfixturevalue("w3c_client")
    assert run_service_description_test(client, test) == PASS


# --- the report ------------------------------------------------------------------------------


def _outcomes(
    client: TestClient,
    tests: list[ManifestTest],
    run: Callable[[TestClient, ManifestTest], str],
) -> list[tuple[ManifestTest, str]]:
    outcomes = []
    for test in tests:
        try:
            result = run(client, test)
        except AssertionError as err:
            result = "FAIL: " + str(err).splitlines()[0]
        outcomes.append((test, result))
    return outcomes


def _table(outcomes: list[tuple[ManifestTest, str]]) -> list[str]:
    lines = ["| test | name | result |", "| --- | --- | --- |"]
    for test, result in outcomes:
        name, result_text = (text.replace("|", "\\|") for text in (test.name, result))
        lines.append(f"| `{test.id}` | {name} | {result_text} |")
    return lines


def _tally(results: list[str], good: str, word: str) -> str:
    bad = len(results) - results.count(good)
    return f"{results.count(good)} {word}" + (f", {bad} FAIL" if bad else "")


def _summary(protocol: list[tuple[ManifestTest, str]], sd: list[tuple[ManifestTest, str]]) -> str:
    applicable = [r for t, r in protocol if not t.needs_update]
    refused = [r for t, r in protocol if t.needs_update]
    return (
        f"- **SPARQL 1.1 Protocol:** {len(applicable)} query and negative tests: "
        f"{_tally(applicable, PASS, 'pass')}; {len(refused)} update tests: not applicable, "
        + ("" if refused.count(READ_ONLY) == len(refused) else _tally(refused, READ_ONLY, "") + " ")
        + "refused with 403 as a read-only service should.\n"
        f"- **SPARQL 1.1 Service Description:** {len(sd)} tests: "
        f"{_tally([r for _t, r in sd], PASS, 'pass')}.\n"
    )


REPORT_INTRO = """\
# SPARQL 1.1 Protocol conformance

The endpoint (`/sparql`) is run against the W3C test suites for the
[SPARQL 1.1 Protocol](https://www.w3.org/TR/sparql11-protocol/) and the
[SPARQL 1.1 Service Description](https://www.w3.org/TR/sparql11-service-description/), read
in place from `../shared/w3c/` (`sparql11-protocol/manifest.ttl` and
`sparql11-service-description/manifest.ttl`). This page is generated by
`tests/test_w3c_protocol.py`; regenerate it with
`NATOGRAPH_WRITE_CONFORMANCE=1 .venv/bin/pytest tests/test_w3c_protocol.py` (without the
variable, a test fails when this page no longer matches what the endpoint does).

## Summary

"""

REPORT_METHOD = """\
## How the tests are run

- Each `mf:ProtocolTest` is replayed in `mf:entries` order through an in-process client against one
  app serving the graphs the manifest names (`ut:graphData`: `data1.nt`, `data2.nt`, `data3.nt`
  loaded under their `rdfs:label` IRIs). Request paths starting `/sparql/` are sent to `/sparql`;
  bodies are sent as bytes in their `cnt:characterEncoding`.
- A response passes when its status is in one of the `mf:expectedStatus` classes, its content
  type and body match `mf:expectedFormat` (`boolean`: SPARQL results in JSON or XML; `tabular`:
  JSON, XML, CSV or TSV results; `RDF`: an RDF syntax, parsed with rdflib) and an ASK answer
  equals `mf:expectedBoolean`.
- natograph is a read-only service. The update tests expect an update to succeed, which a read-only
  service must refuse: the runner checks that every update request is answered 403 with a message
  saying the service is read-only, that the test's follow-up query does not find what the update
  would have written, and that the number of stored triples is unchanged. The `bad_update_*` tests
  expect a 4xx anyway and run as written.
- The service description tests fetch `GET /sparql` (no query): `returns-rdf` in each offered RDF
  syntax, `has-endpoint-triple` checks that `sd:endpoint` is the URL requested (under two host
  names), `conforms-to-schema` checks every `sd:Service` for `sd:endpoint`, `sd:supportedLanguage`,
  IRI-valued `sd:resultFormat` and `sd:feature`, an `sd:defaultDataset` that is an `sd:Dataset` with
  an `sd:defaultGraph`, and an `sd:name` on every named graph.

## Choices the Protocol leaves to the service

- **Base IRI.** Relative IRIs in a query resolve against the endpoint URL the client used (the
  Protocol: the base "MAY be the service endpoint").
- **Dataset.** `default-graph-uri` and `named-graph-uri` override the query's `FROM` and
  `FROM NAMED`, and the dataset is exactly what they list: `named-graph-uri` alone leaves an empty
  default graph, `default-graph-uri` alone leaves no named graphs. Without them the query's own
  `FROM` / `FROM NAMED` apply; without those, the default graph is the union of the named graphs
  (less `…/graph/inferred` with `inferred=false`) and every named graph is available to `GRAPH`.
  A graph parameter that is not an absolute IRI is refused with 400.
- **Refusals.** Updates (`update=`, `using-graph-uri`, `using-named-graph-uri`,
  `application/sparql-update`) 403; a POST without Content-Type 400, with another media type 415,
  declaring a charset other than UTF-8 415, with a body that is not UTF-8 400; methods other than
  GET and POST 405; malformed queries 400 with the line and column.
"""


def conformance_report(client: TestClient) -> str:
    """docs/conformance.md: every test's result, in manifest order, with the totals."""
    protocol = _outcomes(client, load_manifest(PROTOCOL_MANIFEST), run_protocol_test)
    sd = _outcomes(
        client, load_manifest(SERVICE_DESCRIPTION_MANIFEST), run_service_description_test
    )
    lines = [REPORT_INTRO + _summary(protocol, sd), "## SPARQL 1.1 Protocol", "", *_table(protocol)]
    lines += ["", "## SPARQL 1.1 Service Description", "", *_table(sd), "", REPORT_METHOD]
    return "\n".join(lines)


def test_conformance_report_is_current(w3c_client: TestClient) -> None:
    text = conformance_report(w3c_client)
    if os.environ.get(WRITE_REPORT) == "1":
        REPORT.parent.mkdir(exist_ok=True)
        REPORT.write_text(text, encoding="utf-8")
    assert "FAIL" not in text, text
    assert REPORT.is_file(), f"{REPORT} is missing: run with {WRITE_REPORT}=1 to write it"
    assert REPORT.read_text(encoding="utf-8") == text, (
        f"{REPORT.relative_to(ROOT)} no longer matches the endpoint: regenerate it with "
        f"{WRITE_REPORT}=1 .venv/bin/pytest tests/test_w3c_protocol.py"
    )
