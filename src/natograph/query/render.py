"""Query results for a terminal (`natograph query`): a readable table, or a SPARQL results
format (written by natograph.query.formats, as the endpoint writes them)."""

from __future__ import annotations

import json

import pyoxigraph as ox

from natograph.namespaces import PREFIXES, curie
from natograph.query import formats
from natograph.store import QueryResult, Solutions, Triples

FORMATS = ("table", "csv", "tsv", "json")


def render(result: QueryResult, fmt: str = "table") -> str:
    """The result in `fmt`: a table for people, or the SPARQL results format of that name
    (graph results: Turtle for a table, N-Triples for csv/tsv, JSON-LD for json)."""
    if isinstance(result, Triples):
        return _triples(result, fmt)
    if fmt != "table":
        if isinstance(result, bool):
            return formats.boolean(result, fmt).decode("utf-8")
        return formats.solutions(result.variables, result, fmt).decode("utf-8")
    if isinstance(result, bool):
        return "true" if result else "false"
    return table(result)


def _triples(result: Triples, fmt: str) -> str:
    rdf_format = ox.RdfFormat.N_TRIPLES if fmt in ("csv", "tsv") else ox.RdfFormat.TURTLE
    if fmt == "json":
        rdf_format = ox.RdfFormat.JSON_LD
    data = ox.serialize(result, format=rdf_format, prefixes=PREFIXES if fmt == "table" else None)
    assert data is not None
    return data.decode("utf-8")


def table(solutions: Solutions) -> str:
    names = list(solutions.variables)
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
    if not isinstance(result, Solutions):
        raise TypeError("not a SELECT result")
    names = list(result.variables)
    return [{n: short(s[n]) for n in names if s[n] is not None} for s in result]


def to_json(result: QueryResult) -> str:
    return json.dumps(rows(result), ensure_ascii=False)
