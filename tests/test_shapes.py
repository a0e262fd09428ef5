"""SHACL shapes (shapes/natograph.ttl): the curated graph conforms, and each family of rules
catches its mistake with a problem that names the rule, the resource, the file and the line.

Each fixture in tests/fixtures/shapes/ is a small Turtle file with one kind of mistake. It is
checked as the only data file of a fresh project (plus data/sources.ttl, so that source keys
resolve), with the repository's ontology and shapes; ontology_*.ttl fixtures go to ontology/.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import RDF, Graph, URIRef
from rdflib.namespace import SH, SKOS

from natograph.build import pipeline
from natograph.build.diagnostics import Problem, Severity
from natograph.namespaces import NGO, NGSH
from natograph.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
SHAPES = ROOT / "shapes" / "natograph.ttl"

KNOWN_DATA_WARNINGS = {
    # Participations in Building Integrity that the source names without dating them
    # (data/participations.ttl): ngsh:EngagementStart warns about them by design.
    ("ngsh:EngagementStart", "ngm:bi-AFG"),
    ("ngsh:EngagementStart", "ngm:bi-AUS"),
    ("ngsh:EngagementStart", "ngm:bi-COL"),
}
"""Data errors the shapes found in data/, reported to the curators and not fixed yet."""


def check(root: Path) -> list[Problem]:
    settings = Settings(root=root, hermit=False, reasoner=False, cache=False)
    return pipeline.build(settings).report.problems


def check_fixture(tmp_path: Path, name: str) -> list[Problem]:
    """Check one fixture as the only data (or extra ontology) file of a copy of the project."""
    return check(project_with(tmp_path, name))


def project_with(tmp_path: Path, name: str) -> Path:
    """A copy of the project whose only data (or extra ontology) file is the fixture `name`."""
    shutil.copytree(ROOT / "ontology", tmp_path / "ontology")
    shutil.copytree(ROOT / "shapes", tmp_path / "shapes")
    (tmp_path / "data").mkdir()
    # The sources without their recorded scope (ngo:names), which the fixtures' toy engagements
    # would fall outside of; citation_out_of_scope.ttl brings a scoped source of its own.
    sources = Graph().parse(ROOT / "data" / "sources.ttl")
    sources.remove((None, NGO.names, None))
    sources.serialize(tmp_path / "data" / "sources.ttl", format="turtle")
    folder = "ontology" if name.startswith("ontology_") else "data"
    shutil.copy(FIXTURES / name, tmp_path / folder / name)
    return tmp_path


def block_line(name: str, focus: str) -> int:
    """The line on which the fixture's block for `focus` (a qname at column 0) starts."""
    lines = (FIXTURES / name).read_text(encoding="utf-8").splitlines()
    starts = [n for n, line in enumerate(lines, start=1) if line.split(" ", 1)[0] == focus]
    assert len(starts) == 1, f"{focus} should start exactly one block in {name}"
    return starts[0]


def expected_line(name: str, focus: str, value: str | None) -> int:
    """Where a problem should point: the line writing the offending literal, if the value is
    a literal written in the focus's block, else the line starting the block."""
    start = block_line(name, focus)
    if value is None or ":" in value:  # no value, or an IRI (a qname)
        return start
    lines = (FIXTURES / name).read_text(encoding="utf-8").splitlines()
    for number in range(start, len(lines) + 1):
        if number > start and lines[number - 1][:1] not in ("", " "):
            break
        if f'"{value}"' in lines[number - 1]:
            return number
    return start


def test_curated_graph_conforms() -> None:
    problems = [p for p in check(ROOT) if p.check == "shacl"]
    assert [p for p in problems if p.severity == "error"] == []
    # Warnings do not stop the graph from conforming, but the expected ones only may appear.
    assert {(p.shape, p.focus) for p in problems} == KNOWN_DATA_WARNINGS


@dataclass(frozen=True)
class Case:
    fixture: str
    shape: str
    focus: str
    message: list[str]
    """Fragments the problem's message must contain (with the values the rule computed)."""
    value: str | None = None
    others: set[tuple[str, str]] = field(default_factory=set)
    """Further (shape, focus) problems the same fixture rightly produces."""


CASES = [
    Case(
        "missing_english_label.ttl",
        "ngsh:Labelled-englishLabel",
        "ngc:FRA",
        ["Needs exactly one English name", 'give it one rdfs:label "..."@en'],
    ),
    Case(
        "missing_french_label.ttl",
        "ngsh:Labelled-frenchLabel",
        "ng:md",
        ["Needs exactly one French name", "ngo:WorkingTranslation"],
    ),
    Case(
        "acronym_twice.ttl",
        "ngsh:UniqueAcronym",
        "ng:nato-ukraine-commission",
        ["The acronym NUC also names ng:nato-ukraine-council", "skos:altLabel"],
        value="NUC",
        others={("ngsh:UniqueAcronym", "ng:nato-ukraine-council")},
    ),
    Case(
        "bad_iso_code.ttl",
        "ngsh:Country-iso",
        "ngc:FRA",
        ["exactly one ngo:iso3166Alpha3", "three capital letters in a plain string"],
        value="Fra",
        others={("ngsh:Country-iso", "ngc:DEU"), ("ngsh:CountryIsoMatchesIri", "ngc:FRA")},
    ),
    Case(
        "iso_code_not_iri.ttl",
        "ngsh:CountryIsoMatchesIri",
        "ngc:AUT",
        ['Its ISO code "AUS" differs from the key of its IRI (ngc:AUT)', "rename the country"],
        value="AUS",
    ),
    Case(
        "engagement_without_source.ttl",
        "ngsh:Engagement-source",
        "ngm:pfp-AUT",
        ["An engagement needs at least one ngo:source"],
    ),
    Case(
        "end_before_start.ttl",
        "ngsh:DateOrder",
        "ng:madrid-summit-2022",
        ["Its end date 2022-06-28 comes before its start date 2022-06-30", "correct one of"],
        value="2022-06-28",
    ),
    Case(
        "precision_misaligned.ttl",
        "ngsh:PrecisionAlignment",
        "ng:brussels-summit-2018",
        ["The date 2018-07-11 is known only to the month", "first day of that month"],
        value="2018-07-11",
    ),
    Case(
        "partner_while_ally.ttl",
        "ngsh:PartnerWhileAlly",
        "ngm:pfp-FIN",
        [
            "ngc:FIN holds this partner role while it is an Ally (ngm:nato-FIN, from 2023-04-04)",
            "the two overlap on [2023-04-04, 2024-01-01) (half-open)",
            "set its ngo:endDate to 2023-04-04 or earlier",
        ],
        value="ngm:nato-FIN",
    ),
    Case(
        "overlapping_memberships.ttl",
        "ngsh:OverlappingEngagements",
        "ngm:eapcrejoin-MLT",
        [
            "It overlaps ngm:eapc-MLT, which has the same holder (ngc:MLT) in the same ng:eapc,",
            "on [2019-06-01, 2020-01-01) (half-open)",
        ],
        value="ngm:eapc-MLT",
    ),
    Case(
        "general_knowledge_confirmed.ttl",
        "ngsh:GeneralKnowledge",
        "ngcl:treaty-in-force",
        ["It cites ngs:GK (general knowledge)", "mark it ngo:confidence ngo:Unconfirmed"],
        value="ngo:MediumConfidence",
    ),
    Case(
        "partner_membership_of_nato.ttl",
        "ngsh:PartnershipMembership-organisation",
        "ngm:nato-AUT",
        [
            "must be a partnership structure",
            "membership of NATO itself is an ngo:AllianceMembership",
        ],
        value="ng:nato",
    ),
    Case(
        "participation_with_member.ttl",
        "ngsh:MembershipProperties",
        "ngm:dcb-GEO",
        ["ngo:member and ngo:organisation are the holder and the structure of a membership"],
        others={("ngsh:Participation-participant", "ngm:dcb-GEO")},
    ),
    Case(
        "slug_iri.ttl",
        "ngsh:SlugIri",
        "ng:Mediterranean_Dialogue",
        ["ng: followed by a lower-case slug"],
    ),
    Case(
        "ontology_missing_french_label.ttl",
        "ngsh:OntologyTerm-frenchLabel",
        "ngo:Treaty",
        ['exactly one French rdfs:label "..."@fr', "add the French name"],
    ),
    Case(
        "citation_out_of_scope.ttl",
        "ngsh:CitationInScope",
        "ngm:eapc-ARM",
        ["It cites ngs:T-COUNTS, which does not name ngc:ARM", "re-run scripts/source-scope.py"],
        value="ngs:T-COUNTS",
    ),
    Case(
        "ontology_missing_french_definition.ttl",
        "ngsh:OntologyTerm-frenchDefinition",
        "ngo:Treaty",
        ['exactly one French skos:definition "..."@fr', "add the French translation"],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.fixture.removesuffix(".ttl") for c in CASES])
def test_fixture_is_caught_by_its_rule(tmp_path: Path, case: Case) -> None:
    problems = check_fixture(tmp_path, case.fixture)

    assert [p for p in problems if p.check != "shacl"] == []
    found = {(p.shape, p.focus) for p in problems}
    assert found == {(case.shape, case.focus)} | case.others
    [problem] = [p for p in problems if (p.shape, p.focus) == (case.shape, case.focus)]
    for fragment in case.message:
        assert fragment in problem.message
    folder = "ontology" if case.fixture.startswith("ontology_") else "data"
    assert problem.file == f"{folder}/{case.fixture}"
    assert problem.line == expected_line(case.fixture, case.focus, case.value)
    assert problem.severity is Severity.ERROR
    if case.value is not None:
        assert problem.value == case.value


def test_every_shape_is_named_and_explains_itself() -> None:
    shapes = Graph().parse(SHAPES)
    declared = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(
        shapes.subjects(RDF.type, SH.PropertyShape)
    )
    linked = set(shapes.objects(None, SH.property))
    assert linked <= declared
    assert all(isinstance(s, URIRef) and str(s).startswith(str(NGSH)) for s in declared)
    silent = sorted(str(s) for s in declared if shapes.value(s, SH.message) is None)
    assert silent == []


def test_definition_rule_works_when_the_ontology_is_in_the_data_graph() -> None:
    """validate.shacl puts the ontology into the data graph (pySHACL's ont_graph would keep only
    its RDFS/OWL axioms, hiding skos:definition); given the ontology as data, the rule accepts the
    curated ontology and catches a term without a definition."""
    shapes = Graph().parse(SHAPES)
    rule = NGSH["OntologyTerm-definition"]
    shapes.remove((rule, SH.deactivated, None))
    ontology = Graph().parse(ROOT / "ontology" / "natograph.ttl")

    def undefined(graph: Graph) -> set[str]:
        _conforms, report, _text = validate(
            graph, shacl_graph=shapes, ont_graph=graph, inference="none", advanced=True
        )
        assert isinstance(report, Graph)
        results = report.subjects(SH.sourceShape, rule)
        return {str(report.value(r, SH.focusNode)) for r in results}

    assert undefined(ontology) == set()
    ontology.remove((NGO.Country, SKOS.definition, None))
    assert undefined(ontology) == {str(NGO.Country)}


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.ttl")))
def test_the_compiled_engine_reports_what_pyshacl_reports(tmp_path: Path, name: str) -> None:
    """Issue 10, point 2: pyshacl-turbo against pySHACL, the reference, problem by problem
    (message, shape, focus, path, value, severity, file and line) on each kind of mistake."""
    reports = {}
    for engine in ("pyshacl", "pyshacl-turbo"):
        root = project_with(tmp_path / engine, name)
        settings = Settings(
            root=root, hermit=False, reasoner=False, cache=False, shacl_engine=engine
        )
        reports[engine] = [
            p for p in pipeline.build(settings).report.problems if p.check == "shacl"
        ]
    assert reports["pyshacl"], "each fixture has a mistake the shapes catch"
    assert reports["pyshacl-turbo"] == reports["pyshacl"]


def test_the_compiled_engine_reports_what_pyshacl_reports_on_the_curated_graph() -> None:
    reports = {}
    for engine in ("pyshacl", "pyshacl-turbo"):
        settings = Settings(
            root=ROOT, hermit=False, reasoner=False, cache=False, shacl_engine=engine
        )
        reports[engine] = pipeline.build(settings).report.problems
    assert reports["pyshacl-turbo"] == reports["pyshacl"]
