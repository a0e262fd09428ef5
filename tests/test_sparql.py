"""Query preparation: the safety guard, parameters, and the store's graph selection."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from natograph.cli import app
from natograph.query.render import rows
from natograph.query.text import CompetencyQuestion, QueryRejected, guard, resolve, typed_value
from natograph.store import OxigraphStore


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "select * where { service silent <http://x/> { ?s ?p ?o } }",
        "LOAD <http://example.org/data.ttl>",
        "INSERT DATA { <http://a> <http://b> <http://c> }",
        "DELETE WHERE { ?s ?p ?o }",
        "DROP ALL",
    ],
)
def test_guard_rejects_service_and_updates(query: str) -> None:
    with pytest.raises(QueryRejected):
        guard(query)


@pytest.mark.parametrize(
    "query",
    [
        'SELECT ?s WHERE { ?s rdfs:label "Customs service" }',
        "SELECT ?s WHERE { ?s <http://example.org/LOAD> ?o }  # no SERVICE here",
        "SELECT ?service ?insert WHERE { ?service ?insert ex:drop }",
        "SELECT ?s WHERE { ?s a ngo:Country } ORDER BY ?s",
    ],
)
def test_guard_accepts_keywords_inside_strings_iris_comments_and_names(query: str) -> None:
    assert guard(query) == query


def test_service_message_explains_why() -> None:
    with pytest.raises(QueryRejected, match="never makes outgoing requests"):
        guard("SELECT * { SERVICE <http://x/> { ?s ?p ?o } }")


def test_parameters_are_typed_and_checked(tmp_path: Path) -> None:
    rq = tmp_path / "q.rq"
    rq.write_text(
        "# title: T\n# question: Q?\n# param: date xsd:date 2014-10-16 -- the day\n"
        "# param: who iri ngc:UKR\nSELECT ?date ?who WHERE {}\n"
    )
    cq = CompetencyQuestion.from_file(rq)
    assert (cq.title, cq.question) == ("T", "Q?")
    subs = cq.substitutions({"date": "2022-02-24"})
    assert subs["date"].value == "2022-02-24"
    assert subs["who"].value == "https://w3id.org/natograph/id/country/UKR"
    with pytest.raises(QueryRejected, match="not a date"):
        cq.substitutions({"date": "24/02/2022"})
    with pytest.raises(QueryRejected, match="unknown parameter"):
        cq.substitutions({"year": "2022"})
    with pytest.raises(QueryRejected, match="not a date"):
        typed_value('2022-01-01"} . ?s ?p ?o {', "xsd:date")


def test_inferred_graph_can_be_left_out(store: OxigraphStore) -> None:
    query = "SELECT (COUNT(?c) AS ?n) WHERE { ?c a ngo:PartnerCountry }"
    assert rows(store.query(query)) == [{"n": "54"}]  # partner countries, ever
    assert rows(store.query(query, inferred=False)) == [{"n": "0"}]


def test_named_graphs_are_the_documented_four(store: OxigraphStore) -> None:
    base = "https://w3id.org/natograph/graph/"
    assert store.graphs() == [base + g for g in ("data", "inferred", "ontology", "shapes")]


def test_describe_returns_the_resource_triples(store: OxigraphStore) -> None:
    triples = store.describe("https://w3id.org/natograph/id/country/MKD")
    values = {str(getattr(t.object, "value", t.object)) for t in triples}
    assert "MKD" in values and "North Macedonia" in values


runner = CliRunner()


def test_cli_query_formats() -> None:
    q = "SELECT ?iso WHERE { ngc:MKD ngo:iso3166Alpha3 ?iso }"
    table = runner.invoke(app, ["query", q])
    assert table.exit_code == 0, table.output
    assert "MKD" in table.stdout and "(1 row)" in table.stdout
    as_csv = runner.invoke(app, ["query", q, "--format", "csv"]).stdout
    assert list(csv.reader(io.StringIO(as_csv))) == [["iso"], ["MKD"]]
    as_tsv = runner.invoke(app, ["query", q, "--format", "tsv"]).stdout
    assert as_tsv.splitlines() == ["?iso", '"MKD"']
    as_json = json.loads(runner.invoke(app, ["query", q, "--format", "json"]).stdout)
    assert as_json["results"]["bindings"] == [{"iso": {"type": "literal", "value": "MKD"}}]


def test_a_long_inline_query_is_sparql_not_a_file_name(tmp_path: Path) -> None:
    """More than 255 characters without a "/" was tried as a path first and crashed with
    "File name too long"; text is a path only if it names an existing .rq file."""
    padding = " ".join(f"?v{i}" for i in range(80))
    text = f"SELECT ?iso {padding} WHERE {{ ngc:MKD ngo:iso3166Alpha3 ?iso }}"
    assert len(text) > 300 and "/" not in text
    assert resolve(text, tmp_path).text == text
    assert resolve("x\0y { }", tmp_path).text == "x\0y { }"


def test_cli_query_rejects_service_with_exit_2() -> None:
    result = runner.invoke(
        app, ["query", "SELECT * { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }"]
    )
    assert result.exit_code == 2
    assert "SERVICE" in result.output


def test_cli_query_reports_syntax_errors_with_position() -> None:
    result = runner.invoke(app, ["query", "SELECT ?s WHERE { ?s ?p }"])
    assert result.exit_code == 2
    assert "SPARQL syntax error at line 1, column 26: expected" in result.output


def test_cli_ask_and_construct() -> None:
    ask = runner.invoke(app, ["query", "ASK { ngc:FIN a ngo:AlliedCountry }"])
    assert ask.stdout.strip() == "true"
    construct = runner.invoke(
        app, ["query", "CONSTRUCT { ngc:FIN rdfs:label ?l } WHERE { ngc:FIN rdfs:label ?l }"]
    )
    assert '"Finland"@en' in construct.stdout
