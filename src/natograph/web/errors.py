"""The one place a NatographError becomes an HTTP answer.

Routes raise (or let through) natograph.errors.NatographError subclasses; `response` writes the
plain-text answer with the error's status and headers, and `install` registers it as the app's
handler, so a failure that escapes a route is answered the same way and never as a 500.
"""

from __future__ import annotations

from fastapi import FastAPI, Request, Response

from natograph.errors import NatographError


def response(err: NatographError) -> Response:
    """The answer to a failed request: its message, one line of advice included."""
    return Response(
        str(err).rstrip() + "\n",
        status_code=err.http_status(),
        media_type="text/plain; charset=utf-8",
        headers={"X-Content-Type-Options": "nosniff", **err.http_headers()},
    )


def install(app: FastAPI) -> None:
    async def handler(_request: Request, err: Exception) -> Response:
        assert isinstance(err, NatographError)
        return response(err)

    app.add_exception_handler(NatographError, handler)
