"""The 404 page for an IRI under the base that the graph does not know, with close matches.

IRIs are permanent, so a miss is usually a typo (`id/country/UKRR`, `ontology/Contry`); the page
offers the closest IRIs the graph has. Closeness is judged on the path after the base (the shared
`https://w3id.org/natograph/` would make every IRI look alike) and, with equal weight, on its last
segment, so that `id/country/UKRR` ranks UKR above the other three-letter codes.

A reader also guesses IRIs from names (`id/country/Sweden`, `id/north-macedonia`, `id/fyrom`),
which no IRI is close to: the page also lists what the search index (natograph.search) finds for
the last segment read as words, and offers the search form with them filled in.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

import pyoxigraph as ox

from natograph.publish.documents import split_document
from natograph.search import normalise
from natograph.store import GraphStore, select
from natograph.web.pages import render
from natograph.web.terms import Labels, Ref, Terms

if TYPE_CHECKING:
    from natograph.web.search_page import Result
    from natograph.web.served import ServedGraph

CUTOFF = 0.75
_WORD_SEPARATORS = re.compile(r"[-_.+~]+")


@dataclass(frozen=True)
class Known:
    """The IRIs under the base that the graph describes, with their labels (once per app)."""

    iris: tuple[str, ...]
    labels: Labels


def served_known(served: ServedGraph, base: str) -> Known:
    """The known resources of a served graph, computed once in its Computed holder for every
    page that needs them (the 404 page's suggestions, the timelines' `resource` check). The
    base is in the name: two apps over one graph with different bases never share them."""
    return served.computed.get(f"known {base}", lambda: known_resources(served.store, base))


def known_resources(store: GraphStore, base: str) -> Known:
    """Every IRI under `base` that is a subject or a named graph, with its labels."""
    result = select(
        store,
        "SELECT DISTINCT ?s ?p ?label WHERE { { ?s ?any ?o } UNION { GRAPH ?s { } }"
        f" FILTER(isIRI(?s) && STRSTARTS(STR(?s), {_string(base)}))"
        " OPTIONAL { VALUES ?p { rdfs:label skos:prefLabel } ?s ?p ?label } }",
    )
    iris: dict[str, None] = {}
    labels = Labels()
    for s, p, label in result:
        iris.setdefault(s.value, None)
        if isinstance(label, ox.Literal) and isinstance(p, ox.NamedNode):
            labels.add(s.value, p.value, label)
    return Known(tuple(sorted(iris)), labels)


def suggest(iri: str, known: Iterable[str], *, base: str = "", limit: int = 5) -> list[str]:
    """The known IRIs closest to `iri`, best first; an IRI differing only in case comes first."""
    wanted = _relative(iri, base).casefold()
    wanted_last = wanted.rstrip("/").rsplit("/", 1)[-1]
    scored: list[tuple[float, str]] = []
    path_matcher = difflib.SequenceMatcher(b=wanted, autojunk=False)
    last_matcher = difflib.SequenceMatcher(b=wanted_last, autojunk=False)
    for candidate in known:
        relative = _relative(candidate, base).casefold()
        if relative == wanted:
            scored.append((2.0, candidate))
            continue
        path_matcher.set_seq1(relative)
        if path_matcher.real_quick_ratio() < CUTOFF or path_matcher.quick_ratio() < CUTOFF:
            continue
        last_matcher.set_seq1(relative.rstrip("/").rsplit("/", 1)[-1])
        score = (path_matcher.ratio() + last_matcher.ratio()) / 2
        if score >= CUTOFF:
            scored.append((score, candidate))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [candidate for _, candidate in scored[:limit] if candidate != iri]


def search_text(iri: str, base: str = "") -> str:
    """What a reader who typed `iri` probably named: its last path segment as words.

    Slugs join words with `-` or `_` (`north-macedonia`), and a segment may be percent-encoded
    (`C%C3%B4te`); a document extension (`.html`) is no part of a name. Returns "" when the
    segment holds no letter or digit.
    """
    last = _relative(iri, base).rstrip("/").rsplit("/", 1)[-1]
    last = unquote(split_document(last.split("#", 1)[0].split("?", 1)[0])[0])
    text = " ".join(_WORD_SEPARATORS.split(last)).strip()
    return text if normalise(text) else ""


def render_not_found(
    iri: str,
    suggestions: Sequence[str],
    lang: str,
    context: dict[str, Any],
    *,
    base: str,
    labels: Labels | None = None,
    explicit_lang: bool = False,
    searched: str = "",
    found: Sequence[Result] = (),
) -> str:
    """The 404 page; `context` is pages.page_context(requested path, lang, iri=iri).

    `labels` (Known.labels) names the suggestions; without it they show as compact IRIs.
    `searched` is the text the page searched for (search_text's; "" for no search section) and
    `found` what the search index found for it (search_page.results).
    """
    terms = Terms(
        root=context["root"],
        base=base,
        lang=lang,
        keep_lang=explicit_lang,
        labels=labels if labels is not None else Labels(),
        translate=context["_"],
    )
    refs: list[Ref] = [terms.ref(s) for s in suggestions]
    elsewhere = [
        (terms.href(base), "not_found_home"),
        (context["root"] + "query", "not_found_query"),
        (terms.href(base + "ontology"), "not_found_ontology"),
    ]
    page = {
        "requested": iri,
        "suggestions": refs,
        "elsewhere": elsewhere,
        "searched": searched,
        "found": list(found),
    }
    return render("not_found.html", {**context, **page})


def _relative(iri: str, base: str) -> str:
    return iri[len(base) :] if base and iri.startswith(base) else iri


def _string(text: str) -> str:
    """A SPARQL string literal (the base comes from settings, but is quoted all the same)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'
