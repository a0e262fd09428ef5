"""Dereferencing over HTTP: 303s by content negotiation, documents, headers, 404/406, bad input.

"Cool URIs for the Semantic Web" (W3C Interest Group Note, 2008), 303 pattern; media types as
registered with IANA; RFC 9110 for negotiation and conditional requests.
"""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from rdflib import OWL, RDF, Graph, URIRef

from natograph.publish.documents import FORMATS
from natograph.settings import Settings
from natograph.store import OxigraphStore
from natograph.web.app import create_app
from natograph.web.served import served_from_store

BASE = "https://w3id.org/natograph/"
UKR = BASE + "id/country/UKR"
PROTEGE_ACCEPT = (
    "application/rdf+xml, application/xml; q=0.7, text/xml; q=0.6, text/plain; q=0.1, */*; q=0.09"
)
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"
PARSERS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/trig": ox.RdfFormat.TRIG,
}


def text(term: object) -> str:
    """A term's value (an IRI, a literal's lexical form), for comparing quads as strings."""
    return str(getattr(term, "value", term))


def get(client: TestClient, path: str, accept: str | None = None, **headers: str) -> object:
    if accept is not None:
        headers["accept"] = accept
    return client.get(path, headers=headers, follow_redirects=False)


def triples_of(body: bytes, media_type: str) -> list[ox.Quad]:
    return list(ox.parse(body, format=PARSERS[media_type], base_iri=BASE))


# --- 303 See Other, by Accept -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "extension"),
    [
        ("text/html", ".html"),
        (BROWSER_ACCEPT, ".html"),
        ("*/*", ".html"),
        (None, ".html"),
        ("text/turtle", ".ttl"),
        ("application/ld+json", ".jsonld"),
        ("application/n-triples", ".nt"),
        ("application/rdf+xml", ".rdf"),
        ("application/trig", ".trig"),
        (PROTEGE_ACCEPT, ".rdf"),
        ("text/turtle;q=0.5, application/ld+json", ".jsonld"),
        ("text/html;q=0, */*", ".ttl"),
        ("application/json", ".jsonld"),
        ("application/x-turtle", ".ttl"),
    ],
)
def test_thing_iri_answers_303_by_accept(
    client: TestClient, accept: str | None, extension: str
) -> None:
    headers = {"accept": accept} if accept is not None else {}
    response = client.get("/id/country/UKR", headers=headers, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "UKR" + extension
    assert "Accept" in response.headers["vary"]
    for fmt in FORMATS:
        assert (
            f'<UKR{fmt.extension}>; rel="describedby"; type="{fmt.media_type}"'
            in (response.headers["link"])
        )


def test_303_keeps_the_query_string(client: TestClient) -> None:
    response = get(client, "/id/country/UKR?lang=fr", "text/html")
    assert response.headers["location"] == "UKR.html?lang=fr"  # type: ignore[attr-defined]


def test_cors_on_redirects_and_documents(client: TestClient) -> None:
    origin = {"origin": "https://example.org"}
    for path in ("/id/country/UKR", "/id/country/UKR.ttl"):
        response = get(client, path, "text/turtle", **origin)
        assert response.headers["access-control-allow-origin"] == "*"  # type: ignore[attr-defined]
        exposed = response.headers["access-control-expose-headers"]  # type: ignore[attr-defined]
        assert "Link" in exposed and "Location" in exposed


def test_head_is_answered_like_get(client: TestClient) -> None:
    got = client.get("/id/country/UKR.ttl")
    head = client.head("/id/country/UKR.ttl")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == got.headers["etag"]
    assert client.head("/id/country/UKR", follow_redirects=False).status_code == 303


# --- Documents ------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f.rdf], ids=lambda f: f.extension)
def test_documents_describe_the_permanent_iri(client: TestClient, fmt: object) -> None:
    """A local server still talks about https://w3id.org/natograph/... IRIs."""
    extension, media_type = fmt.extension, fmt.media_type  # type: ignore[attr-defined]
    response = client.get("/id/country/UKR" + extension)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    if media_type == "application/ld+json":
        document = json.loads(response.content)
        assert document["@context"] == "http://testserver/context.jsonld"
        assert any(node.get("id") in ("ngc:UKR", UKR) for node in document["@graph"])
        return
    subjects = {q.subject for q in triples_of(response.content, media_type)}
    assert ox.NamedNode(UKR) in subjects
    link = response.headers["link"]
    assert f'<{UKR}>; rel="describes"' in link
    assert 'rel="alternate"' in link and f"UKR{extension}>" not in link


def test_jsonld_names_the_context_of_the_server_that_answered(client: TestClient) -> None:
    """Documents are cached, but a cached JSON-LD document never names another host's context."""
    one = client.get("/id/country/FRA.jsonld", headers={"host": "one.example"})
    two = client.get("/id/country/FRA.jsonld", headers={"host": "two.example"})
    assert json.loads(one.content)["@context"] == "http://one.example/context.jsonld"
    assert json.loads(two.content)["@context"] == "http://two.example/context.jsonld"
    assert one.headers["etag"] != two.headers["etag"]


def test_embedded_jsonld_is_the_jsonld_document(client: TestClient) -> None:
    """The page embeds the same JSON-LD as `.jsonld` serves, naming the context relatively."""
    page = client.get("/id/country/GEO.html").text
    opening = '<script type="application/ld+json">'
    embedded = json.loads(page.split(opening, 1)[1].split("</script>", 1)[0])
    document = json.loads(client.get("/id/country/GEO.jsonld").content)
    assert embedded["@context"] == "../../context.jsonld"
    assert document["@context"] == "http://testserver/context.jsonld"
    assert embedded["@graph"] == document["@graph"]


def test_description_carries_dated_sourced_memberships_and_labels(client: TestClient) -> None:
    quads = triples_of(client.get("/id/country/UKR.ttl").content, "text/turtle")
    about = {(text(q.subject), text(q.predicate), text(q.object)) for q in quads}
    pfp = BASE + "id/membership/pfp-UKR"
    ngo = BASE + "ontology/"
    assert (pfp, ngo + "member", UKR) in about
    assert (pfp, ngo + "startDate", "1994-02-08") in about
    assert (pfp, ngo + "source", BASE + "id/source/W-CHRON-9402") in about  # the day it signed
    # Labels of what it links to come along: the framework and the sources.
    labels = {(s, o) for s, p, o in about if p.endswith("#label")}
    assert (BASE + "id/pfp", "Partnership for Peace") in labels
    # Claims about a resource come with it (EAPC: two sources disagree on its start).
    eapc = {
        text(q.subject)
        for q in triples_of(client.get("/id/eapc.nt").content, "application/n-triples")
    }
    assert {BASE + "id/claim/eapc-start-press", BASE + "id/claim/eapc-start-summary"} <= eapc


def test_inferred_triples_are_separable(client: TestClient) -> None:
    partner = (UKR, str(RDF.type), BASE + "ontology/PartnerCountry")

    def has(body: bytes, media_type: str) -> bool:
        triples = triples_of(body, media_type)
        return partner in {(text(q.subject), text(q.predicate), text(q.object)) for q in triples}

    assert has(client.get("/id/country/UKR.ttl").content, "text/turtle")
    assert not has(client.get("/id/country/UKR.ttl?inferred=false").content, "text/turtle")
    trig = triples_of(client.get("/id/country/UKR.trig").content, "application/trig")
    graphs = {
        text(q.graph_name)
        for q in trig
        if (text(q.subject), text(q.predicate), text(q.object)) == partner
    }
    assert graphs == {BASE + "graph/inferred"}


def test_html_is_marked_and_negotiated_by_language(client: TestClient) -> None:
    english = client.get("/id/pfp.html", headers={"accept-language": "en-GB,en;q=0.9"})
    french = client.get("/id/pfp.html", headers={"accept-language": "fr-CH, fr;q=0.9, en;q=0.5"})
    explicit = client.get("/id/pfp.html?lang=en", headers={"accept-language": "fr"})
    assert english.headers["content-language"] == "en" and 'lang="en"' in english.text
    assert french.headers["content-language"] == "fr" and "Partenariat pour la paix" in french.text
    assert explicit.headers["content-language"] == "en"
    assert "Accept-Language" in english.headers["vary"]
    assert '<script type="application/ld+json">' in english.text


def test_conditional_get(client: TestClient) -> None:
    first = client.get("/id/country/UKR.ttl")
    again = client.get("/id/country/UKR.ttl", headers={"if-none-match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    french = client.get("/id/country/UKR.html?lang=fr")
    english = client.get("/id/country/UKR.html?lang=en")
    assert french.headers["etag"] != english.headers["etag"]


# --- The special resources ------------------------------------------------------------------------


def test_ontology_by_iri_for_protege(client: TestClient) -> None:
    """Protégé (OWL API) sends its Accept header and follows the 303 to RDF/XML."""
    response = client.get("/ontology", headers={"accept": PROTEGE_ACCEPT})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/rdf+xml")
    graph = Graph().parse(data=response.content, format="xml")
    assert (URIRef(BASE + "ontology"), RDF.type, OWL.Ontology) in graph
    assert len(list(graph.subjects(RDF.type, OWL.Class))) > 40  # the whole ontology, not a CBD
    version = client.get("/ontology/0.1.0", headers={"accept": "text/turtle"})
    assert version.status_code == 200 and b"owl:versionIRI" in version.content


def test_ontology_opens_in_owlready2(client: TestClient) -> None:
    """An OWL tool loads what the ontology IRI returns (owlready2 reads RDF/XML)."""
    import owlready2

    body = client.get("/ontology", headers={"accept": PROTEGE_ACCEPT}).content
    world = owlready2.World()
    onto = world.get_ontology(BASE + "ontology").load(fileobj=io.BytesIO(body))
    names = {c.name for c in onto.classes()}
    assert {"Country", "PartnershipFramework", "AllianceMembership"} <= names


def test_ontology_html_documentation(client: TestClient) -> None:
    response = client.get("/ontology", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert str(response.url).endswith("/ontology.html")
    assert 'id="PartnershipFramework"' in response.text
    french = client.get("/ontology.html?lang=fr")
    assert 'lang="fr"' in french.text


def test_landing_page_and_dataset(client: TestClient) -> None:
    landing = client.get("/", headers={"accept": BROWSER_ACCEPT}, follow_redirects=False)
    assert landing.status_code == 200 and landing.headers["content-type"].startswith("text/html")
    for link in (
        'href="./query"',
        'href="./dist/"',
        'href="./.well-known/void"',
        'href="./sparql"',
    ):
        assert link in landing.text, link
    rdf = get(client, "/", "text/turtle")
    assert rdf.status_code == 303 and rdf.headers["location"] == "dataset.ttl"  # type: ignore[attr-defined]
    dataset = Graph().parse(data=client.get("/dataset.ttl").content, format="turtle")
    dcat = "http://www.w3.org/ns/dcat#"
    assert (URIRef(BASE + "dataset"), RDF.type, URIRef(dcat + "Dataset")) in dataset
    assert (URIRef(BASE), RDF.type, URIRef("http://xmlns.com/foaf/0.1/Document")) in dataset


def test_named_graphs_dereference(client: TestClient) -> None:
    response = client.get("/graph/inferred", headers={"accept": "text/turtle"})
    assert response.status_code == 200
    graph = Graph().parse(data=response.content, format="turtle")
    assert (URIRef(BASE + "graph/inferred"), None, None) in graph


def test_curl_follows_to_triples(live_server: str) -> None:
    """The README's example: curl -L with an Accept header gets Turtle about the w3id IRI."""
    result = subprocess.run(
        ["curl", "-sSfL", "-H", "Accept: text/turtle", live_server + "/id/country/UKR"],
        capture_output=True,
        check=True,
        timeout=30,
    )
    subjects = {q.subject for q in triples_of(result.stdout, "text/turtle")}
    assert ox.NamedNode(UKR) in subjects


# --- Unknown IRIs and bad input -------------------------------------------------------------------


def test_unknown_iri_gets_a_helpful_404(client: TestClient) -> None:
    page = client.get("/id/country/UKRR", headers={"accept": "text/html"})
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "id/country/UKR" in page.text
    text = client.get("/id/country/UKRR.ttl", headers={"accept": "text/turtle"})
    assert text.status_code == 404 and UKR in text.text and "Did you mean" in text.text
    assert client.get("/id/country/UKRR", headers={"accept": "text/turtle"}).status_code == 404


def test_406_lists_the_offered_types(client: TestClient) -> None:
    response = client.get(
        "/id/country/UKR", headers={"accept": "image/png"}, follow_redirects=False
    )
    assert response.status_code == 406
    for fmt in FORMATS:
        assert fmt.media_type in response.text


@pytest.mark.parametrize(
    "path",
    [
        "/id/%00",
        "/id/%ZZ",
        "/id/..%2F..%2Fetc%2Fpasswd",
        "/id/country/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "/id/%E2%82%AC",
        "/id/%FF%FE",
        "/id/country/UKR%20",
        "/id/country/UKR.html.ttl",
        "/id//country",
        "/.ttl",
        "/id/country/UKR?lang=%3Cb%3E",
    ],
)
def test_hostile_paths_get_clear_answers(client: TestClient, path: str) -> None:
    for accept in ("text/html", "text/turtle"):
        response = client.get(path, headers={"accept": accept}, follow_redirects=False)
        assert 300 <= response.status_code < 500, (path, response.status_code)
        assert "<script>alert(1)" not in response.text
        assert "Traceback" not in response.text


def test_bad_parameters_are_400(client: TestClient) -> None:
    assert client.get("/id/country/UKR.html?lang=de").status_code == 400
    assert client.get("/id/country/UKR.ttl?inferred=maybe").status_code == 400


def test_long_path_is_414(client: TestClient) -> None:
    assert client.get("/id/" + "a" * 5000).status_code == 414


def test_raw_non_ascii_path_is_400(live_server: str) -> None:
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(live_server)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as conn:
        conn.sendall(b"GET /id/country/\xc3\xa9 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        reply = b""
        while chunk := conn.recv(65536):
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 400"), reply[:200]


def test_script_in_a_label_is_escaped(tmp_path: Path) -> None:
    """A label with markup renders as text on the page and in its embedded JSON-LD."""
    store = OxigraphStore()
    evil = ox.NamedNode(BASE + "id/evil")
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    store.load(
        [
            ox.Triple(evil, label, ox.Literal("<script>alert(1)</script>", language="en")),
            ox.Triple(evil, ox.NamedNode(BASE + "ontology/partOf"), ox.NamedNode(BASE + "id/x")),
            ox.Triple(
                ox.NamedNode(BASE + "id/x"), label, ox.Literal('"><img src=x onerror=alert(2)>')
            ),
        ],
        BASE + "graph/data",
    )
    settings = Settings(root=tmp_path, hermit=False, query_workers=1, cache=False)
    served = served_from_store(store, settings)
    try:
        with TestClient(create_app(served, settings)) as client:
            page = client.get("/id/evil.html")
            assert page.status_code == 200
            assert "<script>alert(1)" not in page.text
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
            assert "<img src=x" not in page.text
            script = page.text.split('<script type="application/ld+json">', 1)[1].split(
                "</script>"
            )[0]
            assert "alert(1)" in script and "<" not in script  # escaped as \\u003c inside JSON
            other = client.get("/id/x.html")
            assert "<img src=x" not in other.text
    finally:
        served.close()


def test_base_iri_is_a_setting(tmp_path: Path) -> None:
    """Another namespace served from the root: paths map onto whatever base IRI is configured."""
    base = "http://example.org/kg/"
    store = OxigraphStore()
    thing = ox.NamedNode(base + "thing/one")
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    store.load([ox.Triple(thing, label, ox.Literal("one", language="en"))], base + "graph/data")
    settings = Settings(root=tmp_path, hermit=False, query_workers=1, cache=False, base_iri=base)
    served = served_from_store(store, settings)
    try:
        with TestClient(create_app(served, settings)) as client:
            redirect = get(client, "/thing/one", "text/turtle")
            assert redirect.status_code == 303  # type: ignore[attr-defined]
            body = client.get("/thing/one", headers={"accept": "text/turtle"}).content
            assert thing in {q.subject for q in triples_of(body, "text/turtle")}
            page = client.get("/thing/one.html")
            assert page.status_code == 200 and base + "thing/one" in page.text
            assert client.get("/id/country/UKR.ttl").status_code == 404
    finally:
        served.close()
