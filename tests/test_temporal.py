"""Precision windows: a start or end known to a month, quarter, year or decade is an interval."""

from __future__ import annotations

from datetime import date

import pytest
from rdflib import Graph, URIRef

from natograph.build.temporal import MONTHS, TIME, window_end, windows
from natograph.namespaces import NGO
from natograph.store import OxigraphStore, Solutions

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
    result = store.query(
        "SELECT DISTINCT ?u { { ?x ngo:startPrecision ?u } UNION { ?x ngo:endPrecision ?u } }"
    )
    assert isinstance(result, Solutions)
    used = {row[0].value for row in result}
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
<urn:b> a ngo:PartnershipMembership ; ngo:earliestAttestation "2014-10-16"^^xsd:date ;
  ngo:organisation <urn:council> .
<urn:council> ngo:startDate "1997-05-30"^^xsd:date .
<urn:c> a ngo:PartnershipMembership ; ngo:startDate "1991-01-01"^^xsd:date ;
  ngo:startPrecision time:unitYear ; ngo:organisation <urn:closed> .
<urn:closed> ngo:startDate "1991-12-20"^^xsd:date ; ngo:endDate "1997-05-29"^^xsd:date .
<urn:s> a ngo:Summit ; ngo:startDate "2014-09-04"^^xsd:date ; ngo:endDate "2014-09-06"^^xsd:date .
"""


def test_windows_of_a_year_start_an_attestation_and_a_meeting() -> None:
    inferred = windows(Graph().parse(data=TURTLE, format="turtle"))

    def value(subject: str, prop: URIRef) -> str | None:
        found = inferred.value(URIRef(subject), prop)
        return str(found) if found is not None else None

    assert value("urn:m", NGO.possibleFrom) == "1997-01-01"
    assert value("urn:m", NGO.certainFrom) == "1998-01-01"
    assert value("urn:m", NGO.certainUntil) == value("urn:m", NGO.possibleUntil) == "2009-04-01"
    assert value("urn:a", NGO.certainFrom) == "2014-10-16"
    assert value("urn:a", NGO.possibleFrom) is None, "it may have held any time before"
    assert value("urn:b", NGO.possibleFrom) == "1997-05-30", "but not before its council"
    assert value("urn:s", NGO.certainUntil) == "2014-09-06", "a meeting's end is exclusive too"
    assert value("urn:s", NGO.lastDay) == "2014-09-05", "and its last day is inferred"
    assert value("urn:m", NGO.lastDay) is None, "only meetings get a last day"
    assert value("urn:c", NGO.possibleFrom) == "1991-12-20", "not before its council began"
    assert value("urn:c", NGO.certainUntil) == "1997-05-29", "it ends when its council closes"
    assert value("urn:c", NGO.possibleUntil) == "1997-05-29"
    assert value("urn:c", NGO.endDate) == "1997-05-29", "the effective end is inferred too"
    assert value("urn:m", NGO.endDate) is None, "an asserted end is not repeated"


def test_a_window_answers_in_three_values() -> None:
    """Russia's Permanent Joint Council seat: "1997", ended 28 May 2002 (README's example)."""
    from natograph.build.temporal import Window

    seat = Window(date(1997, 1, 1), date(1998, 1, 1), date(2002, 5, 28), date(2002, 5, 28))
    assert seat.on(date(1996, 12, 31)) == "inactive"
    assert seat.on(date(1997, 6, 1)) == "uncertain", "inside the start's year"
    assert seat.on(date(1998, 6, 1)) == "active"
    assert seat.on(date(2002, 5, 28)) == "inactive", "end dates are exclusive"
    attested = Window(None, date(2014, 10, 16))
    assert attested.on(date(2010, 1, 1)) == "uncertain", "before its earliest attestation"


def test_an_engagement_is_suspended_or_uncertain_by_its_suspensions_windows() -> None:
    from natograph.build.temporal import Window
    from natograph.publish.describe import Engagement, Suspension

    spring = Suspension(
        "urn:s",
        None,
        None,
        (),
        window=Window(date(2008, 8, 1), date(2008, 9, 1), date(2009, 3, 1), date(2009, 6, 1)),
    )
    seat = Engagement(
        "urn:e",
        (),
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        (),
        None,
        (spring,),
        window=Window(date(2002, 5, 28), date(2002, 5, 28)),
    )
    assert seat.state_on(date(2008, 8, 15)) == "uncertain", "the suspension began in August"
    assert seat.state_on(date(2008, 12, 1)) == "suspended"
    assert seat.state_on(date(2009, 4, 15)) == "uncertain", "it was lifted in the spring of 2009"
    assert seat.state_on(date(2009, 6, 1)) == "active"
