"""`/timeline` over HTTP: the toolbox's chart and table, a resource's, their downloads, errors."""

from __future__ import annotations

import csv
import io
import json
import re
from xml.etree import ElementTree

from fastapi.testclient import TestClient

from natograph.charts.render import SCHEMA


def test_the_toolbox_page_has_a_chart_and_a_table_of_every_structure_from_1991(
    client: TestClient,
) -> None:
    response = client.get("/timeline")
    assert response.status_code == 200
    html = response.text
    assert re.search(r'<img src="\./timeline\.svg\?lang=en" alt="[^"]{40,}"', html)
    table = html[html.index('<table class="timeline-grid">') : html.index("</table>")]
    years = re.findall(r'<th scope="col">(\d{4})</th>', table)
    assert years[0] == "1991" and len(years) >= 34
    rows = dict(
        re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a></th>(.*?)</tr>', table, re.S)
    )
    assert {"Partnership for Peace", "NATO-Ukraine Council", "Mediterranean Dialogue"} <= set(rows)
    nato = re.findall(r'<td class="count">([^<]*)</td>', rows["North Atlantic Treaty Organization"])
    assert nato[0] == "16" and nato[-1] == "32"  # 16 Allies in 1991; 32 after Sweden
    assert "36-timelines.rq" in html
    assert 'href="./query?example=36-timelines#example-36-timelines"' in html


def test_the_csv_json_and_chart_formats_give_the_same_view(client: TestClient) -> None:
    rows = list(csv.DictReader(io.StringIO(client.get("/timeline.csv").text)))
    as_json = client.get("/timeline.json").json()
    assert [r["text"] for r in rows] == [r["text"] for r in as_json]
    pfp = {r["year"]: r for r in rows if r["structure"].endswith("/id/pfp")}
    assert pfp["2014"]["active"] == "21" and pfp["2014"]["suspended"] == "1"
    svg = client.get("/timeline.svg")
    assert svg.headers["content-type"] == "image/svg+xml"
    root = ElementTree.fromstring(svg.content)
    assert root.tag.endswith("svg")
    assert "Partnership for Peace" in svg.text
    png = client.get("/timeline.png")
    assert png.headers["content-type"] == "image/png" and png.content[:4] == b"\x89PNG"
    spec = client.get("/timeline.vl.json").json()
    assert spec["$schema"] == SCHEMA
    assert len(spec["data"]["values"]) == len([r for r in rows if r["text"]])


def test_a_country_page_gives_its_history_in_a_summary_a_chart_and_a_table(
    client: TestClient,
) -> None:
    html = client.get("/timeline?resource=id/country/UKR").text
    assert "<h1>Ukraine over time</h1>" in html
    summary = html[
        html.index('<ul class="timeline-summary">') : html.index(
            "</ul>", html.index('<ul class="timeline-summary">')
        )
    ]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", summary))
    assert "NATO-Ukraine Commission: 1997\N{EN DASH}2023" in text
    assert "NATO-Ukraine Council: since 2023" in text
    assert "Partnership for Peace: since 1994" in text
    assert 'src="./timeline.svg?resource=id%2Fcountry%2FUKR&amp;lang=en"' in html


def test_russias_suspension_is_a_stretch_of_its_own(client: TestClient) -> None:
    rows = client.get("/timeline.json?resource=id/country/RUS").json()
    pfp = [r for r in rows if r["iri"].endswith("/id/pfp")]
    assert [r["standing"] for r in pfp] == ["active", "suspended"]
    assert pfp[1]["start"] == "2014-04-01" and pfp[1]["ongoing"] == "true"
    html = client.get("/timeline?resource=id/country/RUS").text
    assert "suspended since 2014" in html


def test_an_ally_shows_its_accession(client: TestClient) -> None:
    rows = client.get("/timeline.json?resource=id/country/FIN").json()
    nato = [r for r in rows if r["iri"].endswith("/id/nato")]
    assert nato == [
        {
            "row": "North Atlantic Treaty Organization",
            "iri": "https://w3id.org/natograph/id/nato",
            "start": "2023-04-04",
            "end": nato[0]["end"],
            "standing": "active",
            "ongoing": "true",
        }
    ]


def test_a_structure_lists_its_members_and_its_chart_draws_uncertain_stretches_dashed(
    client: TestClient,
) -> None:
    rows = client.get("/timeline.json?resource=id/building-integrity").json()
    assert rows and {r["standing"] for r in rows} == {"uncertain"}
    spec = client.get("/timeline.vl.json?resource=id/building-integrity").json()
    dash = spec["encoding"]["strokeDash"]["scale"]
    assert dash["domain"][2] == "uncertain" and dash["range"][2] != [1, 0]


def test_the_page_speaks_french(client: TestClient) -> None:
    response = client.get("/timeline?resource=id/country/UKR&lang=fr")
    assert response.headers["content-language"] == "fr"
    assert "Commission OTAN-Ukraine" in response.text and "depuis 1994" in response.text
    assert "Année" in client.get("/timeline.svg?resource=id/country/UKR&lang=fr").text


def test_errors_say_what_to_do(client: TestClient) -> None:
    missing = client.get("/timeline?resource=id/country/XXX")
    assert missing.status_code == 404 and "/search" in missing.text
    assert client.get("/timeline.svg?resource=id/country/XXX").status_code == 404
    long = client.get("/timeline?resource=" + "a" * 600)
    assert long.status_code == 400
    # A resource that takes part in nothing has a page that says so, and no chart.
    nothing = client.get("/timeline?resource=ontology/Country")
    assert nothing.status_code == 200 and "no dated engagement" in nothing.text
    assert client.get("/timeline.svg?resource=ontology/Country").status_code == 404


def test_every_page_links_to_the_timeline(client: TestClient) -> None:
    for path in ("/", "/landscape", "/ontology.html", "/id/country/UKR.html"):
        html = client.get(path).text
        assert re.search(r'<nav[^>]*>.*?href="[./]*timeline"', html, re.S), path


def test_labels_in_the_chart_are_escaped(client: TestClient) -> None:
    spec = json.dumps(client.get("/timeline.vl.json?resource=id/country/UKR").json())
    assert "<script" not in spec
