"""Comparing answers: SPARQL JSON results from either server, and pyoxigraph results in-process.

Answers are reduced to an order-free canonical form (sorted rows of (variable, term) pairs, blank
nodes made anonymous, numbers compared by value), so two engines that agree on the solutions but
order ties differently or write `1.0` vs `1.00` compare equal.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

import pyoxigraph as ox

from natograph.store import Solutions

XSD = "http://www.w3.org/2001/XMLSchema#"
_NUMERIC = {
    XSD + name
    for name in (
        "integer", "decimal", "double", "float", "int", "long", "short", "byte",
        "nonNegativeInteger", "positiveInteger", "unsignedInt", "unsignedLong",
    )
}  # fmt: skip

Term = tuple[str, ...] | None
Canonical = tuple[str, Any]


def _literal(value: str, datatype: str | None, lang: str | None) -> tuple[str, ...]:
    if lang:
        return ("lit", value, "@" + lang.lower())
    datatype = datatype or XSD + "string"
    if datatype in _NUMERIC:
        try:
            number = Decimal(value)
            return ("num", format(number.normalize(), "f") if number.is_finite() else value)
        except InvalidOperation:
            pass
    return ("lit", value, datatype)


def _json_term(term: dict[str, str] | None) -> Term:
    if term is None:
        return None
    kind = term.get("type")
    if kind == "uri":
        return ("uri", term["value"])
    if kind == "bnode":
        return ("bnode",)
    return _literal(term["value"], term.get("datatype"), term.get("xml:lang"))


def _ox_term(term: object) -> Term:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return ("uri", term.value)
    if isinstance(term, ox.BlankNode):
        return ("bnode",)
    if isinstance(term, ox.Literal):
        return _literal(term.value, term.datatype.value, term.language)
    return ("other", str(term))


def _rows(variables: Iterable[str], rows: Iterable[Iterable[Term]]) -> Canonical:
    names = list(variables)
    order = sorted(range(len(names)), key=lambda i: names[i])
    canonical = sorted(
        (tuple((names[i], row[i]) for i in order) for row in (list(r) for r in rows)),
        key=repr,
    )
    return ("select", (tuple(names[i] for i in order), tuple(canonical)))


def from_json(body: bytes) -> Canonical:
    data = json.loads(body)
    if "boolean" in data:
        return ("ask", bool(data["boolean"]))
    names = data["head"].get("vars", [])
    bindings = data["results"]["bindings"]
    return _rows(names, ([_json_term(b.get(n)) for n in names] for b in bindings))


def from_store(result: object) -> Canonical:
    """A natograph store's answer (natograph.store.Solutions or a boolean), canonical."""
    if isinstance(result, bool):
        return ("ask", result)
    assert isinstance(result, Solutions)
    names = list(result.variables)
    return _rows(names, ([_ox_term(s[n]) for n in names] for s in result))


def size(answer: Canonical) -> str:
    kind, value = answer
    return str(value).lower() if kind == "ask" else f"{len(value[1])} rows"


def _relaxed(answer: Canonical, order: bool, lang: bool) -> Canonical:
    """The answer with literal differences SPARQL leaves open made equal.

    order: GROUP_CONCAT's order is unspecified, so a literal's space/comma/semicolon-separated
    parts are sorted. lang: engines differ on whether CONCAT/GROUP_CONCAT of `@en` strings keeps
    the tag, so language-tagged and plain strings compare by their text alone.
    """
    if answer[0] != "select":
        return answer

    def term(t: Term) -> Term:
        if t is None or t[0] != "lit":
            return t
        value, datatype = t[1], t[2]
        if order:
            value = " ".join(sorted(re.split(r"[,;]?\s+", value)))
        if lang and (datatype.startswith("@") or datatype == XSD + "string"):
            datatype = "string"
        return ("lit", value, datatype)

    names, rows = answer[1]
    relaxed = sorted((tuple((n, term(t)) for n, t in row) for row in rows), key=repr)
    return ("select", (names, tuple(relaxed)))


def describe_difference(a: Canonical, b: Canonical) -> str:
    """Short text saying how two answers differ ('' when they agree)."""
    if a == b:
        return ""
    if a[0] != b[0]:
        return f"different result forms ({a[0]} vs {b[0]})"
    if a[0] == "ask":
        return f"{size(a)} vs {size(b)}"
    (vars_a, rows_a), (vars_b, rows_b) = a[1], b[1]
    if vars_a != vars_b:
        return f"different variables ({', '.join(vars_a)} vs {', '.join(vars_b)})"
    if len(rows_a) != len(rows_b):
        return f"{len(rows_a)} vs {len(rows_b)} rows"
    for order, lang, why in (
        (True, False, "same solutions up to GROUP_CONCAT order (unspecified in SPARQL)"),
        (False, True, "same text; the language tag of concatenated strings differs"),
        (True, True, "same text up to GROUP_CONCAT order and language tags of concatenations"),
    ):
        if _relaxed(a, order, lang) == _relaxed(b, order, lang):
            return why
    only = sum(1 for row in rows_a if row not in set(rows_b))
    return f"same row count ({len(rows_a)}), {only} row(s) differ"
