"""Where the graph's knowledge ends, and the note an answer about a later date carries.

The graph records what its sources say, and its newest source has a date: nothing that happened
after it is in the graph, so an open-ended membership means "open as of that date", not "open
today". The end is computed from the sources themselves (the newest `ngo:lastUpdated` or
`ngo:date` of a source document), never kept by hand, and said in three places: the dataset
description (`dcterms:temporal`, `ngo:knowledgeEnds`), a header on every endpoint answer, and a
note wherever a question names a later date (the endpoint, `natograph query`, the pages).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from natograph.store import GraphStore, select

HEADER = "Natograph-Knowledge-Ends"
"""Response header: the date of the newest source (YYYY-MM-DD)."""
NOTE_HEADER = "Natograph-Note"
"""Response header present when the query names a date after the knowledge ends."""

_DATE_LITERAL = re.compile(
    r"""["'](\d{4}-\d{2}-\d{2})(?:T[^"']*)?["']\s*\^\^\s*(?:xsd:|<[^>]*XMLSchema#)date"""
)
_NOW = re.compile(r"\bNOW\s*\(", re.IGNORECASE)


@dataclass(frozen=True)
class Coverage:
    start: date
    """The earliest date any dated fact in the graph has."""
    end: date
    """The date of the newest source: the graph knows nothing after it."""
    newest_source: str
    """IRI of that source document."""

    def note(self, asked: date) -> str | None:
        """A note when `asked` is after the knowledge ends, else None."""
        if asked <= self.end:
            return None
        return (
            f"the graph's newest source is of {self.end.isoformat()}: for "
            f"{asked.isoformat()} it shows things as they stood then (open-ended memberships "
            "stay open; later changes are not recorded)"
        )

    def note_for_query(self, text: str, today: date | None = None) -> str | None:
        """The note for the latest date a query names (a typed date literal, or NOW())."""
        asked = [date.fromisoformat(d) for d in _DATE_LITERAL.findall(text) if _valid(d)]
        if _NOW.search(text):
            asked.append(today or date.today())
        return self.note(max(asked)) if asked else None


def _valid(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


_END = """
SELECT ?source ?d WHERE {
  ?source a ngo:SourceDocument .
  { ?source ngo:lastUpdated ?d } UNION { ?source ngo:date ?d }
} ORDER BY DESC(?d) ?source LIMIT 1
"""
_START = """
SELECT (MIN(?d) AS ?start) WHERE {
  { ?x ngo:startDate ?d } UNION { ?x ngo:earliestAttestation ?d } UNION { ?x ngo:date ?d }
  FILTER (DATATYPE(?d) = xsd:date)
}
"""


def coverage(store: GraphStore) -> Coverage | None:
    """The graph's coverage, or None for a graph without dated sources (a test's toy graph)."""
    end_rows = [list(row) for row in select(store, _END)]
    start_rows = [list(row) for row in select(store, _START)]
    if not end_rows or not start_rows or start_rows[0][0] is None:
        return None
    source, end = end_rows[0]
    return Coverage(
        start=date.fromisoformat(start_rows[0][0].value),
        end=date.fromisoformat(end.value),
        newest_source=source.value,
    )
