"""What natograph says about one IRI when it is dereferenced.

A bare Concise Bounded Description is too thin for this graph: a country's memberships are separate
(reified) resources, so its CBD would not say which frameworks it belongs to, since when, or on
whose authority. A description here is therefore:

1. the resource's own triples, with their blank-node closure (OWL restrictions, lists);
2. the engagements it takes part in (as holder or as the framework/organisation held within), the
   suspensions of those engagements, and the claims about it, each with its own closure (so dates,
   date precision, sources and confidence come along);
3. the labels of every IRI those triples mention, so a reader needs no second request to show them.

Each triple keeps the named graph it came from, so inferred triples stay separable: the RDF
documents can leave them out (`?inferred=false`) or keep them apart (TriG), and the HTML marks them.
Incoming links are collected for the HTML page (capped), not put in the RDF.

Everything is asked through the store's SPARQL interface (plus `describe` for the closure), so a
remote SPARQL engine can stand in for the embedded store.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

import pyoxigraph as ox

from natograph import namespaces
from natograph.build.temporal import Window
from natograph.namespaces import GRAPH_INFERRED, NGO
from natograph.store import GraphStore, select

Term = ox.NamedNode | ox.BlankNode | ox.Literal

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_PREF_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
LABELS = (RDFS_LABEL, SKOS_PREF_LABEL)
INFERRED = str(GRAPH_INFERRED)
_NGO = str(NGO)


@dataclass(frozen=True)
class Statement:
    """One value of one property of the described resource."""

    predicate: str
    value: Term
    inferred: bool
    """True when only the reasoner asserts it (the triple is in the inferred graph alone)."""


@dataclass(frozen=True)
class Incoming:
    subject: ox.NamedNode | ox.BlankNode
    predicate: str
    inferred: bool


@dataclass(frozen=True)
class Suspension:
    iri: str
    start: ox.Literal | None
    end: ox.Literal | None
    sources: tuple[str, ...]
    start_precision: str | None = None
    end_precision: str | None = None
    window: Window = field(default_factory=Window)


@dataclass(frozen=True)
class Engagement:
    """A dated membership, participation or partnership the described resource takes part in."""

    iri: str
    types: tuple[str, ...]
    """Asserted types, most specific first as written (e.g. ngo:PartnershipMembership)."""
    holder: str | None
    within: str | None
    start: ox.Literal | None
    end: ox.Literal | None
    start_precision: str | None
    end_precision: str | None
    earliest_attestation: ox.Literal | None
    sources: tuple[str, ...]
    confidence: str | None
    suspensions: tuple[Suspension, ...]
    window: Window = field(default_factory=Window)
    """Its inferred window dates (natograph.build.temporal): active, uncertain or inactive on
    a day."""

    def state_on(self, day: date) -> str:
        """ "active", "uncertain", "inactive" or "suspended" on `day`, suspensions counted as in
        queries/34: a suspension surely in force makes it suspended, a possible one uncertain."""
        held = self.window.on(day)
        if held == "inactive":
            return held
        suspended = [s.window.on(day) for s in self.suspensions]
        if "active" in suspended:
            return "suspended"
        return "uncertain" if "uncertain" in suspended else held


@dataclass(frozen=True)
class Claim:
    """What one source says about the described resource (kept apart when sources disagree)."""

    iri: str
    property: str | None
    value: Term | None
    as_of: ox.Literal | None
    sources: tuple[str, ...]
    confidence: str | None


@dataclass
class Description:
    iri: str
    quads: list[ox.Quad]
    """Every triple of the description, in the named graph it came from."""
    incoming: list[Incoming] = field(default_factory=list)
    incoming_truncated: bool = False
    engagement_iris: list[str] = field(default_factory=list)
    claim_iris: list[str] = field(default_factory=list)

    @property
    def exists(self) -> bool:
        """Whether the graph mentions the IRI at all (as subject, object or predicate)."""
        node = ox.NamedNode(self.iri)
        return bool(self.incoming) or any(
            q.subject == node or q.predicate == node for q in self.quads
        )

    def triples(self, inferred: bool = True) -> list[ox.Triple]:
        """The description as plain triples, without duplicates, in a stable order."""
        seen: dict[ox.Triple, None] = {}
        for q in self.quads:
            if inferred or _graph(q) != INFERRED:
                seen.setdefault(ox.Triple(q.subject, q.predicate, q.object), None)
        return sorted(seen, key=str)

    def quads_for(self, inferred: bool = True) -> list[ox.Quad]:
        """The description as quads (inferred triples in their own graph), stable order."""
        kept = {q: None for q in self.quads if inferred or _graph(q) != INFERRED}
        return sorted(kept, key=str)

    # --- Reading the description back (for the HTML page) ------------------------------------

    def values(self, subject: str | ox.NamedNode | ox.BlankNode, predicate: str) -> list[Term]:
        node = ox.NamedNode(subject) if isinstance(subject, str) else subject
        found: dict[Term, None] = {}
        for q in self.quads:
            if q.subject == node and q.predicate.value == predicate:
                found.setdefault(q.object, None)  # type: ignore[arg-type]
        return list(found)

    def first(self, subject: str | ox.NamedNode | ox.BlankNode, predicate: str) -> Term | None:
        found = self.values(subject, predicate)
        return found[0] if found else None

    def iris(self, subject: str | ox.NamedNode | ox.BlankNode, predicate: str) -> list[str]:
        return sorted(
            v.value for v in self.values(subject, predicate) if isinstance(v, ox.NamedNode)
        )

    def label(self, term: str | Term, lang: str = "en") -> str | None:
        """The best label for `term` in `lang`: that language, then English, untagged, any."""
        if isinstance(term, ox.Literal):
            return term.value
        subject: ox.NamedNode | ox.BlankNode = ox.NamedNode(term) if isinstance(term, str) else term
        best: tuple[int, str] | None = None
        for q in self.quads:
            if q.subject != subject or q.predicate.value not in LABELS:
                continue
            literal = q.object
            if not isinstance(literal, ox.Literal):
                continue
            tag = (literal.language or "").lower()
            rank = 0 if tag == lang else 1 if tag == "en" else 2 if not tag else 3
            rank += 4 if q.predicate.value != RDFS_LABEL else 0
            if best is None or (rank, literal.value) < best:
                best = (rank, literal.value)
        return best[1] if best else None

    def types(self, inferred: bool = True) -> list[str]:
        node = ox.NamedNode(self.iri)
        return sorted(
            {
                q.object.value
                for q in self.quads
                if q.subject == node
                and q.predicate.value == RDF_TYPE
                and isinstance(q.object, ox.NamedNode)
                and (inferred or _graph(q) != INFERRED)
            }
        )

    def statements(self) -> dict[str, list[Statement]]:
        """The resource's own property values, grouped by property, asserted before inferred."""
        node = ox.NamedNode(self.iri)
        asserted = {
            (q.predicate.value, q.object)
            for q in self.quads
            if q.subject == node and _graph(q) != INFERRED
        }
        grouped: dict[str, dict[Term, Statement]] = {}
        for q in self.quads:
            if q.subject != node:
                continue
            key = (q.predicate.value, q.object)
            inferred = key not in asserted
            values = grouped.setdefault(q.predicate.value, {})
            if q.object not in values or not inferred:
                values[q.object] = Statement(q.predicate.value, q.object, inferred)  # type: ignore[index,arg-type]
        return {
            p: sorted(vs.values(), key=lambda s: (s.inferred, str(s.value)))
            for p, vs in sorted(grouped.items())
        }

    def engagements(self) -> list[Engagement]:
        """The engagements, oldest first (undated last)."""
        rows = [self._engagement(iri) for iri in self.engagement_iris]
        return sorted(rows, key=lambda e: (e.start is None, str(e.start and e.start.value), e.iri))

    def claims(self) -> list[Claim]:
        rows = []
        for iri in self.claim_iris:
            rows.append(
                Claim(
                    iri=iri,
                    property=_iri(self.first(iri, _NGO + "claimedProperty")),
                    value=self.first(iri, _NGO + "claimedValue")
                    or self.first(iri, _NGO + "claimedResource"),
                    as_of=_literal(self.first(iri, _NGO + "asOf")),
                    sources=tuple(self.iris(iri, _NGO + "source")),
                    confidence=_iri(self.first(iri, _NGO + "confidence")),
                )
            )
        return sorted(rows, key=lambda c: (c.property or "", str(c.as_of and c.as_of.value), c.iri))

    def _engagement(self, iri: str) -> Engagement:
        node = ox.NamedNode(iri)
        suspensions = [
            Suspension(
                iri=q.subject.value,
                start=_literal(self.first(q.subject.value, _NGO + "startDate")),
                end=_literal(self.first(q.subject.value, _NGO + "endDate")),
                sources=tuple(self.iris(q.subject.value, _NGO + "source")),
                start_precision=_iri(self.first(q.subject.value, _NGO + "startPrecision")),
                end_precision=_iri(self.first(q.subject.value, _NGO + "endPrecision")),
                window=self._window(q.subject.value),
            )
            for q in self.quads
            if q.predicate.value == _NGO + "suspends"
            and q.object == node
            and isinstance(q.subject, ox.NamedNode)
        ]
        asserted_types = [
            q.object.value
            for q in self.quads
            if q.subject == node
            and q.predicate.value == RDF_TYPE
            and _graph(q) != INFERRED
            and isinstance(q.object, ox.NamedNode)
        ]
        return Engagement(
            iri=iri,
            types=tuple(dict.fromkeys(asserted_types)),
            holder=self._role(iri, HOLDER_PROPERTIES),
            within=self._role(iri, WITHIN_PROPERTIES),
            start=_literal(self.first(iri, _NGO + "startDate")),
            end=_literal(self.first(iri, _NGO + "endDate")),
            start_precision=_iri(self.first(iri, _NGO + "startPrecision")),
            end_precision=_iri(self.first(iri, _NGO + "endPrecision")),
            earliest_attestation=_literal(self.first(iri, _NGO + "earliestAttestation")),
            sources=tuple(self.iris(iri, _NGO + "source")),
            confidence=_iri(self.first(iri, _NGO + "confidence")),
            suspensions=tuple(sorted(set(suspensions), key=lambda s: (str(s.start), s.iri))),
            window=self._window(iri),
        )

    def _window(self, iri: str) -> Window:
        def day(name: str) -> date | None:
            found = _literal(self.first(iri, _NGO + name))
            try:
                return date.fromisoformat(found.value) if found is not None else None
            except ValueError:
                return None

        return Window(
            day("possibleFrom"), day("certainFrom"), day("certainUntil"), day("possibleUntil")
        )

    def _role(self, iri: str, properties: tuple[str, ...]) -> str | None:
        for p in properties:
            found = self.iris(iri, p)
            if found:
                return found[0]
        return None


HOLDER_PROPERTIES = tuple(
    _NGO + p for p in ("member", "participant", "partnerOrganisation", "holder")
)
WITHIN_PROPERTIES = tuple(_NGO + p for p in ("organisation", "programme", "within"))


def describe(store: GraphStore, iri: str, *, max_incoming: int = 500) -> Description:
    """The description of `iri` (see the module docstring); empty when the graph lacks it.

    `iri` must be a valid IRI (callers check with `ox.NamedNode`): it is written into the queries.
    """
    node = ox.NamedNode(iri)  # raises ValueError on anything that is not an IRI
    quads: dict[ox.Quad, None] = dict.fromkeys(store.describe(iri))
    engagements = _select_iris(
        store,
        f"""SELECT DISTINCT ?e WHERE {{
              ?e ?p {node} .
              ?p rdfs:subPropertyOf* ?top . VALUES ?top {{ ngo:holder ngo:within }}
            }}""",
    )
    if _is_engagement(quads.keys(), node):
        engagements.insert(0, iri)
    suspensions = (
        _select_iris(
            store,
            "SELECT DISTINCT ?s WHERE { ?s ngo:suspends ?e . VALUES ?e { "
            + " ".join(str(ox.NamedNode(e)) for e in engagements)
            + " } }",
        )
        if engagements
        else []
    )
    claims = _select_iris(
        store, f"SELECT DISTINCT ?c WHERE {{ ?c ngo:about|ngo:claimedResource {node} }}"
    )
    for related in (*engagements, *suspensions, *claims):
        if related != iri:
            quads.update(dict.fromkeys(store.describe(related)))
    incoming, truncated = _incoming(store, node, max_incoming)
    mentioned = _mentioned(quads.keys(), (i.subject for i in incoming))
    quads.update(dict.fromkeys(_labels(store, mentioned)))
    return Description(
        iri=iri,
        quads=list(quads),
        incoming=incoming,
        incoming_truncated=truncated,
        engagement_iris=[e for e in engagements],
        claim_iris=claims,
    )


def curie(iri: str) -> str:
    """`ngc:UKR` for an IRI in a known namespace, else the IRI itself (namespaces.curie)."""
    return namespaces.curie(iri, otherwise="iri")


def _graph(q: ox.Quad) -> str:
    return q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else ""


def _iri(term: Term | None) -> str | None:
    return term.value if isinstance(term, ox.NamedNode) else None


def _literal(term: Term | None) -> ox.Literal | None:
    return term if isinstance(term, ox.Literal) else None


def _is_engagement(quads: Iterable[ox.Quad], node: ox.NamedNode) -> bool:
    return any(
        q.subject == node and q.predicate.value in (*HOLDER_PROPERTIES, *WITHIN_PROPERTIES)
        for q in quads
    )


def _select_iris(store: GraphStore, query: str) -> list[str]:
    result = select(store, query)
    return [row[0].value for row in result if isinstance(row[0], ox.NamedNode)]


def _incoming(store: GraphStore, node: ox.NamedNode, limit: int) -> tuple[list[Incoming], bool]:
    result = select(
        store,
        f"SELECT ?s ?p ?g WHERE {{ GRAPH ?g {{ ?s ?p {node} }} }} "
        f"ORDER BY ?p ?s ?g LIMIT {limit * 2 + 1}",
    )
    rows: dict[tuple[str, str], Incoming] = {}
    for s, p, g in result:
        if not isinstance(s, ox.NamedNode | ox.BlankNode) or not isinstance(p, ox.NamedNode):
            continue
        inferred = isinstance(g, ox.NamedNode) and g.value == INFERRED
        key = (str(s), p.value)
        if key not in rows or not inferred:
            rows[key] = Incoming(s, p.value, inferred)
    ordered = sorted(rows.values(), key=lambda i: (i.predicate, str(i.subject)))
    return ordered[:limit], len(ordered) > limit


def _mentioned(
    quads: Iterable[ox.Quad], extra: Iterable[ox.NamedNode | ox.BlankNode]
) -> list[ox.NamedNode]:
    found: dict[ox.NamedNode, None] = {}
    for q in quads:
        for term in (q.subject, q.predicate, q.object):
            if isinstance(term, ox.NamedNode):
                found.setdefault(term, None)
    for term in extra:
        if isinstance(term, ox.NamedNode):
            found.setdefault(term, None)
    return list(found)


def _labels(store: GraphStore, nodes: list[ox.NamedNode]) -> Iterator[ox.Quad]:
    """The labels of `nodes`, asked in batches (VALUES) to keep each query small."""
    for start in range(0, len(nodes), 200):
        batch = " ".join(str(n) for n in nodes[start : start + 200])
        result = select(
            store,
            "SELECT ?x ?p ?l ?g WHERE { VALUES ?x { " + batch + " } "
            "VALUES ?p { rdfs:label skos:prefLabel } GRAPH ?g { ?x ?p ?l } }",
        )
        for x, p, label, g in result:
            if isinstance(label, ox.Literal) and isinstance(g, ox.NamedNode):
                yield ox.Quad(x, p, label, g)
