"""Issue 10, point 5: repeated SPARQL GETs are replayed whole, ahead of routing, and only those
whose answer cannot differ (natograph.web.replay)."""

from __future__ import annotations

import asyncio

from fastapi.testclient import TestClient
from starlette.types import Message, Receive, Scope, Send

from natograph.web.replay import Replay

ASK = "ASK { ?s ?p ?o }"


class Counting:
    """An inner app answering `status` with an ETag (unless told not to), counting its calls."""

    def __init__(self, status: int = 200, etag: bool = True, parts: int = 1) -> None:
        self.calls = 0
        self.status, self.etag, self.parts = status, etag, parts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.calls += 1
        headers = [(b"content-type", b"text/plain")]
        headers += [(b"etag", b'W/"x"')] if self.etag else []
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        for i in range(self.parts):
            more = i < self.parts - 1
            body = f"call {self.calls} part {i}".encode()
            await send({"type": "http.response.body", "body": body, "more_body": more})


def call(
    app: Replay, query: bytes, headers: list[tuple[bytes, bytes]] | None = None, method: str = "GET"
) -> bytes:
    sent: list[Message] = []
    scope = {
        "type": "http",
        "method": method,
        "path": "/sparql",
        "query_string": query,
        "headers": headers or [],
    }

    async def receive() -> Message:
        return {"type": "http.request", "body": b""}

    async def send(message: Message) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


def replay(inner: Counting) -> Replay:
    return Replay(inner, "/sparql", 1_000_000)


def test_a_repeated_request_is_answered_without_the_app() -> None:
    inner = Counting()
    app = replay(inner)
    first = call(app, b"query=ASK")
    assert call(app, b"query=ASK") == first and inner.calls == 1


def test_a_head_is_the_recorded_get_without_its_body() -> None:
    inner = Counting()
    app = replay(inner)
    assert call(app, b"query=ASK", method="HEAD") == b"call 1 part 0"  # the app's own HEAD
    assert inner.calls == 1
    call(app, b"query=ASK")
    assert call(app, b"query=ASK", method="HEAD") == b"" and inner.calls == 2


def test_the_key_is_the_query_and_the_headers_the_answer_varies_on() -> None:
    inner = Counting()
    app = replay(inner)
    call(app, b"query=ASK")
    call(app, b"query=ASK2")
    call(app, b"query=ASK", [(b"accept", b"application/sparql-results+xml")])
    call(app, b"query=ASK", [(b"accept-encoding", b"gzip")])
    call(app, b"query=ASK", [(b"origin", b"https://example.org")])
    assert inner.calls == 5
    call(app, b"query=ASK", [(b"user-agent", b"curl")])  # not varied on: replayed
    assert inner.calls == 5


def test_conditional_requests_errors_and_streams_always_reach_the_app() -> None:
    inner = Counting()
    app = replay(inner)
    call(app, b"query=ASK")
    call(app, b"query=ASK", [(b"if-none-match", b'W/"x"')])
    call(app, b"query=ASK", [(b"if-modified-since", b"Mon, 01 Jan 2024 00:00:00 GMT")])
    assert inner.calls == 3
    for unkept in (Counting(status=400), Counting(status=503), Counting(etag=False)):
        app = replay(unkept)
        call(app, b"query=ASK")
        call(app, b"query=ASK")
        assert unkept.calls == 2
    streamed = Counting(parts=2)
    app = replay(streamed)
    assert call(app, b"query=ASK") == b"call 1 part 0call 1 part 1"
    call(app, b"query=ASK")
    assert streamed.calls == 2


def test_only_a_get_with_a_query_to_the_endpoint_is_replayed() -> None:
    inner = Counting()
    app = replay(inner)
    call(app, b"")  # the service description
    call(app, b"")
    assert inner.calls == 2


def test_the_served_app_replays_exactly_what_it_answered(client: TestClient) -> None:
    def get(**headers: str) -> tuple[int, dict[str, str], bytes]:
        response = client.get("/sparql", params={"query": ASK}, headers=headers)
        kept = {k: v for k, v in response.headers.items() if k not in ("date", "server")}
        return response.status_code, kept, response.content

    first = get()
    assert first[0] == 200 and "etag" in first[1]
    assert get() == first
    xml = get(accept="application/sparql-results+xml")
    assert xml[1]["content-type"].startswith("application/sparql-results+xml")
    assert get(accept="application/sparql-results+xml") == xml
    etag = {"if-none-match": first[1]["etag"]}
    assert client.get("/sparql", params={"query": ASK}, headers=etag).status_code == 304
    head = client.head("/sparql", params={"query": ASK})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == first[1]["etag"]
