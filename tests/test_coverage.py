"""Where the graph's knowledge ends is said, and an answer about a later date carries a note."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS
from typer.testing import CliRunner

from natograph.cli import app
from natograph.namespaces import NGO
from natograph.publish.coverage import HEADER, NOTE_HEADER, coverage
from natograph.publish.void import DCAT
from natograph.store import OxigraphStore, select

XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")
NEWEST = """SELECT (MAX(?d) AS ?newest) WHERE {
  ?s a ngo:SourceDocument . { ?s ngo:lastUpdated ?d } UNION { ?s ngo:date ?d } }"""


def newest_source_date(store: OxigraphStore) -> date:
    [row] = list(select(store, NEWEST))
    return date.fromisoformat(row[0].value)


def test_the_knowledge_end_is_the_newest_source(store: OxigraphStore) -> None:
    covered = coverage(store)
    assert covered is not None
    assert covered.end == newest_source_date(store)
    assert covered.start == date(1949, 4, 4)  # the North Atlantic Treaty's Allies
    assert covered.note(covered.end) is None
    later = covered.note(date(2026, 12, 3))
    assert later is not None and covered.end.isoformat() in later and "2026-12-03" in later
    assert covered.note_for_query('FILTER(?d <= "2026-12-03"^^xsd:date)') == later
    assert covered.note_for_query('FILTER(?d <= "2020-01-01"^^xsd:date)') is None
    assert covered.note_for_query("SELECT (NOW() AS ?now) {}") is not None


def test_the_dataset_description_carries_its_temporal_coverage(
    client: TestClient, store: OxigraphStore
) -> None:
    graph = Graph().parse(data=client.get("/dataset.ttl").text, format="turtle")
    dataset = URIRef("https://w3id.org/natograph/dataset")
    period = graph.value(dataset, DCTERMS.temporal)
    assert period is not None
    end = Literal(newest_source_date(store).isoformat(), datatype=XSD_DATE)
    assert graph.value(period, DCAT.endDate) == end
    assert graph.value(period, DCAT.startDate) == Literal("1949-04-04", datatype=XSD_DATE)
    assert graph.value(dataset, NGO.knowledgeEnds) == end
    assert graph.value(dataset, NGO.newestSource) is not None


def test_the_endpoint_says_where_knowledge_ends_and_notes_later_dates(
    client: TestClient, store: OxigraphStore
) -> None:
    end = newest_source_date(store).isoformat()
    ask = "ASK { ?m ngo:startDate ?d FILTER (?d <= %s) }"
    before = client.get("/sparql", params={"query": ask % '"2020-01-01"^^xsd:date'})
    assert before.headers[HEADER] == end and NOTE_HEADER.lower() not in before.headers
    after = client.get("/sparql", params={"query": ask % '"2026-12-03"^^xsd:date'})
    assert after.headers[HEADER] == end
    assert f"newest source is of {end}" in after.headers[NOTE_HEADER]
    cors = client.get(
        "/sparql",
        params={"query": ask % '"2026-12-04"^^xsd:date'},
        headers={"Origin": "https://example.org"},
    )
    exposed = cors.headers["access-control-expose-headers"]
    assert HEADER in exposed and NOTE_HEADER in exposed


def test_query_prints_a_note_for_a_date_after_the_knowledge_end() -> None:
    runner = CliRunner()
    late = runner.invoke(app, ["query", "03-partner-countries-on-date", "-p", "date=2026-12-03"])
    assert late.exit_code == 0
    assert "note: the graph's newest source is of" in late.output
    # Nothing invents an end: open-ended memberships are still open on that date.
    assert "38" in late.output
    early = runner.invoke(app, ["query", "03-partner-countries-on-date", "-p", "date=2020-01-01"])
    assert early.exit_code == 0 and "note:" not in early.output


def test_the_landing_page_says_where_knowledge_ends(
    client: TestClient, store: OxigraphStore
) -> None:
    end = newest_source_date(store).isoformat()
    english = client.get("/", headers={"Accept": "text/html"}).text
    assert f"Its newest source is of {end}" in english
    french = client.get("/?lang=fr", headers={"Accept": "text/html"}).text
    assert f"Sa source la plus récente date du {end}" in french
