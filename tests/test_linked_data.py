"""The linked-data checker walks every IRI of the graph through the server.

Every IRI is checked as HTML and Turtle (303 -> 200, media type, RDF about the IRI, HTML that
renders); every one of the six formats is checked on a sample with one IRI of each kind. The
checker's own tests show that it fails when the server breaks each rule.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient
from rdflib import OWL, RDF, Graph, URIRef
from typer.testing import CliRunner

from natograph.cli import app
from natograph.namespaces import ONTOLOGY_IRI
from natograph.publish import ldcheck
from natograph.publish.documents import BY_EXTENSION, FORMATS
from natograph.store import OxigraphStore

BASE = "https://w3id.org/natograph/"
SERVER = "http://testserver/"


@pytest.fixture(scope="module")
def iris(store: OxigraphStore) -> list[str]:
    found = ldcheck.iris_in_graph(store, BASE)
    assert len(found) > 600  # countries, memberships, sources, claims, terms, shapes, graphs
    return found


def sample(iris: list[str]) -> list[str]:
    """One IRI of each kind: the first in each folder (id/country/, ontology/, graph/...)."""
    by_folder: dict[str, str] = {}
    for iri in iris:
        by_folder.setdefault(iri[len(BASE) :].rsplit("/", 1)[0], iri)
    return sorted(by_folder.values())


@pytest.mark.slow
def test_every_iri_dereferences_as_html_and_turtle(client: TestClient, iris: list[str]) -> None:
    formats = [BY_EXTENSION[".html"], BY_EXTENSION[".ttl"]]
    failures = ldcheck.check(client, SERVER, BASE, iris, formats)
    assert not failures, "\n".join(map(str, failures[:40]))


def test_every_format_on_one_iri_of_each_kind(client: TestClient, iris: list[str]) -> None:
    chosen = sample(iris)
    assert len(chosen) >= 10 and BASE in chosen and BASE + "ontology" in chosen
    failures = ldcheck.check(client, SERVER, BASE, chosen, FORMATS)
    assert not failures, "\n".join(map(str, failures[:40]))


def test_the_endpoint_lists_the_same_iris(client: TestClient, iris: list[str]) -> None:
    assert ldcheck.iris_from_endpoint(client, SERVER, BASE) == iris


def test_cli_checks_a_running_server(live_server: str) -> None:
    result = CliRunner().invoke(
        app, ["ldcheck", live_server, "--formats", "ttl,jsonld", "--limit", "40"]
    )
    assert result.exit_code == 0, result.output
    assert "40 IRIs x 2 formats: 0 problem(s)" in result.output


# --- The checker fails when it should ----------------------------------------------------------


@dataclass
class FakeResponse:
    status_code: int
    content: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.content.decode()

    def json(self) -> Any:
        import json

        return json.loads(self.content)


class Broken:
    """A server that gets one rule wrong, otherwise answering like the real one."""

    def __init__(self, client: TestClient, **wrong: Any) -> None:
        self.client = client
        self.wrong = wrong
        self.calls: defaultdict[str, int] = defaultdict(int)

    def get(self, url: str, *, headers: dict[str, str], follow_redirects: bool) -> Any:
        real = self.client.get(url, headers=headers, follow_redirects=follow_redirects)
        answer = FakeResponse(real.status_code, real.content, dict(real.headers))
        if "status" in self.wrong and real.status_code == 303:
            answer.status_code = self.wrong["status"]
        if "no_vary" in self.wrong:
            answer.headers.pop("vary", None)
        if "media_type" in self.wrong and real.status_code == 200:
            answer.headers["content-type"] = self.wrong["media_type"]
        if "body" in self.wrong and real.status_code == 200:
            answer.content = self.wrong["body"]
        if "location" in self.wrong and real.status_code == 303:
            answer.headers["location"] = self.wrong["location"]
        return answer


UKR = BASE + "id/country/UKR"
TURTLE = [BY_EXTENSION[".ttl"]]
HTML = [BY_EXTENSION[".html"]]


@pytest.mark.parametrize(
    ("wrong", "formats", "message"),
    [
        ({"status": 302}, TURTLE, "expected 303"),
        ({"status": 200}, HTML, "expected 303"),
        ({"no_vary": True}, TURTLE, "Vary: Accept"),
        ({"location": "UKR.nt"}, TURTLE, "expected http://testserver/id/country/UKR.ttl"),
        ({"media_type": "text/plain"}, TURTLE, "expected text/turtle"),
        ({"body": b"<a> <b> ."}, TURTLE, "does not parse"),
        ({"body": b"<https://example.org/a> <https://example.org/b> 1 ."}, TURTLE, "never mention"),
        ({"body": b"<!DOCTYPE html><html><body><p>hi</p></body></html>"}, HTML, "no <html lang>"),
        ({"body": b"<html lang='en'><h1>a</h1><h1>b</h1></html>"}, HTML, "2 h1 elements"),
    ],
)
def test_checker_catches_a_broken_server(
    client: TestClient, wrong: dict[str, Any], formats: list[Any], message: str
) -> None:
    failures = ldcheck.check(Broken(client, **wrong), SERVER, BASE, [UKR], formats)
    assert any(message in str(f) for f in failures), [str(f) for f in failures]


# --- the ontology for every client ----------------------------------------------------------


def test_the_ontology_iri_gives_rdf_to_a_client_that_does_not_name_html(
    client: TestClient,
) -> None:
    for accept in (None, "*/*", "application/rdf+xml, */*;q=0.1"):
        headers = {"Accept": accept} if accept else {}
        answer = client.get("/ontology", headers=headers, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"] == "ontology.rdf", accept
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    page = client.get("/ontology", headers={"Accept": browser}, follow_redirects=False)
    assert page.headers["location"] == "ontology.html"
    thing = client.get("/id/country/UKR", follow_redirects=False)
    assert thing.headers["location"] == "UKR.html", "other IRIs keep HTML as the default"


def test_ontology_owl_and_ttl_are_the_whole_ontology(client: TestClient) -> None:
    owl = client.get("/ontology.owl")
    assert owl.status_code == 200
    assert owl.headers["content-type"].startswith("application/rdf+xml")
    assert owl.content == client.get("/ontology.rdf").content
    assert client.get("/ontology/0.1.0.owl").status_code == 200
    turtle = client.get("/ontology.ttl")
    assert turtle.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=turtle.text, format="turtle")
    assert (URIRef(str(ONTOLOGY_IRI)), RDF.type, OWL.Ontology) in graph
    assert client.get("/id/country/UKR.owl").status_code == 404, "only the ontology is .owl"


def test_owlready2_opens_the_ontology_by_its_iri(live_server: str) -> None:
    import owlready2

    for url in (f"{live_server}/ontology", f"{live_server}/ontology.owl"):
        world = owlready2.World()
        onto = world.get_ontology(url).load()
        names = {c.name for c in onto.classes()}
        assert {"AlliedCountry", "PartnershipFramework", "Summit"} <= names, sorted(names)
        world.close()
