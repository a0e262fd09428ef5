"""Precision windows: a start or end known to a month, quarter, year or decade is an interval."""

from __future__ import annotations

from datetime import date

import pytest
from rdflib import Graph, URIRef

from natograph.namespaces import NGO
from natograph.store import OxigraphStore
from natograph.temporal import MONTHS, TIME, window_end, windows

DAY = None
MONTH, YEAR, DECADE = (URIRef(TIME + u) for u in ("unitMonth", "unitYear", "unitDecade"))
QUARTER = NGO.unitQuarter


@pytest.mark.parametrize(
    ("first", "precision", "after"),
    [
        (date(1997, 5, 30), DAY, date(1997, 5, 30)),
        (date(1995, 2, 1), MONTH, date(1995, 3, 1)),
        (date(1995, 12, 1), MONTH, date(1996, 1, 1)),
        (date(2005, 1, 1), QUARTER, date(2005, 4, 1)),
        (date(1997, 1, 1), YEAR, date(1998, 1, 1)),
        (date(1990, 1, 1), DECADE, date(2000, 1, 1)),
    ],
)
def test_window_end_is_the_day_after_the_window(
    first: date, precision: URIRef | None, after: date
) -> None:
    assert window_end(first, precision) == after


def test_every_precision_unit_of_the_ontology_has_a_window(store: OxigraphStore) -> None:
    used = {
        row[0].value
        for row in store.query(
            "SELECT DISTINCT ?u { { ?x ngo:startPrecision ?u } UNION { ?x ngo:endPrecision ?u } }"
        )
    }
    assert used <= set(MONTHS), used - set(MONTHS)


TURTLE = """
@prefix ngo: <https://w3id.org/natograph/ontology/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix time: <http://www.w3.org/2006/time#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ngo:Summit rdfs:subClassOf ngo:Meeting . ngo:Meeting rdfs:subClassOf ngo:Event .
<urn:m> a ngo:PartnershipMembership ; ngo:startDate "1997-01-01"^^xsd:date ;
  ngo:startPrecision time:unitYear ; ngo:endDate "2009-04-01"^^xsd:date .
<urn:a> a ngo:PartnershipMembership ; ngo:earliestAttestation "2014-10-16"^^xsd:date .
<urn:s> a ngo:Summit ; ngo:startDate "2014-09-04"^^xsd:date ; ngo:endDate "2014-09-05"^^xsd:date .
"""


def test_windows_of_a_year_start_an_attestation_and_not_a_meeting() -> None:
    inferred = windows(Graph().parse(data=TURTLE, format="turtle"))

    def value(subject: str, prop: URIRef) -> str | None:
        found = inferred.value(URIRef(subject), prop)
        return str(found) if found is not None else None

    assert value("urn:m", NGO.possibleFrom) == "1997-01-01"
    assert value("urn:m", NGO.certainFrom) == "1998-01-01"
    assert value("urn:m", NGO.certainUntil) == value("urn:m", NGO.possibleUntil) == "2009-04-01"
    assert value("urn:a", NGO.certainFrom) == "2014-10-16"
    assert value("urn:a", NGO.possibleFrom) is None, "it may have held any time before"
    assert not list(inferred.triples((URIRef("urn:s"), None, None))), (
        "a summit's end is its last day"
    )
