"""`natograph check` on broken input: each kind of mistake gets a precise, actionable message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from natograph.build import pipeline
from natograph.build.diagnostics import Problem
from natograph.cli import app
from natograph.settings import Settings

HEADER = """@prefix ngo: <https://w3id.org/natograph/ontology/> .
@prefix ngc: <https://w3id.org/natograph/id/country/> .
@prefix ngs: <https://w3id.org/natograph/id/source/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""


def build(root: Path, *, hermit: bool = False, reasoner: bool = False) -> list[Problem]:
    settings = Settings(root=root, hermit=hermit, reasoner=reasoner, cache=False)
    return pipeline.build(settings).report.problems


def errors(problems: list[Problem], check: str) -> list[Problem]:
    return [p for p in problems if p.check == check and p.severity == "error"]


def test_syntax_error_names_file_line_column_and_text(project: Path) -> None:
    bad = project / "data" / "broken.ttl"
    bad.write_text(
        HEADER + '\nngc:XYZ a ngo:Country ;\n    rdfs:label "Xland"@en\n    ngo:iso "XYZ" .\n'
    )
    [problem] = errors(build(project), "syntax")
    assert problem.file == "data/broken.ttl"
    assert problem.line == 8
    assert problem.column is not None
    assert problem.text == 'ngo:iso "XYZ" .'
    assert "Turtle syntax error" in problem.message


def test_unknown_prefix_suggests_the_declaration(project: Path) -> None:
    bad = project / "data" / "prefix.ttl"
    bad.write_text(HEADER + "\nngc:XYZ a ngo:Country ;\n    ngo:source ng:somewhere .\n")
    [problem] = errors(build(project), "syntax")
    assert "The prefix ng: has not been declared" in problem.message
    assert (problem.file, problem.line) == ("data/prefix.ttl", 7)
    assert (
        problem.hint
        == "add `@prefix ng: <https://w3id.org/natograph/id/> .` at the top of the file"
    )


def test_unknown_foreign_prefix_lists_known_ones(project: Path) -> None:
    (project / "data" / "prefix.ttl").write_text(HEADER + "\nngc:XYZ a foo:Bar .\n")
    [problem] = errors(build(project), "syntax")
    assert "foo:" in problem.message
    assert problem.hint is not None and "ngo, ngs" in problem.hint


def test_non_utf8_file_is_reported(project: Path) -> None:
    (project / "data" / "latin1.ttl").write_bytes(
        HEADER.encode() + '\nngc:XYZ rdfs:label "Bogot\xe1"@es .\n'.encode("latin-1")
    )
    [problem] = errors(build(project), "syntax")
    assert problem.file == "data/latin1.ttl"
    assert "UTF-8" in problem.message or "utf-8" in problem.message.lower()


def test_duplicate_iri_with_conflicting_types_names_both_files(project: Path) -> None:
    (project / "data" / "clash.ttl").write_text(
        HEADER + '\nngc:UKR a ngo:Organisation ;\n    rdfs:label "Ukraine org"@en .\n'
    )
    [problem] = errors(build(project), "definitions")
    assert problem.focus == "ngc:UKR"
    assert "ngo:Country" in problem.message and "ngo:Organisation" in problem.message
    assert "disjoint" in problem.message
    files = {problem.file, problem.message.split("the other type is in ")[1].split(":")[0]}
    assert files == {"data/countries.ttl", "data/clash.ttl"}
    assert problem.line is not None


def test_misspelt_ontology_term_gets_a_suggestion(project: Path) -> None:
    (project / "data" / "typo.ttl").write_text(
        HEADER + '\nngc:XYZ a ngo:Contry ;\n    rdfs:label "X"@en .\n'
    )
    [problem] = errors(build(project), "definitions")
    assert problem.message == "ngo:Contry is not defined in the ontology"
    assert problem.hint == "did you mean ngo:Country?"
    assert (problem.file, problem.line) == ("data/typo.ttl", 6)


def test_redefinition_in_two_files_is_a_warning(project: Path) -> None:
    (project / "data" / "again.ttl").write_text(HEADER + '\nngc:UKR rdfs:label "Ukraine"@en .\n')
    [warning] = [p for p in build(project) if p.check == "definitions"]
    assert warning.severity == "warning"
    assert warning.focus == "ngc:UKR"
    mentioned = {warning.file, warning.message.split(" is also described in ")[1].split(":")[0]}
    assert mentioned == {"data/countries.ttl", "data/again.ttl"}


@pytest.mark.slow
def test_unsatisfiable_class_is_named_by_hermit(project: Path) -> None:
    (project / "ontology" / "bad.ttl").write_text(
        HEADER
        + "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        + "\nngo:CountryOrg a owl:Class ;\n    rdfs:subClassOf ngo:Country , ngo:Organisation .\n"
    )
    problems = errors(build(project, hermit=True), "reasoner")
    assert [p.focus for p in problems] == ["https://w3id.org/natograph/ontology/CountryOrg"]
    assert "unsatisfiable" in problems[0].message


@pytest.mark.slow
def test_inconsistent_data_is_reported_by_both_reasoners(project: Path) -> None:
    # An individual of two disjoint classes, stated in one file so the definitions check sees
    # it too; OWL RL names the individual, HermiT confirms the inconsistency.
    (project / "data" / "inconsistent.ttl").write_text(
        HEADER + '\nngc:XYZ a ngo:Country , ngo:Claim ;\n    rdfs:label "X"@en .\n'
    )
    problems = errors(build(project, hermit=True, reasoner=True), "reasoner")
    messages = " | ".join(p.message for p in problems)
    assert "OWL 2 RL inconsistency" in messages and "XYZ" in messages
    assert "HermiT: the ontology and data together are inconsistent" in messages


def test_check_passes_on_the_curated_graph_and_prints_json() -> None:
    result = CliRunner().invoke(app, ["check", "--format", "json", "--no-hermit"])
    report = json.loads(result.stdout)
    assert result.exit_code == 0, result.stdout
    assert report["ok"] is True and report["errors"] == 0
    assert report["stats"]["triples_data"] > 2500
    assert report["stats"]["triples_inferred"] > 1000


@pytest.mark.slow
def test_hermit_finds_the_curated_graph_consistent() -> None:
    root = Path(__file__).resolve().parents[1]
    assert errors(build(root, hermit=True), "reasoner") == []


def test_check_fails_with_exit_1_and_a_located_message(project: Path) -> None:
    (project / "data" / "broken.ttl").write_text(HEADER + "\nngc:XYZ a ngo:Country\n")
    result = CliRunner().invoke(app, ["check", "--root", str(project), "--no-hermit"])
    assert result.exit_code == 1
    assert "data/broken.ttl:7" in result.stdout
    assert "1 error(s)" in result.stdout
