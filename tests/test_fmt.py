"""Tests for the canonical Turtle formatter (natograph.build.fmt).

The snippets are embedded rather than read from ontology/, data/ or shapes/ so that the
tests pin the formatter's behaviour, not the current state of the curated files.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from natograph.build.fmt import format_file, format_graph, format_text, needs_formatting

HEADER = """\
# natograph test fixture
#
# Kept verbatim by the formatter."""

PREFIXES = [
    "@prefix ex: <https://example.org/ns/> .",
    "PREFIX owl: <http://www.w3.org/2002/07/owl#>",
    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
    "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
    "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
    "@prefix unused: <https://unused.example/> .",
]

STATEMENTS = [
    "<https://example.org/ontology> a owl:Ontology ; rdfs:label 'Test ontology'@en .",
    # An OWL class defined by an intersection containing a restriction blank node.
    """ex:PartnerCountry a owl:Class ;
        skos:altLabel "Partner"@en , "Partenaire"@fr , "Partnerland"@de ;
        rdfs:label "Partner country"@en , "Pays partenaire"@fr ;
        owl:equivalentClass [ a owl:Class ;
            owl:intersectionOf ( ex:Country
                [ a owl:Restriction ; owl:onProperty ex:hasPartnership ;
                  owl:someValuesFrom ex:Partnership ] ) ] .""",
    "[] a owl:AllDisjointClasses ; owl:members ( ex:Country ex:Organisation ex:Person ) .",
    # One blank node referenced by two triples: it needs a label.
    "ex:alpha ex:source _:shared .",
    "ex:beta ex:source _:shared .",
    "_:shared rdfs:label 'shared source' ; ex:page 12 .",
    """ex:alpha ex:count 5 ; ex:ratio 1.5 ; ex:active true ;
        ex:since "2004-03-29"^^xsd:date ; ex:exact "1.50"^^xsd:decimal ;
        ex:code "007"^^ex:code ; ex:weight "2.5E0"^^xsd:double .""",
    r'''ex:beta rdfs:comment "He said \"hi\"\nthen left C:\\temp" ,
        """Multi-line "quoted"
text""" .''',
    "ex:Country a owl:Class ; rdfs:label 'Country'@en .",
    "ex:Organisation a owl:Class . ex:Person a owl:Class .",
]

BODY_COMMENT = "# this comment is in the middle and will be dropped"


def build_text(statements: list[str], prefixes: list[str] = PREFIXES) -> str:
    """Assemble a messy but valid source: header, prefixes, comment, statements."""
    return "\n".join([HEADER, "", *prefixes, BODY_COMMENT, *statements]) + "\n"


SOURCE = build_text(STATEMENTS)


def parse(text: str) -> Graph:
    return Graph().parse(data=text, format="turtle")


# ----------------------------------------------------------------- required properties


def test_round_trip_is_isomorphic() -> None:
    assert isomorphic(parse(SOURCE), parse(format_text(SOURCE)))


def test_idempotent() -> None:
    once = format_text(SOURCE)
    assert format_text(once) == once


@pytest.mark.parametrize("seed", range(8))
def test_shuffled_statements_give_identical_output(seed: int) -> None:
    rng = random.Random(seed)
    statements, prefixes = list(STATEMENTS), list(PREFIXES)
    rng.shuffle(statements)
    rng.shuffle(prefixes)
    assert format_text(build_text(statements, prefixes)) == format_text(SOURCE)


def test_header_kept_and_other_comments_dropped() -> None:
    out = format_text(SOURCE)
    assert out.startswith(HEADER + "\n\n@prefix ")
    assert BODY_COMMENT not in out
    assert [line for line in out.splitlines() if line.startswith("#")] == HEADER.splitlines()


def test_needs_formatting(tmp_path: Path) -> None:
    messy = tmp_path / "messy.ttl"
    messy.write_text(SOURCE, encoding="utf-8")
    assert needs_formatting(messy)

    tidy = tmp_path / "tidy.ttl"
    tidy.write_text(format_file(messy), encoding="utf-8")
    assert not needs_formatting(tidy)
    assert format_file(messy) == format_text(SOURCE)


def test_missing_final_newline_needs_formatting(tmp_path: Path) -> None:
    path = tmp_path / "x.ttl"
    path.write_text(format_text(SOURCE).rstrip("\n"), encoding="utf-8")
    assert needs_formatting(path)


# ------------------------------------------------------------------------ canonical form


def test_prefixes_sorted_used_only_and_no_base() -> None:
    out = format_text("@base <https://example.org/> .\n" + SOURCE)
    prefix_lines = [line for line in out.splitlines() if line.startswith("@prefix")]
    assert [line.split()[1] for line in prefix_lines] == ["ex:", "owl:", "rdfs:", "skos:", "xsd:"]
    assert "unused" not in out
    assert "@base" not in out
    assert "PREFIX" not in out


def test_output_ends_with_exactly_one_newline() -> None:
    out = format_text(SOURCE + "\n\n\n")
    assert out.endswith(".\n")
    assert not out.endswith("\n\n")


GOLDEN_SOURCE = """
    @prefix ex: <https://example.org/ns/> .
    @prefix owl: <http://www.w3.org/2002/07/owl#> .
    @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
    ex:b rdfs:comment "z" ; skos:prefLabel "B"@en ; a owl:Class ; rdfs:label "B"@fr, "B"@en .
    ex:a rdfs:subClassOf [ a owl:Restriction ; owl:onProperty ex:p ; owl:hasValue ex:v ] .
    [] a owl:AllDisjointClasses ; owl:members ( ex:a ex:b ) .
    <https://example.org/ontology> a owl:Ontology .
    ex:a ex:related _:x . ex:b ex:related _:x . _:x ex:note "shared" .
    """

# Exercises rules 1-5 at once: ontology first, IRI order, predicate and object order,
# inlined restriction, one-line collection, top-level [ ... ] block, labelled node.
GOLDEN_EXPECTED = """\
@prefix ex: <https://example.org/ns/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .

<https://example.org/ontology>
    a owl:Ontology .

ex:a
    ex:related _:c14n0 ;
    rdfs:subClassOf [
        a owl:Restriction ;
        owl:hasValue ex:v ;
        owl:onProperty ex:p
    ] .

ex:b
    a owl:Class ;
    rdfs:label "B"@en , "B"@fr ;
    skos:prefLabel "B"@en ;
    ex:related _:c14n0 ;
    rdfs:comment "z" .

[
    a owl:AllDisjointClasses ;
    owl:members ( ex:a ex:b )
] .

_:c14n0
    ex:note "shared" .
"""


def test_golden_layout() -> None:
    assert format_text(GOLDEN_SOURCE) == GOLDEN_EXPECTED


def test_literal_forms() -> None:
    out = format_text(SOURCE)
    for expected in [
        "ex:count 5 ;",
        "ex:ratio 1.5 ;",
        "ex:active true ;",
        'ex:since "2004-03-29"^^xsd:date ;',
        'ex:exact "1.50"^^xsd:decimal ;',
        'ex:code "007"^^ex:code ;',
        'rdfs:label "Partner country"@en , "Pays partenaire"@fr ;',
        'skos:altLabel "Partnerland"@de , "Partner"@en , "Partenaire"@fr ;',
    ]:
        assert expected in out
    # rdflib may normalise a double's lexical form itself; only the typed form matters here.
    (weight,) = [line for line in out.splitlines() if line.startswith("    ex:weight ")]
    assert weight.endswith('"^^xsd:double .')


def test_string_escaping_round_trips() -> None:
    subject, predicate = URIRef("https://example.org/ns/s"), URIRef("https://example.org/ns/p")
    values = ['"', '""', 'a"', '"a', "\\", "a\\nb", "line\nbreak", 'ends "\n"', "tab\there", "\r"]
    graph = Graph()
    for value in values:
        graph.add((subject, predicate, Literal(value)))
    out = format_graph(graph, {"ex": "https://example.org/ns/"})
    assert isomorphic(graph, parse(out))
    assert '"""line\nbreak"""' in out
    assert r'"tab\there"' in out


def test_long_object_lists_are_one_per_line() -> None:
    labels = " , ".join(f'"label number {i} of many"@en' for i in range(6))
    out = format_text(
        f"@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        f"<https://example.org/x> rdfs:label {labels} ."
    )
    lines = out.splitlines()
    start = lines.index("    rdfs:label")
    body = lines[start + 1 : start + 7]
    assert all(line.startswith('        "label number') for line in body)
    assert all(line.endswith(" ,") for line in body[:-1])
    assert body[-1].endswith(" .")
    assert all(len(line) <= 100 for line in lines)


def test_iris_without_valid_local_name_are_written_in_full() -> None:
    out = format_text(
        "@prefix ex: <https://example.org/> .\n"
        "ex:s ex:p <https://example.org/a/b> , <https://example.org/ends.> , ex:ok-1 ."
    )
    assert "<https://example.org/a/b>" in out
    assert "<https://example.org/ends.>" in out
    assert "ex:ok-1" in out


# ---------------------------------------------------------------------- awkward graphs


def test_blank_node_referenced_twice_is_labelled() -> None:
    out = format_text(SOURCE)
    assert out.count("_:c14n0") == 3  # two references and its own block
    assert "\n_:c14n0\n" in out


def test_blank_node_cycles_do_not_crash_or_lose_triples() -> None:
    source = """
    @prefix ex: <https://example.org/> .
    _:a ex:next _:b . _:b ex:next _:a .
    _:self ex:is _:self .
    ex:s ex:list _:l . _:l <http://www.w3.org/1999/02/22-rdf-syntax-ns#first> ex:x ;
        <http://www.w3.org/1999/02/22-rdf-syntax-ns#rest> _:l .
    """
    out = format_text(source)
    assert isomorphic(parse(source), parse(out))
    assert format_text(out) == out


def test_malformed_list_is_written_as_plain_triples() -> None:
    graph = Graph()
    head, tail = BNode(), BNode()
    ex = "https://example.org/"
    graph.add((URIRef(ex + "s"), URIRef(ex + "p"), head))
    graph.add((head, RDF.first, URIRef(ex + "a")))
    graph.add((head, RDF.rest, tail))
    graph.add((tail, RDF.first, URIRef(ex + "b")))  # no rdf:rest: not a collection
    out = format_graph(graph, {"ex": ex, "rdf": str(RDF)})
    assert "(" not in out
    assert isomorphic(graph, parse(out))


def test_format_graph_rejects_non_comment_header() -> None:
    with pytest.raises(ValueError, match="not a comment"):
        format_graph(Graph(), {}, header="# fine\nnot fine")


def test_parse_errors_propagate() -> None:
    # The CLI reports SyntaxError (rdflib's BadSyntax) as an unparseable file.
    with pytest.raises(SyntaxError) as info:
        format_text("this is not turtle", source_name="broken.ttl")
    assert any("broken.ttl" in note for note in getattr(info.value, "__notes__", []))
