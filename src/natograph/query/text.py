"""Preparing SPARQL for the store: competency-question files, parameters, and safety checks.

natograph is read-only and never opens an outgoing connection, but Oxigraph executes SERVICE by
default; so every query goes through `guard()` first, which rejects SERVICE and any update
operation (LOAD, INSERT, ...) before the engine sees the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from natograph.errors import NatographError
from natograph.namespaces import PREFIXES

_HEADER = re.compile(r"^#\s*([a-z]+)\s*:\s*(.*)$")
# Strings, IRIs (with their \u escapes), comments (ended by CR or LF) and the escapes of prefixed
# names (ex:a\# is a name, not a comment), lexed the way Oxigraph lexes them (checked against
# 0.5.13): what is left is what the engine can read as keywords. A regular lexer cannot follow
# every context of a PEG parser (`?a<?b)SERVICE#>` is an IRI to a lexer, an operator, a keyword
# and a comment to the parser), so this check gives a clear early 403, and the query workers'
# own network isolation (executor.py) is what guarantees that no connection is ever made.
_STRINGS = (
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r"|'(?:[^'\\\n\r]|\\.)*'"
)
_IRI = r'<(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>'
SKIPPED = _STRINGS + "|" + _IRI + r"|#[^\n\r]*"
"""Strings, IRIs and comments, as Oxigraph lexes them: text in which no keyword or variable
occurs (a regular-expression source, for other tokenisers to build on)."""
_LEXEMES = re.compile(SKIPPED + r"|\\[_~.\-!$&'()*+,;=/?#@%]", re.DOTALL)
# Oxigraph reads `SERVICE:x` and `1.SERVICE` as the keyword, so only what makes the word part of
# a name (a letter or `_` before or after, `?`/`$` of a variable, `:` of ex:Service) rules a
# match out; a false alarm merely refuses the query.
_FORBIDDEN = re.compile(
    r"(?<![A-Za-z_?$:])(SERVICE|LOAD|INSERT|DELETE|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)"
    r"(?![A-Za-z0-9_])",
    re.IGNORECASE,
)
# A false FROM would empty the default graph, so digits before it rule a match out as well.
_FROM = re.compile(r"(?<![A-Za-z0-9_?$:])FROM(?![A-Za-z0-9_])", re.IGNORECASE)


def code(sparql: str) -> str:
    """The query with strings, IRIs and comments blanked: where keywords can occur."""
    return _LEXEMES.sub(" ", sparql)


def names_graphs(sparql: str) -> bool:
    """Whether the query has its own FROM / FROM NAMED (then the union default must not apply)."""
    return _FROM.search(code(sparql)) is not None


_OX_POSITION = re.compile(r"^error at (\d+):(\d+): ")


_CHAR_CLASS = re.compile(r"\[(?:[^\[\]]|\[[^\]]*\])*\.\.=(?:[^\[\]]|\[[^\]]*\])*\]", re.S)
"""A character class of the parser's grammar (`['A' ..= 'Z' | ...]`), unreadable for people."""


def syntax_message(err: SyntaxError) -> str:
    """Oxigraph's parser message, with its `error at L:C:` spelled out for people and its
    grammar's character classes (dozens of Unicode ranges) said in words."""
    text = str(err.msg if err.msg else err)
    text = _CHAR_CLASS.sub("a name or number", text)
    text = re.sub(r"(?:, a name or number)+", ", a name or number", text)
    text = re.sub(r", \[_\]", "", text)
    text = " ".join(text.split())
    match = _OX_POSITION.match(text)
    if match:
        line, column = match.groups()
        return f"SPARQL syntax error at line {line}, column {column}: {text[match.end() :]}"
    return f"SPARQL syntax error: {text}"


class QueryRejected(NatographError, ValueError):
    """A query natograph will not run; the message says why and what to do instead."""


@dataclass(frozen=True)
class Parameter:
    name: str
    datatype: str
    default: str | None
    description: str


@dataclass
class CompetencyQuestion:
    """One `queries/*.rq` file: the SPARQL text and its header (title, question, parameters)."""

    name: str
    text: str
    title: str = ""
    question: str = ""
    parameters: list[Parameter] = field(default_factory=list)

    @classmethod
    def from_file(cls, path: Path) -> CompetencyQuestion:
        text = path.read_text(encoding="utf-8")
        cq = cls(name=path.stem, text=text)
        for line in text.splitlines():
            match = _HEADER.match(line.strip())
            if not match:
                continue
            key, value = match.groups()
            if key == "title":
                cq.title = value
            elif key == "question":
                cq.question = (cq.question + " " + value).strip()
            elif key == "param":
                cq.parameters.append(_parameter(value))
        return cq

    def substitutions(self, given: dict[str, str]) -> dict[str, ox.NamedNode | ox.Literal]:
        """Typed values for the query's parameters: those given, else the declared defaults."""
        unknown = set(given) - {p.name for p in self.parameters}
        if unknown:
            names = ", ".join(p.name for p in self.parameters) or "none"
            raise QueryRejected(
                f"unknown parameter(s) {sorted(unknown)}; this query takes: {names}"
            )
        values: dict[str, ox.NamedNode | ox.Literal] = {}
        for p in self.parameters:
            raw = given.get(p.name, p.default)
            if raw is not None:
                values[p.name] = typed_value(raw, p.datatype)
        return values


def _parameter(spec: str) -> Parameter:
    """`date xsd:date 2014-10-16 -- the day to look at` (default optional)."""
    head, _, description = spec.partition("--")
    parts = head.split()
    if len(parts) < 2:
        raise QueryRejected(
            f"bad parameter declaration {spec!r}: expected `name datatype [default]`"
        )
    default = parts[2] if len(parts) > 2 else None
    return Parameter(parts[0], parts[1], default, description.strip())


def typed_value(raw: str, datatype: str) -> ox.NamedNode | ox.Literal:
    """Turn a parameter's text into an RDF term, checking its lexical form."""
    if datatype == "iri":
        return ox.NamedNode(expand(raw))
    prefix, _, local = datatype.partition(":")
    iri = PREFIXES.get(prefix, "") + local if prefix in PREFIXES else datatype
    if iri.endswith("#date") and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
        raise QueryRejected(f"parameter value {raw!r} is not a date: use YYYY-MM-DD")
    return ox.Literal(raw, datatype=ox.NamedNode(iri))


def expand(name: str) -> str:
    """A prefixed name (ngc:UKR) or a full IRI, as a full IRI."""
    if name.startswith("<") and name.endswith(">"):
        return name[1:-1]
    prefix, sep, local = name.partition(":")
    if sep and prefix in PREFIXES:
        return PREFIXES[prefix] + local
    return name


_PROLOGUE = re.compile(r"^\s*(?:(?:PREFIX\s+[^\s:]*:|BASE)\s*(?:<[^>]*>)?\s*)*", re.IGNORECASE)
_FORM = re.compile(r"^\s*(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)


def query_form(sparql: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE, read from the text (None if it is none of them).

    Known before running the query, so that content negotiation can answer 406 up front.
    """
    # Blank out comments and strings but keep IRIs (the prologue needs them, and '#' may
    # occur inside one).
    text = _LEXEMES.sub(_blank_comments_and_strings, sparql)
    prologue = _PROLOGUE.match(text)
    match = _FORM.match(text[prologue.end() if prologue else 0 :])
    return match.group(1).upper() if match else None


def _blank_comments_and_strings(match: re.Match[str]) -> str:
    token = match.group(0)
    if token.startswith("<"):
        return token
    return '""' if token[0] in "\"'" else " "


def guard(sparql: str) -> str:
    """Reject what a read-only, offline endpoint must not run; return the query unchanged."""
    match = _FORBIDDEN.search(code(sparql))
    if match:
        word = match.group(1).upper()
        if word == "SERVICE":
            raise QueryRejected(
                "SERVICE (federated query) is disabled: natograph never makes outgoing requests"
            )
        raise QueryRejected(f"{word} is a SPARQL Update operation; this graph is read-only")
    return sparql


def resolve(arg: str, queries_dir: Path) -> CompetencyQuestion:
    """A competency question by name or path, or an ad-hoc SPARQL string.

    The argument is a path only if it names an existing .rq file: SPARQL text is never handed to
    the file system as a name (a long inline query is not "File name too long")."""
    candidates = [Path(arg), queries_dir / arg, queries_dir / f"{arg}.rq"]
    for candidate in candidates:
        if candidate.suffix == ".rq" and _is_file(candidate):
            return CompetencyQuestion.from_file(candidate)
    if arg.endswith(".rq"):
        raise QueryRejected(f"no query file {arg!r} (looked in . and {queries_dir})")
    if re.fullmatch(r"[\w.-]+", arg):  # a name, not SPARQL text
        raise QueryRejected(
            f"no query named {arg!r} in {queries_dir}: `natograph queries` lists them "
            "(or give SPARQL text, or a .rq file)"
        )
    return CompetencyQuestion(name="<query>", text=arg)


def _is_file(path: Path) -> bool:
    """Whether `path` is a file, False for text no file system accepts as a name."""
    try:
        return path.is_file()
    except (OSError, ValueError):  # name too long, NUL byte
        return False


def competency_questions(queries_dir: Path) -> list[CompetencyQuestion]:
    return [CompetencyQuestion.from_file(p) for p in sorted(queries_dir.glob("*.rq"))]
