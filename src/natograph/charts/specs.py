"""The Vega-Lite specifications of natograph's charts, written by hand as data.

Each function takes the view's rows (the same rows the page's table and its CSV show, so a chart
never says more than its table) and the words to print in the page's language. Colours are
Okabe-Ito's, safe for colour-blind readers, and never the only cue: uncertain stretches are
outlined with a dashed line instead of filled, heat-map cells print their number, and lines
differ in dash as well as colour.
"""

from __future__ import annotations

from typing import Any

from natograph.charts.render import Spec

ACTIVE, SUSPENDED, UNCERTAIN = "#0072B2", "#D55E00", "#FFFFFF"
INK = "#333333"
_FONT = "Arial, 'Liberation Sans', Helvetica, sans-serif"
"""Fonts with one set of metrics (Liberation Sans is Arial's metric twin; Helvetica all but):
vl-convert measures labels in the first it has, and a browser showing the SVG draws them in the
first it has, so a label that fits on the server fits on the reader's screen too."""
_CONFIG: dict[str, Any] = {
    "font": _FONT,
    "view": {"stroke": None},
    "axis": {
        "labelColor": INK,
        "titleColor": INK,
        "gridColor": "#e3e3e3",
        "labelFontSize": 12,
        "titleFontSize": 12,
    },
    "legend": {
        "labelColor": INK,
        "titleColor": INK,
        "orient": "top",
        "labelFontSize": 12,
        "titleFontSize": 12,
    },
    "title": {"color": INK, "anchor": "start", "fontSize": 14},
}
ROW_HEIGHT = 22


def timeline(
    rows: list[dict[str, str]],
    *,
    title: str,
    description: str,
    standings: dict[str, str],
    first: str,
    last: str,
    axis: str,
) -> Spec:
    """A Gantt chart: one line per `row` label, one bar per stretch from `start` to `end`
    (ISO dates), filled by its standing. `standings` maps active/suspended/uncertain to the
    words shown in the legend, in that order; `first` and `last` bound the time axis."""
    words = [standings[s] for s in ("active", "suspended", "uncertain")]
    values = [{**r, "standingLabel": standings[r["standing"]]} for r in rows]
    labels = list(dict.fromkeys(r["row"] for r in rows))
    return {
        "title": title,
        "description": description,
        "config": _CONFIG,
        "width": 640,
        "height": max(1, len(labels)) * ROW_HEIGHT,
        "data": {"values": values},
        "mark": {"type": "bar", "strokeWidth": 1.5, "cornerRadius": 1},
        "encoding": {
            "y": _label_axis("row", labels),
            "x": {
                "field": "start",
                "type": "temporal",
                "scale": {"type": "utc", "domain": [first, last]},
                "axis": {"format": "%Y", "title": axis, "tickCount": "year"},
            },
            "x2": {"field": "end"},
            "fill": {
                "field": "standingLabel",
                "type": "nominal",
                "scale": {"domain": words, "range": [ACTIVE, SUSPENDED, UNCERTAIN]},
                "legend": {"title": None},
            },
            "stroke": {
                "field": "standingLabel",
                "type": "nominal",
                "scale": {"domain": words, "range": [ACTIVE, SUSPENDED, INK]},
                "legend": None,
            },
            "strokeDash": {
                "field": "standingLabel",
                "type": "nominal",
                "scale": {"domain": words, "range": [[1, 0], [1, 0], [3, 2]]},
                "legend": None,
            },
            "tooltip": [
                {"field": "row", "title": " "},
                {"field": "standingLabel", "title": " "},
                {
                    "field": "start",
                    "type": "temporal",
                    "format": "%Y-%m-%d",
                    "scale": {"type": "utc"},
                },
                {
                    "field": "end",
                    "type": "temporal",
                    "format": "%Y-%m-%d",
                    "scale": {"type": "utc"},
                },
            ],
        },
    }


def heat_strip(
    rows: list[dict[str, Any]],
    *,
    title: str,
    description: str,
    legend: str,
    axis: str,
) -> Spec:
    """One line per `row` label, one cell per `year`, shaded by `count` and printing its
    `text` (so the numbers read without colour); years with nothing to print are left blank."""
    labels = list(dict.fromkeys(r["row"] for r in rows))
    years = sorted({r["year"] for r in rows})
    shown = [r for r in rows if r["text"]]
    return {
        "title": title,
        "description": description,
        "config": _CONFIG,
        "width": max(1, len(years)) * 28,
        "height": max(1, len(labels)) * ROW_HEIGHT,
        "data": {"values": shown},
        "encoding": {
            "y": _label_axis("row", labels),
            "x": {
                "field": "year",
                "type": "ordinal",
                "sort": years,
                "title": axis,
                "scale": {"domain": years},
                "axis": {"labelAngle": -90},
            },
        },
        "layer": _shaded_cells(shown, legend, "blues", {"field": "text", "type": "nominal"}),
    }


def _label_axis(field: str, labels: list[str]) -> Spec:
    """The y axis of named lines, in the order given, labels up to 320 px before an ellipsis."""
    return {
        "field": field,
        "type": "nominal",
        "sort": labels,
        "title": None,
        "axis": {"labelLimit": 320},
    }


def _shaded_cells(
    rows: list[dict[str, Any]], legend: str, scheme: str, text: dict[str, str]
) -> list[Spec]:
    """The two layers of a heat map: a rectangle per cell shaded by its `count`, and its text
    on it (white on the darker half of the scale, black on the lighter, for contrast)."""
    return [
        {
            "mark": {"type": "rect", "stroke": "#ffffff", "strokeWidth": 1},
            "encoding": {
                "color": {
                    "field": "count",
                    "type": "quantitative",
                    "title": legend,
                    "scale": {"scheme": scheme},
                },
            },
        },
        {
            "mark": {"type": "text", "fontSize": 10},
            "encoding": {
                "text": text,
                "color": {
                    "condition": {"test": f"datum.count > {_dark(rows)}", "value": "#ffffff"},
                    "value": "#000000",
                },
            },
        },
    ]


def _dark(rows: list[dict[str, Any]]) -> float:
    """The count above which a cell is dark enough to need white text (half the largest)."""
    return max((r["count"] for r in rows), default=0) / 2


def matrix(
    rows: list[dict[str, Any]],
    *,
    title: str,
    description: str,
    legend: str,
) -> Spec:
    """A square matrix of `a` by `b` labels, each cell shaded by `count` and printing it."""
    labels = list(dict.fromkeys([*(r["a"] for r in rows), *(r["b"] for r in rows)]))
    size = max(1, len(labels)) * 26
    return {
        "title": title,
        "description": description,
        "config": _CONFIG,
        "width": size,
        "height": size,
        "data": {"values": rows},
        "encoding": {
            "y": _label_axis("a", labels),
            "x": {
                "field": "b",
                "type": "nominal",
                "sort": labels,
                "title": None,
                "axis": {"labelAngle": -60, "labelLimit": 200, "orient": "top"},
            },
        },
        "layer": _shaded_cells(rows, legend, "oranges", {"field": "count", "type": "quantitative"}),
    }


def lines(
    rows: list[dict[str, Any]],
    *,
    title: str,
    description: str,
    axis: str,
    value: str,
) -> Spec:
    """One line per `series` over `year` (the series told apart by dash and point shape too)."""
    series = list(dict.fromkeys(r["series"] for r in rows))
    return {
        "title": title,
        "description": description,
        "config": _CONFIG,
        "width": 640,
        "height": 260,
        "data": {"values": rows},
        "mark": {"type": "line", "point": True, "strokeWidth": 2},
        "encoding": {
            "x": {
                "field": "year",
                "type": "quantitative",
                "title": axis,
                "axis": {"format": "d", "tickMinStep": 1},
                "scale": {"zero": False, "nice": False},
            },
            "y": {"field": "value", "type": "quantitative", "title": value},
            "color": {
                "field": "series",
                "type": "nominal",
                "sort": series,
                "title": None,
                "scale": {"range": [ACTIVE, SUSPENDED, "#009E73", "#CC79A7"]},
            },
            "strokeDash": {
                "field": "series",
                "type": "nominal",
                "sort": series,
                "legend": None,
                "scale": {"range": [[1, 0], [6, 3], [2, 2], [8, 2, 2, 2]]},
            },
            "shape": {"field": "series", "type": "nominal", "sort": series, "legend": None},
            "tooltip": [{"field": "series", "title": " "}, {"field": "year"}, {"field": "value"}],
        },
    }
