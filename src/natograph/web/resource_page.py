"""The HTML page about one resource, built from its description (natograph.publish.describe).

The page is meant to be read by someone who does not know RDF, so what the description says is
regrouped for reading: the header says what the thing is; its own properties come named by label,
with inferred values marked (the reasoner's conclusions are not the sources' statements); its
engagements become a dated timeline with suspensions and sources; the claims about it are listed
apart, because disagreeing sources are kept side by side on purpose; then what links to it and the
competency questions that can be asked about it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pyoxigraph as ox

from natograph.namespaces import NGO, PREFIXES
from natograph.publish.describe import (
    RDF_TYPE,
    RDFS_LABEL,
    Claim,
    Description,
    Engagement,
    Term,
    curie,
)
from natograph.web.pages import render
from natograph.web.related import (
    QueryLink,
    RelatedQuestion,
    all_triples_query,
    query_link,
    related_links,
)
from natograph.web.terms import (
    DateText,
    Labels,
    Node,
    PropertyValues,
    Ref,
    Shown,
    Terms,
    Text,
    Value,
    pick_literal,
)

DEFINITIONS = (
    PREFIXES["skos"] + "definition",
    PREFIXES["dcterms"] + "description",
    PREFIXES["rdfs"] + "comment",
)
"""Shown under the title, in this order, rather than among the properties."""
STATEMENT = str(NGO) + "statement"
RDF_FIRST = PREFIXES["rdf"] + "first"
RDF_REST = PREFIXES["rdf"] + "rest"
MAX_NODE_DEPTH = 6


@dataclass(frozen=True)
class SuspensionRow:
    suspension: Ref
    start: DateText | None
    end: DateText | None
    sources: tuple[Ref, ...]


@dataclass(frozen=True)
class EngagementRow:
    engagement: Ref
    kinds: tuple[Ref, ...]
    parties: tuple[Ref, ...]
    """The other side: the framework for a country's page, the member for a framework's."""
    start: DateText | None
    attested: DateText | None
    """The earliest date a source shows it, when the start is unknown."""
    end: DateText | None
    suspensions: tuple[SuspensionRow, ...]
    sources: tuple[Ref, ...]
    confidence: Ref | None
    state: str
    """On the page's "as of" day: active, uncertain, inactive or suspended (message state_*)."""


@dataclass(frozen=True)
class ClaimRow:
    claim: Ref
    statement: Text | None
    property: Ref | None
    value: Value | None
    as_of: DateText | None
    sources: tuple[Ref, ...]
    confidence: Ref | None
    disputed: bool
    """Another claim gives this property a different value."""


@dataclass(frozen=True)
class IncomingGroup:
    property: Ref
    subjects: tuple[Shown, ...]
    anonymous: int
    """Blank nodes (OWL axioms, lists) that link here: counted, as they have no page."""


@dataclass(frozen=True)
class ResourceView:
    iri: str
    curie: str
    title: Text
    types: tuple[Shown, ...]
    definitions: tuple[Text, ...]
    properties: tuple[PropertyValues, ...]
    engagements: tuple[EngagementRow, ...]
    claims: tuple[ClaimRow, ...]
    disputed: tuple[Ref, ...]
    as_of: DateText | None
    """The day the engagements' states are for."""
    incoming: tuple[IncomingGroup, ...]
    incoming_truncated: bool
    related: tuple[QueryLink, ...]
    all_triples: QueryLink


def render_resource(
    description: Description,
    lang: str,
    context: dict[str, Any],
    *,
    base: str,
    explicit_lang: bool = False,
    related: Sequence[RelatedQuestion] = (),
    as_of: date | None = None,
) -> str:
    """The page about `description.iri`.

    `context` is pages.page_context(document path, lang, iri=, alternates=, jsonld=);
    `explicit_lang` keeps `?lang=` on local links; `related` comes from
    related.related_questions(store, served.examples), computed once per app; `as_of` is the
    day the engagements' states are given for: the newest source's date
    (natograph.publish.coverage), since the graph cannot speak for any later day, and a fixed
    day keeps cached pages true.
    """
    view = resource_view(
        description,
        lang,
        context,
        base=base,
        explicit_lang=explicit_lang,
        related=related,
        as_of=as_of,
    )
    return render("resource.html", {**context, "view": view})


def resource_view(
    description: Description,
    lang: str,
    context: dict[str, Any],
    *,
    base: str,
    explicit_lang: bool = False,
    related: Sequence[RelatedQuestion] = (),
    as_of: date | None = None,
) -> ResourceView:
    d = description
    day = as_of or date.today()
    terms = Terms(
        root=context["root"],
        base=base,
        lang=lang,
        keep_lang=explicit_lang,
        labels=Labels.from_quads(d.quads),
        translate=context["_"],
    )
    _name_engagements(d, terms)
    graph = _Graph(d.quads)
    statements = d.statements()
    claims = _claims(d, terms)
    types = d.types()
    return ResourceView(
        iri=d.iri,
        curie=curie(d.iri),
        title=terms.labels.get(d.iri, lang) or Text(curie(d.iri)),
        types=tuple(Shown(terms.ref(s.value.value), s.inferred) for s in _types(statements)),
        definitions=tuple(
            terms.text(lit)
            for p in DEFINITIONS
            if (lit := pick_literal(d.values(d.iri, p), lang)) is not None
        ),
        properties=_properties(statements, terms, graph),
        engagements=tuple(_engagement(e, d.iri, terms, day) for e in d.engagements()),
        as_of=terms.date(
            ox.Literal(day.isoformat(), datatype=ox.NamedNode(PREFIXES["xsd"] + "date"))
        ),
        claims=claims,
        disputed=tuple(dict.fromkeys(c.property for c in claims if c.disputed and c.property)),
        incoming=_incoming(d, terms),
        incoming_truncated=d.incoming_truncated,
        related=tuple(related_links(related, d.iri, types, terms.root, lang)),
        all_triples=query_link(
            all_triples_query(d.iri), terms.root, Text(terms.translate("all_triples_title"))
        ),
    )


def _name_engagements(d: Description, terms: Terms) -> None:
    """Give each unlabelled engagement a label from its parties ("Ukraine in Partnership for
    Peace"), so that links to it read as what it is rather than as `ngm:pfp-UKR`."""
    for e in d.engagements():
        if terms.labels.get(e.iri, terms.lang) is not None or not (e.holder and e.within):
            continue
        holder = terms.labels.get(e.holder, terms.lang) or Text(curie(e.holder))
        within = terms.labels.get(e.within, terms.lang) or Text(curie(e.within))
        text = terms.translate("engagement_label", holder=holder.text, within=within.text)
        terms.labels.add(e.iri, RDFS_LABEL, ox.Literal(text, language=terms.lang))


def _types(statements: dict[str, list[Any]]) -> list[Any]:
    return [s for s in statements.get(RDF_TYPE, []) if isinstance(s.value, ox.NamedNode)]


def _properties(
    statements: dict[str, list[Any]], terms: Terms, graph: _Graph
) -> tuple[PropertyValues, ...]:
    """The resource's properties, with each inferred value that repeats an asserted one under a
    super-property folded into it: a source stated once as ngo:source is not listed again as
    the dcterms:source and prov:wasDerivedFrom the reasoner derives from it, but marked
    "also" on the stated value (the inferred triples are still in the graph and the RDF)."""
    shown = {p: v for p, v in statements.items() if p != RDF_TYPE and p not in DEFINITIONS}
    asserted: dict[str, list[str]] = defaultdict(list)
    for predicate, values in shown.items():
        for s in values:
            if not s.inferred:
                asserted[_key(s.value)].append(predicate)
    also: dict[tuple[str, str], list[str]] = defaultdict(list)
    kept: dict[str, list[Any]] = {}
    for predicate, values in shown.items():
        for s in values:
            owners = [q for q in asserted.get(_key(s.value), []) if q != predicate]
            if s.inferred and owners:
                also[(owners[0], _key(s.value))].append(predicate)
            else:
                kept.setdefault(predicate, []).append(s)
    groups = [
        PropertyValues(
            terms.ref(predicate),
            tuple(
                Shown(
                    graph.value(s.value, terms),
                    s.inferred,
                    tuple(terms.ref(q) for q in also.get((predicate, _key(s.value)), [])),
                )
                for s in values
            ),
        )
        for predicate, values in kept.items()
    ]
    return tuple(sorted(groups, key=lambda g: (g.property.label.text.casefold(), g.property.iri)))


def _key(term: object) -> str:
    """A value's identity for folding (blank nodes never fold: each is its own)."""
    if isinstance(term, ox.BlankNode):
        return f"_:{id(term)}"
    return str(term)


def _engagement(e: Engagement, iri: str, terms: Terms, day: date) -> EngagementRow:
    if e.holder == iri and e.within:
        parties: tuple[str, ...] = (e.within,)
    elif e.within == iri and e.holder:
        parties = (e.holder,)
    else:
        parties = tuple(p for p in (e.holder, e.within) if p)
    return EngagementRow(
        engagement=terms.ref(e.iri),
        kinds=tuple(terms.ref(t) for t in e.types),
        parties=tuple(terms.ref(p) for p in parties),
        start=terms.date(e.start, e.start_precision),
        attested=terms.date(e.earliest_attestation) if e.start is None else None,
        end=terms.date(e.end, e.end_precision),
        suspensions=tuple(
            SuspensionRow(
                terms.ref(s.iri),
                terms.date(s.start, s.start_precision),
                terms.date(s.end, s.end_precision),
                tuple(terms.ref(src) for src in s.sources),
            )
            for s in e.suspensions
        ),
        sources=tuple(terms.ref(src) for src in e.sources),
        confidence=terms.ref(e.confidence) if e.confidence else None,
        state=e.state_on(day),
    )


def _claims(d: Description, terms: Terms) -> tuple[ClaimRow, ...]:
    claims = d.claims()
    values: dict[str, set[str]] = defaultdict(set)
    for c in claims:
        if c.property and c.value is not None:
            values[c.property].add(str(c.value))
    return tuple(_claim(c, d, terms, len(values.get(c.property or "", ())) > 1) for c in claims)


def _claim(c: Claim, d: Description, terms: Terms, disputed: bool) -> ClaimRow:
    statement = pick_literal(d.values(c.iri, STATEMENT), terms.lang)
    return ClaimRow(
        claim=terms.ref(c.iri),
        statement=terms.text(statement) if statement is not None else None,
        property=terms.ref(c.property) if c.property else None,
        value=terms.term(c.value) if c.value is not None else None,
        as_of=terms.date(c.as_of),
        sources=tuple(terms.ref(s) for s in c.sources),
        confidence=terms.ref(c.confidence) if c.confidence else None,
        disputed=disputed,
    )


def _incoming(d: Description, terms: Terms) -> tuple[IncomingGroup, ...]:
    named: dict[str, list[Shown]] = defaultdict(list)
    anonymous: dict[str, int] = defaultdict(int)
    for link in d.incoming:
        if isinstance(link.subject, ox.NamedNode):
            named[link.predicate].append(Shown(terms.ref(link.subject.value), link.inferred))
        else:
            anonymous[link.predicate] += 1
    groups = [
        IncomingGroup(
            terms.ref(p),
            tuple(sorted(named.get(p, []), key=lambda s: (s.inferred, _sort_key(s.value)))),
            anonymous.get(p, 0),
        )
        for p in {**named, **anonymous}
    ]
    return tuple(sorted(groups, key=lambda g: (g.property.label.text.casefold(), g.property.iri)))


def _sort_key(value: Value) -> str:
    return value.label.text.casefold() if isinstance(value, Ref) else ""


class _Graph:
    """The description's triples by subject, to show blank nodes (restrictions, lists) in place."""

    def __init__(self, quads: Iterable[ox.Quad]) -> None:
        self._by_subject: dict[ox.BlankNode, dict[str, list[Term]]] = {}
        for q in quads:
            if isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.Triple):
                by_predicate = self._by_subject.setdefault(q.subject, {})
                objects = by_predicate.setdefault(q.predicate.value, [])
                if q.object not in objects:
                    objects.append(q.object)

    def value(self, term: object, terms: Terms, depth: int = 0) -> Value:
        if not isinstance(term, ox.BlankNode):
            return terms.term(term)
        if depth >= MAX_NODE_DEPTH:
            return Node()
        properties = self._by_subject.get(term, {})
        if RDF_FIRST in properties:
            return Node(items=tuple(self.value(t, terms, depth + 1) for t in self._items(term)))
        return Node(
            properties=tuple(
                PropertyValues(
                    terms.ref(p),
                    tuple(Shown(self.value(o, terms, depth + 1)) for o in objects),
                )
                for p, objects in sorted(properties.items())
            )
        )

    def _items(self, node: ox.BlankNode) -> list[Term]:
        items: list[Term] = []
        seen: set[ox.BlankNode] = set()
        current: object = node
        while isinstance(current, ox.BlankNode) and current not in seen:
            seen.add(current)
            properties = self._by_subject.get(current, {})
            items.extend(properties.get(RDF_FIRST, [])[:1])
            rest = properties.get(RDF_REST, [])
            current = rest[0] if rest else None
        return items
