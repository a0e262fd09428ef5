"""Charts as HTTP answers: one view's Vega-Lite specification as SVG, PNG or the JSON itself.

A page shows its chart as `<img src="….svg">` with a table of the same rows beside it, so the
page needs no JavaScript and a chart is one URL that people can link, embed or download. Charts
are rendered by natograph.charts in the server's thread pool (vl-convert holds no lock the event
loop waits on) and kept, rendered, in a SizedLRU: the graph never changes while it is served.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.concurrency import run_in_threadpool

from natograph.charts import render
from natograph.charts.render import Spec
from natograph.web.caching import SizedLRU

MEDIA = {
    "svg": "image/svg+xml",
    "png": "image/png",
    "vl.json": "application/json",
}
"""The chart formats, by the URL suffix that asks for them (`timeline.svg`, `timeline.vl.json`)."""


class Charts:
    """Rendered charts of one app, by (view, format, parameters)."""

    def __init__(self, max_bytes: int = 16_000_000) -> None:
        self._kept: SizedLRU[tuple[str, ...], bytes] = SizedLRU(max_bytes, len)

    async def body(
        self, key: tuple[str, ...], fmt: str, lang: str, spec: Callable[[], Spec]
    ) -> bytes:
        """The chart `spec()` in `fmt` (svg, png or vl.json), rendered once per key."""
        full = (fmt, lang, *key)
        found = self._kept.get(full)
        if found is None:
            found = await run_in_threadpool(_render, spec, fmt, lang)
            self._kept.put(full, found)
        return found


def _render(spec: Callable[[], Spec], fmt: str, lang: str) -> bytes:
    made = spec()
    if fmt == "svg":
        return render.svg(made, lang).encode()
    if fmt == "png":
        return render.png(made, lang)
    if fmt == "vl.json":
        return render.document(made).encode()
    raise ValueError(f"no chart format {fmt!r}")
