"""natograph's expected failures: one family, each saying what went wrong and what to do.

Every failure a user can cause or meet (a bad request, a query refused or stopped, a release not
yet written, a message catalogue with a hole) is a `NatographError`. Which HTTP status each kind
gets is decided in one table, by the web layer (natograph.web.errors), never where the failure
is raised: the executor and the store report typed failures, not HTTP codes. Anything that is
not a NatographError is a bug, and is reported as one.
"""

from __future__ import annotations

from typing import ClassVar


class NatographError(Exception):
    """Base of every expected failure; `str(err)` is the message for the user."""

    retry_after: ClassVar[int | None] = None
    """Seconds after which retrying may succeed (a busy pool, a lost worker), if it may."""
