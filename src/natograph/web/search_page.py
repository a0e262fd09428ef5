"""`/search`: resources by name, for people (HTML) and programs (`/search.json`).

The matching is natograph.search's; this module reads the parameters, answers in the asked
language and format, and keeps rendered answers (the graph never changes while it is served).
The page works without JavaScript: it is a plain GET form, and the results are links. The
header's type-ahead (static/search.js) reads `/search.json`, so people and programs see the same
ranking.

The index is built once per served graph, on the first search or 404 that needs it, in the
graph's `Computed` holder, like the known IRIs of the 404 page (natograph.web.linked_data).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from natograph.publish.documents import path_for_iri
from natograph.search import DEFAULT_LIMIT, MAX_LIMIT, MAX_QUERY_LENGTH, Hit, SearchIndex
from natograph.search import normalise as normalise_query
from natograph.settings import Settings
from natograph.web.caching import SizedLRU
from natograph.web.errors import ProtocolError
from natograph.web.i18n import LANGUAGES, messages, negotiate_language, translator
from natograph.web.pages import page_context, render
from natograph.web.served import ServedGraph
from natograph.web.terms import Labels, Terms, other_language

HEADERS = {
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
    "Vary": "Accept-Language",
}
_MEDIA = {"html": "text/html; charset=utf-8", "json": "application/json"}


def served_index(served: ServedGraph, base: str) -> SearchIndex:
    """The search index of a served graph, built on first use (racing first requests wait for
    one build). The base is in its name, as for the 404 page's known IRIs: two apps over one
    graph with different bases never share it."""
    return served.computed.get(f"search {base}", lambda: SearchIndex.from_store(served.store, base))


@dataclass(frozen=True)
class Asked:
    """A search request's parameters, checked."""

    text: str
    lang: str
    explicit_lang: bool
    limit: int


@dataclass(frozen=True)
class Result:
    """One hit as a page shows it: the hit, its link and its classes named in the page's
    language (the search page and the 404 page show hits alike, from `results`)."""

    hit: Hit
    href: str | None
    """A page-relative link to the resource on this server (natograph.web.terms.Terms.href)."""
    types: tuple[str, ...]
    lang: str
    """The page's language."""

    @property
    def shows_matched(self) -> bool:
        """Whether to say which name matched: only when it is not the label shown."""
        return normalise_query(self.hit.matched) != normalise_query(self.hit.label)

    @property
    def label_lang(self) -> str | None:
        """The label's language tag where it is not the page's (an English label on a French
        page), for its lang attribute: screen readers then pronounce it right."""
        return other_language(self.hit.label_language, self.lang)

    @property
    def matched_lang(self) -> str | None:
        return other_language(self.hit.matched_language, self.lang)


def results(
    hits: list[Hit], index: SearchIndex, *, root: str, base: str, lang: str, keep_lang: bool
) -> list[Result]:
    """The hits as a page at `root` (pages.page_context's) links and names them. Links go
    through Terms.href, as every other link to a resource does, so they keep ?lang= when the
    reader chose it and never leave this server."""
    terms = Terms(
        root=root,
        base=base,
        lang=lang,
        keep_lang=keep_lang,
        labels=Labels(),
        translate=translator(lang),
    )
    return [Result(hit, terms.href(hit.iri), _type_names(hit, index, lang), lang) for hit in hits]


def search_router(served: ServedGraph, settings: Settings) -> APIRouter:
    router = APIRouter()
    base = settings.base_iri
    answers: SizedLRU[tuple[str, ...], bytes] = SizedLRU(4_000_000, len)

    def make(fmt: str, asked: Asked) -> bytes:
        index = served_index(served, base)
        hits = index.search(asked.text, lang=asked.lang, limit=asked.limit) if asked.text else []
        if fmt == "json":
            document = {
                "query": asked.text,
                "lang": asked.lang,
                # `page`: the resource's path on this server (relative to its root), for the
                # header's suggestions to link to; None for a hit outside the base.
                "results": [{**hit.as_json(), "page": path_for_iri(hit.iri, base)} for hit in hits],
            }
            return json.dumps(document, ensure_ascii=False).encode()
        return _html(asked, hits, index, base).encode()

    async def answer(request: Request, fmt: str) -> Response:
        asked = _asked(request)
        key = (fmt, asked.text, asked.lang, str(asked.explicit_lang), str(asked.limit))
        body = answers.get(key)
        if body is None:
            body = await run_in_threadpool(make, fmt, asked)
            answers.put(key, body)
        headers = {**HEADERS, "Content-Language": asked.lang} if fmt == "html" else dict(HEADERS)
        return Response(body, media_type=_MEDIA[fmt], headers=headers)

    @router.get("/search", summary="Resources by name, acronym, former name (HTML)")
    async def page(request: Request) -> Response:
        return await answer(request, "html")

    @router.get("/search.json", summary="Resources by name, best first (JSON)")
    async def as_json(request: Request) -> Response:
        return await answer(request, "json")

    return router


def _asked(request: Request) -> Asked:
    params = request.query_params
    text = params.get("q", "").strip()
    if len(text) > MAX_QUERY_LENGTH:
        raise ProtocolError(
            400,
            f"the search text q is {len(text)} characters long; natograph searches names of"
            f" at most {MAX_QUERY_LENGTH} characters: shorten it",
        )
    raw_limit = params.get("limit")
    limit = DEFAULT_LIMIT
    if raw_limit:
        try:
            limit = int(raw_limit)
        except ValueError:
            limit = 0
        if limit < 1:
            raise ProtocolError(
                400, f"limit={raw_limit!r}: give a whole number of results from 1 to {MAX_LIMIT}"
            )
        limit = min(limit, MAX_LIMIT)
    asked_lang = params.get("lang")
    if asked_lang in LANGUAGES:
        return Asked(text, asked_lang, True, limit)
    return Asked(text, negotiate_language(request.headers.get("accept-language")), False, limit)


def _html(asked: Asked, hits: list[Hit], index: SearchIndex, base: str) -> str:
    query = {"q": asked.text} if asked.text else {}
    context: dict[str, Any] = page_context("search", asked.lang, query=query)
    found = results(
        hits,
        index,
        root=context["root"],
        base=base,
        lang=asked.lang,
        keep_lang=asked.explicit_lang,
    )
    context.update(
        text=asked.text,
        results=found,
        too_short=bool(asked.text) and not hits and len(normalise_query(asked.text)) < 2,
        max_length=MAX_QUERY_LENGTH,
    )
    return render("search.html", context)


def _type_names(hit: Hit, index: SearchIndex, lang: str) -> tuple[str, ...]:
    """The hit's classes in the page's language: the ontology's own labels for its classes, a
    message for the few outside classes a resource under the base has (owl:Class, a shape's
    sh:NodeShape), else the local name."""
    table = messages()
    names: list[str] = []
    for iri, local in zip(hit.types, hit.type_names, strict=True):
        label = index.label(iri, lang)
        if label is not None:
            names.append(label.text)
        elif f"search_class_{local}" in table:
            names.append(table[f"search_class_{local}"][lang])
        else:
            names.append(local)
    return tuple(names)
