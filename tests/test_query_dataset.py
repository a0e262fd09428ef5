"""One rule for the dataset a query sees: the CLI, the store and the endpoint answer alike.

`natograph query '... FROM <…/graph/shapes> { ?s ?p ?o }'` used to count every graph (the union
default overrode FROM) while the endpoint counted the shapes alone.
"""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from natograph.cli import app
from natograph.namespaces import GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY, GRAPH_SHAPES
from natograph.query.render import rows
from natograph.store import OxigraphStore

COUNT = "SELECT (COUNT(*) AS ?n) {query_dataset} WHERE {{ {pattern} }}"
ALL = "?s ?p ?o"
IN_GRAPHS = "GRAPH ?g { ?s ?p ?o }"

CASES = {
    "FROM": (f"FROM <{GRAPH_SHAPES}>", ALL, {}),
    "FROM NAMED": (f"FROM NAMED <{GRAPH_DATA}>", IN_GRAPHS, {}),
    "FROM and FROM NAMED": (f"FROM <{GRAPH_ONTOLOGY}> FROM NAMED <{GRAPH_DATA}>", ALL, {}),
    "default-graph-uri": ("", ALL, {"default-graph-uri": [str(GRAPH_ONTOLOGY)]}),
    "named-graph-uri alone": ("", ALL, {"named-graph-uri": [str(GRAPH_DATA)]}),
    "inferred=false": ("", ALL, {"inferred": ["false"]}),
    "the union": ("", ALL, {}),
}


def by_endpoint(client: TestClient, query: str, params: dict[str, list[str]]) -> int:
    response = client.get(
        "/sparql", params={"query": query, **params}, headers={"Accept": "text/csv"}
    )
    assert response.status_code == 200, response.text
    return int(list(csv.reader(io.StringIO(response.text)))[1][0])


def by_store(store: OxigraphStore, query: str, params: dict[str, list[str]]) -> int:
    result = store.query(
        query,
        inferred=params.get("inferred") != ["false"],
        default_graphs=params.get("default-graph-uri"),
        named_graphs=params.get("named-graph-uri"),
    )
    return int(rows(result)[0]["n"])


@pytest.mark.parametrize("case", list(CASES))
def test_the_store_and_the_endpoint_see_the_same_dataset(
    store: OxigraphStore, client: TestClient, case: str
) -> None:
    clause, pattern, params = CASES[case]
    query = COUNT.format(query_dataset=clause, pattern=pattern)
    assert by_store(store, query, params) == by_endpoint(client, query, params)


def test_the_dataset_rules_give_the_counts_they_should(store: OxigraphStore) -> None:
    def count(case: str) -> int:
        clause, pattern, params = CASES[case]
        return by_store(store, COUNT.format(query_dataset=clause, pattern=pattern), params)

    sizes = {g: store.count(str(g)) for g in (GRAPH_ONTOLOGY, GRAPH_DATA, GRAPH_SHAPES)}
    inferred = store.count(str(GRAPH_INFERRED))
    assert count("FROM") == sizes[GRAPH_SHAPES]
    assert count("FROM NAMED") == sizes[GRAPH_DATA]
    assert count("FROM and FROM NAMED") == sizes[GRAPH_ONTOLOGY]
    assert count("default-graph-uri") == sizes[GRAPH_ONTOLOGY]
    assert count("named-graph-uri alone") == 0, "the request's dataset has no default graph"
    assert count("inferred=false") < count("the union") <= count("inferred=false") + inferred


@pytest.mark.parametrize("case", ["FROM", "default-graph-uri"])
def test_the_cli_sees_the_same_dataset_as_the_endpoint(client: TestClient, case: str) -> None:
    clause, pattern, params = CASES[case]
    query = COUNT.format(query_dataset=clause, pattern=pattern)
    options = [
        arg
        for graph in params.get("default-graph-uri", [])
        for arg in ("--default-graph-uri", graph)
    ]
    result = CliRunner().invoke(app, ["query", query, "--format", "csv", *options])
    assert result.exit_code == 0, result.output
    cli = int(list(csv.reader(io.StringIO(result.stdout)))[1][0])
    assert cli == by_endpoint(client, query, params)
