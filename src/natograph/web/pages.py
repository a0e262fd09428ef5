"""Server-side HTML for people: the shared page context and the Jinja environment.

Every page is rendered here with autoescaping on (labels come from data and may contain markup),
and every link is relative to the page, so the pages work on whatever host and prefix serve them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from natograph.web.i18n import LANGUAGE_NAMES, LANGUAGES, translator

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parents[1] / "static"


@dataclass(frozen=True)
class Alternate:
    href: str
    type: str
    label: str


def root_of(path: str) -> str:
    """The relative URL of the server root seen from `path` (relative to the root, no slash)."""
    depth = path.count("/")
    return "../" * depth if depth else "./"


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["json_script"] = json_script
    env.filters["jsonld_script"] = jsonld_script
    return env


def json_script(value: object) -> Markup:
    """JSON safe to place inside <script type="application/json"> (read back with JSON.parse).

    `<`, `>` and `&` are written as JSON escapes, so no value can close the element (`</script>`)
    or open a comment; the JSON itself stays valid and decodes to the same data.
    """
    return _script_safe(json.dumps(value, ensure_ascii=False, sort_keys=True))


def jsonld_script(value: object) -> Markup:
    """JSON-LD text (or a value to dump) for <script type="application/ld+json">, escaped the same
    way: JSON-LD processors read the same data, and no label can end the element early."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, indent=1)
    return _script_safe(text)


def _script_safe(text: str) -> Markup:
    text = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)  # escaped above for the script-data context


@cache
def static_version(relative: str) -> str:
    """A short content hash of a static file, used as `?v=` so that it may be cached for good."""
    return hashlib.sha256((STATIC / relative).read_bytes()).hexdigest()[:12]


def static_url(relative: str) -> str:
    """A page-relative URL (the page may live under any prefix) that changes with the file."""
    return f"static/{relative}?v={static_version(relative)}"


def language_links(
    path: str, lang: str, query: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """The language switch: this page with `?lang=xx` (an explicit choice beats Accept-Language)."""
    name = path.rsplit("/", 1)[-1] or "./"
    links = []
    for code in LANGUAGES:
        params = {**(query or {}), "lang": code}
        links.append(
            {
                "href": f"{name}?{urlencode(params)}",
                "lang": code,
                "label": LANGUAGE_NAMES[code],
                "current": code == lang,
            }
        )
    return links


def page_context(
    path: str,
    lang: str,
    *,
    iri: str | None = None,
    alternates: list[Alternate] | None = None,
    languages: bool = True,
    jsonld: object | None = None,
    query: dict[str, str] | None = None,
) -> dict[str, Any]:
    """What base.html needs; a page adds its own keys to this dict.

    `path` is the page's local path relative to the server root (e.g. `id/country/UKR.html`).
    """
    root = root_of(path)
    return {
        "lang": lang,
        "_": translator(lang),
        "root": root,
        "static": lambda relative: root + static_url(relative),
        "iri": iri,
        "alternates": alternates or [],
        "languages": language_links(path, lang, query) if languages else [],
        "jsonld": jsonld_script(jsonld) if jsonld is not None else None,
    }


def render(template: str, context: dict[str, Any]) -> str:
    return environment().get_template(template).render(**context)
