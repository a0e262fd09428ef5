"""The languages of the HTML pages, and their messages.

Messages live in TOML files under `web/messages/` (one per page family, so that editing one page's
wording never touches another's), each key with an `en` and an `fr` text. Two languages and a few
hundred strings do not justify a gettext catalogue and its compile step; the loader still refuses
a key defined twice or missing a language, so a gap shows when the server starts, not to a reader.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from functools import cache
from pathlib import Path

from natograph.errors import NatographError
from natograph.publish.negotiate import weighted

LANGUAGES = ("en", "fr")
"""The page languages, the first being the default."""
LANGUAGE_NAMES = {"en": "English", "fr": "Français"}
MESSAGES_DIR = Path(__file__).resolve().parent / "messages"


class MessageError(NatographError, ValueError):
    """A message file is malformed: names the file and key."""


@cache
def messages() -> dict[str, dict[str, str]]:
    """key -> language -> text, from every messages/*.toml."""
    table: dict[str, dict[str, str]] = {}
    origin: dict[str, Path] = {}
    for path in sorted(MESSAGES_DIR.glob("*.toml")):
        with path.open("rb") as handle:
            data = tomllib.load(handle)
        for key, texts in data.items():
            if key in table:
                raise MessageError(
                    f"{path.name}: message {key!r} is already defined in {origin[key].name}"
                )
            if not isinstance(texts, dict) or set(texts) != set(LANGUAGES):
                raise MessageError(
                    f"{path.name}: message {key!r} needs exactly the keys {LANGUAGES}"
                )
            table[key] = {lang: str(texts[lang]) for lang in LANGUAGES}
            origin[key] = path
    return table


def translator(lang: str) -> Callable[..., str]:
    """`_("key", name=value)`: the message in `lang`, formatted with the keyword arguments.

    An unknown key raises KeyError, so a typo in a template fails its test instead of showing a key.
    """
    table = messages()

    def translate(key: str, **values: object) -> str:
        text = table[key][lang]
        return text.format(**values) if values else text

    return translate


def negotiate_language(header: str | None, offered: tuple[str, ...] = LANGUAGES) -> str:
    """The offered language an Accept-Language header prefers (RFC 9110 §12.5.4, basic filtering).

    `fr-CH` matches `fr`; `*` matches anything; q=0 excludes; ties go to the server's order.
    """
    if not header:
        return offered[0]
    best: tuple[float, int, str] | None = None
    for tag, q in weighted(header):
        for index, lang in enumerate(offered):
            if tag and q > 0 and (tag == "*" or tag == lang or tag.startswith(lang + "-")):
                candidate = (q, -index, lang)
                if best is None or candidate > best:
                    best = candidate
    return best[2] if best is not None else offered[0]
