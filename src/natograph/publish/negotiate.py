"""HTTP content negotiation: Accept headers with q-values and wildcards, plus a `format` override.

Written here rather than taken from a library because the rules are small, the endpoint's hot path
runs them on every request, and the choice must follow RFC 9110 exactly: the most specific
matching range sets a type's quality, q=0 excludes it, and ties go to the server's preference.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float

    def matches(self, media_type: str) -> int:
        """How specifically this range matches `media_type`: 3 exact, 2 type/*, 1 */*, 0 no."""
        kind, _, sub = media_type.partition("/")
        if self.type == "*" and self.subtype == "*":
            return 1
        if self.type == kind and self.subtype == "*":
            return 2
        if self.type == kind and self.subtype == sub:
            return 3
        return 0


def weighted(header: str) -> list[tuple[str, float]]:
    """The comma-separated tokens of an Accept-style header with their q-values (RFC 9110 §12.4.2),
    lower-cased; a malformed q counts as 0 and other parameters are ignored."""
    entries = []
    for part in header.split(","):
        fields = [f.strip() for f in part.split(";")]
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        entries.append((fields[0].lower(), q))
    return entries


def parse_accept(header: str | None) -> list[MediaRange]:
    """Parse an Accept header; malformed entries are skipped rather than failing the request."""
    if not header or not header.strip():
        return [MediaRange("*", "*", 1.0)]
    ranges = []
    for token, q in weighted(header):
        kind, slash, sub = token.partition("/")
        if slash and kind and sub:
            ranges.append(MediaRange(kind, sub, q))
    return ranges or [MediaRange("*", "*", 1.0)]


def choose(accept: str | None, offered: list[str]) -> str | None:
    """The offered type the client prefers most (server order breaks ties), or None for 406."""
    ranges = parse_accept(accept)
    candidates = []
    for index, media_type in enumerate(offered):
        specificity, q = 0, 0.0
        for media_range in ranges:
            level = media_range.matches(media_type)
            if level > specificity:
                specificity, q = level, media_range.q
        if specificity and q > 0:
            candidates.append((q, -index, media_type))
    return max(candidates)[2] if candidates else None
