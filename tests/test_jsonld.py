"""JSON-LD: the published context, compact documents, and their round trip back to the triples.

Round trips go the way a consumer goes: the document names the context by URL, pyld fetches it
(here from a loader that answers our context and refuses anything else: no network) and turns the
document into RDF, which must be isomorphic to the triples as Oxigraph's Turtle gives them.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from pyld import jsonld as pyld
from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic

from natograph.namespaces import GRAPH_DATA, GRAPH_ONTOLOGY, NGO, PREFIXES
from natograph.publish.jsonld import CONTEXT_PATH, context, context_url, serialise
from natograph.store import OxigraphStore, Solutions, Triples

BASE = "https://w3id.org/natograph/"
URL = context_url(BASE)
EX = "http://example.org/"
XSD_DATE = ox.NamedNode(PREFIXES["xsd"] + "date")


@pytest.fixture(scope="module")
def ctx(store: OxigraphStore) -> dict[str, Any]:
    return context(store)


def loader_for(document: dict[str, Any]) -> Any:
    def load(url: str, _options: Any) -> dict[str, Any]:
        if url != URL:
            raise AssertionError(f"a JSON-LD processor asked for {url}")
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": document,
        }

    return load


def to_graph(document: dict[str, Any], ctx: dict[str, Any]) -> Graph:
    nquads = pyld.to_rdf(
        document, {"format": "application/n-quads", "documentLoader": loader_for(ctx)}
    )
    return Graph().parse(data=nquads, format="nt")


def turtle_graph(triples: list[ox.Triple]) -> Graph:
    turtle = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES) or b""
    return Graph().parse(data=turtle.decode("utf-8"), format="turtle")


def assert_round_trip(triples: list[ox.Triple], ctx: dict[str, Any]) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(serialise(triples, URL, ctx))
    assert document["@context"] == URL
    back, expected = to_graph(document, ctx), turtle_graph(triples)
    if not isomorphic(back, expected):
        _, only_jsonld, only_turtle = graph_diff(back, expected)
        raise AssertionError(
            f"JSON-LD gave {len(back)} triples, Turtle {len(expected)};\n"
            f"only in JSON-LD: {sorted(only_jsonld)[:5]}\nonly in Turtle: {sorted(only_turtle)[:5]}"
        )
    assert len(back) == len(set(triples)) > 0
    # The document is in the very form the published context compacts it to.
    options = {"documentLoader": loader_for(ctx), "graph": True}
    recompacted = pyld.compact(pyld.expand(document, options), ctx, options)
    assert recompacted == {**document, "@context": ctx["@context"]}
    return document


def construct(store: OxigraphStore, sparql: str) -> list[ox.Triple]:
    result = store.query(sparql, inferred=False)
    assert isinstance(result, Triples)
    return list(result)


def description(store: OxigraphStore, iri: str) -> list[ox.Triple]:
    """What a page about `iri` shows: its triples with their blank nodes, the labels of what
    it links to, and the engagements it takes part in with theirs."""
    triples = construct(
        store,
        f"""CONSTRUCT {{ ?s ?p ?o . ?o rdfs:label ?label . ?m ?mp ?mo . ?mo rdfs:label ?ml }}
        WHERE {{
          {{ VALUES ?s {{ <{iri}> }} ?s ?p ?o OPTIONAL {{ ?o rdfs:label ?label }} }}
          UNION {{ ?m ?role <{iri}> . ?m a/rdfs:subClassOf* ngo:Engagement ; ?mp ?mo
                  OPTIONAL {{ ?mo rdfs:label ?ml }} }}
        }}""",
    )
    subjects = {t.subject for t in triples if isinstance(t.subject, ox.NamedNode)}
    assert subjects and ox.NamedNode(iri) in subjects
    return triples + blank_closure(store, triples)


def blank_closure(store: OxigraphStore, triples: list[ox.Triple]) -> list[ox.Triple]:
    found: list[ox.Triple] = []
    todo = [t.object for t in triples if isinstance(t.object, ox.BlankNode)]
    seen: set[ox.BlankNode] = set()
    while todo:
        node = todo.pop()
        if not isinstance(node, ox.BlankNode) or node in seen:
            continue
        seen.add(node)
        subs: dict[str, Any] = {"s": node}  # the store's signature names no blank nodes
        result = store.query("SELECT ?s ?p ?o { ?s ?p ?o }", inferred=False, bindings=subs)
        assert isinstance(result, Solutions)
        for row in result:
            found.append(ox.Triple(node, row["p"], row["o"]))
            todo.append(row["o"])
    return found


def graph_triples(store: OxigraphStore, *graphs: str) -> list[ox.Triple]:
    values = " ".join(f"<{g}>" for g in graphs)
    return construct(
        store,
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}",
    )


def ngo(name: str) -> ox.NamedNode:
    return ox.NamedNode(str(NGO) + name)


def node(document: dict[str, Any], compact_id: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [n for n in document["@graph"] if n.get("id") == compact_id]
    assert len(found) == 1, f"{compact_id} not in the @graph"
    return found[0]


def one_of(store: OxigraphStore, sparql: str) -> str:
    result = store.query(sparql, inferred=False)
    assert isinstance(result, Solutions)
    return str(next(iter(result))[0].value)


# --- the context ---------------------------------------------------------------------------


def test_context_is_valid_json_ld_1_1(ctx: dict[str, Any]) -> None:
    inner = ctx["@context"]
    assert inner["@version"] == 1.1
    assert inner["id"] == "@id" and inner["type"] == "@type"
    assert "@vocab" not in inner
    for prefix, namespace in PREFIXES.items():
        assert inner[prefix] == namespace
    # pyld processes it in JSON-LD 1.1 mode, with every key in use at once.
    document: dict[str, Any] = {"@context": inner, "@id": EX + "s"}
    for key, definition in inner.items():
        if key.startswith("@") or key in PREFIXES or key in ("id", "type"):
            continue
        container = isinstance(definition, dict) and definition.get("@container")
        document[key] = {"en": "x"} if container == "@language" else {"@id": EX + "o"}
    expanded = pyld.expand(document, {"processingMode": "json-ld-1.1"})
    assert len(expanded[0]) == len(document) - 1  # every key expanded to a property


def test_context_is_deterministic_and_sorted(store: OxigraphStore, ctx: dict[str, Any]) -> None:
    again = context(store)
    assert json.dumps(again) == json.dumps(ctx)
    keys = list(ctx["@context"])
    assert keys == sorted(keys)


def test_context_has_a_key_for_every_ngo_class_and_property(
    store: OxigraphStore, ctx: dict[str, Any]
) -> None:
    result = store.query(
        f"""SELECT DISTINCT ?term ?kind WHERE {{ GRAPH <{GRAPH_ONTOLOGY}> {{
          ?term a ?kind
          VALUES ?kind {{ owl:Class owl:ObjectProperty owl:DatatypeProperty
                          owl:AnnotationProperty }}
          FILTER(STRSTARTS(STR(?term), STR(ngo:)))
        }} }}"""
    )
    assert isinstance(result, Solutions)
    terms = {(row["term"].value, row["kind"].value) for row in result}
    assert len(terms) > 80
    inner = ctx["@context"]
    for iri, kind in terms:
        key = iri.removeprefix(str(NGO))
        assert key in inner, f"no key for {iri}"
        if kind.endswith("Class"):
            expanded = pyld.expand({"@context": inner, "@id": EX + "s", "type": key})
            assert expanded[0]["@type"] == [iri]
        else:
            container = isinstance(inner[key], dict) and inner[key].get("@container")
            value = {"en": "x"} if container == "@language" else {"@id": EX + "o"}
            expanded = pyld.expand({"@context": inner, "@id": EX + "s", key: value})
            assert iri in expanded[0], f"{key} does not expand to {iri}"


def test_context_coerces_by_what_the_graph_holds(ctx: dict[str, Any]) -> None:
    inner = ctx["@context"]
    assert inner["startDate"] == {"@id": "ngo:startDate", "@type": "xsd:date"}
    assert inner["member"] == {"@id": "ngo:member", "@type": "@id"}
    assert inner["label"] == {"@id": "rdfs:label", "@container": "@language"}
    assert inner["definition"] == {"@id": "skos:definition", "@container": "@language"}
    assert inner["statement"]["@container"] == "@language"
    assert inner["Country"] == "ngo:Country"
    # Dates, integers, an anyURI and language-tagged strings: no coercion fits them all.
    assert inner["claimedValue"] == "ngo:claimedValue"
    # Plain strings need none.
    assert inner["iso3166Alpha3"] == "ngo:iso3166Alpha3"
    # ngo: keeps its own local names; a look-alike from another vocabulary stays prefixed.
    assert inner["source"]["@id"] == "ngo:source"
    assert inner["endDate"]["@id"] == "ngo:endDate"
    assert "sameAs" not in inner  # owl:sameAs or schema:sameAs: neither is guessed
    assert inner["subClassOf"] == {"@id": "rdfs:subClassOf", "@type": "@id"}


def test_context_from_a_small_graph_coerces_only_what_fits_every_value() -> None:
    ontology = """
        ngo:Widget a owl:Class .
        ngo:mixed a owl:ObjectProperty .
        ngo:declaredDate a owl:DatatypeProperty ; rdfs:range xsd:date .
        ngo:declaredLink a owl:ObjectProperty .
        ngo:note a owl:AnnotationProperty .
        ngo:size a owl:DatatypeProperty ; rdfs:range xsd:integer .
    """
    data = """
        <http://example.org/w> a ngo:Widget ;
            ngo:mixed <http://example.org/x> , "a literal" ;
            ngo:note "note"@en , "plain" ;
            ngo:size 3 , "3.5"^^xsd:decimal .
    """
    small = OxigraphStore()
    for text, graph in ((ontology, GRAPH_ONTOLOGY), (data, GRAPH_DATA)):
        prologue = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())
        small.load(ox.parse(prologue + text, format=ox.RdfFormat.TURTLE), str(graph))
    inner = context(small)["@context"]
    assert inner["Widget"] == "ngo:Widget"
    assert inner["mixed"] == "ngo:mixed"  # declared an object property, but holds a literal
    assert inner["declaredDate"] == {"@id": "ngo:declaredDate", "@type": "xsd:date"}
    assert inner["declaredLink"] == {"@id": "ngo:declaredLink", "@type": "@id"}
    assert inner["note"] == {"@id": "ngo:note", "@container": "@language"}
    assert inner["size"] == "ngo:size"  # an integer and a decimal
    triples = graph_triples(small, str(GRAPH_DATA))
    document = assert_round_trip(triples, {"@context": inner})
    widget = node(document, EX + "w")
    assert widget["mixed"] == [{"id": EX + "x"}, "a literal"]
    assert widget["note"] == {"@none": "plain", "en": "note"}


def test_a_misspelt_key_is_dropped_not_turned_into_an_ngo_term(ctx: dict[str, Any]) -> None:
    document = {"@context": ctx["@context"], "@id": EX + "s", "lable": "x", "label": {"en": "y"}}
    expanded = pyld.expand(document)
    assert set(expanded[0]) == {"@id", "http://www.w3.org/2000/01/rdf-schema#label"}


# --- documents ------------------------------------------------------------------------------


def test_country_round_trips_with_compact_keys(store: OxigraphStore, ctx: dict[str, Any]) -> None:
    triples = description(store, BASE + "id/country/UKR")
    assert len(triples) > 50
    document = assert_round_trip(triples, ctx)
    ukraine = node(document, "ngc:UKR")
    assert ukraine["type"] == "Country"
    assert ukraine["label"]["en"] == "Ukraine"
    assert ukraine["iso3166Alpha3"] == "UKR"
    assert ukraine["wikidataEntity"] == "wd:Q212"
    memberships = [n for n in document["@graph"] if n.get("member") == "ngc:UKR"]
    assert memberships and all("source" in m for m in memberships)
    dated = [m for m in memberships if "startDate" in m]
    assert dated and all(len(m["startDate"]) == 10 for m in dated)  # a plain "YYYY-MM-DD"


def test_membership_round_trips(store: OxigraphStore, ctx: dict[str, Any]) -> None:
    membership = one_of(
        store, "SELECT ?m { ?m a ngo:PartnershipMembership ; ngo:startDate ?d } ORDER BY ?m LIMIT 1"
    )
    document = assert_round_trip(description(store, membership), ctx)
    compact = "ngm:" + membership.removeprefix(BASE + "id/membership/")
    entry = node(document, compact)
    assert entry["type"] == "PartnershipMembership"
    assert isinstance(entry["startDate"], str)
    assert entry["member"].startswith("ngc:")


def test_claims_with_values_of_every_kind_round_trip(
    store: OxigraphStore, ctx: dict[str, Any]
) -> None:
    triples = construct(
        store, "CONSTRUCT { ?c ?p ?o } WHERE { ?c a ngo:Claim ; ngo:claimedValue [] ; ?p ?o }"
    )
    kinds = {
        t.object.datatype.value
        for t in triples
        if t.predicate == ngo("claimedValue") and isinstance(t.object, ox.Literal)
    }
    xsd, rdf = PREFIXES["xsd"], PREFIXES["rdf"]
    assert {rdf + "langString", xsd + "date", xsd + "integer", xsd + "anyURI"} <= kinds
    document = assert_round_trip(triples, ctx)
    values = [n["claimedValue"] for n in document["@graph"] if "claimedValue" in n]
    assert {"@value", "type"} <= set().union(*(v for v in values if isinstance(v, dict)))


def test_ontology_class_and_header_round_trip(store: OxigraphStore, ctx: dict[str, Any]) -> None:
    allied = assert_round_trip(description(store, NGO.AlliedCountry), ctx)
    entry = node(allied, "ngo:AlliedCountry")
    assert entry["type"] == "Class"
    assert entry["label"] == {"en": "Allied country", "fr": "pays allié"}
    # The OWL restriction's blank nodes are nested where they are used, without labels.
    intersection = entry["equivalentClass"]["intersectionOf"]
    assert "ngo:Country" in intersection
    assert "_:" not in json.dumps(allied)

    header = assert_round_trip(description(store, BASE + "ontology"), ctx)
    ontology = node(header, BASE + "ontology")
    assert ontology["type"] == "Ontology"
    assert ontology["title"] == {"en": "natograph ontology", "fr": "Ontologie natograph"}


def test_whole_asserted_dataset_round_trips(store: OxigraphStore, ctx: dict[str, Any]) -> None:
    """Speed is measured by the benchmark (bench/), not here."""
    assert_round_trip(graph_triples(store, str(GRAPH_DATA)), ctx)
    assert_round_trip(graph_triples(store, str(GRAPH_ONTOLOGY), str(GRAPH_DATA)), ctx)


def test_output_does_not_depend_on_order_or_blank_node_labels(
    store: OxigraphStore, ctx: dict[str, Any]
) -> None:
    triples = graph_triples(store, str(GRAPH_ONTOLOGY), str(GRAPH_DATA))
    fresh: dict[ox.BlankNode, ox.BlankNode] = {}

    def relabel(term: Any) -> Any:
        return fresh.setdefault(term, ox.BlankNode()) if isinstance(term, ox.BlankNode) else term

    shuffled = [ox.Triple(relabel(t.subject), t.predicate, relabel(t.object)) for t in triples]
    shuffled.reverse()
    assert fresh
    assert serialise(shuffled, URL, ctx) == serialise(triples, URL, ctx)


def test_shared_and_unreferenced_blank_nodes(ctx: dict[str, Any]) -> None:
    s, shared, cycle_a, cycle_b, loose = (ox.BlankNode() for _ in range(5))
    label = ox.NamedNode(PREFIXES["rdfs"] + "label")
    see = ox.NamedNode(PREFIXES["rdfs"] + "seeAlso")
    triples = [
        ox.Triple(ox.NamedNode(EX + "a"), see, shared),
        ox.Triple(ox.NamedNode(EX + "b"), see, shared),
        ox.Triple(shared, label, ox.Literal("shared", language="en")),
        ox.Triple(cycle_a, see, cycle_b),
        ox.Triple(cycle_b, see, cycle_a),
        ox.Triple(loose, label, ox.Literal("loose", language="en")),
        ox.Triple(s, see, ox.NamedNode(EX + "a")),
    ]
    document = assert_round_trip(triples, ctx)
    # The shared node and the two on a cycle keep (canonical) labels; the others need none.
    labels = re.findall(r'"(_:[^"]*)"', json.dumps(document))
    assert set(labels) == {"_:b0", "_:b1", "_:b2"}
    assert node(document, EX + "a")["seeAlso"] == node(document, EX + "b")["seeAlso"]
    assert sum(1 for n in document["@graph"] if "id" not in n) == 2  # loose and s


def test_a_literal_under_a_coerced_key_falls_back_without_loss(ctx: dict[str, Any]) -> None:
    subject = ox.NamedNode(EX + "s")
    triples = [
        ox.Triple(subject, ngo("source"), ox.Literal("not an IRI")),
        ox.Triple(subject, ngo("startDate"), ox.Literal("2024")),
        ox.Triple(
            subject,
            ngo("startDate"),
            ox.Literal("2024-01-01", datatype=XSD_DATE),
        ),
        ox.Triple(subject, ngo("statement"), ox.Literal("plain")),
    ]
    document = assert_round_trip(triples, ctx)
    (entry,) = document["@graph"]
    assert entry["startDate"] == "2024-01-01"
    assert entry["ngo:startDate"] == "2024"
    assert entry["ngo:source"] == "not an IRI"
    assert entry["statement"] == {"@none": "plain"}


def test_empty_and_unrepresentable_input(ctx: dict[str, Any]) -> None:
    empty = json.loads(serialise([], URL, ctx))
    assert empty == {"@context": URL, "@graph": []}
    quoted = ox.Triple(ox.NamedNode(EX + "s"), ox.NamedNode(EX + "p"), ox.NamedNode(EX + "o"))
    with pytest.raises(ValueError, match=r"RDF 1\.2"):
        serialise([ox.Triple(ox.NamedNode(EX + "a"), ox.NamedNode(EX + "b"), quoted)], URL, ctx)


def test_nothing_is_fetched(ctx: dict[str, Any]) -> None:
    triples = [ox.Triple(ox.NamedNode(EX + "s"), ox.NamedNode(EX + "p"), ox.Literal("o"))]
    with pytest.raises(pyld.JsonLdError):
        serialise(triples, URL, {"@context": "http://example.org/remote-context.jsonld"})


# --- the served context ---------------------------------------------------------------------


def test_served_context(client: TestClient, ctx: dict[str, Any]) -> None:
    response = client.get("/" + CONTEXT_PATH)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/ld+json"
    assert response.json() == ctx
    assert "max-age" in response.headers["cache-control"]
    etag = response.headers["etag"]

    assert etag.startswith('W/"')
    for tag in (etag, etag.removeprefix("W/"), f'"other", {etag}', "*"):
        cached = client.get("/" + CONTEXT_PATH, headers={"If-None-Match": tag})
        assert cached.status_code == 304, tag
        assert cached.content == b""
        assert cached.headers["etag"] == etag
    stale = client.get("/" + CONTEXT_PATH, headers={"If-None-Match": '"other"'})
    assert stale.status_code == 200 and stale.json() == ctx

    head = client.head("/" + CONTEXT_PATH, headers={"Accept-Encoding": "identity"})
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["etag"] == etag
    assert int(head.headers["content-length"]) == len(response.content)


def test_served_context_is_shared_across_origins(client: TestClient) -> None:
    response = client.get("/" + CONTEXT_PATH, headers={"Origin": "https://playground.example"})
    assert response.headers["access-control-allow-origin"] == "*"
