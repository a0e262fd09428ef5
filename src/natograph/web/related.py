"""Related queries on a resource's page: the competency questions that can be asked about it.

A question takes an IRI parameter whose default is an example resource (`# param: country iri
ngc:UKR`); the types of that example say what the question is about. A resource sharing one of
those types gets the question with its own IRI written in, the way the query page writes in
defaults (ui.with_defaults), so the query runs as it stands in any SPARQL client. The types are
looked up once per app; matching a page is then a set intersection.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

import pyoxigraph as ox

from natograph.publish.describe import curie
from natograph.query.text import CompetencyQuestion, expand
from natograph.store import GraphStore, select
from natograph.web.terms import Text
from natograph.web.ui import with_defaults

_SAFE_LOCAL = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*")
_HEADER = re.compile(r"^#\s*(?:title|question|param):.*\n", re.MULTILINE)
"""The file's header lines: the page gives the title, and `param` would name the example."""


@dataclass(frozen=True)
class RelatedQuestion:
    question: CompetencyQuestion
    parameter: str
    """The name of its IRI parameter."""
    types: frozenset[str]
    """Asserted types of the parameter's default, i.e. what the question is about."""


@dataclass(frozen=True)
class QueryLink:
    title: Text
    question: Text | None
    editor: str
    """The query page with the query filled in (YASGUI reads `?query=`)."""
    csv: str
    """The endpoint's answer as CSV, for readers without JavaScript."""
    json: str


def related_questions(
    store: GraphStore, questions: Iterable[CompetencyQuestion]
) -> list[RelatedQuestion]:
    """The questions that take one IRI, with the types of their example; once per app."""
    found = []
    for cq in questions:
        iri_params = [p for p in cq.parameters if p.datatype == "iri" and p.default]
        if len(iri_params) != 1:
            continue
        param = iri_params[0]
        example = ox.NamedNode(expand(param.default or ""))
        result = select(
            store,
            f"SELECT DISTINCT ?type WHERE {{ {example} a ?type FILTER(isIRI(?type)) }}",
            inferred=False,
        )
        types = frozenset(row[0].value for row in result if isinstance(row[0], ox.NamedNode))
        if types:
            found.append(RelatedQuestion(cq, param.name, types))
    return found


def applicable(related: Iterable[RelatedQuestion], types: Collection[str]) -> list[RelatedQuestion]:
    """The questions about a resource with these types (asserted and inferred)."""
    return [rq for rq in related if rq.types & set(types)]


def question_query(rq: RelatedQuestion, iri: str) -> str:
    """The question's SPARQL with `iri` written in for its parameter."""
    term = _sparql_name(iri)
    params = [
        dataclasses.replace(p, default=term) if p.name == rq.parameter else p
        for p in rq.question.parameters
    ]
    body = _HEADER.sub("", rq.question.text).lstrip()
    text = with_defaults(dataclasses.replace(rq.question, text=body, parameters=params))
    # with_defaults explains the value as the parameter's default; here it is this page's IRI.
    return text.replace(f"its default, {term},", f"the resource of this page, {term},")


def all_triples_query(iri: str) -> str:
    """Every triple with the resource as subject or object, in the graph that holds it."""
    node = str(ox.NamedNode(iri))
    return (
        f"# Every triple about {node}, in either direction, with its named graph\n"
        "# (…/graph/inferred holds what the reasoner derived).\n"
        "SELECT ?subject ?predicate ?object ?graph\n"
        "WHERE {\n"
        "  GRAPH ?graph {\n"
        f"    {{ {node} ?predicate ?object BIND ({node} AS ?subject) }}\n"
        "    UNION\n"
        f"    {{ ?subject ?predicate {node} BIND ({node} AS ?object) }}\n"
        "  }\n"
        "}\n"
        "ORDER BY ?graph ?predicate ?subject ?object\n"
    )


def query_link(sparql: str, root: str, title: Text, question: Text | None = None) -> QueryLink:
    def endpoint(fmt: str) -> str:
        return f"{root}sparql?{urlencode({'query': sparql, 'format': fmt})}"

    return QueryLink(
        title=title,
        question=question,
        editor=f"{root}query?{urlencode({'query': sparql, 'tabTitle': title.text})}",
        csv=endpoint("csv"),
        json=endpoint("json"),
    )


def related_links(
    related: Iterable[RelatedQuestion], iri: str, types: Collection[str], root: str, lang: str
) -> list[QueryLink]:
    """Links to the applicable questions, asked about `iri` (titles are written in English)."""
    tag = None if lang == "en" else "en"
    return [
        query_link(
            question_query(rq, iri),
            root,
            Text(rq.question.title or rq.question.name, tag),
            Text(rq.question.question, tag) if rq.question.question else None,
        )
        for rq in applicable(related, types)
    ]


def _sparql_name(iri: str) -> str:
    """`ngc:UKR` when that is valid SPARQL (with_defaults adds the PREFIX), else `<iri>`."""
    short = curie(iri)
    if short != iri and _SAFE_LOCAL.fullmatch(short.split(":", 1)[1]):
        return short
    return str(ox.NamedNode(iri))
