"""Conditional requests (RFC 9110 §13): one If-None-Match test for every route that sends ETags."""

from __future__ import annotations


def none_match(header: str | None, etag: str) -> bool:
    """Whether an If-None-Match header matches `etag`, so the answer is 304 Not Modified.

    If-None-Match uses the weak comparison (§13.1.2): `W/"x"` and `"x"` match each other, which
    also lets a validator marked weak (a body the gzip middleware may re-encode) be revalidated.
    """
    if header is None:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return "*" in tags or etag.removeprefix("W/") in tags
