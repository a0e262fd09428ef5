"""Dates as the sources know them: a start or end known to a month, year or decade is a window.

A membership that began "in 1997" (ngo:startDate 1997-01-01, ngo:startPrecision time:unitYear)
did not begin on 1 January: on 1 June 1997 it may or may not have held. Treating the first day as
the date makes the Permanent Joint Council look active before the Founding Act that created it.
So every dated engagement gets four dates in the inferred graph, from which a question "as of d"
has three answers:

- `ngo:possibleFrom`: the first day it may have held (the start window's first day; absent
  when only an earliest attestation is known: it may have held any time before);
- `ngo:certainFrom`: the first day it surely held (the day after the start window; or the
  earliest attestation);
- `ngo:certainUntil`: it surely still held before this day (the end window's first day);
- `ngo:possibleUntil`: it surely no longer held from this day (the day after the end window).

On a day d an engagement is **active** when certainFrom <= d < certainUntil (either end may be
missing: open), **inactive** when d < possibleFrom or d >= possibleUntil, and **uncertain**
otherwise. End dates are exclusive, as everywhere on engagements: a day-precise end is the first
day it no longer held, so certainUntil = possibleUntil = endDate.
"""

from __future__ import annotations

from datetime import date

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from natograph.namespaces import NGO

TIME = "http://www.w3.org/2006/time#"
MONTHS = {
    TIME + "unitMonth": 1,
    str(NGO) + "unitQuarter": 3,
    TIME + "unitYear": 12,
    TIME + "unitDecade": 120,
}
"""Length of a precision window, in months (day precision: no window)."""


def window_end(first: date, precision: URIRef | None) -> date:
    """The day after the window that starts on `first` (the day itself for day precision)."""
    months = MONTHS.get(str(precision)) if precision is not None else None
    if not months:
        return first
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def windows(asserted: Graph) -> Graph:
    """The four window dates of everything with an ngo:startDate or ngo:earliestAttestation:
    engagements, suspensions, structures. Not events (a subclass of ngo:Event, by the
    ontology in `asserted`): a meeting's ngo:endDate is its last day, not the day after it."""
    out = Graph()
    subjects = set(asserted.subjects(NGO.startDate, None)) | set(
        asserted.subjects(NGO.earliestAttestation, None)
    )
    for subject in subjects:
        if not isinstance(subject, URIRef) or _is_event(asserted, subject):
            continue
        start = _date(asserted.value(subject, NGO.startDate))
        attested = _date(asserted.value(subject, NGO.earliestAttestation))
        end = _date(asserted.value(subject, NGO.endDate))
        if start is not None:
            precision = asserted.value(subject, NGO.startPrecision)
            _add(out, subject, NGO.possibleFrom, start)
            _add(out, subject, NGO.certainFrom, window_end(start, _iri(precision)))
        elif attested is not None:
            _add(out, subject, NGO.certainFrom, attested)
        if end is not None:
            precision = asserted.value(subject, NGO.endPrecision)
            _add(out, subject, NGO.certainUntil, end)
            _add(out, subject, NGO.possibleUntil, window_end(end, _iri(precision)))
    return out


def _is_event(asserted: Graph, subject: URIRef) -> bool:
    return any(
        NGO.Event in asserted.transitive_objects(kind, RDFS.subClassOf)
        for kind in asserted.objects(subject, RDF.type)
    )


def _date(node: object) -> date | None:
    if isinstance(node, Literal) and node.datatype == XSD.date:
        value = node.toPython()
        return value if isinstance(value, date) else None
    return None


def _iri(node: object) -> URIRef | None:
    return node if isinstance(node, URIRef) else None


def _add(graph: Graph, subject: URIRef, predicate: URIRef, day: date) -> None:
    graph.add((subject, predicate, Literal(day.isoformat(), datatype=XSD.date)))
