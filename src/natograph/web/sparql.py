"""The SPARQL 1.1 Protocol endpoint (query operation), read-only and safe by default.

This module is the HTTP side only (parameters, media types, caching, status codes); what a query
is and how it runs is natograph.query's (text, dataset, executor), shared with the CLI.

Every failure maps to the 4xx code the Protocol prescribes, with a plain-text message a person can
act on: malformed queries 400 (with the parser's line and column), update requests 403 (this
service is read-only), unsupported request media types 415, unacceptable result types 406 (listing
what is offered), oversized requests 413/414. Saturation and timeouts answer 503, never 500.

Where the Protocol leaves a choice to the service: relative IRIs in a query resolve against the
endpoint's URL, and the dataset is the one default-graph-uri / named-graph-uri give (exactly that,
overriding the query's FROM / FROM NAMED), else the query's own, else the union of the named
graphs. docs/conformance.md reports the W3C test suites' results.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from dataclasses import dataclass
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import unquote_to_bytes

import pyoxigraph as ox
from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from natograph.errors import NatographError
from natograph.publish import coverage
from natograph.publish.negotiate import choose
from natograph.query import dataset as query_dataset
from natograph.query.executor import (
    Job,
    Outcome,
)
from natograph.query.formats import FORMAT_NAMES, GRAPH_FORMAT_NAMES, GRAPH_TYPES, SELECT_TYPES
from natograph.query.text import QueryRejected, guard, query_form
from natograph.settings import Settings
from natograph.web import errors
from natograph.web.caching import SizedLRU
from natograph.web.conditional import none_match
from natograph.web.description import service_description
from natograph.web.errors import ProtocolError
from natograph.web.http import READ_TIMEOUT_FLAG
from natograph.web.rdf import content_type, rdf_response
from natograph.web.served import ServedGraph

log = logging.getLogger("natograph.web")

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"


class ClientGone(Exception):
    """The client closed the connection before its request was complete: nobody to answer."""


@dataclass(frozen=True)
class QueryRequest:
    query: str
    default_graphs: tuple[str, ...] | None
    named_graphs: tuple[str, ...] | None
    params: tuple[tuple[str, str], ...]


def sparql_router(served: ServedGraph, settings: Settings, path: str = "/sparql") -> APIRouter:
    """A reusable router for the Protocol's query operation at `path`."""
    router = APIRouter()
    cache: SizedLRU[str, Outcome] = SizedLRU(
        settings.result_cache_mb * 1_000_000, lambda outcome: len(outcome.body)
    )

    async def handle(request: Request) -> Response:
        try:
            parsed = await _read_request(request, settings)
            if parsed is None:
                return _describe_service(request, served)
            return await _answer(request, parsed, served, settings, cache)
        except NatographError as err:  # ProtocolError, and the executor's typed failures
            return errors.response(err)
        except ClientGone as gone:
            # Routine on a public endpoint: one line, no trace, and no answer to write.
            timeout = request.scope.get(READ_TIMEOUT_FLAG)
            why = f"body not sent within {timeout:g} s" if timeout else "client closed it"
            log.info(
                "%s %s from %s abandoned: %s, %s",
                request.method,
                request.url.path,
                _client(request),
                why,
                gone,
            )
            return Response(status_code=400)

    # One route per method: a single GET+POST route gives both the same OpenAPI operation id.
    for method in ("GET", "POST"):
        router.add_api_route(
            path,
            handle,
            methods=[method],
            name=f"sparql_query_{method.lower()}",
            include_in_schema=True,
            summary=f"SPARQL 1.1 Protocol query endpoint ({method})",
            response_class=Response,
        )
    return router


async def _read_request(request: Request, settings: Settings) -> QueryRequest | None:
    """Parse either form of request into one shape; None means "describe the service"."""
    url_params = _decode_params(request.scope.get("query_string", b""), "query string")
    if request.method == "GET":
        params = url_params
        if not params:
            return None
        _check_length(params, settings, status=414)
    else:
        params = url_params + await _post_params(request, settings)
    names = [name for name, _ in params]
    if "update" in names or "using-graph-uri" in names or "using-named-graph-uri" in names:
        raise ProtocolError(403, "This endpoint is read-only: SPARQL Update is not accepted.")
    queries = [value for name, value in params if name == "query"]
    if not queries:
        raise ProtocolError(400, "Missing the `query` parameter (one SPARQL query per request).")
    if len(queries) > 1:
        raise ProtocolError(400, f"{len(queries)} `query` parameters given; send exactly one.")
    default = _graph_iris(params, "default-graph-uri")
    named = _graph_iris(params, "named-graph-uri")
    return QueryRequest(queries[0], default, named, tuple(params))


def _graph_iris(params: list[tuple[str, str]], name: str) -> tuple[str, ...] | None:
    """The graphs a protocol parameter names, checked here: a bad IRI is the client's error (400),
    and must not reach a worker, whose store would refuse it."""
    values = tuple(value for key, value in params if key == name)
    for value in values:
        if not _is_iri(value):
            raise ProtocolError(400, f"{name}={value!r} is not an absolute IRI.")
    return values or None


@functools.lru_cache(maxsize=1024)
def _is_iri(text: str) -> bool:
    """Whether Oxigraph takes `text` as an IRI (remembered: the endpoint's own URL is checked on
    every request, and building the IRI costs more than the rest of a cached answer)."""
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


async def _post_params(request: Request, settings: Settings) -> list[tuple[str, str]]:
    raw_type = request.headers.get("content-type")
    if not raw_type:
        raise ProtocolError(
            400,
            f"A POST needs a Content-Type: {FORM} or {QUERY}.",
        )
    media_type, _, options = raw_type.partition(";")
    media_type = media_type.strip().lower()
    charset = _charset(options)
    if media_type == UPDATE:
        raise ProtocolError(403, "This endpoint is read-only: SPARQL Update is not accepted.")
    if media_type not in (FORM, QUERY):
        raise ProtocolError(
            415, f"Unsupported Content-Type {media_type!r}: send {FORM} or {QUERY}."
        )
    if charset not in (None, "utf-8", "utf8"):
        raise ProtocolError(415, f"Unsupported charset {charset!r}: SPARQL requests are UTF-8.")
    body = await _read_body(request, settings.max_body)
    if media_type == QUERY:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as err:
            raise ProtocolError(
                400, f"The request body is not valid UTF-8 (byte {err.start}); encode it as UTF-8."
            ) from err
        if len(text) > settings.max_query_length:
            raise _too_long(len(text), settings, 413)
        return [("query", text)]
    params = _decode_params(body, "request body")
    _check_length(params, settings, status=413)
    return params


def _decode_params(raw: bytes, where: str) -> list[tuple[str, str]]:
    """Form-encoded parameters, with one rule for the query string and a form body: the bytes,
    raw or percent-encoded, must be UTF-8 (a replacement character would change the query)."""
    pairs = []
    for field in raw.split(b"&"):
        if not field:
            continue
        name, _, value = field.partition(b"=")
        try:
            pairs.append((_form_decode(name), _form_decode(value)))
        except UnicodeDecodeError as err:
            shown = unquote_to_bytes(name.replace(b"+", b" ")).decode("utf-8", "replace")
            raise ProtocolError(
                400,
                f"The {where} is not valid UTF-8 once percent-decoded (parameter {shown!r}, "
                f"byte {err.start}): percent-encode the UTF-8 bytes of the text.",
            ) from err
    return pairs


def _form_decode(part: bytes) -> str:
    return unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")


def _charset(options: str) -> str | None:
    for option in options.split(";"):
        name, _, value = option.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"').lower()
    return None


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise ProtocolError(
            413, f"Request body of {declared} bytes exceeds the {limit}-byte limit."
        )
    chunks, size = [], 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise ProtocolError(413, f"Request body exceeds the {limit}-byte limit.")
            chunks.append(chunk)
    except ClientDisconnect:
        raise ClientGone(f"received {size} bytes of the body") from None
    return b"".join(chunks)


def _check_length(params: list[tuple[str, str]], settings: Settings, status: int) -> None:
    for name, value in params:
        if name == "query" and len(value) > settings.max_query_length:
            raise _too_long(len(value), settings, status)


def _too_long(length: int, settings: Settings, status: int) -> ProtocolError:
    hint = " (send long queries by POST)" if status == 414 else ""
    return ProtocolError(
        status,
        f"Query of {length} characters exceeds the {settings.max_query_length}-character limit"
        f"{hint}.",
    )


def _endpoint(request: Request) -> str:
    """The URL the client used, without its query, remembered per scheme, Host, server and path
    (what Starlette builds it from; the Host header is the client's, so the memo is bounded)."""
    scope = request.scope
    host = next((v for k, v in scope["headers"] if k == b"host"), b"")
    server = tuple(scope.get("server") or ())
    key = (scope.get("scheme"), host, server, scope.get("root_path"), scope["path"])
    found = _ENDPOINTS.get(key)
    if found is None:
        found = str(request.url.replace(query="", fragment=""))
        if len(_ENDPOINTS) >= 1024:
            _ENDPOINTS.clear()
        _ENDPOINTS[key] = found
    return found


_ENDPOINTS: dict[tuple[object, ...], str] = {}


def _describe_service(request: Request, served: ServedGraph) -> Response:
    description = service_description(served, _endpoint(request))
    return rdf_response(request, description, "the service description")


def _choose(request: Request, what: str, offered: list[str]) -> str:
    """The offered media type the Accept header prefers; 406 listing the offer if none fits."""
    chosen = choose(request.headers.get("accept"), offered)
    if chosen is None:
        raise ProtocolError(
            406,
            f"None of the accepted media types can carry {what}. Offered: " + ", ".join(offered),
        )
    return chosen


def _negotiate(request: Request, form: str, params: tuple[tuple[str, str], ...]) -> str:
    """The result's media type: the `format` parameter (a short name or a media type) if given,
    else the Accept header."""
    tabular = form in ("SELECT", "ASK")
    offered = list(SELECT_TYPES if tabular else GRAPH_TYPES)
    names = FORMAT_NAMES if tabular else GRAPH_FORMAT_NAMES
    requested = [v for n, v in params if n == "format"]
    if requested:
        media_type = names.get(requested[0].lower(), requested[0].lower())
        if media_type not in offered:
            listed = ", ".join(names)
            raise ProtocolError(400, f"format={requested[0]!r} is not offered for {form}: {listed}")
        return media_type
    return _choose(request, f"a {form} result", offered)


def _dataset(parsed: QueryRequest, served: ServedGraph) -> query_dataset.QueryDataset:
    """The request's dataset, by the one rule natograph.query.dataset states."""
    inferred = [v.lower() for n, v in parsed.params if n == "inferred"]
    return query_dataset.choose(
        parsed.query,
        list(served.graphs),
        default_graphs=parsed.default_graphs,
        named_graphs=parsed.named_graphs,
        inferred=not (inferred and inferred[0] in ("false", "0", "no")),
    )


def _base_iri(request: Request, settings: Settings) -> str:
    """The base IRI relative references in a query resolve against.

    SPARQL 1.1 Protocol: the service defines it, and it "MAY be the service endpoint"; that is the
    URL the client used, unless that is no valid IRI (an odd Host header), then the permanent one.
    """
    endpoint = _endpoint(request)
    return endpoint if _is_iri(endpoint) else settings.base_iri + "sparql"


def _job(request: Request, parsed: QueryRequest, served: ServedGraph, settings: Settings) -> Job:
    """Check the query (guard, form, negotiation) and turn the request into a worker's job."""
    try:
        guard(parsed.query)
    except QueryRejected as err:
        raise ProtocolError(403, str(err)) from err
    form = query_form(parsed.query)
    if form is None:
        raise ProtocolError(
            400,
            "Not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE after the prologue.",
        )
    media_type = _negotiate(request, form, parsed.params)
    return Job(
        parsed.query,
        form,
        media_type,
        _dataset(parsed, served),
        settings.max_rows,
        base_iri=_base_iri(request, settings),
        truncate=_truncate(parsed.params),
    )


def _truncate(params: tuple[tuple[str, str], ...]) -> bool:
    values = [v.lower() for n, v in params if n == "truncate"]
    if not values:
        return False
    if values[0] not in ("true", "false", "1", "0", "yes", "no"):
        raise ProtocolError(400, f"truncate={values[0]!r}: use truncate=true or truncate=false.")
    return values[0] in ("true", "1", "yes")


async def _answer(
    request: Request,
    parsed: QueryRequest,
    served: ServedGraph,
    settings: Settings,
    cache: SizedLRU[str, Outcome],
) -> Response:
    job = _job(request, parsed, served, settings)
    key = hashlib.sha256(repr((served.version, job)).encode()).hexdigest()[:32]
    etag = f'W/"{key}"'
    headers = {
        "ETag": etag,
        "Last-Modified": format_datetime(served.modified, usegmt=True),
        "Vary": "Accept, Accept-Encoding",
        "Cache-Control": "public, max-age=0, must-revalidate",
    }
    if served.coverage is not None:
        headers[coverage.HEADER] = served.coverage.end.isoformat()
        note = served.coverage.note_for_query(parsed.query)
        if note:
            headers[coverage.NOTE_HEADER] = note
    if _not_modified(request, etag, served):
        return Response(status_code=304, headers=headers)
    outcome = cache.get(key) or await _execute(job, served, settings, _client(request))
    cache.put(key, outcome)
    if outcome.truncated:
        headers["X-SPARQL-MaxRows"] = str(settings.max_rows)
        headers["X-SPARQL-Truncated"] = f"true; rows={settings.max_rows}"
    return Response(outcome.body, media_type=content_type(job.media_type), headers=headers)


def _not_modified(request: Request, etag: str, served: ServedGraph) -> bool:
    match = request.headers.get("if-none-match")
    if match is not None:  # it takes precedence over If-Modified-Since (RFC 9110 §13.1.3)
        return none_match(match, etag)
    since = request.headers.get("if-modified-since")
    if since:
        try:
            return parsedate_to_datetime(since) >= served.modified
        except (TypeError, ValueError):
            return False
    return False


def _client(request: Request) -> str:
    """Who asked: the peer address (uvicorn puts a trusted proxy's X-Forwarded-For there)."""
    return request.client.host if request.client else "unknown"


async def _execute(job: Job, served: ServedGraph, settings: Settings, client: str) -> Outcome:
    """The executor's answer; its typed failures (Busy, TimedOut, ...) are NatographErrors,
    answered with their own status by the one handler (natograph.web.errors)."""
    run = served.executor.run
    return await run_in_threadpool(run, job, settings.query_timeout, settings.queue_wait, client)
