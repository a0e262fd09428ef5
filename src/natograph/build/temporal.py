"""Dates as the sources know them: a start or end known to a month, year or decade is a window.

A membership that began "in 1997" (ngo:startDate 1997-01-01, ngo:startPrecision time:unitYear)
did not begin on 1 January: on 1 June 1997 it may or may not have held. Treating the first day as
the date makes the Permanent Joint Council look active before the Founding Act that created it.
So every dated engagement gets four dates in the inferred graph, from which a question "as of d"
has three answers:

- `ngo:possibleFrom`: the first day it may have held (the start window's first day, or the
  structure's first day when that is later: Ukraine joined the NACC "in 1991", which can only
  mean from the Council's inaugural meeting of 20 December on; when only
  an earliest attestation is known, the first day of the structure it is within, since nothing
  is a member of a council before the council exists; absent when that is unknown too);
- `ngo:certainFrom`: the first day it surely held (the day after the start window; or the
  earliest attestation);
- `ngo:certainUntil`: it surely still held before this day (the end window's first day);
- `ngo:possibleUntil`: it surely no longer held from this day (the day after the end window).

An engagement with no end of its own ends with the structure it is within, when that structure
has closed: no one is a member of the North Atlantic Cooperation Council after the Euro-Atlantic
Partnership Council replaced it, and no source need say so country by country. The inferred
graph then also carries that effective `ngo:endDate` (and its precision), so that a query written
on the asserted properties alone gives the same answer.

On a day d an engagement is **active** when certainFrom <= d < certainUntil (either end may be
missing: open), **inactive** when d < possibleFrom or d >= possibleUntil, and **uncertain**
otherwise. End dates are exclusive everywhere, meetings included: a day-precise end is the first
day it no longer held, so certainUntil = possibleUntil = endDate. A meeting, whose readers think in
its days, also gets `ngo:lastDay`, the day before a day-precise end.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from datetime import date, timedelta

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from natograph.build.asserted import Asserted
from natograph.build.cache import Cache
from natograph.build.parse import from_rdflib
from natograph.namespaces import NGO

TIME = "http://www.w3.org/2006/time#"
MONTHS = {
    TIME + "unitMonth": 1,
    str(NGO) + "unitQuarter": 3,
    str(NGO) + "unitSeason": 3,
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


def windows_cached(asserted: Asserted, cache: Cache, key: str) -> list[ox.Triple]:
    """`windows`, reusing the result for byte-identical inputs (`key` covers this module)."""
    hit = cache.get_triples(key, ".windows.nt")
    if hit is not None:
        return hit
    found = from_rdflib(windows(asserted.graph))
    cache.put_triples(key, ".windows.nt", found)
    return found


def windows(asserted: Graph) -> Graph:
    """The four window dates of everything with an ngo:startDate or ngo:earliestAttestation
    (engagements, suspensions, structures, meetings), and a meeting's last day (an ngo:Event
    subclass, by the ontology in `asserted`)."""
    out = Graph()
    subjects = set(asserted.subjects(NGO.startDate, None)) | set(
        asserted.subjects(NGO.earliestAttestation, None)
    )
    for subject in subjects:
        if not isinstance(subject, URIRef):
            continue
        start = _date(asserted.value(subject, NGO.startDate))
        attested = _date(asserted.value(subject, NGO.earliestAttestation))
        end = _date(asserted.value(subject, NGO.endDate))
        structure = _structure(asserted, subject)
        founded = _date(asserted.value(structure, NGO.startDate)) if structure else None
        if start is not None:
            precision = asserted.value(subject, NGO.startPrecision)
            _add(out, subject, NGO.possibleFrom, max(start, founded) if founded else start)
            _add(out, subject, NGO.certainFrom, window_end(start, _iri(precision)))
        elif attested is not None:
            _add(out, subject, NGO.certainFrom, attested)
            if founded is not None and founded <= attested:
                _add(out, subject, NGO.possibleFrom, founded)
        if end is not None:
            precision = asserted.value(subject, NGO.endPrecision)
        elif structure is not None:
            end = _date(asserted.value(structure, NGO.endDate))
            precision = asserted.value(structure, NGO.endPrecision)
            if end is not None:  # the effective end, so that a query on ngo:endDate is right too
                _add(out, subject, NGO.endDate, end)
                if precision is not None:
                    out.add((subject, NGO.endPrecision, precision))
        if end is not None:
            _add(out, subject, NGO.certainUntil, end)
            _add(out, subject, NGO.possibleUntil, window_end(end, _iri(precision)))
            if precision is None and _is_event(asserted, subject):
                _add(out, subject, NGO.lastDay, end - timedelta(days=1))
    return out


def _structure(asserted: Graph, engagement: URIRef) -> URIRef | None:
    """The organisation or programme an engagement is within (none for a meeting)."""
    for prop in (NGO.organisation, NGO.programme):
        structure = _iri(asserted.value(engagement, prop))
        if structure is not None:
            return structure
    return None


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


State = typing.Literal["active", "uncertain", "inactive"]


@dataclass(frozen=True)
class Window:
    """An engagement's four inferred dates, read back: which of the three answers on a day."""

    possible_from: date | None = None
    certain_from: date | None = None
    certain_until: date | None = None
    possible_until: date | None = None

    def on(self, day: date) -> State:
        if (self.possible_from is not None and day < self.possible_from) or (
            self.possible_until is not None and day >= self.possible_until
        ):
            return "inactive"
        begun = self.certain_from is not None and self.certain_from <= day
        lasting = self.certain_until is None or day < self.certain_until
        return "active" if begun and lasting else "uncertain"
