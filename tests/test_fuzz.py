"""Fuzzing the endpoint: whatever arrives, the answer is a 4xx, a 2xx/3xx or a documented 503.

Random bytes and text as the query (GET, form POST, direct POST), random Accept and Content-Type
headers, and valid queries (queries/*.rq and a few simple ones) mangled by random edits. No
request may get a 5xx other than 503 (saturation or timeout), hang, show a stack trace, or make
the server open a connection (mutations splice in SERVICE clauses aimed at a local listener,
along with the characters that confuse a keyword check: comment and string openers, escapes).

Bounded: about 150 examples in all, each request given at most REQUEST_TIMEOUT seconds.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_from_bytes

import httpx
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from listener import Listener

ROOT = Path(__file__).resolve().parents[1]
REQUEST_TIMEOUT = 20.0
"""Seconds a request may take: the 2 s query limit plus replacing a killed worker, with room."""
TRACE_MARKERS = ("Traceback", 'File "')
DOCUMENTED_503 = ("busy", "limit")
"""Saturation and timeouts; a worker that died ("stopped unexpectedly") is a bug to report."""
SCALE = float(os.environ.get("NATOGRAPH_FUZZ_SCALE", "1"))
"""Multiplies every test's number of examples, for a deeper run: NATOGRAPH_FUZZ_SCALE=10."""

FUZZ = settings(
    deadline=None,
    database=None,  # nothing replays from disk: a failure prints its example and blob
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def examples(count: int) -> int:
    return max(1, round(count * SCALE))


# ---------------------------------------------------------------- the checks


@pytest.fixture(scope="module")
def trap() -> Iterator[Listener]:
    listener = Listener(lifetime=600)
    yield listener
    time.sleep(0.3)  # let a late connection arrive before the last look
    listener.close()
    assert listener.connections == [], f"the server connected to {listener.connections}"


def send(call: Callable[..., httpx.Response], *args: Any, **kwargs: Any) -> httpx.Response:
    """Make one request, failing (not hanging) if it takes longer than REQUEST_TIMEOUT.

    The in-process client ignores timeouts, so the request runs in a daemon thread we stop
    waiting for.
    """
    box: list[httpx.Response | BaseException] = []

    def run() -> None:
        try:
            box.append(call(*args, **kwargs))
        except BaseException as err:  # handed to the test below
            box.append(err)

    thread = threading.Thread(target=run, daemon=True, name="fuzz-request")
    thread.start()
    thread.join(REQUEST_TIMEOUT)
    assert box, f"no answer within {REQUEST_TIMEOUT} s: {args} {kwargs}"
    if isinstance(box[0], BaseException):
        raise box[0]
    return box[0]


def check(response: httpx.Response) -> None:
    request = f"{response.request.method} {str(response.request.url)[:300]}"
    status = response.status_code
    event(f"status {status}")  # see --hypothesis-show-statistics
    assert status < 500 or status == 503, (request, status, response.text[:500])
    if status == 503:
        assert any(word in response.text for word in DOCUMENTED_503), response.text
    for marker in TRACE_MARKERS:
        assert marker not in response.text, (request, response.text[:2000])


def ask(client: TestClient, how: str, query: bytes) -> None:
    """Send `query` (raw bytes: it need not be UTF-8) the way `how` says, and check the answer."""
    if how == "get":
        response = send(client.get, "/sparql?query=" + quote_from_bytes(query))
    elif how == "form":
        body = ("query=" + quote_from_bytes(query)).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        response = send(client.post, "/sparql", content=body, headers=headers)
    else:
        headers = {"Content-Type": "application/sparql-query"}
        response = send(client.post, "/sparql", content=query, headers=headers)
    check(response)


HOW = st.sampled_from(["get", "form", "direct"])

# ---------------------------------------------------------------- (a) random input


@settings(FUZZ, max_examples=examples(35))
@given(how=HOW, query=st.binary(max_size=300))
def test_random_bytes_as_query(client: TestClient, how: str, query: bytes) -> None:
    ask(client, how, query)


SPARQL_CHARS = "{}()<>[]\"'#?$.;,:*/\\|^!=&+-_@ \t\r\n\u00a0aAsSeElLcCtT0123456789"

TEXT = st.one_of(
    st.text(st.characters(codec="utf-8"), max_size=300),
    st.text(st.sampled_from(SPARQL_CHARS), max_size=300),
)


@settings(FUZZ, max_examples=examples(35))
@given(how=HOW, query=TEXT)
def test_random_text_as_query(client: TestClient, how: str, query: str) -> None:
    ask(client, how, query.encode("utf-8"))


HEADER_TEXT = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=80)
MEDIA_PIECES = [
    "*/*",
    "text/*",
    "application/sparql-results+json",
    "application/sparql-query",
    "application/x-www-form-urlencoded",
    "application/sparql-update",
    "text/turtle",
    "text/csv",
    "application/ld+json",
    "image/png",
    ";q=0",
    ";q=0.5",
    ";q=abc",
    ";q=-1",
    ";q=1e9",
    "; charset=utf-8",
    "; charset=latin-1",
    ';charset="UTF-8"',
    ",",
    ";",
    "=",
    "/",
    "",
]
HEADER = st.one_of(
    HEADER_TEXT,
    st.lists(st.sampled_from(MEDIA_PIECES), max_size=6).map("".join),
)
CONTENT_TYPES = [
    "application/sparql-query",
    "application/x-www-form-urlencoded",
    "application/sparql-query; charset=UTF-8",
    "Application/X-WWW-Form-Urlencoded;charset=utf8",
]
VALID = ["SELECT ?s WHERE { ?s a ngo:AlliedCountry } LIMIT 2", "ASK { ?s ?p ?o }"]
VALID += ["CONSTRUCT WHERE { ngc:MKD rdfs:label ?l }", "DESCRIBE ngc:MKD"]


@settings(FUZZ, max_examples=examples(30))
@given(
    how=HOW,
    query=st.sampled_from(VALID),
    accept=HEADER,
    content_type=st.one_of(st.sampled_from(CONTENT_TYPES), HEADER),
)
def test_random_headers(
    client: TestClient, how: str, query: str, accept: str, content_type: str
) -> None:
    headers = {"Accept": accept}
    if how == "get":
        response = send(client.get, "/sparql", params={"query": query}, headers=headers)
    else:
        form = "query=" + quote_from_bytes(query.encode())
        body = query.encode() if how == "direct" else form.encode()
        headers["Content-Type"] = content_type
        response = send(client.post, "/sparql", content=body, headers=headers)
    check(response)


# ---------------------------------------------------------------- (b) mutated valid queries


SEEDS = [path.read_text(encoding="utf-8") for path in sorted((ROOT / "queries").glob("*.rq"))]
SEEDS += [
    *VALID,
    "SELECT (COUNT(?c) AS ?n) WHERE { ?c a ngo:AlliedCountry }",
    'SELECT ?l WHERE { ngc:MKD rdfs:label ?l FILTER (LANG(?l) = "en") }',
    "SELECT * FROM <https://w3id.org/natograph/graph/ontology> WHERE { ?s ?p ?o } LIMIT 3",
]
KEYWORDS = [
    "SELECT",
    "ASK",
    "CONSTRUCT",
    "DESCRIBE",
    "WHERE",
    "FROM",
    "FROM NAMED",
    "OPTIONAL",
    "UNION",
    "MINUS",
    "FILTER",
    "GRAPH",
    "BIND",
    "VALUES",
    "LIMIT",
    "OFFSET",
    "ORDER BY",
    "GROUP BY",
    "DISTINCT",
    "SERVICE",
    "SERVICE SILENT",
    "PREFIX",
    "BASE",
    "INSERT",
    "LOAD",
    "a",
]
PIECES = [
    "#",
    "\r",
    "\n",
    '"',
    "'",
    '"""',
    "<",
    ">",
    "\\u0041",
    "\\#",
    "\\'",
    "\u00a0",
    "{",
    "}",
    "(",
    ")",
    ".",
    ";",
    ",",
    "?x",
    "*",
    " LIMIT 1 ",
    " SERVICE <{trap}/sparql> { ?s ?p ?o } ",
    " SERVICE:s { ?s ?p ?o } ",
    " FROM <{trap}/g.ttl> ",
    "PREFIX : <{trap}/> ",
    " BIND(<http://x/\\u0041#> AS ?z) ",
    " GRAPH ?g { ?s ?p ?o } ",
]
_KEYWORD = re.compile(r"\b(?:" + "|".join(k for k in KEYWORDS if " " not in k) + r")\b")
_TOKEN = re.compile(r"\S+")


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """A seed query after one to four random edits of characters, tokens or keywords."""
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 4))):
        edit = draw(st.sampled_from(EDITS))
        text = edit(draw, text)
    return text


def _at(draw: st.DrawFn, text: str) -> int:
    return draw(st.integers(0, len(text)))


def _delete(draw: st.DrawFn, text: str) -> str:
    i = _at(draw, text)
    return text[:i] + text[i + draw(st.integers(1, 12)) :]


def _insert(draw: st.DrawFn, text: str) -> str:
    i = _at(draw, text)
    piece = draw(st.one_of(st.sampled_from(PIECES), st.text(st.sampled_from(SPARQL_CHARS))))
    return text[:i] + piece + text[i:]


def _duplicate(draw: st.DrawFn, text: str) -> str:
    i = _at(draw, text)
    j = min(len(text), i + draw(st.integers(1, 40)))
    return text[:j] + text[i:j] + text[j:]


def _truncate(draw: st.DrawFn, text: str) -> str:
    return text[: _at(draw, text)]


def _token_edit(draw: st.DrawFn, text: str) -> str:
    tokens = [m.span() for m in _TOKEN.finditer(text)]
    if len(tokens) < 2:
        return text
    a, b = sorted(draw(st.lists(st.sampled_from(tokens), min_size=2, max_size=2, unique=True)))
    first, second = text[a[0] : a[1]], text[b[0] : b[1]]
    how = draw(st.sampled_from(["delete", "duplicate", "swap"]))
    if how == "delete":
        return text[: a[0]] + text[a[1] :]
    if how == "duplicate":
        return text[: a[1]] + " " + first + text[a[1] :]
    return text[: a[0]] + second + text[a[1] : b[0]] + first + text[b[1] :]


def _swap_keyword(draw: st.DrawFn, text: str) -> str:
    spots = [m.span() for m in _KEYWORD.finditer(text)]
    if not spots:
        return text
    start, end = draw(st.sampled_from(spots))
    return text[:start] + draw(st.sampled_from(KEYWORDS)) + text[end:]


EDITS = [_delete, _insert, _duplicate, _truncate, _token_edit, _swap_keyword]


@settings(FUZZ, max_examples=examples(50))
@given(how=HOW, query=mutated())
def test_mutated_queries(client: TestClient, trap: Listener, how: str, query: str) -> None:
    ask(client, how, query.replace("{trap}", trap.url).encode("utf-8"))
    assert trap.connections == [], f"{query!r} made the server connect to the trap"


# ---------------------------------------------------------------- (c) dereferencing: paths, headers

SEGMENTS = st.one_of(
    st.sampled_from(
        [
            *("id", "country", "UKR", "ontology", "Country", "graph", "data", "membership"),
            *(
                "..",
                ".",
                "",
                "%2F",
                "%2e%2e",
                "%00",
                "%ZZ",
                "%E2%82%AC",
                "%FF",
                "<b>",
                "a b",
                "'\"",
            ),
        ]
    ),
    st.text(st.characters(min_codepoint=33, max_codepoint=0x2FFF), max_size=12),
)
EXTENSIONS = st.sampled_from(["", ".html", ".ttl", ".jsonld", ".nt", ".rdf", ".trig", ".x"])
QUERY_STRINGS = st.sampled_from(["", "?lang=fr", "?lang=xx", "?inferred=false", "?inferred=2"])


@settings(FUZZ, max_examples=examples(60))
@given(
    segments=st.lists(SEGMENTS, min_size=0, max_size=5),
    extension=EXTENSIONS,
    query=QUERY_STRINGS,
    accept=HEADER,
    language=HEADER,
)
def test_random_paths_and_headers_on_iris(
    client: TestClient, segments: list[str], extension: str, query: str, accept: str, language: str
) -> None:
    """Any path under the namespace, with any Accept and Accept-Language: never a 5xx or a trace."""
    # The client percent-encodes what HTTP cannot carry raw; "//x" would read as a host name.
    path = "/" + "/".join(quote(s, safe="%:@!$&'()*+,;=") for s in segments) + extension + query
    path = "/id" + path if path.startswith("//") else path
    headers = {"Accept": accept, "Accept-Language": language}
    response = send(client.get, path, headers=headers, follow_redirects=False)
    check(response)
