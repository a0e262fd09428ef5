"""Reading the W3C SPARQL 1.1 Protocol and Service Description test manifests.

The manifests describe each test as a list of HTTP requests (the W3C `ht:` vocabulary) with the
outcome each must produce (`mf:expectedStatus`, `mf:expectedFormat`, `mf:expectedBoolean`). They
live outside the repository (`../shared/w3c/`, under the W3C test-suite licence) and are read in
place, never copied; this module turns them into plain dataclasses so that the runner in
`test_w3c_protocol.py` can replay them against the endpoint. It also reads responses the way
both that runner and `test_protocol.py` judge them: with parsers other than the Oxigraph that
wrote them where one exists (rdflib for RDF, the csv module for CSV).
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import httpx
import pyoxigraph as ox
from rdflib import RDF, RDFS, Dataset, Graph, Literal, Namespace
from rdflib.collection import Collection
from rdflib.term import Node

SHARED = Path(__file__).resolve().parents[2] / "shared" / "w3c"
PROTOCOL_MANIFEST = SHARED / "sparql11-protocol" / "manifest.ttl"
SERVICE_DESCRIPTION_MANIFEST = SHARED / "sparql11-service-description" / "manifest.ttl"

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")

MANIFEST_PREFIX = "/sparql/"
"""Every ht:absolutePath starts with this; the manifest asks runners to map it to the endpoint."""

_STATUS_CLASS = re.compile(r"StatusCode([1-5])xx$")


def missing_message(path: Path) -> str:
    return (
        f"W3C test manifest not found: {path}. The conformance tests read the W3C SPARQL 1.1 "
        "test suites in place from ../shared/w3c/ next to the repository (they are not copied "
        "into it); restore that folder (sparql11-protocol/ and sparql11-service-description/ "
        "from https://github.com/w3c/rdf-tests) to run them."
    )


@dataclass(frozen=True)
class Expect:
    """What one response must look like; None means the manifest says nothing about it."""

    status_classes: frozenset[int]
    """Acceptable first digits of the status code, e.g. {2, 3} for hts:StatusCode2xx/3xx."""
    format: str | None = None
    """"boolean", "tabular" or "RDF"."""
    boolean: bool | None = None


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str
    """ht:absolutePath with its "/sparql/" prefix mapped to the endpoint's path."""
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    expect: Expect

    @property
    def content_type(self) -> str:
        for name, value in self.headers:
            if name.lower() == "content-type":
                return value.partition(";")[0].strip().lower()
        return ""

    @property
    def is_update(self) -> bool:
        """Whether this request asks for the Protocol's update operation."""
        if self.content_type == "application/sparql-update":
            return True
        params = parse_qsl(urlsplit(self.path).query, keep_blank_values=True)
        if self.body is not None and self.content_type == "application/x-www-form-urlencoded":
            params += parse_qsl(self.body.decode("ascii", "replace"), keep_blank_values=True)
        update_names = {"update", "using-graph-uri", "using-named-graph-uri"}
        return any(name in update_names for name, _ in params)


@dataclass(frozen=True)
class ManifestTest:
    id: str
    name: str
    kind: str
    """The local name of the test's class: ProtocolTest, ServiceDescriptionTest."""
    graph_data: tuple[tuple[Path, str], ...]
    """(file, graph IRI) pairs: the graphs the test expects the service to hold."""
    requests: tuple[HttpRequest, ...]

    @property
    def needs_update(self) -> bool:
        """True for tests that expect an update to succeed: a read-only service must refuse them.

        The bad_update_* tests also send updates, but expect a 4xx; they apply as written.
        """
        return any(r.is_update and 4 not in r.expect.status_classes for r in self.requests)


def load_manifest(path: Path, endpoint: str = "/sparql") -> list[ManifestTest]:
    """The manifest's tests in mf:entries order; FileNotFoundError says where it was expected."""
    if not path.is_file():
        raise FileNotFoundError(missing_message(path))
    graph = Graph().parse(path, format="turtle")
    manifest = graph.value(predicate=RDF.type, object=MF.Manifest)
    if manifest is None:
        raise ValueError(f"{path} declares no mf:Manifest")
    entries = graph.value(manifest, MF.entries)
    if entries is None:
        raise ValueError(f"{path} has no mf:entries")
    return [_test(graph, entry, path.parent, endpoint) for entry in Collection(graph, entries)]


def _local_name(node: Node) -> str:
    return re.split(r"[#/]", str(node))[-1]


def _test(graph: Graph, entry: Node, folder: Path, endpoint: str) -> ManifestTest:
    kind = graph.value(entry, RDF.type)
    graph_data = []
    for data in graph.objects(entry, UT.graphData):
        file_iri, label = graph.value(data, UT.graph), graph.value(data, RDFS.label)
        assert file_iri is not None and label is not None, f"incomplete ut:graphData in {entry}"
        graph_data.append((folder / _local_name(file_iri), str(label)))
    requests: list[HttpRequest] = []
    action = graph.value(entry, MF.action)
    listed = graph.value(action, HT.requests) if action is not None else None
    if listed is not None:
        requests = [_request(graph, node, endpoint) for node in Collection(graph, listed)]
    return ManifestTest(
        id=_local_name(entry),
        name=str(graph.value(entry, MF.name) or ""),
        kind=_local_name(kind) if kind is not None else "",
        graph_data=tuple(sorted(graph_data)),
        requests=tuple(requests),
    )


def _request(graph: Graph, node: Node, endpoint: str) -> HttpRequest:
    path = str(graph.value(node, HT.absolutePath))
    if path.startswith(MANIFEST_PREFIX):
        rest = path[len(MANIFEST_PREFIX) :]
        path = endpoint + ("" if not rest or rest.startswith("?") else "/") + rest
    headers: list[tuple[str, str]] = []
    listed = graph.value(node, HT.headers)
    if listed is not None:
        for header in Collection(graph, listed):
            name, value = graph.value(header, HT.fieldName), graph.value(header, HT.fieldValue)
            headers.append((str(name), str(value)))
    return HttpRequest(
        method=str(graph.value(node, HT.methodName)),
        path=path,
        headers=tuple(headers),
        body=_body(graph, graph.value(node, HT.body)),
        expect=_expect(graph, graph.value(node, HT.resp)),
    )


def _body(graph: Graph, node: Node | None) -> bytes | None:
    """The body as the bytes the manifest means: cnt:chars in its cnt:characterEncoding."""
    if node is None:
        return None
    chars = str(graph.value(node, CNT.chars) or "")
    encoding = str(graph.value(node, CNT.characterEncoding) or "UTF-8")
    return chars.encode(encoding)


def _expect(graph: Graph, node: Node | None) -> Expect:
    if node is None:
        return Expect(frozenset({2, 3}))
    classes = set()
    for status in graph.objects(node, MF.expectedStatus):
        match = _STATUS_CLASS.search(str(status))
        if match is None:
            raise ValueError(f"unsupported mf:expectedStatus {status}")
        classes.add(int(match.group(1)))
    fmt, boolean = graph.value(node, MF.expectedFormat), graph.value(node, MF.expectedBoolean)
    return Expect(
        status_classes=frozenset(classes or {2, 3}),
        format=str(fmt) if fmt is not None else None,
        boolean=bool(boolean.toPython()) if isinstance(boolean, Literal) else None,
    )


# --- reading responses -------------------------------------------------------------------------

RESULTS_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
RDF_FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
    "application/n-quads": "nquads",
    "application/trig": "trig",
}
"""The RDF media types the endpoint offers, with rdflib's parser for each."""


def media_type(response: httpx.Response) -> str:
    return str(response.headers.get("content-type", "")).partition(";")[0].strip().lower()


def parse_rdf(response: httpx.Response) -> Graph:
    """The response body as RDF (all triples, whatever graph they are in), read by rdflib."""
    kind = media_type(response)
    assert kind in RDF_FORMATS, f"{kind!r} is not an RDF media type"
    rdf_format = RDF_FORMATS[kind]
    if rdf_format not in ("nquads", "trig", "json-ld"):
        return Graph().parse(data=response.content, format=rdf_format)
    dataset = Dataset()
    with warnings.catch_warnings():
        # rdflib's own N-Quads, TriG and JSON-LD parsers use its deprecated ConjunctiveGraph API.
        warnings.simplefilter("ignore", DeprecationWarning)
        dataset.parse(data=response.content, format=rdf_format)
    graph = Graph()
    for s, p, o, _g in dataset.quads():
        graph.add((s, p, o))
    return graph


def parse_table(response: httpx.Response) -> tuple[list[str], list[dict[str, str]]]:
    """A SELECT result as (variables, rows of variable -> lexical value), in any results format.

    CSV goes through the csv module (Oxigraph does not read CSV: it loses term types)."""
    kind = media_type(response)
    assert kind in RESULTS_FORMATS, f"{kind!r} is not a SPARQL results media type"
    if kind == "text/csv":
        reader = csv.reader(io.StringIO(response.content.decode("utf-8"), newline=""))
        header, *lines = list(reader)
        assert all(len(line) == len(header) for line in lines), "ragged CSV rows"
        return header, [{k: v for k, v in zip(header, line, strict=True) if v} for line in lines]
    result = ox.parse_query_results(response.content, RESULTS_FORMATS[kind])
    assert isinstance(result, ox.QuerySolutions), "expected a table of solutions"
    names = [v.value for v in result.variables]
    rows = [
        {n: term.value for n in names if (term := solution[n]) is not None} for solution in result
    ]
    return names, rows


def parse_boolean(response: httpx.Response) -> bool:
    """An ASK result in SPARQL results JSON or XML (CSV and TSV define no boolean result)."""
    kind = media_type(response)
    assert kind in RESULTS_FORMATS and kind not in ("text/csv", "text/tab-separated-values"), (
        f"{kind!r} cannot carry a boolean result"
    )
    result = ox.parse_query_results(response.content, RESULTS_FORMATS[kind])
    assert isinstance(result, ox.QueryBoolean), "expected a boolean result"
    return bool(result)
