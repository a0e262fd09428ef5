"""What was only text is structured (issue 8): dated names, numeric ranges, one acronym per
resource, and the types queries rely on."""

from __future__ import annotations

from natograph.query.render import rows
from natograph.store import OxigraphStore


def test_north_macedonia_has_its_former_name_as_a_dated_name(store: OxigraphStore) -> None:
    found = rows(
        store.query(
            """SELECT ?name ?end ?from WHERE {
                ngc:MKD ngo:hasName ?n . ?n a ngo:DatedName ; ngo:name ?name ; ngo:endDate ?end ;
                ngo:certainFrom ?from }"""
        )
    )
    assert found == [
        {
            "name": "the former Yugoslav Republic of Macedonia",
            "end": "2019-02-15",
            "from": "2014-10-16",
        }
    ]
    # The current name is the label; the old one is no longer an undated alternative label only.
    assert rows(store.query('SELECT ?l { ngc:MKD rdfs:label ?l FILTER (LANG(?l) = "en") }')) == [
        {"l": "North Macedonia"}
    ]


def test_the_budget_share_is_a_numeric_range(store: OxigraphStore) -> None:
    found = rows(
        store.query(
            """SELECT ?claim ?min ?max ?source WHERE {
                ?claim ngo:claimedProperty ngo:partnershipBudgetShare ;
                       ngo:minimumValue ?min ; ngo:maximumValue ?max ; ngo:source ?s .
                ?s ngo:sourceKey ?source }"""
        )
    )
    assert [(r["claim"], float(r["min"]), float(r["max"]), r["source"]) for r in found] == [
        ("ngcl:s004-budget-share", 1.0, 2.0, "S004")
    ]
    share = store.query(
        """ASK { ?c ngo:claimedProperty ngo:partnershipBudgetShare ; ngo:minimumValue ?min ;
            ngo:maximumValue ?max . FILTER (?min <= 1.5 && 1.5 <= ?max) }"""
    )
    assert bool(share), "a researcher can compare the range as numbers"


def test_every_acronym_names_one_resource(store: OxigraphStore) -> None:
    shared = rows(
        store.query(
            """SELECT ?acronym (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r ngo:acronym ?acronym }
               GROUP BY ?acronym HAVING (COUNT(DISTINCT ?r) > 1)"""
        )
    )
    assert shared == []
    nuc = rows(store.query('SELECT ?r { ?r ngo:acronym "NUC"@en }'))
    assert nuc == [{"r": "ng:nato-ukraine-council"}]
