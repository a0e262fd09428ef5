"""Which HTTP methods each path answers, decided in one place for the whole server.

Every resource answers GET and HEAD (HEAD is GET without the body: same status and headers,
RFC 9110 §9.3.2) and OPTIONS (the methods it allows, plus the CORS preflight headers a browser
expects); the SPARQL endpoint also answers POST. Any other method gets 405 naming the allowed
ones, in the plain-text error format of the rest of the server. Done as ASGI middleware, ahead of
the routes, so that no route can forget HEAD and the linked-data catch-all never answers a method
meant for another route.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from starlette.types import ASGIApp, Message, Receive, Scope, Send

READ_ONLY = ("GET", "HEAD", "OPTIONS")
WITH_POST = ("GET", "HEAD", "POST", "OPTIONS")
CORS_MAX_AGE = "86400"


class MethodPolicy:
    """ASGI middleware: HEAD as GET without a body, OPTIONS answered, other methods 405."""

    def __init__(self, app: ASGIApp, allowed: Callable[[str], Collection[str]]) -> None:
        self.app = app
        self.allowed = allowed
        """path -> the methods it answers (always including GET, HEAD and OPTIONS)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        allowed = self.allowed(scope["path"])
        if method == "HEAD":
            await self.app({**scope, "method": "GET"}, receive, _without_body(send))
        elif method == "OPTIONS":
            await _options(scope, send, allowed)
        elif method not in allowed:
            await _not_allowed(scope, send, method, allowed)
        else:
            await self.app(scope, receive, send)


def _without_body(send: Send) -> Send:
    """Pass the response's start (status, headers, Content-Length) on; drop its body."""

    async def head_send(message: Message) -> None:
        if message["type"] == "http.response.body":
            if not message.get("more_body", False):
                await send({"type": "http.response.body", "body": b"", "more_body": False})
            return
        await send(message)

    return head_send


async def _options(scope: Scope, send: Send, allowed: Collection[str]) -> None:
    listed = ", ".join(allowed)
    headers = [(b"allow", listed.encode()), (b"content-length", b"0")]
    request = dict(scope["headers"])
    if b"origin" in request:
        # Any origin may read this public, read-only data (no credentials are ever involved).
        headers += [
            (b"access-control-allow-origin", b"*"),
            (b"access-control-allow-methods", listed.encode()),
            (b"access-control-max-age", CORS_MAX_AGE.encode()),
            (b"vary", b"Origin"),
        ]
        asked = request.get(b"access-control-request-headers")
        if asked:
            headers.append((b"access-control-allow-headers", asked))
    await send({"type": "http.response.start", "status": 204, "headers": headers})
    await send({"type": "http.response.body", "body": b""})


async def _not_allowed(scope: Scope, send: Send, method: str, allowed: Collection[str]) -> None:
    listed = ", ".join(allowed)
    body = f"Method {method} is not allowed on {scope['path']}: use {listed}.\n".encode()
    headers = [
        (b"allow", listed.encode()),
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        (b"access-control-allow-origin", b"*"),
    ]
    await send({"type": "http.response.start", "status": 405, "headers": headers})
    await send({"type": "http.response.body", "body": body})
