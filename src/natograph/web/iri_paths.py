"""From a request's raw path to the IRI it stands for, refusing what cannot be one.

The server's root stands for the base IRI, so `/id/country/UKR` stands for
`<base>id/country/UKR`. The raw (still percent-encoded) path is used, not the decoded one, so
that `%2F` is never mistaken for a segment separator; percent-encoded UTF-8 is decoded to the
characters an IRI may hold (RFC 3987 §3.2) and unreserved ASCII is normalised (RFC 3986 §6.2.2.2),
while anything an IRI cannot contain stays encoded and so simply matches nothing.
"""

from __future__ import annotations

import re

from natograph.errors import NatographError

_ENCODED_RUN = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_IRI_ILLEGAL = frozenset('<>"{}|\\^` ')


class BadPath(NatographError, ValueError):
    """The raw path is not something an IRI could come from (bytes outside ASCII, controls)."""


def local_path(raw_path: bytes, max_length: int = 2048) -> str:
    """The path relative to the server root, without its leading slash, IRI-decoded.

    Raises BadPath for raw bytes outside ASCII (a client must percent-encode them) and control
    characters, and ValueError (with `too long` in its message) past `max_length` characters.
    """
    if len(raw_path) > max_length:
        raise ValueError(f"path too long ({len(raw_path)} characters; the limit is {max_length})")
    try:
        text = raw_path.decode("ascii")
    except UnicodeDecodeError as err:
        raise BadPath("the path has raw non-ASCII bytes; percent-encode them (RFC 3986)") from err
    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in text):
        raise BadPath("the path contains spaces or control characters; percent-encode them")
    return _ENCODED_RUN.sub(_decode_run, text.removeprefix("/"))


def _decode_run(match: re.Match[str]) -> str:
    encoded = match.group(0)
    try:
        decoded = bytes.fromhex(encoded.replace("%", "")).decode("utf-8")
    except UnicodeDecodeError:
        return encoded.upper()
    out = []
    for char, original in zip(decoded, _split_by_char(encoded, decoded), strict=True):
        if char in _UNRESERVED or (ord(char) > 0x7F and char not in _IRI_ILLEGAL):
            out.append(char)
        else:
            out.append(original.upper())
    return "".join(out)


def _split_by_char(encoded: str, decoded: str) -> list[str]:
    """The %XX groups of `encoded`, one string per decoded character."""
    groups = []
    position = 0
    for char in decoded:
        width = len(char.encode("utf-8")) * 3
        groups.append(encoded[position : position + width])
        position += width
    return groups
