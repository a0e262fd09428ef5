"""Replaying whole responses to repeated SPARQL requests, ahead of the rest of the stack.

The dataset does not change while it is served, so an answer to `GET /sparql?query=...` depends
only on the request line and the headers the answer varies on (Accept, Accept-Encoding, Origin:
what the negotiation, the gzip and the CORS layers read). The endpoint already keeps query
results (natograph.web.sparql); this layer keeps the finished response (status, headers, body,
after compression and CORS) under exactly those inputs and sends it again without routing,
parsing, negotiating or compressing: a repeated look-up costs about what the bare ASGI floor
costs.

It sits outside every other layer (natograph.web.app.NatographApp), so it answers HEAD itself:
a HEAD replays the GET's status and headers without the body (RFC 9110 §9.3.2). What is never
replayed: anything but a GET or HEAD to the endpoint;
conditional requests (If-None-Match / If-Modified-Since: the 304 logic stays in one place);
responses other than a complete 200 carrying an ETag (errors, 503s, the service description,
anything streamed in parts); bodies over an eighth of the budget.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from natograph.web.caching import SizedLRU

_CONDITIONAL = frozenset((b"if-none-match", b"if-modified-since"))

Key = tuple[bytes, ...]


@dataclass(frozen=True)
class Recorded:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes

    @property
    def start(self) -> Message:
        return {"type": "http.response.start", "status": self.status, "headers": self.headers}


class Replay:
    """ASGI middleware: answer a repeated `GET <path>?...` from the responses it recorded."""

    def __init__(self, app: ASGIApp, path: str, max_bytes: int) -> None:
        self.app = app
        self.path = path
        self.cache: SizedLRU[Key, Recorded] = SizedLRU(
            max_bytes, lambda r: len(r.body) + sum(len(k) + len(v) for k, v in r.headers)
        )

    async def replayed(self, scope: Scope, send: Send) -> bool:
        """Answer the request from a recorded response, if there is one for it."""
        key = self._key(scope)
        found = None if key is None else self.cache.get(key)
        if found is None:
            return False
        await send(
            {"type": "http.response.start", "status": found.status, "headers": found.headers}
        )
        body = b"" if scope["method"] == "HEAD" else found.body
        await send({"type": "http.response.body", "body": body})
        return True

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if await self.replayed(scope, send):
            return
        key = self._key(scope)
        if key is None or scope["method"] == "HEAD":  # recorded only from a GET's answer
            await self.app(scope, receive, send)
            return
        await self.app(scope, receive, self._recorder(key, send))

    def _key(self, scope: Scope) -> Key | None:
        """(query string, Accept, Accept-Encoding, Origin), or None for what is never replayed."""
        if (
            scope.get("path") != self.path
            or scope["type"] != "http"
            or scope["method"] not in ("GET", "HEAD")
            or not scope.get("query_string")
        ):
            return None
        accept = encoding = origin = b""
        for name, value in scope["headers"]:  # lower-case names (ASGI); repeated: the last
            if name == b"accept":
                accept = value
            elif name == b"accept-encoding":
                encoding = value
            elif name == b"origin":
                origin = value
            elif name in _CONDITIONAL:
                return None
        return (scope["query_string"], accept, encoding, origin)

    def _recorder(self, key: Key, send: Send) -> Send:
        start: Message | None = None

        async def record(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body" and start is not None:
                complete = not message.get("more_body", False)
                headers = list(start.get("headers", []))
                if start["status"] == 200 and complete and any(k == b"etag" for k, _ in headers):
                    self.cache.put(key, Recorded(200, headers, bytes(message.get("body", b""))))
                start = None  # a body in parts is passed on, never kept
            await send(message)

        return record
