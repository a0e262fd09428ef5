"""The one place a NatographError becomes an HTTP answer: the table of statuses, and the handler.

Routes raise (or let through) natograph.errors.NatographError subclasses; `response` writes the
plain-text answer with the status `STATUS` gives the error's class (its nearest listed ancestor),
and `install` registers it as the app's handler, so a failure that escapes a route is answered
the same way and never as a 500. ProtocolError is the exception: the Protocol names its status.
"""

from __future__ import annotations

from fastapi import FastAPI, Request, Response

from natograph.errors import NatographError
from natograph.query.executor import (
    BadQuery,
    Busy,
    ClientLimit,
    MemoryExceeded,
    ResultTooLarge,
    TimedOut,
    WorkerFault,
    WorkerLost,
)
from natograph.query.text import QueryRejected
from natograph.web.downloads import ReleaseUnavailable
from natograph.web.iri_paths import BadPath


class ProtocolError(NatographError):
    """A request the Protocol says to refuse, with its status code and an actionable message."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.code = status
        self.message = message
        self.headers = headers or {}


STATUS: dict[type[NatographError], int] = {
    NatographError: 400,
    BadPath: 400,
    BadQuery: 400,
    QueryRejected: 403,
    ResultTooLarge: 413,
    ClientLimit: 429,
    WorkerFault: 500,
    Busy: 503,
    TimedOut: 503,
    MemoryExceeded: 503,
    WorkerLost: 503,
    ReleaseUnavailable: 503,
}
"""HTTP status per kind of failure (RFC 9110 section 15): 503 where the service, not the request,
is at fault and retrying may succeed; 429 for one client's own limit."""


def status(err: NatographError) -> int:
    if isinstance(err, ProtocolError):
        return err.code
    for cls in type(err).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


def response(err: NatographError) -> Response:
    """The answer to a failed request: its message, one line of advice included."""
    headers = {"X-Content-Type-Options": "nosniff"}
    if err.retry_after is not None:
        headers["Retry-After"] = str(err.retry_after)
    if isinstance(err, ProtocolError):
        headers.update(err.headers)
    return Response(
        str(err).rstrip() + "\n",
        status_code=status(err),
        media_type="text/plain; charset=utf-8",
        headers=headers,
    )


def install(app: FastAPI) -> None:
    async def handler(_request: Request, err: Exception) -> Response:
        assert isinstance(err, NatographError)
        return response(err)

    app.add_exception_handler(NatographError, handler)
