"""Rendering query results: a readable table for people, standard SPARQL formats for machines."""

from __future__ import annotations

import json

import pyoxigraph as ox

from natograph.namespaces import PREFIXES, curie
from natograph.store import QueryResult

FORMATS = ("table", "csv", "tsv", "json")
_SPARQL_FORMATS = {
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "json": ox.QueryResultsFormat.JSON,
}


def render(result: QueryResult, fmt: str = "table") -> str:
    if isinstance(result, ox.QueryTriples):
        return _triples(result, fmt)
    if fmt in _SPARQL_FORMATS:
        data = result.serialize(format=_SPARQL_FORMATS[fmt])
        assert data is not None
        return data.decode("utf-8")
    if isinstance(result, ox.QueryBoolean):
        return "true" if bool(result) else "false"
    return table(result)


def _triples(result: ox.QueryTriples, fmt: str) -> str:
    rdf_format = ox.RdfFormat.N_TRIPLES if fmt in ("csv", "tsv") else ox.RdfFormat.TURTLE
    if fmt == "json":
        rdf_format = ox.RdfFormat.JSON_LD
    data = ox.serialize(result, format=rdf_format, prefixes=PREFIXES if fmt == "table" else None)
    assert data is not None
    return data.decode("utf-8")


def table(solutions: ox.QuerySolutions) -> str:
    names = [v.value for v in solutions.variables]
    rows = [[short(s[name]) for name in names] for s in solutions]
    widths = [max([len(n), *(len(r[i]) for r in rows)]) for i, n in enumerate(names)]
    line = "  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)


def short(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> str:
    """A term as a person reads it: prefixed names, plain literal values."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return curie(term.value)
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def rows(result: QueryResult) -> list[dict[str, str]]:
    """Solutions as plain dicts of short strings: what tests and scripts usually want."""
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError("not a SELECT result")
    names = [v.value for v in result.variables]
    return [{n: short(s[n]) for n in names if s[n] is not None} for s in result]


def to_json(result: QueryResult) -> str:
    return json.dumps(rows(result), ensure_ascii=False)
