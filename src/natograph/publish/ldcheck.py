"""The linked-data checker: does every IRI of the graph dereference as a consumer expects?

For each IRI under the base, and each document format, it asks the server for the IRI's path
with that format's media type and checks what a linked-data client relies on: a 303 See Other
with `Vary: Accept` to the document of that format; a 200 with the right media type there; RDF
that parses and actually says something about the requested IRI (as subject, or for a version IRI
or a named graph, at all); HTML that parses, has one h1, a language and the IRI on the page.

It talks to any client with httpx's `get(url, headers=..., follow_redirects=...)` (httpx.Client
for a running server, Starlette's TestClient in the tests), so `natograph ldcheck URL` checks a
deployment with the same code the test suite runs.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any, Protocol
from urllib.parse import urlencode, urljoin

import pyoxigraph as ox

from natograph.publish.documents import FORMATS, DocumentFormat, split_document
from natograph.publish.jsonld import PYLD_LOCK
from natograph.store import GraphStore, select

_RDF_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/trig": ox.RdfFormat.TRIG,
}


class HttpResponse(Protocol):
    status_code: int
    headers: Any
    content: bytes

    @property
    def text(self) -> str: ...


class HttpClient(Protocol):
    def get(self, url: str, *, headers: dict[str, str], follow_redirects: bool) -> Any: ...


@dataclass(frozen=True)
class Failure:
    iri: str
    format: str
    message: str

    def __str__(self) -> str:
        return f"{self.iri} [{self.format}]: {self.message}"


def iris_query(base: str) -> str:
    """SPARQL for every IRI under `base` in any position of any graph, and the graphs' names."""
    return (
        "SELECT DISTINCT ?x WHERE { { GRAPH ?x { ?s ?p ?o } } "
        "UNION { GRAPH ?g { { ?x ?p ?o } UNION { ?s ?x ?o } UNION { ?s ?p ?x } } }"
        f" FILTER(isIRI(?x) && STRSTARTS(STR(?x), {json.dumps(base)})) }}"
    )


def iris_in_graph(store: GraphStore, base: str) -> list[str]:
    """The IRIs to check, from a store."""
    result = select(store, iris_query(base))
    return sorted(row[0].value for row in result)


def iris_from_endpoint(client: HttpClient, server: str, base: str) -> list[str]:
    """The IRIs to check, asked of the server's own SPARQL endpoint (for a deployed server)."""
    response = client.get(
        server + "sparql?" + urlencode({"query": iris_query(base)}),
        headers={"Accept": "application/sparql-results+json"},
        follow_redirects=False,
    )
    if response.status_code != 200:
        raise ValueError(f"{server}sparql answered {response.status_code}: {response.text[:200]}")
    bindings = response.json()["results"]["bindings"]
    return sorted(row["x"]["value"] for row in bindings)


def check(
    client: HttpClient,
    server: str,
    base: str,
    iris: Iterable[str],
    formats: Iterable[DocumentFormat] = FORMATS,
    on_progress: Callable[[str], None] | None = None,
) -> list[Failure]:
    """Check each IRI in each format against the server at `server` (URL ending in `/`)."""
    failures: list[Failure] = []
    chosen = list(formats)
    for iri in iris:
        for fmt in chosen:
            failures.extend(check_one(client, server, base, iri, fmt))
        if on_progress is not None:
            on_progress(iri)
    return failures


def check_one(
    client: HttpClient, server: str, base: str, iri: str, fmt: DocumentFormat
) -> Iterator[Failure]:
    def fail(message: str) -> Failure:
        return Failure(iri, fmt.label.split(" ")[0], message)

    if not iri.startswith(base):
        yield fail(f"not under the base {base}")
        return
    path = iri[len(base) :]
    if split_document(path)[1] is not None:
        yield fail("the IRI ends in a document extension, so it cannot be told from a document")
        return
    url = server + path
    first = client.get(url, headers={"Accept": fmt.media_type}, follow_redirects=False)
    if path == "" and fmt.extension == ".html":
        document_url = url  # the landing page answers at the namespace root itself
        second = first
    else:
        if first.status_code != 303:
            yield fail(f"GET {url} answered {first.status_code}, expected 303 See Other")
            return
        if "accept" not in first.headers.get("vary", "").lower():
            yield fail("the 303 does not say `Vary: Accept`")
        location = first.headers.get("location", "")
        document_url = urljoin(url, location)
        expected = (server + (path or "dataset")) + fmt.extension
        if document_url.split("?")[0] != expected:
            yield fail(f"303 to {document_url}, expected {expected}")
        second = client.get(
            document_url, headers={"Accept": fmt.media_type}, follow_redirects=False
        )
    if second.status_code != 200:
        yield fail(f"GET {document_url} answered {second.status_code}, expected 200")
        return
    media_type = second.headers.get("content-type", "").split(";")[0].strip()
    if media_type != fmt.media_type:
        yield fail(f"{document_url} is {media_type or 'untyped'}, expected {fmt.media_type}")
        return
    if fmt.rdf:
        yield from (fail(m) for m in _check_rdf(client, second, fmt, iri, document_url))
    else:
        yield from (fail(m) for m in _check_html(second.text, iri))


def _check_rdf(
    client: HttpClient, response: HttpResponse, fmt: DocumentFormat, iri: str, url: str
) -> Iterator[str]:
    try:
        triples = _parse(client, response, fmt, url)
    except (SyntaxError, ValueError) as err:
        yield f"{fmt.media_type} does not parse: {err}"
        return
    node = ox.NamedNode(iri)
    if not any(t.subject == node for t in triples) and not any(
        node in (t.predicate, t.object) for t in triples
    ):
        yield f"the {len(triples)} triples returned never mention {iri}"
    elif not any(t.subject == node for t in triples) and not _special(iri, triples):
        yield f"nothing in the document is said about {iri} (it is never a subject)"


def _special(iri: str, triples: list[ox.Triple]) -> bool:
    """Version IRIs are described through the ontology they name (as an object of versionIRI)."""
    return any(
        t.predicate.value == "http://www.w3.org/2002/07/owl#versionIRI"
        and t.object == ox.NamedNode(iri)
        for t in triples
    )


def _parse(
    client: HttpClient, response: HttpResponse, fmt: DocumentFormat, url: str
) -> list[ox.Triple]:
    if fmt.media_type == "application/ld+json":
        return _parse_jsonld(client, response.content, url)
    quads = ox.parse(response.content, format=_RDF_FORMATS[fmt.media_type], base_iri=url)
    return [ox.Triple(q.subject, q.predicate, q.object) for q in quads]


def _parse_jsonld(client: HttpClient, body: bytes, url: str) -> list[ox.Triple]:
    """JSON-LD through pyld, fetching remote contexts with the same client (no other network)."""
    from pyld import jsonld

    def loader(context_url: str, _options: dict[str, Any]) -> dict[str, Any]:
        answer = client.get(
            context_url, headers={"Accept": "application/ld+json"}, follow_redirects=True
        )
        if answer.status_code != 200:
            raise ValueError(f"context {context_url} answered {answer.status_code}")
        return {"contextUrl": None, "documentUrl": context_url, "document": answer.json()}

    try:
        document = json.loads(body)
        with PYLD_LOCK:  # pyld's caches are process-wide; a server may share the process
            nquads = jsonld.to_rdf(
                document, {"base": url, "format": "application/n-quads", "documentLoader": loader}
            )
    except (json.JSONDecodeError, jsonld.JsonLdError) as err:
        raise ValueError(_cause(err)) from err
    quads = ox.parse(nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    return [ox.Triple(q.subject, q.predicate, q.object) for q in quads]


class _PageCheck(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.lang: str | None = None
        self.h1 = 0
        self.ids: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "html":
            self.lang = attributes.get("lang")
        if tag == "h1":
            self.h1 += 1
        if attributes.get("id"):
            self.ids.append(str(attributes["id"]))
        for value in attributes.values():
            if value:
                self.text.append(value)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _check_html(html: str, iri: str) -> Iterator[str]:
    page = _PageCheck()
    page.feed(html)
    page.close()
    if not page.lang:
        yield "the HTML page has no <html lang>"
    if page.h1 != 1:
        yield f"the HTML page has {page.h1} h1 elements, expected 1"
    if len(page.ids) != len(set(page.ids)):
        yield "the HTML page repeats an id"
    if iri not in "".join(page.text) and not iri.endswith("/"):
        yield f"the HTML page never shows the IRI {iri}"


def _cause(err: BaseException) -> str:
    """pyld wraps the error that matters several levels deep: name each level."""
    parts: list[str] = []
    current: BaseException | None = err
    while current is not None and len(parts) < 6:
        parts.append(str(getattr(current, "message", None) or current).strip())
        current = getattr(current, "cause", None) or current.__cause__
    return " <- ".join(parts)
