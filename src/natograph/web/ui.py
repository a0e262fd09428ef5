"""The query page at `/query`: YASGUI over the server's own /sparql, with the competency questions.

Everything the page needs is served from the package (`natograph/static/`, YASGUI vendored by
`scripts/vendor-yasgui.sh`): the page loads nothing from another origin, and its
Content-Security-Policy tells the browser to refuse anything that would.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import FileResponse, HTMLResponse

from natograph import __version__
from natograph.namespaces import PREFIXES
from natograph.query.text import (
    SKIPPED,
    CompetencyQuestion,
    Parameter,
    QueryRejected,
    expand,
    typed_value,
)
from natograph.settings import Settings
from natograph.web.pages import STATIC, environment, static_url
from natograph.web.served import ServedGraph

log = logging.getLogger("natograph.web")

YASGUI = STATIC / "vendor" / "yasgui"

# Long-lived caching is safe because every URL the page uses carries `?v=<content hash>`.
STATIC_CACHE = "public, max-age=31536000, immutable"
PAGE_CACHE = "no-cache"
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        # YASGUI and CodeMirror set style attributes and inject <style> rules at run time.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
_MEDIA_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".json": "application/json",
    "": "text/plain; charset=utf-8",  # LICENSE, VERSION
}

DEFAULT_QUERY_BODY = """\
# The partnership frameworks, with their English labels.
# Pick an example question from the list to open it in a new tab.
SELECT ?framework ?label
WHERE {
  ?framework a ngo:PartnershipFramework ;
             rdfs:label ?label .
  FILTER (LANGMATCHES(LANG(?label), "en"))
}
ORDER BY ?label
"""


ENV = environment()


# --- Examples: competency questions with their parameters written in ---------------------------
#
# A competency question may declare parameters (`# param: date xsd:date 2014-10-16 -- ...`). The
# CLI and tests run such a query with Oxigraph's substitutions, which replace the variable by the
# value *everywhere* in the query, before evaluation. A person in the editor needs a query that
# runs as it stands, with the same answer. Adding `VALUES ?date { ... }` (or a BIND) is not
# equivalent: SPARQL evaluates groups bottom-up, so an OPTIONAL { ... BIND(IF(EXISTS { ...
# FILTER(?x <= ?date) }) ...) } inside the query would still see ?date unbound (query 01 counts
# active partners that way), and a trailing VALUES is joined only after GROUP BY.
#
# So the example text does what the substitution does, on the tokens of the query (never inside
# strings, IRIs or comments): every `?date` or `$date` becomes the typed term,
# `"2014-10-16"^^xsd:date` or `ngc:UKR`; where a bare term is not allowed, it is wrapped: in the
# SELECT clause as `("2014-10-16"^^xsd:date AS ?date)`, so the answer still has its ?date
# column; in GROUP BY / ORDER BY as `("2014-10-16"^^xsd:date)`. A PREFIX line is added for a
# prefix the term uses that the query does not declare, and a comment before the query says
# which value was written in and that it can be edited. tests/test_ui.py checks that each such
# text gives exactly the rows of the query file run with its default substitutions.

# Strings, IRIs and comments are lexed as in the SERVICE check (sparql.SKIPPED), so both agree
# with Oxigraph on where code ends and text begins.
_TOKEN = re.compile(
    rf"(?P<skip>{SKIPPED})"
    r"|(?P<var>[?$][A-Za-z0-9_\u00b7\u00c0-\uffff]+)"
    r"|(?P<pname>(?:[A-Za-z][\w.-]*)?:[\w.%\\-]*)"  # prefixed names are never keywords
    r"|(?P<word>[A-Za-z_][A-Za-z0-9_-]*)"
    r"|(?P<open>[({])|(?P<close>[)}])"
)
_PREFIX_DECL = re.compile(r"PREFIX\s+([A-Za-z][\w.-]*)?\s*:", re.IGNORECASE)
_PNAME = re.compile(r"^([A-Za-z][\w.-]*)?:")


@dataclass(frozen=True)
class Example:
    """A competency question as the page offers it."""

    name: str
    title: str
    question: str
    query: str
    parameters: list[dict[str, str]]


def example(cq: CompetencyQuestion) -> Example:
    params = [p for p in cq.parameters if p.default is not None]
    try:
        query = with_defaults(cq)
    except QueryRejected as err:  # a bad default: offer the file as it is rather than fail
        log.warning("example %s: %s", cq.name, err)
        query = cq.text
    return Example(
        name=cq.name,
        title=cq.title or cq.name,
        question=cq.question,
        query=query,
        parameters=[
            {
                "name": p.name,
                "datatype": p.datatype,
                "value": p.default or "",
                "description": p.description,
            }
            for p in params
        ],
    )


def with_defaults(cq: CompetencyQuestion) -> str:
    """The query text with each parameter's default written in place of its variable."""
    params = [p for p in cq.parameters if p.default is not None]
    if not params:
        return cq.text
    terms = {p.name: _term(p) for p in params}
    body = _substitute(cq.text, terms)
    declared = {m.group(1) or "" for m in _PREFIX_DECL.finditer(_blank_skipped(body))}
    needed: list[str] = []
    for term in terms.values():
        for prefix in _prefixes_used(term):
            if prefix not in declared and prefix not in needed and prefix in PREFIXES:
                needed.append(prefix)
    notes = [
        f"# Parameter ?{p.name} ({p.datatype}): its default, {p.default}, is written below"
        f" wherever\n# ?{p.name} stood; edit it there to ask about another value."
        for p in params
    ]
    prologue = "".join(f"PREFIX {prefix}: <{PREFIXES[prefix]}>\n" for prefix in needed)
    start = _first_code_line(body)
    return body[:start] + "\n".join(notes) + "\n" + prologue + body[start:]


def _term(p: Parameter) -> str:
    """The parameter's default as SPARQL syntax (checked as typed_value checks it)."""
    raw = p.default or ""
    try:
        typed_value(raw, p.datatype)
    except (QueryRejected, ValueError) as err:
        raise QueryRejected(f"parameter {p.name}: default {raw!r} is not valid: {err}") from err
    if p.datatype == "iri":
        if raw.startswith("<") or (_PNAME.match(raw) and raw.split(":", 1)[0] in PREFIXES):
            return raw
        return f"<{expand(raw)}>"
    lexical = raw.replace("\\", "\\\\").replace('"', '\\"')
    if _PNAME.match(p.datatype) and p.datatype.split(":", 1)[0] in PREFIXES:
        return f'"{lexical}"^^{p.datatype}'
    return f'"{lexical}"^^<{p.datatype}>'


def _prefixes_used(term: str) -> list[str]:
    if term.startswith('"'):
        datatype = term.rsplit("^^", 1)[1]
        return [] if datatype.startswith("<") else [datatype.split(":", 1)[0]]
    return [] if term.startswith("<") else [term.split(":", 1)[0]]


def _substitute(text: str, terms: dict[str, str]) -> str:
    """Replace parameter variables by terms, token by token (see the comment above)."""
    out: list[str] = []
    last = 0
    depth = 0
    clause: str | None = None  # "select" or "modifier" (GROUP BY / ORDER BY)
    clause_depth = 0
    previous = ""
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        token = match.group()
        if kind == "skip":
            continue
        if kind == "open":
            if token == "{" and clause == "select":
                clause = None
            depth += 1
        elif kind == "close":
            depth -= 1
            if token == "}" and clause == "modifier" and depth < clause_depth:
                clause = None
        elif kind == "word":
            word = token.upper()
            if word == "SELECT":
                clause, clause_depth = "select", depth
            elif word in ("WHERE", "FROM") and clause == "select":
                clause = None
            elif word == "BY" and previous in ("GROUP", "ORDER"):
                clause, clause_depth = "modifier", depth
            elif word in ("HAVING", "LIMIT", "OFFSET", "VALUES") and clause == "modifier":
                clause = None
            previous = word
            continue
        elif kind == "var" and token[1:] in terms and previous != "AS":
            term = terms[token[1:]]
            at_top = depth == clause_depth
            if clause == "select" and at_top:
                replacement = f"({term} AS ?{token[1:]})"
            elif clause == "modifier" and at_top:
                replacement = f"({term})"
            else:
                replacement = term
            out.append(text[last : match.start()])
            out.append(replacement)
            last = match.end()
        previous = ""
    out.append(text[last:])
    return "".join(out)


def _blank_skipped(text: str) -> str:
    """The text with comments and strings blanked (IRIs kept), to look for PREFIX lines."""

    def blank(match: re.Match[str]) -> str:
        token = match.group()
        if match.lastgroup == "skip" and not token.startswith("<"):
            return " " * len(token)
        return token

    return _TOKEN.sub(blank, text)


def _first_code_line(text: str) -> int:
    """Offset of the first line that is neither blank nor a comment (where the query starts)."""
    offset = 0
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            return offset
        offset += len(line)
    return offset


# --- Static files ------------------------------------------------------------------------------


def vendored_version() -> dict[str, str]:
    """The `key: value` lines of static/vendor/yasgui/VERSION."""
    info: dict[str, str] = {}
    for line in (YASGUI / "VERSION").read_text(encoding="utf-8").splitlines():
        key, sep, value = line.partition(": ")
        if sep:
            info[key.strip()] = value.strip()
    return info


def _static_file(path: str) -> Path:
    """The file under STATIC that `path` names, refusing anything outside it or hidden."""
    if not path or any(part.startswith(".") or part == "" for part in path.split("/")):
        raise HTTPException(404, "Not found")
    candidate = (STATIC / path).resolve()
    if not candidate.is_relative_to(STATIC) or not candidate.is_file():
        raise HTTPException(404, "Not found")
    if candidate.suffix not in _MEDIA_TYPES:
        raise HTTPException(404, "Not found")
    return candidate


# --- The page ----------------------------------------------------------------------------------


def default_query() -> str:
    prologue = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
    return prologue + "\n" + DEFAULT_QUERY_BODY


def page_context(
    examples: list[Example], endpoint_url: str, triples: int, graphs: int
) -> dict[str, Any]:
    yasgui = vendored_version()
    return {
        "version": __version__,
        "endpoint_url": endpoint_url,
        "examples": examples,
        "triples": triples,
        "graphs": graphs,
        "yasgui": yasgui,
        "static": static_url,
        "config": {
            "endpoint": "sparql",
            "prefixes": PREFIXES,
            "defaultQuery": default_query(),
            "examples": [{"name": e.name, "title": e.title, "query": e.query} for e in examples],
        },
    }


def render_page(context: dict[str, Any]) -> str:
    return ENV.get_template("index.html").render(context)


def ui_router(served: ServedGraph, settings: Settings) -> APIRouter:
    """The query page at `/query` and the static files it uses at `/static/...`.

    `settings` is taken for the same signature as `sparql_router`; the page needs none yet.
    """
    router = APIRouter()
    examples = [example(cq) for cq in served.examples]
    triples = sum(served.graphs.values())

    @router.get("/query", response_class=HTMLResponse, summary="Query page (YASGUI and examples)")
    async def index(request: Request) -> Response:
        endpoint_url = str(request.base_url) + "sparql"
        html = render_page(page_context(examples, endpoint_url, triples, len(served.graphs)))
        return HTMLResponse(
            html,
            headers={
                "Cache-Control": PAGE_CACHE,
                "Content-Security-Policy": CONTENT_SECURITY_POLICY,
                "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "no-referrer",
            },
        )

    @router.get("/static/{path:path}", include_in_schema=False)
    async def static(path: str) -> Response:
        file = _static_file(path)
        return FileResponse(
            file,
            media_type=_MEDIA_TYPES[file.suffix],
            headers={"Cache-Control": STATIC_CACHE, "X-Content-Type-Options": "nosniff"},
        )

    return router
