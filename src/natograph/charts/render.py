"""Vega-Lite to SVG and PNG with vl-convert, pinned and offline.

vl-convert bundles Vega, Vega-Lite and a JavaScript engine in one wheel, so charts render on the
server without Node, a browser or a CDN, and pages showing them need no JavaScript. Two settings
make that safe and reproducible: `allowed_base_urls=[]` forbids the renderer any network access
(a specification cannot load remote data), and the Vega-Lite version is pinned, so the same
specification gives the same chart on every machine.
"""

from __future__ import annotations

import json
import threading
from typing import Any, Literal

import vl_convert

VEGA_LITE = "6.4"
"""The Vega-Lite version the specifications are written for (one of those vl-convert bundles)."""

SCHEMA = f"https://vega.github.io/schema/vega-lite/v{VEGA_LITE.split('.')[0]}.json"

Locale = Literal["en-GB", "fr-FR"]
_LOCALES: dict[str, Locale] = {"en": "en-GB", "fr": "fr-FR"}
"""Number and date formats per page language (vl-convert's d3 locale names)."""

Spec = dict[str, Any]


def svg(spec: Spec, lang: str = "en") -> str:
    """The chart as a standalone SVG document."""
    return str(
        vl_convert.vegalite_to_svg(
            spec,
            vl_version=VEGA_LITE,
            allowed_base_urls=[],
            format_locale=_LOCALES.get(lang, "en-GB"),
            time_format_locale=_LOCALES.get(lang, "en-GB"),
        )
    )


def png(spec: Spec, lang: str = "en", scale: float = 2.0) -> bytes:
    """The chart as PNG, at `scale` times its SVG size (2: sharp on high-density screens)."""
    return bytes(
        vl_convert.vegalite_to_png(
            spec,
            vl_version=VEGA_LITE,
            scale=scale,
            allowed_base_urls=[],
            format_locale=_LOCALES.get(lang, "en-GB"),
            time_format_locale=_LOCALES.get(lang, "en-GB"),
        )
    )


def document(spec: Spec) -> str:
    """The specification as the JSON the Vega editor opens (with its $schema)."""
    return json.dumps({"$schema": SCHEMA, **spec}, ensure_ascii=False, indent=1)


def warm() -> threading.Thread:
    """Start vl-convert's JavaScript engine in the background (its first chart takes ~0.7 s,
    later ones milliseconds), so that the first person to open a chart does not wait for it."""

    def run() -> None:
        svg({"data": {"values": [{"x": 1}]}, "mark": "point", "encoding": {"x": {"field": "x"}}})

    thread = threading.Thread(target=run, name="natograph-charts-warm", daemon=True)
    thread.start()
    return thread
