"""`/landscape` over HTTP: the page, its comparison mode, its downloads and its errors."""

from __future__ import annotations

import csv
import io
import re

from fastapi.testclient import TestClient


def test_the_2014_landscape_page_shows_the_41_partners(client: TestClient) -> None:
    response = client.get("/landscape?date=2014-10-16")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-language"] == "en"
    html = response.text
    assert "<form" in html and 'name="date"' in html and 'value="2014-10-16"' in html
    # The Partnership for Peace row: 21 active, 1 suspended (Russia).
    row = re.search(r'<tr id="pfp">(.*?)</tr>', html, re.S)
    assert row is not None
    counts = re.findall(r'<td class="count">(\d+)</td>', row.group(1))
    assert counts[:2] == ["21", "1"]
    assert "Russia" in row.group(1)
    # Year steps are plain links (no JavaScript needed).
    assert 'href="landscape?date=2013-10-16&amp;lang=en"' in html
    assert 'href="landscape?date=2015-10-16&amp;lang=en"' in html
    assert "35-landscape-on-date.rq" in html


def test_the_partner_count_of_2014_is_41(client: TestClient) -> None:
    rows = list(csv.DictReader(io.StringIO(client.get("/landscape.csv?date=2014-10-16").text)))
    partners = {r["member"] for r in rows if r["kind"] in {"PartnershipFramework", "PartnerGroup"}}
    assert len(partners) == 41  # S000; Russia among them, its PfP cooperation suspended


def test_compare_lists_finland_and_sweden_becoming_allies(client: TestClient) -> None:
    response = client.get("/landscape?date=2022-02-23&compare=2024-12-31")
    assert response.status_code == 200
    html = response.text
    table = html.split('<table class="changes">', 1)[1].split("</table>", 1)[0]
    allied = [row for row in table.split("<tr")[1:] if "became an Ally" in row]
    assert any("Finland" in row for row in allied), allied
    assert any("Sweden" in row for row in allied), allied


def test_the_page_speaks_french(client: TestClient) -> None:
    response = client.get("/landscape?date=2022-02-23&compare=2024-12-31&lang=fr")
    assert response.headers["content-language"] == "fr"
    assert '<html lang="fr"' in response.text
    assert "Finlande" in response.text


def test_the_downloads_are_csv_and_json_of_the_same_rows(client: TestClient) -> None:
    as_csv = client.get("/landscape.csv?date=2022-02-23&compare=2024-12-31")
    as_json = client.get("/landscape.json?date=2022-02-23&compare=2024-12-31")
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert as_json.headers["content-type"] == "application/json"
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert rows == [{k: (v or "") for k, v in row.items()} for row in as_json.json()]
    assert {"Finland", "Sweden"} <= {
        r["member_label"] for r in rows if r["change"] == "became an Ally"
    }


def test_bad_dates_are_400_with_what_to_do(client: TestClient) -> None:
    for query in ("date=2014-13-01", "date=yesterday", "compare=1900-01-01"):
        response = client.get("/landscape?" + query)
        assert response.status_code == 400, query
        assert "date" in response.text.lower()


def test_every_page_links_to_the_landscape(client: TestClient) -> None:
    for path in ("/", "/id/country/UKR.html", "/ontology.html"):
        assert re.search(r'<nav[^>]*>.*?href="[./]*landscape"', client.get(path).text, re.S), path


def test_every_change_and_status_has_words_in_both_languages() -> None:
    """A missing message would be a 500 on the page; every pair of states is tried."""
    from natograph.query.landscape import KINDS, STATUSES, _change
    from natograph.web.i18n import messages

    states = [None, *STATUSES]
    changes = {
        _change(kind, was, now) for kind in KINDS for was in states for now in states if was != now
    }
    keys = {"change_" + change.replace(" ", "_").lower() for change in changes}
    keys |= {"status_" + status for status in STATUSES} | {"kind_" + kind for kind in KINDS}
    assert keys <= set(messages()), keys - set(messages())
