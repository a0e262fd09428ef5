"""Citations within their sources' scope: a source supports only what it names.

The 2014 page gives the Euro-Atlantic Partnership Council's size but names none of its partners,
so it cannot be the evidence that Armenia was one. Every source records what it names
(`ngo:names`, written by scripts/source-scope.py from the evidence itself); these tests walk
every engagement against that scope, and check that the recorded scope is still what the
evidence gives. The shape ngsh:CitationInScope gives editors the same check with file:line.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pycountry
from rdflib import Graph, URIRef

from natograph.namespaces import NGO

ROOT = Path(__file__).resolve().parents[1]
GK = URIRef("https://w3id.org/natograph/id/source/GK")
HOLDERS = (NGO.member, NGO.participant, NGO.partnerOrganisation)
WITHIN = (NGO.organisation, NGO.programme)


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "source_scope", ROOT / "scripts" / "source-scope.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["source_scope"] = module
    spec.loader.exec_module(module)
    return module


def _curated() -> Graph:
    graph = Graph()
    for path in sorted([*(ROOT / "data").glob("*.ttl"), ROOT / "ontology" / "natograph.ttl"]):
        graph.parse(path)
    return graph


def out_of_scope(graph: Graph) -> list[str]:
    """Every citation on an engagement that its source's recorded scope does not cover."""
    problems = []
    for engagement in sorted(set(graph.subjects(NGO.source, None)), key=str):
        holders = [h for p in HOLDERS for h in graph.objects(engagement, p)]
        if not holders:
            continue
        sources = [s for s in graph.objects(engagement, NGO.source) if s != GK]
        within = [w for p in WITHIN for w in graph.objects(engagement, p)]
        for source in sorted(sources, key=str):
            named = set(graph.objects(source, NGO.names))
            if not named:
                problems.append(f"{engagement}: {source} has no recorded scope")
            for holder in holders:
                if named and holder not in named:
                    problems.append(f"{engagement}: {source} does not name {holder}")
        for structure in within:
            if sources and not any((s, NGO.names, structure) in graph for s in sources):
                problems.append(f"{engagement}: none of its sources names {structure}")
    return problems


def test_every_citation_on_an_engagement_is_within_its_sources_scope() -> None:
    """Each source names the holder; at least one names the structure (another may be cited
    for a date only, e.g. the accession day that ends a partnership)."""
    assert out_of_scope(_curated()) == []


def test_the_check_catches_a_source_that_names_no_members() -> None:
    graph = Graph().parse(
        data="""
        @prefix ngo: <https://w3id.org/natograph/ontology/> .
        <urn:counts> ngo:names <urn:eapc> .
        <urn:lists> ngo:names <urn:eapc> , <urn:arm> .
        <urn:m> ngo:member <urn:arm> ; ngo:organisation <urn:eapc> ;
            ngo:source <urn:counts> , <urn:lists> , <urn:unscoped> .
        <urn:n> ngo:member <urn:arm> ; ngo:organisation <urn:pfp> ; ngo:source <urn:lists> .
        """,
        format="turtle",
    )
    assert out_of_scope(graph) == [
        "urn:m: urn:counts does not name urn:arm",
        "urn:m: urn:unscoped has no recorded scope",
        "urn:n: none of its sources names urn:pfp",
    ]


def test_the_recorded_scope_is_what_the_evidence_names() -> None:
    """The ngo:names in data/sources.ttl are exactly what scripts/source-scope.py reads off the
    source texts, the fact sheet (../shared/sources) and docs/research: none typed by hand."""
    script = _script()
    assert script.SHARED.is_dir(), f"the source texts are missing: {script.SHARED}"
    graph = _curated()
    recorded = {(s, o) for s, o in graph.subject_objects(NGO.names)}
    derived = {
        (source, named)
        for source, found in script.scope(graph).items()
        if (source, None, None) in graph
        for named in found
    }
    assert sorted(recorded - derived) == [], "recorded but not in the evidence"
    assert sorted(derived - recorded) == [], "in the evidence but not recorded: re-run the script"


def test_the_2014_page_names_no_eapc_partner_but_the_lists_do() -> None:
    graph = _curated()
    page = URIRef("https://w3id.org/natograph/id/source/S000")
    lists = URIRef("https://w3id.org/natograph/id/source/EAPC-LISTS")
    armenia = URIRef("https://w3id.org/natograph/id/country/ARM")
    eapc = URIRef("https://w3id.org/natograph/id/eapc")
    assert (page, NGO.names, eapc) in graph
    assert (page, NGO.names, armenia) not in graph
    assert (lists, NGO.names, armenia) in graph


def test_every_url_is_one_a_research_note_or_source_text_records() -> None:
    """An `ngo:url` is confirmed, never rebuilt from a bare page ID: each appears in a research
    note (the search results read), in the fact sheet (which writes addresses without their
    scheme: "nato.int/cps/..."), or, for the French country names, in the iso-codes catalogue
    pycountry ships."""
    evidence = "\n".join(
        path.read_text(encoding="utf-8")
        for folder in (ROOT / "docs" / "research", ROOT.parent / "shared" / "sources")
        for path in sorted(folder.glob("*.md"))
    )
    catalogue = Path(pycountry.LOCALES_DIR) / "fr" / "LC_MESSAGES" / "iso3166-1.mo"
    evidence += catalogue.read_bytes().decode("utf-8", errors="replace")
    sources = Graph().parse(ROOT / "data" / "sources.ttl")
    unconfirmed = sorted(
        f"{s.n3(sources.namespace_manager)} {u}"
        for s, u in sources.subject_objects(NGO.url)
        if str(u) not in evidence and re.sub(r"^https?://(www\.)?", "", str(u)) not in evidence
    )
    assert unconfirmed == []
