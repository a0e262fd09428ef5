"""A resource page leads with what a person came for (issue 11, point 5): a summary and the
timeline first, links named by what they point at, inferred repeats folded into what is stated."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def test_a_country_page_opens_with_its_history_then_its_engagements(client: TestClient) -> None:
    html = client.get("/id/country/UKR.html").text
    summary, engagements, properties = (
        html.index('id="summary"'),
        html.index('id="engagements"'),
        html.index('id="properties"'),
    )
    assert summary < engagements < properties
    lead = _text(html[summary:engagements])
    assert "Partnership for Peace: since 1994" in lead
    assert "NATO-Ukraine Commission: 1997\N{EN DASH}2023" in lead
    assert "NATO-Ukraine Council: since 2023" in lead
    assert "Enhanced Opportunities Partners: since 2020" in lead
    assert 'src="../../timeline.svg?resource=id%2Fcountry%2FUKR&amp;lang=en"' in html
    assert 'href="../../timeline?resource=id/country/UKR"' in html
    # The table behind the chart is on the page, folded (it repeats the engagements below).
    assert '<table class="timeline-stretches">' in html[summary:engagements]


def test_links_to_engagements_are_named_not_bare_iris(client: TestClient) -> None:
    html = client.get("/id/country/UKR.html").text
    texts = re.findall(r'<a href="[^"]*membership/[^"]+"[^>]*>([^<]+)</a>', html)
    assert texts and not [t for t in texts if t.startswith("ngm:")]
    assert "Ukraine in Partnership for Peace" in texts
    french = client.get("/id/country/UKR.html?lang=fr").text
    assert "Ukraine dans Partenariat pour la paix" in french


def test_a_source_is_listed_once_with_what_the_reasoner_also_made_of_it(
    client: TestClient,
) -> None:
    html = client.get("/id/country/UKR.html").text
    properties = html[html.index('id="properties"') : html.index('id="incoming"')]
    names = re.findall(r"<dt>.*?</dt>", properties, re.S)
    assert any("ngo:source" in n for n in names)
    # dcterms:source and prov:wasDerivedFrom are not groups of their own: folded, still marked.
    assert not any("dcterms:source" in n or "prov:wasDerivedFrom" in n for n in names)
    also = re.findall(r'<span class="also">(.*?)</span>\)', properties, re.S)
    sources = [a for a in also if "dcterms:source" in a]
    assert len(sources) >= 3 and all("prov:wasDerivedFrom" in a for a in sources)
    assert all("inferred" in a for a in also)


def test_pages_without_engagements_have_no_timeline(client: TestClient) -> None:
    html = client.get("/ontology/Country.html").text
    assert 'id="summary"' not in html and "timeline.svg" not in html
