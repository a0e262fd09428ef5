"""natograph's expected failures: one family, each saying what went wrong and what to do.

Every failure a user can cause or meet (a bad request, a query refused or stopped, a release not
yet written, a message catalogue with a hole) is a `NatographError`. Where it reaches HTTP, its
class says the status and the headers (`Retry-After` for the ones worth retrying), and one
handler (natograph.web.errors) turns it into a plain-text answer, so no router decides a status
code of its own and the executor reports typed failures, not HTTP codes. Anything that is not a
NatographError is a bug, and is reported as one.
"""

from __future__ import annotations

from typing import ClassVar


class NatographError(Exception):
    """Base of every expected failure; `str(err)` is the message for the user."""

    status: ClassVar[int] = 400
    """The HTTP status when it ends a request (subclasses and instances refine it)."""
    retry_after: ClassVar[int | None] = None
    """Seconds after which retrying may succeed (sent as Retry-After), if any."""

    def http_status(self) -> int:
        return self.status

    def http_headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)} if self.retry_after is not None else {}
