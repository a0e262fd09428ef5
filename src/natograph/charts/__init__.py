"""Charts of the graph's views, as Vega-Lite specifications rendered to SVG and PNG on the server.

`specs` writes the specifications (plain dicts, the same JSON a researcher can download and open
in the Vega editor); `render` turns them into SVG or PNG with vl-convert, the Vega project's own
renderer bundled as a Python wheel: no browser, no JavaScript in the page, and no network access.
"""
