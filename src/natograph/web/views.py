"""What the researcher's views share: their headers, their parameters and their CSV.

`/landscape`, `/timeline` and `/jungle` (natograph.web.landscape_page, timeline_page,
jungle_page) read a date and a language the same way, answer in the same media types with the
same caching headers, and step by year with the same links; one definition here keeps their
errors worded alike and their downloads alike for pandas.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date
from typing import Any

from fastapi import Request

from natograph.web.errors import ProtocolError
from natograph.web.i18n import LANGUAGES, negotiate_language

HEADERS = {
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
    "Vary": "Accept-Language",
}
"""Revalidated on every use (pages follow Accept-Language, and `date` defaults to today)."""
MEDIA = {
    "html": "text/html; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}
FIRST_DAY = date(1949, 4, 4)
"""No engagement in the graph is older than the Washington Treaty."""


def language(request: Request) -> str:
    """`?lang=` when it names a page language, else the best match of Accept-Language."""
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked
    return negotiate_language(request.headers.get("accept-language"))


def day(request: Request, name: str) -> date | None:
    """The date parameter `name` (None when absent), or a 400 that says how to write it."""
    raw = request.query_params.get(name)
    if not raw:
        return None
    try:
        found = date.fromisoformat(raw)
    except ValueError:
        raise ProtocolError(
            400, f"the parameter {name}={raw!r} is not a date: write it YYYY-MM-DD"
        ) from None
    if found < FIRST_DAY:
        raise ProtocolError(
            400, f"{name}={raw}: the graph knows nothing before 1949-04-04: give a later date"
        )
    return found


def years_from(on: date, years: int) -> date | None:
    """The same day `years` later (28 February for 29 February), None before FIRST_DAY."""
    try:
        moved = on.replace(year=on.year + years)
    except ValueError:  # 29 February
        moved = on.replace(year=on.year + years, day=28)
    return moved if moved >= FIRST_DAY else None


def csv_bytes(rows: Sequence[dict[str, Any]], empty: Sequence[str] = ("date",)) -> bytes:
    """The rows as CSV with a header line (the header `empty` when there are none)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]) if rows else list(empty))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()
