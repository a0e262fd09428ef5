"""The storage seam is real: the web layer serves any GraphStore + QueryExecutor pair.

`TextOnlyStore` is an engine as natograph sees a remote one: it answers only in serialised
SPARQL results (JSON) and N-Triples, from which natograph builds its own result objects, and it
is driven through `SparqlStore`'s dataset choice like any engine. The app over it, with an
in-process executor, must answer the endpoint, the documents and the pages exactly as the app
over the embedded backend does. The architecture checks keep engine specifics inside
natograph.store and kind branches inside natograph.web.kinds.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import to_isomorphic

from natograph.build.pipeline import Build
from natograph.query import formats
from natograph.query.dataset import QueryDataset
from natograph.query.executor import Job, Outcome, execute
from natograph.settings import Settings
from natograph.store import (
    GraphStore,
    OxigraphStore,
    QueryResult,
    Solutions,
    SparqlStore,
    Term,
    Triples,
)
from natograph.store.backend import Backend
from natograph.web.app import create_app
from natograph.web.caching import Computed
from natograph.web.served import ServedGraph

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "natograph"


class TextOnlyStore(SparqlStore):
    """A store that, like an engine behind HTTP, hands back only serialised results: each answer
    of the engine (here an Oxigraph store, asked over the dataset natograph chose) is written
    as SPARQL results JSON or N-Triples and parsed back, as a remote engine's would be."""

    def __init__(self, engine: OxigraphStore) -> None:
        self._engine = engine  # the "server side": only text leaves it

    def evaluate(
        self,
        sparql: str,
        dataset: QueryDataset,
        bindings: Mapping[str, Term],
        base_iri: str | None,
    ) -> QueryResult:
        answer = self._engine.evaluate(sparql, dataset, bindings, base_iri)
        if isinstance(answer, Triples):
            text = formats.triples(answer, "application/n-triples")
            return Triples(t for t in ox.parse(text, format=ox.RdfFormat.N_TRIPLES))
        if isinstance(answer, bool):
            wire = formats.boolean(answer, "json")
        else:
            wire = formats.solutions(answer.variables, answer, "json")
        parsed = ox.parse_query_results(wire, format=ox.QueryResultsFormat.JSON)
        if isinstance(parsed, ox.QueryBoolean):
            return bool(parsed)
        assert isinstance(parsed, ox.QuerySolutions)
        return Solutions([v.value for v in parsed.variables], (list(s) for s in parsed))

    def load(self, triples: Iterable[ox.Triple | ox.Quad], graph: str) -> None:
        raise NotImplementedError("read-only")

    # graphs, count, describe and len: SparqlStore's engine-neutral SPARQL defaults.


@dataclass
class InProcess:
    """An executor without workers (as a remote engine's would be: it only sends the query)."""

    store: GraphStore

    def run(self, job: Job, timeout: float, wait: float = 0, client: str | None = None) -> Outcome:
        return execute(self.store, job)

    def alive(self, lane: bool = False) -> int:
        return 0 if lane else 1

    def isolated(self) -> bool:
        return False

    def close(self) -> None:
        pass


@pytest.fixture(scope="module")
def text_client(
    curated: tuple[OxigraphStore, Build], served_app: tuple[object, ServedGraph]
) -> Iterator[TestClient]:
    embedded = served_app[1]
    store = TextOnlyStore(curated[0])
    served = ServedGraph(
        backend=Backend(store, InProcess(store)),
        version=embedded.version,
        modified=embedded.modified,
        graphs={g: store.count(g) for g in store.graphs()},
        examples=embedded.examples,
        build=embedded.build,
        coverage=embedded.coverage,
        computed=Computed(),
    )
    settings = Settings(root=ROOT, hermit=False)
    with TestClient(create_app(served, settings)) as client:
        yield client


PATHS = [
    "/",
    "/dataset.ttl",
    "/id/country/UKR.html",
    "/id/country/UKR.ttl",
    "/id/country/UKR.jsonld",
    "/id/country/UKR.trig?inferred=false",
    "/ontology.html",
    "/ontology.nt",
    "/graph/data.ttl",
    "/id/country/NOWHERE",
]
QUERIES = [
    "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }",
    "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/natograph/graph/shapes> { ?s ?p ?o }",
    "ASK { ?c a ngo:Country }",
    "CONSTRUCT { ngc:UKR ?p ?o } WHERE { ngc:UKR ?p ?o }",
]


@pytest.mark.parametrize("path", PATHS)
def test_documents_and_pages_are_the_same_over_another_engine(
    client: TestClient, text_client: TestClient, path: str
) -> None:
    ours, theirs = client.get(path), text_client.get(path)
    assert (theirs.status_code, theirs.headers.get("content-type")) == (
        ours.status_code,
        ours.headers.get("content-type"),
    )
    kind = ours.headers.get("content-type", "").split(";")[0]
    if kind in RDF_SYNTAX:  # blank nodes are labelled afresh in each document: compare graphs
        assert to_isomorphic(_graph(theirs.text, kind)) == to_isomorphic(_graph(ours.text, kind))
    else:
        assert theirs.content == ours.content


RDF_SYNTAX = {"text/turtle": "turtle", "application/n-triples": "nt", "application/trig": "trig"}


def _graph(text: str, kind: str) -> Graph:
    """The document's statements as one graph (a TriG quad's graph name kept as a 4th term's
    stand-in: each quad becomes a triple on a per-graph subject)."""
    dataset = Dataset()
    dataset.parse(data=text, format=RDF_SYNTAX[kind])
    merged = Graph()
    for s, p, o, g in dataset.quads((None, None, None, None)):
        merged.add((s, p, o))
        if g is not None:
            merged.add((s, URIRef("urn:test:in-graph"), URIRef(str(getattr(g, "identifier", g)))))
    return merged


@pytest.mark.parametrize("query", QUERIES)
def test_the_endpoint_answers_the_same_over_another_engine(
    client: TestClient, text_client: TestClient, query: str
) -> None:
    accept = {"Accept": "text/csv, application/n-triples;q=0.9"}
    ours = client.get("/sparql", params={"query": query}, headers=accept)
    theirs = text_client.get("/sparql", params={"query": query}, headers=accept)
    assert theirs.status_code == ours.status_code == 200
    # The order of solutions and triples is the engine's to choose (no ORDER BY here).
    assert sorted(theirs.text.splitlines()) == sorted(ours.text.splitlines())


def _python_files(folder: Path) -> Iterator[Path]:
    yield from (p for p in folder.rglob("*.py") if "static" not in p.parts)


def test_engine_specifics_stay_inside_the_store_package() -> None:
    """Oxigraph's store and result classes are named only in natograph.store; the modules that
    build the embedded backend (the pipeline, serve) may name OxigraphStore, nothing else."""
    builders = {SRC / "build" / "pipeline.py", SRC / "web" / "served.py", SRC / "cli.py"}
    # The reasoner's working memory: a private, throw-away store in which the OWL 2 RL rules
    # run before anything is loaded into the backend (whichever engine that is).
    scratch = {SRC / "build" / "rules.py", SRC / "build" / "closure.py"}
    offenders = []
    for path in _python_files(SRC):
        if SRC / "store" in path.parents or path in scratch:
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "ox"
                and node.attr in ("Store", "QuerySolutions", "QueryBoolean", "QueryTriples")
            ):
                offenders.append(f"{path.relative_to(SRC)}:{node.lineno} ox.{node.attr}")
            if isinstance(node, ast.Name) and node.id == "OxigraphStore" and path not in builders:
                offenders.append(f"{path.relative_to(SRC)}:{node.lineno} OxigraphStore")
    assert offenders == []


def test_no_code_branches_on_a_kind_of_resource_outside_the_registry() -> None:
    offenders = []
    for path in _python_files(SRC / "web"):
        if path.name == "kinds.py":
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr == "kind"
                and isinstance(node.value, ast.Name)
                and node.value.id == "resource"
            ):
                offenders.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert offenders == []


def test_only_the_web_layer_decides_http_statuses() -> None:
    """No error class outside natograph.web carries a status; the table in web/errors.py does."""
    offenders = []
    for path in _python_files(SRC):
        if SRC / "web" in path.parents:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef):
                for item in node.body:
                    targets = item.targets if isinstance(item, ast.Assign) else []
                    if isinstance(item, ast.AnnAssign):
                        targets = [item.target]
                    for target in targets:
                        names = target.elts if isinstance(target, ast.Tuple) else [target]
                        if any(isinstance(n, ast.Name) and n.id == "status" for n in names):
                            offenders.append(f"{path.relative_to(SRC)}:{item.lineno}")
    assert offenders == []
