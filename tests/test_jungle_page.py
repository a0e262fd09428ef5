"""`/jungle` over HTTP: a matrix that reads without colour, overlaps, growth, downloads."""

from __future__ import annotations

import csv
import io
import re

from fastapi.testclient import TestClient

from natograph.publish.documents import VIEWS


def test_the_2014_map_lists_partners_by_structure_with_words_not_only_colours(
    client: TestClient,
) -> None:
    response = client.get("/jungle?date=2014-10-16")
    assert response.status_code == 200
    html = response.text
    matrix = html[html.index('<table class="jungle-matrix">') : html.index("</table>")]
    rows = re.findall(
        r'<tr>\s*<th scope="row"><a href="[^"]+">([^<]+)</a></th>(.*?)</tr>', matrix, re.S
    )
    partners = dict(rows)
    assert len(partners) == 42 and "France" not in partners
    russia = partners["Russia"]
    # Each cell carries a symbol hidden from screen readers and its standing in words.
    assert (
        '<td class="cell status-suspended"><span aria-hidden="true">\N{CIRCLE WITH LEFT HALF BLACK}'
        '</span><span class="visually-hidden">suspended</span></td>' in russia
    )
    assert "<caption" in matrix and 'role="region"' in html and 'tabindex="0"' in html
    # The form works without JavaScript and steps by year.
    assert 'name="date"' in html and 'href="jungle?date=2013-10-16&amp;lang=en"' in html
    assert "37-structure-overlaps-on-date.rq" in html and "36-timelines.rq" in html


def test_the_overlaps_table_and_csv_agree(client: TestClient) -> None:
    html = client.get("/jungle?date=2014-10-16").text
    table = html[html.index('<table class="jungle-overlaps">') :]
    table = table[: table.index("</table>")]
    first = re.search(
        r"<tr>\s*<th[^>]*><a[^>]*>([^<]+)</a></th>\s*<td><a[^>]*>([^<]+)</a></td>"
        r"\s*<td class=\"count\">(\d+)</td>",
        table,
    )
    assert first is not None
    assert {first.group(1), first.group(2)} == {
        "Euro-Atlantic Partnership Council",
        "Partnership for Peace",
    }
    assert first.group(3) == "22"
    rows = list(
        csv.DictReader(io.StringIO(client.get("/jungle.csv?date=2014-10-16&table=overlaps").text))
    )
    assert rows[0]["shared"] == "22" and len(rows) == table.count("<tr>") - 1


def test_the_growth_and_the_charts_are_served(client: TestClient) -> None:
    growth = list(csv.DictReader(io.StringIO(client.get("/jungle.csv?table=growth").text)))
    assert growth[0]["year"] == "1991" and int(growth[-1]["structures"]) >= 15
    for which in ("overlaps", "growth"):
        svg = client.get(f"/jungle-{which}.svg?date=2014-10-16")
        assert svg.status_code == 200 and svg.headers["content-type"] == "image/svg+xml"
        assert client.get(f"/jungle-{which}.png?date=2014-10-16").content[:4] == b"\x89PNG"
        assert "$schema" in client.get(f"/jungle-{which}.vl.json?date=2014-10-16").json()
    data = client.get("/jungle.json?date=2014-10-16").json()
    assert set(data) == {"matrix", "overlaps", "growth"}


def test_french_and_errors(client: TestClient) -> None:
    french = client.get("/jungle?date=2014-10-16&lang=fr")
    assert french.headers["content-language"] == "fr"
    assert "Partenaires communs" in french.text and "suspendu" in french.text
    assert client.get("/jungle?date=2014-13-01").status_code == 400
    assert client.get("/jungle?date=1900-01-01").status_code == 400
    bad = client.get("/jungle.csv?table=everything")
    assert bad.status_code == 400 and "matrix, overlaps, growth" in bad.text


def test_every_view_w3id_forwards_is_served(client: TestClient) -> None:
    """The views w3id.org sends on as they are (publish.documents.VIEWS) all exist here."""
    for path in VIEWS:
        response = client.get(f"/{path}?date=2014-10-16&q=pfp")
        assert response.status_code == 200, path
