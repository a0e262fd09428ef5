"""Finding resources by what people call them: labels, acronyms, alternative and former names.

IRIs are keyed by codes and slugs (`id/country/MKD`, `id/pfp`), and the labels are curated in
English and French with their accents, so a reader who types "fYROM", "Macedonie" or "pfp" would
find nothing by string equality. This index holds, once per graph, every name of every resource
under the base, normalised the same way as the query (case, accents and punctuation ignored), and
ranks candidates so that what the reader most likely meant comes first:

1. an exact acronym or code (`EOP`, `PfP`, `UKR`): acronyms are chosen to name one thing;
2. an exact name (label, French label, alternative or former name);
3. an exact initialism derived from a multi-word name (`fyrom`, `pfp`): curators record
   acronyms only where sources use them, and readers abbreviate the rest themselves;
4. a name that starts with the query, or with a later word that does (type-ahead);
5. a typo-tolerant match, scored by rapidfuzz (`Swedn`, `Macedonie`).

Within a rank, the closer match comes first, then the resource more of the graph links to (a
country before the dated name that describes one of its names). Nothing here knows about HTTP:
the web layer (natograph.web.search_page) and the 404 page both ask the same index.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import pyoxigraph as ox
from rapidfuzz import fuzz, process

from natograph.errors import NatographError
from natograph.namespaces import BASE, NGO
from natograph.store import GraphStore, select

NameKind = Literal["label", "label_fr", "acronym", "code", "alternative", "former"]
"""What kind of name matched: an English (or untagged) label, a French label, an acronym, an
identifying code (ISO 3166-1 alpha-3), a skos:altLabel, or a dated name the resource bore."""
MatchKind = Literal["acronym", "exact", "initialism", "prefix", "word", "fuzzy"]
"""How it matched, best first (see the module's docstring)."""
_Offer = Callable[[int, MatchKind, float], None]
"""Records a candidate: the row of the matched name, how it matched, its score."""

MAX_QUERY_LENGTH = 200
"""Longer text is no name anyone types; refusing it bounds the work of one request."""
DEFAULT_LIMIT = 10
MAX_LIMIT = 50

_TIERS: dict[MatchKind, int] = {
    "acronym": 6,
    "exact": 5,
    "initialism": 4,
    "prefix": 3,
    "word": 3,
    "fuzzy": 1,
}
"""A name starting with the query and a name with a later word starting with it share a rank:
within it the closer name wins, so "Ukrain" puts NATO-Ukraine Council before a source's long
title that starts with "Ukraine"."""
_WORD_WEIGHT = 0.9
"""The discount of a name whose later word starts with the query, against one that starts with
it: a name's first word is what names it ("Russie" finds Russia's "Russie, Fédération de"
before the "Conseil OTAN-Russie", closer in length)."""
_PARTIAL_WEIGHT = 0.9
_PARTIAL_MIN_LENGTH = 4
"""Shorter queries are compared with whole names only: three letters are part of too many
words ("mac" of "diplomacy")."""
_KIND_ORDER: dict[NameKind, int] = {
    "label": 0,
    "label_fr": 0,
    "acronym": 1,
    "code": 2,
    "former": 3,
    "alternative": 4,
}
"""Which of a resource's equally good names to show as the matched one: a label before an
acronym, a former name (which says why it matched) before a plain alternative."""
_SHORT_KINDS = frozenset({"acronym", "code"})

_RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_PREF_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
_ALT_LABEL = "http://www.w3.org/2004/02/skos/core#altLabel"
_ACRONYM = str(NGO.acronym)
_ISO_CODE = str(NGO.iso3166Alpha3)
_HAS_NAME = str(NGO.hasName)
_LABELS = frozenset({_RDFS_LABEL, _PREF_LABEL})

_ARTICLES = frozenset({"the", "a", "an", "le", "la", "les", "l", "un", "une"})
_STOP_WORDS = _ARTICLES | frozenset(
    {"of", "for", "and", "in", "on", "to", "with", "at", "by", "de", "du", "des", "d", "et"}
    | {"pour", "en", "au", "aux", "sur", "avec", "par", "dans"}
)
_MAX_INITIALISM_WORDS = 10
"""Longer names (titles of sources, claims) abbreviate to strings nobody types."""
_NON_WORD = re.compile(r"[\W_]+")
_PARENTHESISED = re.compile(r"\([^)]*\)")
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "đ": "d", "ł": "l", "ß": "ss"})
"""Letters that NFKD does not decompose but a reader types as plain Latin letters."""


def normalise(text: str) -> str:
    """`text` as the index compares it: case-folded, without accents, words separated by one
    space (so "Macédoine du Nord", "MACEDOINE-du-nord" and "macedoine du  nord" are one key)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_LIGATURES)
    return " ".join(word for word in _NON_WORD.split(plain) if word)


def initialisms(text: str) -> tuple[str, ...]:
    """The abbreviations a reader may form from a multi-word name, normalised.

    Three readings, since usage differs: every word ("tfyrom"), without articles ("the former
    Yugoslav Republic of Macedonia" -> "fyrom", "Partenariat pour la paix" -> "ppp"), and without
    any small word ("fyrm"). Parenthesised asides ("(name until 2019)") are no part of a name.
    """
    words = normalise(_PARENTHESISED.sub(" ", text)).split()
    if not 2 <= len(words) <= _MAX_INITIALISM_WORDS:
        return ()
    readings = (
        words,
        [w for w in words if w not in _ARTICLES],
        [w for w in words if w not in _STOP_WORDS],
    )
    found: dict[str, None] = {}
    for reading in readings:
        if len(reading) >= 2:
            found.setdefault("".join(w[0] for w in reading), None)
    return tuple(found)


@dataclass(frozen=True)
class Name:
    """One name of a resource, as written and as compared."""

    text: str
    kind: NameKind
    language: str
    """The literal's language tag ("" when untagged)."""
    key: str = field(init=False)
    abbreviations: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", normalise(self.text))
        short = self.kind in _SHORT_KINDS
        object.__setattr__(self, "abbreviations", () if short else initialisms(self.text))


@dataclass(frozen=True)
class Entry:
    """A resource the index can find: its names, its classes and how much the graph links to it."""

    iri: str
    names: tuple[Name, ...]
    types: tuple[str, ...] = ()
    """Its asserted rdf:types: the ontology's classes when it has any, else the others (an
    ontology term is an owl:Class, a shape a sh:NodeShape)."""
    weight: int = 0
    """How many statements (other than rdf:type) point at it: breaks ties between equal names."""

    def label(self, lang: str) -> Name | None:
        """The label a reader of `lang` should see: in `lang`, else English, else untagged, else
        any label, else any name (rdfs:label before skos:prefLabel is not distinguished: the graph
        uses one or the other)."""
        labels = [n for n in self.names if n.kind in ("label", "label_fr")] or list(self.names)
        if not labels:
            return None
        return min(labels, key=lambda n: (language_rank(n.language, lang), n.text))


@dataclass(frozen=True)
class Hit:
    """One search result."""

    iri: str
    label: str
    """The resource's label in the asked language (English, else any, where it has none)."""
    label_language: str
    matched: str
    """The name that matched, as written (differs from `label` for a former name, say)."""
    matched_language: str
    kind: NameKind
    match: MatchKind
    types: tuple[str, ...]
    """Class IRIs (Entry.types)."""
    score: float
    """The closeness of the matched name to the query, 0 to 100 (100 for an exact match);
    results are ordered by `match` first, so a fuzzy 95 comes after a prefix 60."""

    @property
    def type_names(self) -> tuple[str, ...]:
        """The classes' local names (`Country`, `PartnershipFramework`)."""
        return tuple(local_name(t) for t in self.types)

    def as_json(self) -> dict[str, object]:
        return {
            "iri": self.iri,
            "label": self.label,
            "label_language": self.label_language,
            "matched": self.matched,
            "matched_language": self.matched_language,
            "kind": self.kind,
            "match": self.match,
            "types": list(self.type_names),
            "score": self.score,
        }


class QueryTooLong(NatographError, ValueError):
    """The query is longer than MAX_QUERY_LENGTH (a NatographError: the reader's to fix, so a
    caller that lets it through answers 400, not 500)."""


class SearchIndex:
    """Every named resource, searchable by any of its names; built once, read by many threads
    (searching reads the index and never changes it)."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.entries: tuple[Entry, ...] = tuple(entries)
        self._by_iri = {entry.iri: entry for entry in self.entries}
        # One row per name, for rapidfuzz: the normalised keys and, for each, its owner.
        self._keys: list[str] = []
        self._padded: list[str] = []
        self._owners: list[tuple[int, int]] = []
        self._exact: dict[str, list[int]] = {}
        self._abbreviated: dict[str, list[int]] = {}
        for e, entry in enumerate(self.entries):
            for n, name in enumerate(entry.names):
                if not name.key:
                    continue
                row = len(self._keys)
                self._keys.append(name.key)
                self._padded.append(" " + name.key)
                self._owners.append((e, n))
                self._exact.setdefault(name.key, []).append(row)
                for abbreviation in name.abbreviations:
                    self._abbreviated.setdefault(abbreviation, []).append(row)

    @classmethod
    def from_store(cls, store: GraphStore, base: str = BASE) -> SearchIndex:
        """The index of every IRI under `base` that has a name, read with three SELECTs."""
        return cls(_entries(store, base))

    def __len__(self) -> int:
        return len(self.entries)

    def entry(self, iri: str) -> Entry | None:
        return self._by_iri.get(iri)

    def label(self, iri: str, lang: str) -> Name | None:
        """The label of a resource of the index (a class, say) for a reader of `lang`."""
        entry = self._by_iri.get(iri)
        return entry.label(lang) if entry is not None else None

    def search(self, query: str, *, lang: str = "en", limit: int = DEFAULT_LIMIT) -> list[Hit]:
        """The resources `query` names, best first, at most `limit` (capped at MAX_LIMIT).

        A query of one letter or digit finds only names that are exactly it: as a prefix or a
        typo it would match nearly everything. Raises QueryTooLong past MAX_QUERY_LENGTH.
        """
        if len(query) > MAX_QUERY_LENGTH:
            raise QueryTooLong(
                f"the search text is {len(query)} characters long; at most {MAX_QUERY_LENGTH}"
            )
        wanted = normalise(query)
        limit = max(1, min(limit, MAX_LIMIT))
        if not wanted:
            return []
        # entry -> (tier, score, preference of the name, row of the name, how it matched)
        best: dict[int, tuple[int, float, int, int, MatchKind]] = {}

        def offer(row: int, match: MatchKind, score: float) -> None:
            e, n = self._owners[row]
            entry = self.entries[e]
            name = entry.names[n]
            if match == "exact" and name.kind in _SHORT_KINDS:
                match = "acronym"
            preference = -_KIND_ORDER[name.kind] * 4 - language_rank(name.language, lang)
            candidate = (_TIERS[match], score, preference, row, match)
            if e not in best or candidate[:3] > best[e][:3]:
                best[e] = candidate

        for row in self._exact.get(wanted, ()):
            offer(row, "exact", 100.0)
        if len(wanted) >= 2:
            for row in self._abbreviated.get(wanted, ()):
                offer(row, "initialism", 100.0)
            self._prefixes(wanted, offer)
        if len(wanted) >= 3:
            self._fuzzy(wanted, offer)

        ranked = sorted(
            best.items(),
            key=lambda item: (
                -item[1][0],
                -round(item[1][1]),
                -self.entries[item[0]].weight,
                -item[1][2],
                self.entries[item[0]].iri,
            ),
        )
        return [self._hit(e, found, lang) for e, found in ranked[:limit]]

    def _prefixes(self, wanted: str, offer: _Offer) -> None:
        """Names starting with the query, and (discounted) names with a later word that does."""
        padded = " " + wanted
        for row, key in enumerate(self._keys):
            if key.startswith(wanted):
                if key != wanted:
                    offer(row, "prefix", fuzz.ratio(wanted, key))
            elif padded in self._padded[row]:
                offer(row, "word", fuzz.ratio(wanted, key) * _WORD_WEIGHT)

    def _fuzzy(self, wanted: str, offer: _Offer) -> None:
        """Typo-tolerant matches, the best of three rapidfuzz scores per name: the plain ratio
        (`swedn` ~ `sweden`), the ratio with words sorted (`macedonia north`), and, for a name
        longer than a query of four letters or more, the ratio against its closest part
        (`macedonie` in `macedoine du nord`), the last two slightly discounted. That part must
        begin a word of the name (or be one letter into it, for a query missing its first
        letter), or "ation" would match every "organisation". Not WRatio: its token-set part
        gives 85 to any name that merely shares one word with the query (`north mac` ~ `North
        Atlantic Council`). Acronyms and codes count only by the plain ratio, or `ukr` would
        match `ukrain` as part of it."""
        cutoff = _cutoff(wanted)
        scores: dict[int, float] = {}
        for scorer, weight in ((fuzz.ratio, 1.0), (fuzz.token_sort_ratio, 0.95)):
            for _key, score, row in process.extract(
                wanted,
                self._keys,
                scorer=scorer,
                processor=None,
                score_cutoff=cutoff / weight,
                limit=None,
            ):
                scores[row] = max(scores.get(row, 0.0), score * weight)
        if len(wanted) >= _PARTIAL_MIN_LENGTH:
            for key, score, row in process.extract(
                wanted,
                self._keys,
                scorer=fuzz.partial_ratio,
                processor=None,
                score_cutoff=cutoff / _PARTIAL_WEIGHT,
                limit=None,
            ):
                if len(key) > len(wanted) and _starts_a_word(wanted, key):
                    scores[row] = max(scores.get(row, 0.0), score * _PARTIAL_WEIGHT)
        for row, score in scores.items():
            e, n = self._owners[row]
            name = self.entries[e].names[n]
            if name.kind in _SHORT_KINDS:
                score = fuzz.ratio(wanted, name.key)
            if score >= cutoff:
                offer(row, "fuzzy", score)

    def _hit(self, e: int, found: tuple[int, float, int, int, MatchKind], lang: str) -> Hit:
        _tier, score, _preference, row, match = found
        entry = self.entries[e]
        name = entry.names[self._owners[row][1]]
        label = entry.label(lang) or name
        return Hit(
            iri=entry.iri,
            label=label.text,
            label_language=label.language,
            matched=name.text,
            matched_language=name.language,
            kind=name.kind,
            match=match,
            types=entry.types,
            score=round(score, 1),
        )


def _starts_a_word(wanted: str, key: str) -> bool:
    """Whether the part of `key` closest to `wanted` starts at a word of it, or one letter in."""
    alignment = fuzz.partial_ratio_alignment(wanted, key)
    if alignment is None:  # only with a score_cutoff, which is not given
        return False
    start = alignment.dest_start
    return start <= 1 or key[start - 1] == " " or (start >= 2 and key[start - 2] == " ")


def _cutoff(wanted: str) -> float:
    """The least fuzzy score kept: stricter for short queries, where one wrong letter is a
    larger share of the word and chance matches are many."""
    if len(wanted) <= 5:
        return 85.0
    if len(wanted) <= 7:
        return 80.0
    return 75.0


def language_rank(tag: str, lang: str) -> int:
    """How well a literal's language tag suits a reader of `lang`: the language itself (or a
    regional form of it), then English, then untagged, then any other (lower is better). The
    pages choose labels by the same rank (natograph.web.terms)."""
    tag = tag.lower()
    if tag == lang or tag.startswith(lang + "-"):
        return 0
    if tag == "en" or tag.startswith("en-"):
        return 1
    return 2 if not tag else 3


def local_name(iri: str) -> str:
    """The part after the last `/` or `#`: `Country` for ngo:Country."""
    return re.split(r"[/#]", iri)[-1] or iri


def _entries(store: GraphStore, base: str) -> list[Entry]:
    under = f"isIRI(?s) && STRSTARTS(STR(?s), {_string(base)})"
    names: dict[str, list[Name]] = {}
    for s, p, value, ended in select(
        store,
        "SELECT ?s ?p ?name ?ended WHERE {"
        " { VALUES ?p { rdfs:label skos:prefLabel skos:altLabel ngo:acronym ngo:iso3166Alpha3 }"
        "   ?s ?p ?name }"
        " UNION { ?s ngo:hasName ?dated . ?dated ngo:name ?name BIND(ngo:hasName AS ?p)"
        "   OPTIONAL { ?dated ngo:endDate ?ended } }"
        f" FILTER({under} && isLiteral(?name)) }}",
    ):
        assert isinstance(value, ox.Literal)
        name = Name(value.value, _kind(p.value, value.language or "", ended), value.language or "")
        found = names.setdefault(s.value, [])
        if name not in found:
            found.append(name)
    types: dict[str, list[str]] = {}
    for s, t in select(
        store,
        f"SELECT ?s ?t WHERE {{ ?s a ?t FILTER({under} && isIRI(?t)) }}",
        inferred=False,
    ):
        if s.value in names:
            types.setdefault(s.value, []).append(t.value)
    weights: dict[str, int] = {}
    for s, count in select(
        store,
        "SELECT ?s (COUNT(*) AS ?n) WHERE { ?x ?p ?s"
        f" FILTER(?p != rdf:type && {under}) }} GROUP BY ?s",
        inferred=False,
    ):
        if s.value in names:
            weights[s.value] = int(count.value)
    return [
        Entry(iri, tuple(found), _own_types(types.get(iri, [])), weights.get(iri, 0))
        for iri, found in sorted(names.items())
    ]


def _kind(predicate: str, language: str, ended: ox.Literal | None) -> NameKind:
    if predicate in _LABELS:
        return "label_fr" if language.lower().split("-", 1)[0] == "fr" else "label"
    if predicate == _ACRONYM:
        return "acronym"
    if predicate == _ISO_CODE:
        return "code"
    if predicate == _HAS_NAME:
        # A dated name with an end is one the resource no longer bears; without, an alternative.
        return "former" if ended is not None else "alternative"
    assert predicate == _ALT_LABEL, predicate
    return "alternative"


def _own_types(found: Sequence[str]) -> tuple[str, ...]:
    ours = sorted(t for t in found if t.startswith(str(NGO)))
    return tuple(ours or sorted(found))


def _string(text: str) -> str:
    """A SPARQL string literal (the base comes from settings, but is quoted all the same)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'
