"""Reading the curated Turtle files, with errors that point at file, line and column.

Files are parsed by Oxigraph first because its parser reports exact positions (rdflib's often
points at the end of a statement) and because its quads load straight into the store; the rdflib
graph that pySHACL and owlrl need is built from the same quads, so both views always agree.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from natograph.build.diagnostics import Problem, relpath
from natograph.namespaces import PREFIXES

_POSITION = re.compile(
    r"at line (\d+) between columns (\d+) and (\d+)|between line (\d+) column (\d+)"
)
_PREFIX_DECL = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.I | re.M)
_UNDECLARED = re.compile(r"The prefix ([\w.-]*): has not been declared")

# rdflib logs a warning with a full traceback for every ill-typed literal it meets ("Failed to
# convert Literal lexical form to value"), several times per literal. The checks report each one
# as a problem at its own line, so those tracebacks are noise to an editor.
logging.getLogger("rdflib.term").setLevel(logging.ERROR)


@dataclass
class ParsedFile:
    """One Turtle file: its triples and where each subject is written, for error messages."""

    path: Path
    name: str
    """The path as shown in messages: relative to the project root."""
    quads: list[ox.Triple]
    prefixes: dict[str, str]
    subject_lines: dict[str, int] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list, repr=False)
    """The file's text, for pointing at a value's own line."""

    def value_line(self, iri: str, value: str) -> int | None:
        """The line, within the block of subject `iri`, where the literal `value` is written."""
        start = self.subject_lines.get(iri)
        if start is None:
            return None
        for number in range(start, len(self.lines) + 1):
            line = self.lines[number - 1]
            if number > start and line[:1] not in ("", " ", "\t"):
                break  # the next subject's block
            if _writes_literal(line, value):
                return number
        return None

    def literal_line(self, value: str) -> int | None:
        """The first line of the file where the literal `value` is written."""
        for number, line in enumerate(self.lines, start=1):
            if _writes_literal(line, value):
                return number
        return None


def _writes_literal(line: str, value: str) -> bool:
    return f'"{value}"' in line or f"'{value}'" in line


def parse_turtle(path: Path, root: Path | None = None) -> tuple[ParsedFile | None, list[Problem]]:
    """Parse one file; on a syntax error return no triples and a problem naming the position."""
    text = path.read_bytes()
    try:
        triples = list(ox.parse(input=text, format=ox.RdfFormat.TURTLE, base_iri=None))
    except SyntaxError as err:
        return None, [_syntax_problem(path, text, err, root)]
    except UnicodeDecodeError as err:
        msg = f"the file is not valid UTF-8 ({err.reason} at byte {err.start})"
        return None, [Problem("syntax", msg, file=relpath(path, root), hint="save it as UTF-8")]
    decoded = text.decode("utf-8")
    prefixes = {p or "": iri for p, iri in _PREFIX_DECL.findall(decoded)}
    parsed = ParsedFile(path, relpath(path, root), triples, prefixes)
    parsed.subject_lines = _subject_lines(decoded, prefixes)
    parsed.lines = decoded.splitlines()
    return parsed, []


def _syntax_problem(path: Path, text: bytes, err: SyntaxError, root: Path | None) -> Problem:
    line, column = err.lineno, err.offset
    msg = str(err.msg)
    match = _POSITION.search(msg)
    if line is None and match:
        line = int(match.group(1) or match.group(4))
        column = int(match.group(2) or match.group(5))
    reason = msg.split(": ", 1)[1] if ": " in msg else msg
    lines = text.decode("utf-8", errors="replace").splitlines()
    offending = lines[line - 1].strip() if line and 0 < line <= len(lines) else None
    return Problem(
        "syntax",
        f"Turtle syntax error: {reason}",
        file=relpath(path, root),
        line=line,
        column=column,
        text=offending,
        hint=_syntax_hint(reason),
    )


def _syntax_hint(reason: str) -> str:
    undeclared = _UNDECLARED.search(reason)
    if undeclared:
        prefix = undeclared.group(1)
        if prefix in PREFIXES:
            return f"add `@prefix {prefix}: <{PREFIXES[prefix]}> .` at the top of the file"
        known = ", ".join(sorted(PREFIXES))
        return f"declare the prefix with @prefix, or use one of the project's: {known}"
    return "fix the Turtle at this position; `natograph fmt` rewrites valid files canonically"


def _subject_lines(text: str, prefixes: dict[str, str]) -> dict[str, int]:
    """Map each subject IRI to the line that starts its block (subjects start at column 0)."""
    found: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line or line[0] in " \t#@[(" or line.upper().startswith("PREFIX"):
            continue
        token = line.split(None, 1)[0]
        iri = _expand(token, prefixes)
        if iri is not None:
            found.setdefault(iri, number)
    return found


def _expand(token: str, prefixes: dict[str, str]) -> str | None:
    if token.startswith("<") and token.endswith(">"):
        return token[1:-1]
    prefix, sep, local = token.partition(":")
    if sep and prefix in prefixes:
        return prefixes[prefix] + local.replace("\\", "")
    return None


def to_rdflib(triples: Iterable[ox.Triple | ox.Quad], graph: Graph | None = None) -> Graph:
    """Copy Oxigraph triples into an rdflib graph, term by term (no serialisation round trip)."""
    graph = graph if graph is not None else Graph()
    add = graph.add
    for t in triples:
        add((rdflib_term(t.subject), rdflib_term(t.predicate), rdflib_term(t.object)))
    return graph


def rdflib_term(
    term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | ox.DefaultGraph,
) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == "http://www.w3.org/2001/XMLSchema#string":
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise TypeError(f"unsupported RDF term {term!r}")


def from_rdflib(graph: Iterable[tuple[Node, Node, Node]]) -> list[ox.Triple]:
    """Copy an rdflib graph (or triples: a reasoner's output) into Oxigraph terms."""
    return [ox.Triple(oxigraph_term(s), oxigraph_term(p), oxigraph_term(o)) for s, p, o in graph]  # type: ignore[arg-type]


def oxigraph_term(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"unsupported RDF term {term!r}")


def ntriples(triples: Iterable[ox.Triple]) -> bytes:
    """Triples as N-Triples bytes, written by Oxigraph (fast, and exact about lexical forms)."""
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    assert data is not None  # no output given: the bytes are returned
    return data
