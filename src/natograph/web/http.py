"""The HTTP server's own limits: read time-outs and natograph's answers to oversized requests.

uvicorn bounds idle keep-alive connections, but not a request whose headers or body never finish
(a slow client holds a connection, and memory, as long as it likes); its h11 protocol answers a
request line longer than its buffer with a bare `400 Invalid HTTP request received.`, and its
httptools protocol has no bound at all. Both protocols here add a header read time-out (408,
then close), a body read time-out (close; the endpoint logs the abandoned request in one line),
and answer an oversized request line with the 414 the endpoint documents (431 for oversized
headers), in the endpoint's plain-text error format.

httptools (llhttp, in C) is used where it is installed, as it is with natograph's dependencies:
it parses and frames a request several times faster than h11, which a repeated look-up,
answered without touching the graph, mostly consists of. h11 stays the fallback.
"""

from __future__ import annotations

import asyncio
import copy
import importlib.util
import logging
from http import HTTPStatus
from typing import Any

import h11
import uvicorn
from uvicorn.config import LOGGING_CONFIG
from uvicorn.protocols.http.h11_impl import H11Protocol

try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # httptools not installed: h11 only
    HttpToolsProtocol = None  # type: ignore[assignment, misc]

from natograph.settings import Settings

log = logging.getLogger("natograph.web")

READ_TIMEOUT_FLAG = "natograph.read_timeout"
"""Set in a request's ASGI scope when the server closed it for a body that did not arrive."""


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with read time-outs and natograph's 414/431 answers."""

    def __init__(self, config: uvicorn.Config, *args: Any, **kwargs: Any) -> None:
        super().__init__(config, *args, **kwargs)
        self.header_timeout = float(getattr(config, "natograph_header_timeout", 10.0))
        self.body_timeout = float(getattr(config, "natograph_body_timeout", 30.0))
        self.max_query_length = int(getattr(config, "natograph_max_query_length", 100_000))
        self._timer: asyncio.TimerHandle | None = None
        self._phase: str | None = None

    # --- Read time-outs ---------------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._watch()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._watch()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._watch()

    def connection_lost(self, exc: Exception | None) -> None:
        self._arm(None)
        super().connection_lost(exc)

    def _watch(self) -> None:
        """Arm the timer for what the connection waits for: headers, a body, or nothing."""
        if self.transport.is_closing():
            self._arm(None)
        elif self.conn.their_state is h11.IDLE:
            self._arm("headers")
        elif self.conn.their_state is h11.SEND_BODY:
            self._arm("body")
        else:
            self._arm(None)

    def _arm(self, phase: str | None) -> None:
        if phase == self._phase:
            return
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._phase = phase
        if phase is not None:
            seconds = self.header_timeout if phase == "headers" else self.body_timeout
            self._timer = self.loop.call_later(seconds, self._timed_out, phase)

    def _timed_out(self, phase: str) -> None:
        self._timer = None
        self._phase = None
        if self.transport.is_closing():
            return
        if phase == "headers":
            started = self.conn.trailing_data[0] != b""
            if started:  # a request was on its way: say why it is dropped
                log.info(
                    "%s sent no complete request headers within %g s; closed",
                    _peer(self.client),
                    self.header_timeout,
                )
                self._plain(
                    408,
                    f"The request headers did not arrive within "
                    f"{self.header_timeout:g} seconds; the connection is closed.",
                )
            self.transport.close()
            return
        if self.cycle is not None:
            self.cycle.scope[READ_TIMEOUT_FLAG] = self.body_timeout  # type: ignore[literal-required]
        self.transport.close()  # the endpoint sees a disconnect and logs it

    # --- Oversized requests -----------------------------------------------------------------

    def send_400_response(self, msg: str) -> None:
        pending, _ = self.conn.trailing_data
        if len(pending) <= self.conn._max_incomplete_event_size:
            super().send_400_response(msg)
            return
        if b"\r\n" not in pending[: self.conn._max_incomplete_event_size]:
            self._plain(
                414,
                f"The request line is longer than this server accepts "
                f"({self.conn._max_incomplete_event_size:,} bytes; a query may have "
                f"{self.max_query_length:,} characters): send long queries by POST.",
            )
        else:
            self._plain(431, "The request headers are larger than this server accepts.")
        self.transport.close()

    def _plain(self, status: int, message: str) -> None:
        """A plain-text answer written directly (h11 cannot frame one before a request)."""
        _write_plain(self.transport, status, message)


def request_line_limit(max_query_length: int) -> int:
    """Bytes of request line and headers the server reads: a query of `max_query_length`
    characters, percent-encoded, fits; longer ones reach the endpoint's own 414."""
    return max(16_384, 3 * max_query_length + 8_192)


_PARSE_URL_MAX = 65_535
"""The longest target httptools.parse_url accepts."""


if HttpToolsProtocol is not None:

    class GuardedHttpToolsProtocol(HttpToolsProtocol):
        """uvicorn's httptools protocol with the same read time-outs and 414/431 answers as
        GuardedH11Protocol (httptools itself reads a request line of any length).

        A repeated look-up costs little more than this protocol's own work, so it stays off
        the per-request path: the request's head is measured once per read, not per parser
        callback, and each connection has one timer, moved only when it fires (each state
        change just notes the time), rather than one cancelled and made for every request.
        """

        def __init__(self, config: uvicorn.Config, *args: Any, **kwargs: Any) -> None:
            super().__init__(config, *args, **kwargs)
            self.header_timeout = float(getattr(config, "natograph_header_timeout", 10.0))
            self.body_timeout = float(getattr(config, "natograph_body_timeout", 30.0))
            self.max_query_length = int(getattr(config, "natograph_max_query_length", 100_000))
            self.head_limit = request_line_limit(self.max_query_length)
            self._timer: asyncio.TimerHandle | None = None
            self._reading = "idle"
            """What the parser waits for: "idle" (a request), "headers", "body", or "app" (a
            request is complete and being answered): set by the parser's callbacks."""
            self._since = 0.0
            """When `_reading` last changed (the loop's clock): what the time-outs count from."""
            self._head = 0
            """Bytes read of the current request's line and headers."""

        # --- Where the request is --------------------------------------------------------

        def _now_reading(self, what: str) -> None:
            self._reading = what
            self._since = self.loop.time()

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._now_reading("headers")

        def on_headers_complete(self) -> None:
            """uvicorn splits the target with httptools.parse_url, which refuses any over
            64 KiB: a long query (up to max_query_length characters, percent-encoded) would
            get a bare 400. Such a target's query string is split off here instead."""
            self._now_reading("body")
            target = self.url
            if len(target) <= _PARSE_URL_MAX:
                super().on_headers_complete()
                return
            path, _, query = target.partition(b"?")
            self.url = path
            super().on_headers_complete()
            self.url = target
            if self.scope.get("path") is not None:  # the request's task reads it later
                self.scope["query_string"] = query.partition(b"#")[0]

        def on_message_complete(self) -> None:
            self._now_reading("app")
            super().on_message_complete()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if self._reading == "app" and not self.pipeline:
                self._now_reading("idle")

        # --- Read time-outs ---------------------------------------------------------------

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._now_reading("idle")
            self._timer = self.loop.call_later(self.header_timeout, self._check)

        def connection_lost(self, exc: Exception | None) -> None:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            super().connection_lost(exc)

        def _limit(self) -> float | None:
            if self._reading == "app":
                return None
            return self.body_timeout if self._reading == "body" else self.header_timeout

        def _check(self) -> None:
            """The connection's timer: act if what it waits for is overdue, else wait on."""
            self._timer = None
            if self.transport.is_closing():
                return
            limit = self._limit()
            waited = self.loop.time() - self._since
            if limit is None or waited < limit:
                self._timer = self.loop.call_later(
                    (limit or self.header_timeout) - (0 if limit is None else waited), self._check
                )
                return
            if self._reading == "body":
                if self.cycle is not None:
                    self.cycle.scope[READ_TIMEOUT_FLAG] = self.body_timeout  # type: ignore[literal-required]
                self.transport.close()  # the endpoint sees a disconnect and logs it
                return
            if self._reading == "headers":  # a request was on its way: say why it is dropped
                log.info(
                    "%s sent no complete request headers within %g s; closed",
                    _peer(self.client),
                    self.header_timeout,
                )
                _write_plain(
                    self.transport,
                    408,
                    f"The request headers did not arrive within "
                    f"{self.header_timeout:g} seconds; the connection is closed.",
                )
            self.transport.close()

        # --- Oversized requests -------------------------------------------------------

        def data_received(self, data: bytes) -> None:
            """Parse, then refuse a request whose line and headers, still incomplete, pass the
            limit: 414 while no header is complete, else 431. (A read is at most a few hundred
            KiB, so what uvicorn holds of a request line before this is bounded.)"""
            before = self._reading
            super().data_received(data)
            if self._reading != "headers" or self.transport.is_closing():
                return
            self._head = (self._head if before == "headers" else 0) + len(data)
            if self._head <= self.head_limit:
                return
            if not self.headers:
                _write_plain(
                    self.transport,
                    414,
                    f"The request line is longer than this server accepts "
                    f"({self.head_limit:,} bytes; a query may have "
                    f"{self.max_query_length:,} characters): send long queries by POST.",
                )
            else:
                _write_plain(
                    self.transport, 431, "The request headers are larger than this server accepts."
                )
            self.transport.close()


def _write_plain(transport: asyncio.Transport, status: int, message: str) -> None:
    """A plain-text answer written directly (before or instead of a parsed request)."""
    body = (message + "\n").encode()
    reason = HTTPStatus(status).phrase
    head = (
        f"HTTP/1.1 {status} {reason}\r\ncontent-type: text/plain; charset=utf-8\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    ).encode()
    transport.write(head + body)


def _peer(client: tuple[str, int] | None) -> str:
    return f"{client[0]}:{client[1]}" if client else "a client"


def _has(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def log_config() -> dict[str, Any]:
    """uvicorn's logging set-up, with natograph's own loggers sent to the same place."""
    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["natograph"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


def server_config(app: object, settings: Settings, **options: Any) -> uvicorn.Config:
    """The uvicorn configuration natograph serves with (CLI, multi-process serving, tests)."""
    options.setdefault("log_config", log_config())
    limit = request_line_limit(settings.max_query_length)
    if settings.http == "httptools" and HttpToolsProtocol is not None:
        options.update(http=GuardedHttpToolsProtocol)
    else:
        # h11 holds at most this much of an incomplete request line and headers
        options.update(http=GuardedH11Protocol, h11_max_incomplete_event_size=limit)
    if settings.http == "httptools" and _has("uvloop"):
        options.setdefault("loop", "uvloop")
    config = uvicorn.Config(
        app,  # type: ignore[arg-type]
        host=settings.host,
        port=settings.port,
        **options,
    )
    config.natograph_header_timeout = settings.header_timeout  # type: ignore[attr-defined]
    config.natograph_body_timeout = settings.body_timeout  # type: ignore[attr-defined]
    config.natograph_max_query_length = settings.max_query_length  # type: ignore[attr-defined]
    return config
