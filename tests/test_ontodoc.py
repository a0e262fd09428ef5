"""The ontology documentation page (issue 4, point 4), against the real ontology and a hostile one.

Pages are parsed into an ElementTree with the standard library's HTML parser, closing tags
checked against opening ones, so a page that does not nest properly fails here.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from html.parser import HTMLParser
from typing import Any

import pytest
from rdflib import Graph

from natograph import ontodoc
from natograph.build.parse import from_rdflib
from natograph.build.pipeline import Build
from natograph.namespaces import GRAPH_ONTOLOGY, NGO
from natograph.ontodoc import OntologyDoc, build, build_from_store, ontology_page, render
from natograph.ontodoc.model import sort_key
from natograph.query.render import rows
from natograph.store import OxigraphStore
from natograph.web.caching import Computed
from natograph.web.pages import page_context

VOID = {"meta", "link", "br", "hr", "img", "input", "source", "wbr", "col", "area", "base"}
LANGS = ("en", "fr")
PROV_AGENT = "http://www.w3.org/ns/prov#Agent"


class _TreeParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.builder = ET.TreeBuilder()
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.builder.start(tag, {k: v if v is not None else "" for k, v in attrs})
        if tag in VOID:
            self.builder.end(tag)
        else:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.builder.start(tag, {k: v if v is not None else "" for k, v in attrs})
        self.builder.end(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1] == tag, f"</{tag}> closes <{self.open[-1:]}>"
        self.open.pop()
        self.builder.end(tag)

    def handle_data(self, data: str) -> None:
        self.builder.data(data)


class Page:
    """A parsed page: the tree, each element's parent, and look-ups by id."""

    def __init__(self, html: str) -> None:
        parser = _TreeParser()
        parser.feed(html)
        parser.close()
        assert not parser.open, f"unclosed elements: {parser.open}"
        self.root = parser.builder.close()
        self.parent = {child: node for node in self.root.iter() for child in node}
        self.ids = Counter(e.get("id") for e in self.root.iter() if e.get("id") is not None)
        self.by_id = {e.get("id"): e for e in self.root.iter() if e.get("id") is not None}

    def section(self, anchor: str) -> ET.Element:
        return self.by_id[anchor]

    def lang_of(self, element: ET.Element) -> str:
        """The language the element's text is in: its own lang=, else the nearest ancestor's."""
        node: ET.Element | None = element
        while node is not None:
            if node.get("lang"):
                return node.get("lang", "")
            node = self.parent.get(node)
        raise AssertionError("no lang on the page")

    def row(self, section: ET.Element, label: str) -> ET.Element:
        """The <dd> after the <dt> reading `label`, in a term's details."""
        children = list(find(section, ".//dl"))
        for index, child in enumerate(children):
            if child.tag == "dt" and text(child) == label:
                return children[index + 1]
        raise AssertionError(f"no {label!r} in {section.get('id')}")


def find(element: ET.Element, path: str) -> ET.Element:
    found = element.find(path)
    assert found is not None, f"nothing at {path}"
    return found


def text(element: ET.Element) -> str:
    return " ".join("".join(element.itertext()).split())


def hrefs(element: ET.Element) -> list[str]:
    return [a.get("href", "") for a in element.iter("a")]


def context(lang: str) -> dict[str, Any]:
    return page_context("ontology.html", lang, iri="https://w3id.org/natograph/ontology")


@pytest.fixture(scope="module")
def doc(store: OxigraphStore) -> OntologyDoc:
    return build_from_store(store)


@pytest.fixture(scope="module")
def pages(doc: OntologyDoc) -> dict[str, Page]:
    return {lang: Page(render(doc, lang, context(lang))) for lang in LANGS}


@pytest.fixture(scope="module")
def terms(store: OxigraphStore) -> dict[str, dict[str, str]]:
    """Every class and property of ngo:, with its labels and definitions, read by SPARQL."""
    query = f"""
    SELECT ?term ?kind ?label_en ?label_fr ?def_en ?def_fr WHERE {{
      GRAPH <{GRAPH_ONTOLOGY}> {{
        ?term a ?kind .
        VALUES ?kind {{ owl:Class owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty }}
        FILTER(STRSTARTS(STR(?term), STR(ngo:)))
        OPTIONAL {{ ?term rdfs:label ?label_en FILTER(LANG(?label_en) = "en") }}
        OPTIONAL {{ ?term rdfs:label ?label_fr FILTER(LANG(?label_fr) = "fr") }}
        OPTIONAL {{ ?term skos:definition ?def_en FILTER(LANG(?def_en) = "en") }}
        OPTIONAL {{ ?term skos:definition ?def_fr FILTER(LANG(?def_fr) = "fr") }}
      }}
    }}"""
    found = {str(NGO) + r["term"].removeprefix("ngo:"): r for r in rows(store.query(query))}
    assert len(found) > 80
    return found


def local(iri: str) -> str:
    return iri[len(str(NGO)) :]


# --- every term, in both languages --------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_every_class_and_property_has_its_section(
    pages: dict[str, Page], terms: dict[str, dict[str, str]], lang: str
) -> None:
    page = pages[lang]
    for iri, term in terms.items():
        assert term.get("label_en") and term.get("label_fr"), f"{iri} lacks a label"
        assert term.get("def_en"), f"{iri} lacks an English definition"
        section = page.section(local(iri))
        heading = find(section, "h3/span")
        assert text(heading) == term[f"label_{lang}"]
        assert page.lang_of(heading) == lang
        labels = page.row(section, "Labels" if lang == "en" else "Libellés")
        shown = {
            text(span): page.lang_of(span) for span in labels.iter("span") if not span.get("class")
        }
        assert shown == {term["label_en"]: "en", term["label_fr"]: "fr"}
        iri_link = find(section, "p[@class='onto-term-iri']/a")
        assert text(iri_link) == iri
        assert iri_link.get("href") == "./ontology/" + local(iri)
        definition = find(section, "p[@class='onto-definition']")
        expected = term.get(f"def_{lang}") or term["def_en"]
        assert text(definition) == " ".join(expected.split())
        assert page.lang_of(definition) == ("fr" if lang == "fr" and term.get("def_fr") else "en")


def test_a_missing_french_label_falls_back_to_english_marked_as_such() -> None:
    page = Page(render(build(_hostile()), "fr", context("fr")))
    heading = find(page.section("OnlyEnglish"), "h3/span")
    assert text(heading) == "only English"
    assert heading.get("lang") == "en"
    assert page.lang_of(page.root) == "fr"
    # Likewise a definition given in English only.
    definition = find(page.section("Evil"), "p[@class='onto-definition']")
    assert definition.get("lang") == "en"


def test_the_page_speaks_its_language(pages: dict[str, Page]) -> None:
    for lang, title, classes in (
        ("en", "natograph ontology", "Classes"),
        ("fr", "Ontologie natograph", "Classes"),
    ):
        page = pages[lang]
        assert page.root.get("lang") == lang
        h1 = page.root.findall(".//h1")
        assert len(h1) == 1 and text(h1[0]) == title
        assert text(page.by_id["onto-classes-h"]) == classes
    assert text(pages["en"].by_id["onto-object-properties-h"]) == "Object properties"
    assert text(pages["fr"].by_id["onto-object-properties-h"]) == "Propriétés d'objet"
    description = find(pages["fr"].root, ".//p[@class='onto-description']")
    assert pages["fr"].lang_of(description) == "fr"
    assert text(description).startswith("Une ontologie OWL 2 DL des partenariats de l'OTAN")


@pytest.mark.parametrize("lang", LANGS)
def test_terms_are_sorted_by_label_in_the_page_language(
    pages: dict[str, Page], terms: dict[str, dict[str, str]], lang: str
) -> None:
    sections = pages[lang].by_id["onto-classes"].findall("section")
    shown = [text(find(s, "h3/span")) for s in sections]
    assert shown == sorted(shown, key=sort_key)
    expected = sorted(
        (t[f"label_{lang}"] for t in terms.values() if t["kind"] == "owl:Class"), key=sort_key
    )
    assert shown == expected


# --- hierarchy, axioms, domains and ranges ------------------------------------------------------


def test_a_defined_class_shows_its_restriction(pages: dict[str, Page]) -> None:
    page = pages["en"]
    allied = page.section("AlliedCountry")
    equivalent = page.row(allied, "Equivalent to")
    assert text(equivalent) == "Country and (hasEngagement some AllianceMembership)"
    assert hrefs(equivalent) == ["#Country", "#hasEngagement", "#AllianceMembership"]
    implied = page.row(allied, "Superclasses by definition")
    assert hrefs(implied) == ["#Country"]
    subclasses = page.row(page.section("Country"), "Subclasses")
    assert hrefs(subclasses) == ["#AlliedCountry", "#PartnerCountry"]


def test_the_class_tree_nests_subclasses(pages: dict[str, Page]) -> None:
    page = pages["en"]
    tree = page.by_id["onto-hierarchy"]
    entries = {a.get("href"): page.parent[a] for a in tree.iter("a")}
    framework = entries["#PartnershipFramework"]
    parent_li = page.parent[page.parent[framework]]
    assert parent_li.tag == "li"
    assert find(parent_li, "a").get("href") == "#PartnershipStructure"
    summit = entries["#Summit"]
    assert find(page.parent[page.parent[summit]], "a").get("href") == "#Meeting"
    superclasses = page.row(page.section("PartnershipFramework"), "Superclasses")
    assert hrefs(superclasses) == ["#PartnershipStructure"]
    superclasses = page.row(page.section("Organisation"), "Superclasses")
    assert "http://www.w3.org/ns/org#Organization" in hrefs(superclasses)


def test_disjoint_classes_come_from_all_disjoint_axioms(pages: dict[str, Page]) -> None:
    page = pages["en"]
    disjoint = page.row(page.section("PartnershipFramework"), "Disjoint with")
    assert set(hrefs(disjoint)) == {"#PartnershipCouncil", "#SpecialStructure", "#PartnerGroup"}
    disjoint = page.row(page.section("Summit"), "Disjoint with")
    assert hrefs(disjoint) == ["#MinisterialMeeting"]


def test_properties_show_domain_range_hierarchy_and_characteristics(pages: dict[str, Page]) -> None:
    page = pages["en"]
    holder = page.section("holder")
    assert hrefs(page.row(holder, "Domain")) == ["#Engagement"]
    assert hrefs(page.row(holder, "Range")) == [PROV_AGENT]
    assert text(page.row(holder, "Range")) == "prov:Agent"
    assert text(page.row(holder, "Characteristics")) == "functional"
    assert hrefs(page.row(holder, "Inverse of")) == ["#hasEngagement"]
    assert set(hrefs(page.row(holder, "Sub-properties"))) == {
        "#member",
        "#participant",
        "#partnerOrganisation",
    }
    member = page.section("member")
    assert set(hrefs(page.row(member, "Super-properties"))) == {
        "#holder",
        "http://www.w3.org/ns/org#member",
    }
    assert text(page.row(page.section("partOf"), "Characteristics")) == "transitive"
    assert text(page.row(page.section("iso3166Alpha3"), "Range")) == "xsd:string"
    assert "#iso3166Alpha3" in hrefs(page.row(page.section("Country"), "Domain of"))
    assert "#hasEngagement" in hrefs(page.row(page.section("Engagement"), "Range of"))
    assert page.section("claimedProperty") in page.by_id["onto-annotation-properties"]
    assert page.section("asOf") in page.by_id["onto-datatype-properties"]


def test_controlled_values_are_listed_with_their_types(pages: dict[str, Page]) -> None:
    page = pages["fr"]
    confirmed = page.section("Confirmed")
    assert confirmed in page.by_id["onto-individuals"]
    assert text(find(confirmed, "h3/span")) == "confirmé"
    assert hrefs(page.row(confirmed, "Types")) == ["#ConfidenceLevel"]
    instances = page.row(page.section("ConfidenceLevel"), "Individus")
    assert set(hrefs(instances)) == {"#Confirmed", "#MediumConfidence", "#Unconfirmed"}
    assert text(page.row(page.section("unitQuarter"), "Types")) == "time:TemporalUnit"


def test_header_usage_and_vocabularies(pages: dict[str, Page]) -> None:
    page = pages["en"]
    metadata = page.by_id["onto-metadata"]
    assert text(page.row(metadata, "Version")) == "0.1.0"
    assert hrefs(page.row(metadata, "Licence")) == ["https://creativecommons.org/licenses/by/4.0/"]
    assert text(page.row(metadata, "Preferred prefix")) == "ngo:"
    use = page.by_id["onto-use"]
    assert {"./ontology.ttl", "./ontology.rdf", "./ontology.jsonld", "./ontology"} <= set(
        hrefs(use)
    )
    assert "Open from URL" in text(use)
    assert "https://w3id.org/natograph/ontology" in text(use)
    vocabularies = text(page.by_id["onto-vocabularies"])
    for prefix in ("org:", "prov:", "skos:", "foaf:", "schema:", "time:", "dcterms:"):
        assert prefix in vocabularies
    assert "owl:" not in vocabularies and "rdfs:" not in vocabularies


# --- one model, from the store or from rdflib; the route's entry point ---------------------------


def test_the_store_and_the_parsed_files_give_the_same_model(
    doc: OntologyDoc, curated: tuple[OxigraphStore, Build]
) -> None:
    direct = build(curated[1].graph("ontology"))

    def summary(d: OntologyDoc) -> list[tuple[str, list[str], list[str]]]:
        return [
            (c.ref.iri, [e.text for e in c.superclasses], [e.text for e in c.equivalents])
            for c in d.localised("en").classes
        ]

    assert summary(direct) == summary(doc)
    assert [p.ref.iri for p in direct.properties()] == [p.ref.iri for p in doc.properties()]


def test_ontology_page_builds_the_model_once_per_served_graph(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = OxigraphStore()
    store.load(from_rdflib(_hostile()), str(GRAPH_ONTOLOGY))
    real = ontodoc.build_from_store
    calls: list[object] = []

    def counting(target: OxigraphStore, *, base: str) -> OntologyDoc:
        calls.append(target)
        return real(target, base=base)

    monkeypatch.setattr(ontodoc, "build_from_store", counting)
    computed = Computed()  # the served graph's holder
    french = ontology_page(store, "fr", context("fr"), computed=computed)
    english = ontology_page(store, "en", context("en"), computed=computed)
    assert calls == [store]
    assert french == render(real(store), "fr", context("fr"))
    assert Page(english).root.get("lang") == "en" and Page(french).root.get("lang") == "fr"
    assert "Test <b>ontology</b>" in text(find(Page(english).root, ".//h1"))


# --- markup: valid, linked, escaped ---------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_ids_are_unique_and_in_page_links_resolve(pages: dict[str, Page], lang: str) -> None:
    page = pages[lang]
    assert [i for i, n in page.ids.items() if n > 1] == []
    targets = [h[1:] for h in hrefs(page.root) if h.startswith("#")]
    assert len(targets) > 300
    assert [t for t in targets if t not in page.ids] == []
    for a in page.root.iter("a"):
        assert not a.get("href", "").lower().startswith("javascript:")


HOSTILE = """
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix vann: <http://purl.org/vocab/vann/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix ex: <https://w3id.org/natograph/test/> .

<https://w3id.org/natograph/test> a owl:Ontology ;
    dcterms:title "Test <b>ontology</b>"@en ;
    rdfs:seeAlso <javascript:alert(2)> ;
    vann:preferredNamespacePrefix "ex" ;
    vann:preferredNamespaceUri "https://w3id.org/natograph/test/" .

ex:Evil a owl:Class ;
    rdfs:label "<script>alert(1)</script>"@en , "<script>alert(1)</script>"@fr ;
    skos:definition "Tom & \\"Jerry\\" </p><img src=x onerror=alert(3)>"@en ;
    rdfs:subClassOf <javascript:alert(4)> , ex:Part ,
        [ a owl:Restriction ; owl:onProperty ex:hasPart ; owl:allValuesFrom ex:Part ] ,
        [ a owl:Restriction ; owl:onProperty ex:hasPart ;
          owl:minQualifiedCardinality "2"^^xsd:nonNegativeInteger ; owl:onClass ex:Part ] ,
        [ a owl:Restriction ; owl:onProperty [ owl:inverseOf ex:hasPart ] ;
          owl:someValuesFrom ex:Part ] ,
        [ a owl:Restriction ; owl:onProperty ex:size ; owl:someValuesFrom
          [ a rdfs:Datatype ; owl:onDatatype xsd:integer ;
            owl:withRestrictions ( [ xsd:minInclusive 0 ] ) ] ] ;
    owl:equivalentClass [ a owl:Class ; owl:unionOf ( ex:Part [ owl:complementOf ex:main ] ) ] ,
        [ a owl:Class ; owl:oneOf ( ex:one ex:two ) ] ;
    owl:deprecated true .

ex:Part a owl:Class ; rdfs:label "part"@en , "pièce"@fr ; rdfs:comment "A <i>note</i>."@en .
ex:OnlyEnglish a owl:Class ; rdfs:label "only English"@en .
ex:main a owl:Class ; rdfs:label "clashes with base.html's main"@en .
ex:onto-classes a owl:Class ; rdfs:label "clashes with a section id"@en .
ex:Both a owl:Class , owl:ObjectProperty ; rdfs:label "punned"@en .
ex:Loop1 a owl:Class ; rdfs:subClassOf ex:Loop2 .
ex:Loop2 a owl:Class ; rdfs:subClassOf ex:Loop1 .
ex:hasPart a owl:ObjectProperty , owl:TransitiveProperty ;
    rdfs:domain [ owl:unionOf ( ex:Evil ex:Part ) ] ;
    owl:propertyChainAxiom ( ex:hasPart ex:hasPart ) .
ex:size a owl:DatatypeProperty , owl:FunctionalProperty ; rdfs:range xsd:integer .
ex:one a owl:NamedIndividual , ex:Evil .
ex:two a ex:Evil ; skos:prefLabel "two"@en .
"""


def _hostile() -> Graph:
    return Graph().parse(data=HOSTILE, format="turtle")


@pytest.mark.parametrize("lang", LANGS)
def test_markup_in_the_ontology_is_escaped(lang: str) -> None:
    html = render(build(_hostile()), lang, context(lang))
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img" not in html and "<b>ontology" not in html and "<i>note" not in html
    assert not re.search(r"""(href|src)\s*=\s*["']?\s*javascript:""", html, re.IGNORECASE)
    page = Page(html)
    # The one script is the search box's type-ahead, a static file: nothing inline, no data.
    scripts = page.root.findall(".//script")
    assert [(s.get("src") or "").split("?")[0].rsplit("/", 1)[-1] for s in scripts] == ["search.js"]
    assert all(not (s.text or "").strip() for s in scripts)
    heading = find(page.section("Evil"), "h3/span")
    assert text(heading) == "<script>alert(1)</script>"
    definition = find(page.section("Evil"), "p[@class='onto-definition']")
    assert text(definition) == 'Tom & "Jerry" </p><img src=x onerror=alert(3)>'
    assert text(find(page.root, ".//h1")) == "Test <b>ontology</b>"


def test_ids_stay_unique_when_local_names_clash() -> None:
    page = Page(render(build(_hostile()), "en", context("en")))
    assert [i for i, n in page.ids.items() if n > 1] == []
    assert [h for h in hrefs(page.root) if h.startswith("#") and h[1:] not in page.ids] == []
    assert text(find(page.by_id["main"], "article/header/h1")) == "Test <b>ontology</b>"
    assert text(find(page.section("term-main-2"), "h3/span")) == "clashes with base.html's main"
    assert "term-onto-classes-2" in page.ids
    both = [h for h in page.root.iter("h3") if "punned" in text(h)]
    assert len(both) == 2
    loops = {a.get("href") for a in page.by_id["onto-hierarchy"].iter("a")}
    assert {"#Loop1", "#Loop2"} <= loops


def test_class_expressions_read_like_manchester_syntax() -> None:
    page = Page(render(build(_hostile()), "en", context("en")))
    evil = page.section("Evil")
    superclasses = page.row(evil, "Superclasses")
    shown = {text(li) for li in superclasses.iter("li")}
    assert shown == {
        "part",
        "<javascript:alert(4)>",
        "hasPart only Part",
        "hasPart min 2 Part",
        "(inverse hasPart) some Part",
        "size some xsd:integer[>= 0]",
    }
    equivalents = {text(li) for li in page.row(evil, "Equivalent to").iter("li")}
    assert equivalents == {"Part or (not main)", "{one, two}"}
    has_part = page.section("hasPart")
    assert text(page.row(has_part, "Property chain")) == "hasPart o hasPart"
    assert text(page.row(has_part, "Characteristics")) == "transitive"
    assert text(page.row(page.section("size"), "Characteristics")) == "functional"
    in_domain = page.row(page.section("Part"), "Domain of")
    assert hrefs(in_domain) == ["#hasPart"]
    assert text(page.row(page.section("Part"), "Comment")) == "A <i>note</i>."
    assert "Deprecated" in text(find(evil, "h3"))
    instances = page.row(evil, "Individuals")
    assert hrefs(instances) == ["#one", "#two"]
