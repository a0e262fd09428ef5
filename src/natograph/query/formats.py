"""Serialising query results, with a cap on their size.

Oxigraph's own serialisers write a whole result; the endpoint must stop at a row limit, so
SELECT and ASK results are written here, following the W3C formats (SPARQL 1.1 Query Results
JSON, XML, CSV and TSV), from at most `max_rows` solutions. Graph results reuse Oxigraph's RDF
serialisers on the capped list of triples.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from natograph.namespaces import PREFIXES

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

SELECT_TYPES = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
}
"""Media types offered for SELECT and ASK, preferred first."""

GRAPH_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "application/x-turtle": ox.RdfFormat.TURTLE,
}
"""Media types offered for CONSTRUCT and DESCRIBE, preferred first."""

FORMAT_NAMES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
"""Short names the `format` parameter accepts for SELECT and ASK (handy in an address bar)."""

GRAPH_FORMAT_NAMES = {
    "turtle": "text/turtle",
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
    "n-triples": "application/n-triples",
    "rdfxml": "application/rdf+xml",
    "rdf": "application/rdf+xml",
    "rdf+xml": "application/rdf+xml",
    "xml": "application/rdf+xml",
    "jsonld": "application/ld+json",
    "json-ld": "application/ld+json",
    "json": "application/ld+json",
    "nq": "application/n-quads",
    "nquads": "application/n-quads",
    "n-quads": "application/n-quads",
    "trig": "application/trig",
}
"""Short names for CONSTRUCT and DESCRIBE. A name means the matching RDF syntax here ("xml" is
RDF/XML, "json" JSON-LD): that is what clients such as SPARQLWrapper send in `format`."""

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


@dataclass(frozen=True)
class CutNote:
    """Said inside a result that was cut at the row cap because the client asked for that.

    Headers (X-SPARQL-MaxRows) never reach most clients' users, so the formats that can carry
    metadata carry it too: SPARQL JSON and XML a `link` in the head (the results formats' own
    place for metadata), Turtle, TriG, N-Triples and N-Quads a comment line, RDF/XML an XML
    comment. CSV, TSV and JSON-LD have no such place; there the header is all.
    """

    rows: int
    link: str

    @property
    def text(self) -> str:
        return f"truncated: only the first {self.rows:,} rows, as asked with truncate=true"


def solutions(
    variables: Sequence[str],
    rows: Iterable[Iterable[Term | None]],
    kind: str,
    note: CutNote | None = None,
) -> bytes:
    if kind == "json":
        return _json(variables, rows, note).encode("utf-8")
    if kind == "xml":
        return _xml(variables, rows, note).encode("utf-8")
    writer = {"csv": _csv, "tsv": _tsv}[kind]
    return writer(variables, rows).encode("utf-8")


def boolean(value: bool, kind: str) -> bytes:
    text = "true" if value else "false"
    if kind == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if kind == "xml":
        return (
            '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head/><boolean>{text}</boolean></sparql>\n"
        ).encode()
    return (
        f"_askResult\r\n{text}\r\n".encode() if kind == "csv" else f"?_askResult\n{text}\n".encode()
    )


def triples(
    items: Iterable[ox.Triple],
    media_type: str,
    prefixes: dict[str, str] | None = None,
    note: CutNote | None = None,
) -> bytes:
    """Triples in the RDF syntax of `media_type`; Turtle and TriG abbreviate with natograph's
    prefixes plus any given (the service description adds its vocabularies')."""
    fmt = GRAPH_TYPES[media_type]
    abbreviate = fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG)
    data = ox.serialize(
        items, format=fmt, prefixes={**PREFIXES, **(prefixes or {})} if abbreviate else None
    )
    return _noted(data or b"", fmt, note)


def _noted(data: bytes, fmt: ox.RdfFormat, note: CutNote | None) -> bytes:
    if note is None:
        return data
    if fmt == ox.RdfFormat.RDF_XML:
        declaration, newline, rest = data.partition(b"\n")
        comment = f"<!-- {note.text} -->".encode()
        if declaration.startswith(b"<?xml"):
            return declaration + newline + comment + b"\n" + rest
        return comment + b"\n" + data
    if fmt == ox.RdfFormat.JSON_LD:
        return data
    return f"# {note.text}\n".encode() + data


def _json_term(term: Term) -> dict[str, object]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, object] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != _XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    # A quoted triple (RDF 1.2), written term by term as SPARQL 1.2 results JSON has it.
    parts = {"subject": term.subject, "predicate": term.predicate, "object": term.object}
    return {"type": "triple", "value": {k: _json_term(v) for k, v in parts.items()}}


def _json(
    variables: Sequence[str], rows: Iterable[Iterable[Term | None]], note: CutNote | None
) -> str:
    bindings = [
        {v: _json_term(t) for v, t in zip(variables, row, strict=True) if t is not None}
        for row in rows
    ]
    head: dict[str, object] = {"vars": list(variables)}
    if note is not None:
        head["link"] = [note.link]
    return json.dumps({"head": head, "results": {"bindings": bindings}})


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != _XSD_STRING:
            dt = quoteattr(term.datatype.value)
            return f"<literal datatype={dt}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    parts = (("subject", term.subject), ("predicate", term.predicate), ("object", term.object))
    return "<triple>" + "".join(f"<{n}>{_xml_term(t)}</{n}>" for n, t in parts) + "</triple>"


def _xml(
    variables: Sequence[str], rows: Iterable[Iterable[Term | None]], note: CutNote | None
) -> str:
    out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>']
    out += [f"<variable name={quoteattr(v)}/>" for v in variables]
    if note is not None:
        out.append(f"<link href={quoteattr(note.link)}/><!-- {escape(note.text)} -->")
    out.append("</head><results>")
    for row in rows:
        out.append("<result>")
        for name, term in zip(variables, row, strict=True):
            if term is not None:
                out.append(f"<binding name={quoteattr(name)}>{_xml_term(term)}</binding>")
        out.append("</result>")
    out.append("</results></sparql>\n")
    return "".join(out)


def _csv_value(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.NamedNode | ox.Literal):
        return term.value
    return str(term)


def _csv(variables: Sequence[str], rows: Iterable[Iterable[Term | None]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(variables)
    for row in rows:
        writer.writerow([_csv_value(t) for t in row])
    return buffer.getvalue()


def _tsv_value(term: Term | None) -> str:
    """TSV cells are terms in Turtle/N-Triples syntax (SPARQL 1.1 Results CSV/TSV, section 3)."""
    if term is None:
        return ""
    if isinstance(term, ox.Literal) and not term.language:
        datatype = term.datatype.value
        escaped = term.value.replace("\\", "\\\\").replace('"', '\\"')
        escaped = escaped.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
        if datatype in (_XSD_STRING, _LANG_STRING):
            return f'"{escaped}"'
        return f'"{escaped}"^^<{datatype}>'
    if isinstance(term, ox.Triple):
        inner = (_tsv_value(t) for t in (term.subject, term.predicate, term.object))
        return "<<( " + " ".join(inner) + " )>>"
    text = str(term)
    return text.replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _tsv(variables: Sequence[str], rows: Iterable[Iterable[Term | None]]) -> str:
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines += ["\t".join(_tsv_value(t) for t in row) for row in rows]
    return "\n".join(lines) + "\n"
