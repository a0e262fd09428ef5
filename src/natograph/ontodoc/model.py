"""The ontology documentation as data: what the page shows, independent of RDF and of HTML.

The model keeps every language of every label and definition. Choosing one (the page's
language, else English, else untagged text, marked so that the page can set `lang=`) and sorting
by label happen per page in `OntologyDoc.localised()`, so one model built at start-up serves both
languages.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal, TypeVar

FALLBACK_LANGUAGE = "en"

PropertyKind = Literal["object", "datatype", "annotation", "other"]
TokenKind = Literal["ref", "keyword", "value", "text"]


@dataclass(frozen=True)
class Text:
    """A text as shown, with the language it is in (None: untagged, or not natural language)."""

    value: str
    lang: str | None


@dataclass(frozen=True)
class Multilingual:
    """Every value of an annotation, by language tag ("" for untagged literals)."""

    values: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def pick(self, lang: str) -> Text | None:
        """The text in `lang`, else in English, else untagged, else in any language."""
        for tag in (lang, FALLBACK_LANGUAGE, "", *sorted(self.values)):
            if self.values.get(tag):
                return Text(self.values[tag][0], tag or None)
        return None

    def texts(self) -> list[Text]:
        """One text per language, in tag order (to show every language's label)."""
        return [Text(v[0], tag or None) for tag, v in sorted(self.values.items()) if v]

    def __bool__(self) -> bool:
        return any(self.values.values())


@dataclass(frozen=True)
class TermRef:
    """A link to a term: to its section on this page (`anchor`), else to its dereferenceable IRI
    on this server (`path`, relative to the server root), else to the IRI itself (`href`, set
    only for http(s) IRIs, so an IRI such as `javascript:…` never becomes a link)."""

    iri: str
    short: str
    """Terms of the documented namespace by local name, as Manchester syntax names them; others
    as a CURIE, or `<IRI>`."""
    labels: Multilingual
    anchor: str | None = None
    path: str | None = None
    href: str | None = None

    def label(self, lang: str) -> Text:
        return self.labels.pick(lang) or Text(self.short, None)


@dataclass(frozen=True)
class Token:
    """One piece of a class expression: a term, an OWL keyword, a literal value or punctuation."""

    kind: TokenKind
    text: str
    ref: TermRef | None = None


@dataclass(frozen=True)
class Expression:
    """A class or data range in Manchester-like syntax (`hasEngagement some AllianceMembership`)."""

    tokens: tuple[Token, ...]
    atomic: bool
    """True for a name, a `{...}` enumeration or a restricted datatype: never parenthesised."""

    @property
    def text(self) -> str:
        return "".join(t.text for t in self.tokens)

    @property
    def named(self) -> TermRef | None:
        """The term, when the expression is just a name."""
        return self.tokens[0].ref if len(self.tokens) == 1 else None


@dataclass(frozen=True)
class Value:
    """A metadata value: a literal, or an IRI linked like a TermRef."""

    text: str
    lang: str | None = None
    path: str | None = None
    href: str | None = None


@dataclass(frozen=True)
class Note:
    key: str
    """The message key naming the kind of note (`onto_comment`, `onto_scope_note`, ...)."""
    texts: Multilingual


@dataclass(kw_only=True)
class Term:
    ref: TermRef
    anchor: str
    """The id of the term's section: its local name. A term punned as, say, both a class and a
    property gets a suffixed id for its second section; links go to the first."""
    definitions: Multilingual
    alt_labels: Multilingual
    notes: list[Note]
    see_also: list[Value]
    deprecated: bool

    def label(self, lang: str) -> Text:
        return self.ref.label(lang)

    def definition(self, lang: str) -> Text | None:
        return self.definitions.pick(lang)


@dataclass(kw_only=True)
class ClassDoc(Term):
    superclasses: list[Expression]
    implied_superclasses: list[TermRef]
    """Named conjuncts of an equivalent intersection: `A ≡ B and …` entails `A ⊑ B`."""
    subclasses: list[TermRef]
    equivalents: list[Expression]
    disjoints: list[Expression]
    in_domain_of: list[TermRef]
    in_range_of: list[TermRef]
    instances: list[TermRef]


@dataclass(kw_only=True)
class PropertyDoc(Term):
    kind: PropertyKind
    characteristics: list[str]
    """Message keys (`onto_functional`, ...), in a fixed order."""
    superproperties: list[TermRef]
    subproperties: list[TermRef]
    domains: list[Expression]
    ranges: list[Expression]
    inverses: list[TermRef]
    equivalents: list[TermRef]
    disjoints: list[TermRef]
    chains: list[Expression]


@dataclass(kw_only=True)
class IndividualDoc(Term):
    types: list[Expression]


@dataclass(frozen=True)
class Vocabulary:
    """An external vocabulary the ontology reuses or aligns to, with the terms it uses."""

    prefix: str | None
    namespace: str
    terms: list[TermRef]


@dataclass(kw_only=True)
class Header:
    iri: str
    path: str | None
    titles: Multilingual
    descriptions: Multilingual
    version_info: list[Value]
    version_iri: list[Value]
    prior_versions: list[Value]
    licences: list[Value]
    creators: list[Value]
    contributors: list[Value]
    publishers: list[Value]
    created: list[Value]
    modified: list[Value]
    issued: list[Value]
    preferred_prefix: str | None
    preferred_namespace: str | None
    imports: list[Value]
    see_also: list[Value]

    def title(self, lang: str) -> Text:
        return self.titles.pick(lang) or Text(self.iri, None)


@dataclass(frozen=True)
class TreeNode:
    ref: TermRef
    children: list[TreeNode]


@dataclass(kw_only=True)
class OntologyDoc:
    """The whole documentation, in every language; `localised(lang)` sorts it for one page."""

    header: Header
    namespace: str
    classes: list[ClassDoc]
    object_properties: list[PropertyDoc]
    datatype_properties: list[PropertyDoc]
    annotation_properties: list[PropertyDoc]
    other_properties: list[PropertyDoc]
    individuals: list[IndividualDoc]
    vocabularies: list[Vocabulary]
    parents: Mapping[str, list[str]]
    """Class IRI -> its named superclasses in the namespace (asserted or implied): the tree."""
    tree: list[TreeNode] = field(default_factory=list)
    """Filled by `localised()`, sorted for its language."""

    def terms(self) -> Iterator[Term]:
        yield from self.classes
        yield from self.properties()
        yield from self.individuals

    def properties(self) -> Iterator[PropertyDoc]:
        yield from self.object_properties
        yield from self.datatype_properties
        yield from self.annotation_properties
        yield from self.other_properties

    def localised(self, lang: str) -> OntologyDoc:
        """A copy with every list sorted by label in `lang`, and the class tree built."""
        refs = _sorter(_ref_key(lang))
        exprs = _sorter(_expression_key(lang))
        classes = [
            replace(
                c,
                superclasses=exprs(c.superclasses),
                implied_superclasses=refs(c.implied_superclasses),
                subclasses=refs(c.subclasses),
                equivalents=exprs(c.equivalents),
                disjoints=exprs(c.disjoints),
                in_domain_of=refs(c.in_domain_of),
                in_range_of=refs(c.in_range_of),
                instances=refs(c.instances),
            )
            for c in self.classes
        ]

        def props(items: list[PropertyDoc]) -> list[PropertyDoc]:
            return _by_label(
                [
                    replace(
                        p,
                        superproperties=refs(p.superproperties),
                        subproperties=refs(p.subproperties),
                        domains=exprs(p.domains),
                        ranges=exprs(p.ranges),
                        inverses=refs(p.inverses),
                        equivalents=refs(p.equivalents),
                        disjoints=refs(p.disjoints),
                    )
                    for p in items
                ],
                lang,
            )

        individuals = [replace(i, types=exprs(i.types)) for i in self.individuals]
        return replace(
            self,
            classes=_by_label(classes, lang),
            object_properties=props(self.object_properties),
            datatype_properties=props(self.datatype_properties),
            annotation_properties=props(self.annotation_properties),
            other_properties=props(self.other_properties),
            individuals=_by_label(individuals, lang),
            tree=class_tree({c.ref.iri: c.ref for c in self.classes}, self.parents, lang),
        )


def sort_key(text: str) -> tuple[str, str]:
    """Alphabetical order for readers: accents and case do not count (`événement` among the e's)."""
    decomposed = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return folded, text


_T = TypeVar("_T")
_TermT = TypeVar("_TermT", bound=Term)


def _sorter(key: Callable[[_T], Any]) -> Callable[[list[_T]], list[_T]]:
    def sort(items: list[_T]) -> list[_T]:
        return sorted(items, key=key)

    return sort


def _ref_key(lang: str) -> Callable[[TermRef], tuple[tuple[str, str], str]]:
    return lambda ref: (sort_key(ref.label(lang).value), ref.iri)


def _by_label(items: list[_TermT], lang: str) -> list[_TermT]:
    key = _ref_key(lang)
    return sorted(items, key=lambda term: (key(term.ref), term.anchor))


def _expression_key(lang: str) -> Callable[[Expression], tuple[int, tuple[str, str], str]]:
    """Named classes first, by label; then anonymous expressions, by their text."""

    def key(expression: Expression) -> tuple[int, tuple[str, str], str]:
        named = expression.named
        if named is not None:
            return 0, sort_key(named.label(lang).value), named.iri
        return 1, sort_key(expression.text), expression.text

    return key


def class_tree(
    classes: Mapping[str, TermRef], parents: Mapping[str, list[str]], lang: str
) -> list[TreeNode]:
    """The class hierarchy, sorted by label: a class with several parents appears under each,
    and a class caught in a subclass cycle is shown once at the top rather than lost."""
    key = _ref_key(lang)
    children: dict[str, list[str]] = defaultdict(list)
    for child, ps in parents.items():
        for parent in ps:
            if parent in classes and child in classes:
                children[parent].append(child)
    roots = [c for c in classes if not any(p in classes for p in parents.get(c, []))]
    reached: set[str] = set()

    def grow(iri: str, path: frozenset[str]) -> TreeNode:
        reached.add(iri)
        kids = [grow(c, path | {c}) for c in children[iri] if c not in path]
        return TreeNode(classes[iri], sorted(kids, key=lambda n: key(n.ref)))

    nodes = [grow(r, frozenset({r})) for r in roots]
    for iri in sorted(classes):
        if iri not in reached:
            nodes.append(grow(iri, frozenset({iri})))
    return sorted(nodes, key=lambda n: key(n.ref))
