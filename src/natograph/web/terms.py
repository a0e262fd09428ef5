"""How RDF terms appear on the HTML pages: named by label, linked, dated.

A page never shows a bare IRI where it can show a label, and never links a reader off the server
that answered: IRIs under the base IRI become page-relative links to the thing's path (which the
router answers 303 to the page), so the same pages work on localhost and on w3id.org. Only http(s)
IRIs outside the base are linked out; any other scheme (`javascript:` is a valid IRI) is shown as
text, because an IRI in the data is not a URL anyone vetted.

The views are plain frozen dataclasses so the templates stay free of RDF logic and the tests can
look at what a page will say without parsing HTML.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import ClassVar

import pyoxigraph as ox

from natograph.namespaces import NGO, PREFIXES
from natograph.publish.describe import LABELS, RDFS_LABEL, curie
from natograph.publish.documents import path_for_iri
from natograph.search import language_rank

XSD = PREFIXES["xsd"]
TIME = PREFIXES["time"]
PLAIN_DATATYPES = frozenset({XSD + "string", PREFIXES["rdf"] + "langString"})
DATE_DATATYPES = frozenset({XSD + "date", XSD + "dateTime", XSD + "gYear", XSD + "gYearMonth"})
PRECISIONS = {
    TIME + "unitDay": "day",
    TIME + "unitMonth": "month",
    str(NGO) + "unitQuarter": "quarter",
    str(NGO) + "unitSeason": "season",
    TIME + "unitYear": "year",
    TIME + "unitDecade": "decade",
}
"""Precision IRIs (ngo:startPrecision values) -> the key of their name in the messages."""
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_LINKABLE = re.compile(r"https?://", re.IGNORECASE)


@dataclass(frozen=True)
class Text:
    """Text for the page; `lang` is set when it is not in the page's language (for lang=...)."""

    text: str
    lang: str | None = None


@dataclass(frozen=True)
class Ref:
    """A resource, named by its label and linked where that is safe."""

    kind: ClassVar[str] = "ref"
    iri: str
    label: Text
    href: str | None
    external: bool
    curie: str


@dataclass(frozen=True)
class DateText:
    text: str
    datetime: str | None
    """Machine-readable value for <time datetime>, when HTML has a form for this precision."""
    precision: str | None
    """The precision's name ("month") when coarser than a day."""


@dataclass(frozen=True)
class LiteralValue:
    kind: ClassVar[str] = "literal"
    text: Text
    datatype: str | None
    """Compact datatype shown beside the value (None for plain strings)."""
    language: str | None
    date: DateText | None


@dataclass(frozen=True)
class Node:
    """A blank node shown in place: an OWL restriction, an RDF list..."""

    kind: ClassVar[str] = "node"
    properties: tuple[PropertyValues, ...] = ()
    items: tuple[Value, ...] | None = None
    """The members, when the node is an RDF collection."""


Value = Ref | LiteralValue | Node


@dataclass(frozen=True)
class Shown:
    value: Value
    inferred: bool = False
    also: tuple[Ref, ...] = ()
    """Super-properties the reasoner also gave this value (ngo:source also as dcterms:source
    and prov:wasDerivedFrom): folded into the asserted value instead of repeated."""


@dataclass(frozen=True)
class PropertyValues:
    property: Ref
    values: tuple[Shown, ...]


@dataclass
class Labels:
    """Labels by IRI, chosen per language as describe.Description.label chooses them."""

    _by_iri: dict[str, list[tuple[int, str, str]]] = field(default_factory=dict)

    @classmethod
    def from_quads(cls, quads: Iterable[ox.Quad]) -> Labels:
        labels = cls()
        for q in quads:
            if (
                q.predicate.value in LABELS
                and isinstance(q.subject, ox.NamedNode)
                and isinstance(q.object, ox.Literal)
            ):
                labels.add(q.subject.value, q.predicate.value, q.object)
        return labels

    def add(self, iri: str, predicate: str, literal: ox.Literal) -> None:
        rank = 0 if predicate == RDFS_LABEL else 4
        self._by_iri.setdefault(iri, []).append((rank, literal.language or "", literal.value))

    def get(self, iri: str, lang: str) -> Text | None:
        """The label in `lang`, else English, else untagged, else any (rdfs:label first)."""
        best: tuple[int, str, str] | None = None
        for rank, tag, text in self._by_iri.get(iri, ()):
            candidate = (rank + language_rank(tag, lang), text, tag)
            if best is None or candidate < best:
                best = candidate
        if best is None:
            return None
        return Text(best[1], other_language(best[2], lang))


def other_language(tag: str | None, lang: str) -> str | None:
    """`tag` when text in that language needs its own lang attribute on a `lang` page."""
    if not tag:
        return None
    primary = tag.lower().split("-", 1)[0]
    return None if primary == lang else tag


def pick_literal(values: Iterable[object], lang: str) -> ox.Literal | None:
    """The literal best suited to a reader of `lang` (same order as labels)."""
    literals = [v for v in values if isinstance(v, ox.Literal)]
    if not literals:
        return None
    return min(literals, key=lambda lit: (language_rank(lit.language or "", lang), lit.value))


@dataclass(frozen=True)
class Terms:
    """Turns terms into views for one page (its root, language and labels)."""

    root: str
    """Relative prefix from the page to the server root (pages.page_context's "root")."""
    base: str
    lang: str
    keep_lang: bool
    """Append ?lang=xx to local links: the reader chose the language explicitly."""
    labels: Labels
    translate: Callable[..., str]

    def href(self, iri: str) -> str | None:
        path = path_for_iri(iri, self.base)
        if path is None:
            return iri if _LINKABLE.match(iri) else None
        href = self.root + path if path else self.root
        if not self.keep_lang:
            return href
        head, hash_, fragment = href.partition("#")
        separator = "&" if "?" in head else "?"
        return f"{head}{separator}lang={self.lang}{hash_}{fragment}"

    def ref(self, iri: str) -> Ref:
        short = curie(iri)
        label = self.labels.get(iri, self.lang) or Text(short)
        href = self.href(iri)
        external = href is not None and path_for_iri(iri, self.base) is None
        return Ref(iri=iri, label=label, href=href, external=external, curie=short)

    def text(self, literal: ox.Literal) -> Text:
        return Text(literal.value, other_language(literal.language, self.lang))

    def literal(self, literal: ox.Literal) -> LiteralValue:
        datatype = literal.datatype.value
        date = self.date(literal) if datatype in DATE_DATATYPES else None
        return LiteralValue(
            text=self.text(literal),
            datatype=None if datatype in PLAIN_DATATYPES else curie(datatype),
            language=literal.language,
            date=date,
        )

    def term(self, term: object) -> Value:
        """A named node or literal (blank nodes need the graph: see resource_page.node_value)."""
        if isinstance(term, ox.NamedNode):
            return self.ref(term.value)
        if isinstance(term, ox.Literal):
            return self.literal(term)
        return Node()

    def date(self, literal: ox.Literal | None, precision: str | None = None) -> DateText | None:
        """A date as precise as the data says: "2021-11 (month)", "1990s (decade)"."""
        if literal is None:
            return None
        lexical = literal.value
        match = _DATE.fullmatch(lexical)
        unit = PRECISIONS.get(precision or "", "day")
        if match is None or unit == "day":
            return DateText(lexical, lexical if _valid_datetime(lexical) else None, None)
        year, month = match.group(1), match.group(2)
        name = self.translate(f"precision_{unit}")
        if unit == "month":
            return DateText(f"{year}-{month}", f"{year}-{month}", name)
        if unit == "year":
            return DateText(year, year, name)
        if unit == "quarter":
            quarter = (int(month) - 1) // 3 + 1
            return DateText(self.translate("quarter_text", year=year, quarter=quarter), None, name)
        if unit == "season":
            season = self.translate(f"season_{int(month)}")
            return DateText(self.translate("season_text", year=year, season=season), None, name)
        return DateText(self.translate("decade_text", year=year), None, name)


def _valid_datetime(lexical: str) -> bool:
    """Whether HTML's datetime attribute accepts the lexical form (dates, years, date-times)."""
    return bool(
        re.fullmatch(
            r"\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?", lexical
        )
    )
