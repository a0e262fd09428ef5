"""The landing page (`/`, the base IRI, and `/dataset.html`): what natograph holds and where to go.

Its figures come from the store by SPARQL, never from a hand-kept list, so the page cannot
disagree with the endpoint. They are computed once per app (the graph is immutable while the
server runs) into a `LandingData`, and the page is rendered from it per language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from natograph.namespaces import NGO, PREFIXES
from natograph.publish.coverage import Coverage
from natograph.store import GraphStore, select
from natograph.web.pages import render
from natograph.web.terms import DateText, Labels, Ref, Terms

GROUPS = (
    ("PartnershipFramework", "landing_frameworks"),
    ("PartnershipCouncil", "landing_councils"),
    ("SpecialStructure", "landing_special_structures"),
    ("PartnerGroup", "landing_partner_groups"),
    ("Initiative", "landing_initiatives"),
)
"""The ngo: classes listed on the page, each with the message key of its heading."""

LINKS = (
    ("query", "landing_link_query", "landing_link_query_about", False),
    ("ontology", "landing_link_ontology", "landing_link_ontology_about", True),
    ("sparql", "landing_link_sparql", "landing_link_sparql_about", False),
    ("dist/", "landing_link_dumps", "landing_link_dumps_about", False),
    ("dataset", "landing_link_dataset", "landing_link_dataset_about", True),
    (".well-known/void", "landing_link_void", "landing_link_void_about", False),
    ("context.jsonld", "landing_link_context", "landing_link_context_about", False),
)
"""(path relative to the server root, message key of the link, of its explanation, whether the
path is an IRI with pages in both languages, so that an explicit ?lang= is kept)."""

_LABEL_PREDICATES = (PREFIXES["rdfs"] + "label", PREFIXES["skos"] + "prefLabel")


@dataclass(frozen=True)
class Dated:
    iri: str
    start: ox.Literal | None
    start_precision: str | None
    end: ox.Literal | None
    end_precision: str | None


@dataclass(frozen=True)
class ClassCount:
    iri: str
    count: int


@dataclass(frozen=True)
class LandingData:
    base: str
    triples: int
    graphs: dict[str, int]
    """Named graph IRI -> number of triples."""
    classes: tuple[ClassCount, ...]
    """ngo: classes with their instances (asserted or inferred), most instances first."""
    groups: tuple[tuple[str, tuple[Dated, ...]], ...]
    """(heading message key, members oldest first), as in GROUPS."""
    labels: Labels
    acronyms: Labels
    knowledge_ends: str | None = None
    """The date of the newest source (YYYY-MM-DD), see natograph.publish.coverage."""


@dataclass(frozen=True)
class DatedView:
    ref: Ref
    acronym: str | None
    start: DateText | None
    end: DateText | None


def landing_data(store: GraphStore, base: str, covered: Coverage | None = None) -> LandingData:
    """Everything the landing page shows, asked once per app; `covered` is the graph's coverage
    (natograph.publish.coverage), computed once for the app."""
    graphs = {
        row[0].value: int(row[1].value)
        for row in _select(
            store, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        )
    }
    classes = tuple(
        ClassCount(row[0].value, int(row[1].value))
        for row in _select(
            store,
            f"""SELECT ?class (COUNT(DISTINCT ?x) AS ?n) WHERE {{
                  ?x a ?class FILTER(STRSTARTS(STR(?class), "{NGO}"))
                }} GROUP BY ?class ORDER BY DESC(?n) ?class""",
        )
    )
    groups = tuple((key, _members(store, str(NGO) + name)) for name, key in GROUPS)
    mentioned = [c.iri for c in classes] + [m.iri for _, ms in groups for m in ms]
    labels, acronyms = _labels(store, mentioned)
    return LandingData(
        base=base,
        triples=sum(graphs.values()),
        graphs=dict(sorted(graphs.items())),
        classes=classes,
        groups=groups,
        labels=labels,
        acronyms=acronyms,
        knowledge_ends=covered.end.isoformat() if covered else None,
    )


def render_landing(
    data: LandingData, lang: str, context: dict[str, Any], *, explicit_lang: bool = False
) -> str:
    """The landing page; `context` is pages.page_context("" or "dataset.html", lang, ...)."""
    terms = Terms(
        root=context["root"],
        base=data.base,
        lang=lang,
        keep_lang=explicit_lang,
        labels=data.labels,
        translate=context["_"],
    )
    groups = [
        (key, [_dated_view(m, terms, data.acronyms) for m in members])
        for key, members in data.groups
        if members
    ]
    classes = [(terms.ref(c.iri), c.count) for c in data.classes]
    links = [
        (terms.href(data.base + path) if thing else context["root"] + path, key, about)
        for path, key, about, thing in LINKS
    ]
    page = {"data": data, "groups": groups, "classes": classes, "links": links}
    return render("landing.html", {**context, **page, "number": number_formatter(lang)})


def number_formatter(lang: str) -> Callable[[int], str]:
    """12,345 in English, 12 345 (narrow no-break space) in French."""
    separator = "\u202f" if lang == "fr" else ","
    return lambda n: f"{n:,}".replace(",", separator)


def _dated_view(member: Dated, terms: Terms, acronyms: Labels) -> DatedView:
    acronym = acronyms.get(member.iri, terms.lang)
    return DatedView(
        ref=terms.ref(member.iri),
        acronym=acronym.text if acronym is not None else None,
        start=terms.date(member.start, member.start_precision),
        end=terms.date(member.end, member.end_precision),
    )


def _members(store: GraphStore, cls: str) -> tuple[Dated, ...]:
    rows = _select(
        store,
        f"""SELECT DISTINCT ?x ?start ?sp ?end ?ep WHERE {{
              ?x a {ox.NamedNode(cls)} FILTER(isIRI(?x))
              OPTIONAL {{ ?x ngo:startDate ?start }}
              OPTIONAL {{ ?x ngo:startPrecision ?sp }}
              OPTIONAL {{ ?x ngo:endDate ?end }}
              OPTIONAL {{ ?x ngo:endPrecision ?ep }}
            }} ORDER BY (!BOUND(?start)) ?start ?x""",
    )
    found: dict[str, Dated] = {}
    for x, start, sp, end, ep in rows:
        found.setdefault(
            x.value,
            Dated(
                x.value,
                start if isinstance(start, ox.Literal) else None,
                sp.value if isinstance(sp, ox.NamedNode) else None,
                end if isinstance(end, ox.Literal) else None,
                ep.value if isinstance(ep, ox.NamedNode) else None,
            ),
        )
    return tuple(found.values())


def _labels(store: GraphStore, iris: list[str]) -> tuple[Labels, Labels]:
    labels, acronyms = Labels(), Labels()
    if not iris:
        return labels, acronyms
    values = " ".join(str(ox.NamedNode(i)) for i in dict.fromkeys(iris))
    rows = _select(
        store,
        f"""SELECT ?x ?p ?l WHERE {{
              VALUES ?x {{ {values} }}
              VALUES ?p {{ rdfs:label skos:prefLabel ngo:acronym }}
              ?x ?p ?l FILTER(isLiteral(?l))
            }}""",
    )
    for x, p, literal in rows:
        if not isinstance(literal, ox.Literal):
            continue
        if p.value in _LABEL_PREDICATES:
            labels.add(x.value, p.value, literal)
        else:
            acronyms.add(x.value, PREFIXES["rdfs"] + "label", literal)
    return labels, acronyms


def _select(store: GraphStore, query: str) -> list[Any]:
    result = select(store, query)
    return [tuple(row) for row in result]
