"""Assembles dereferencing: the resolver, the page renderers and the JSON-LD context, once per app.

Everything computed from the graph (the context, the landing page's figures, the related
questions, the IRIs suggested on a 404, the ontology documentation's model) is computed here at
start or on first use, so a page request only describes one resource and renders it.
"""

from __future__ import annotations

import json
from typing import Any

import pyoxigraph as ox
from fastapi import APIRouter
from rdflib import Graph

from natograph.publish import jsonld
from natograph.search import MAX_QUERY_LENGTH
from natograph.settings import Settings
from natograph.web.caching import SizedLRU
from natograph.web.context import published_context
from natograph.web.downloads import ServedRelease
from natograph.web.kinds import Options, alternates, handlers
from natograph.web.landing import LandingData, landing_data, render_landing
from natograph.web.not_found import Known, render_not_found, search_text, served_known, suggest
from natograph.web.pages import page_context
from natograph.web.related import RelatedQuestion, related_questions
from natograph.web.resolve import Resolver
from natograph.web.resources import resources_router
from natograph.web.search_page import results, served_index
from natograph.web.served import ServedGraph
from natograph.web.timeline_page import Timelines

NOT_FOUND_HITS = 5
"""Search hits on a 404 page: the page is about a mistake, not a list to browse."""
_CONTEXT_SLOT = "urn:natograph:context-slot"
"""Stands for the context URL in cached JSON-LD (a string no graph contains)."""


class LinkedData:
    """The pieces of dereferencing for one served graph."""

    def __init__(self, served: ServedGraph, settings: Settings, release: ServedRelease) -> None:
        self.served = served
        self.base = settings.base_iri
        self.cache_bytes = settings.result_cache_mb * 1_000_000
        self.release = release
        # Compacted JSON-LD per set of triples, within a sixteenth of the result cache's bound.
        self._compacted: SizedLRU[tuple[ox.Triple, ...], bytes] = SizedLRU(
            max(self.cache_bytes // 16, 1 << 20), len
        )
        self.timelines = Timelines(served, settings)
        self.resolver = Resolver(handlers(self), self.base)

    # --- Computed once per served graph, in its Computed holder (natograph.web.caching). The
    # landing figures and the known resources also depend on this app's base IRI: it is in
    # their names, so two apps over one graph with different bases never share them.

    @property
    def context(self) -> dict[str, Any]:
        return published_context(self.served).document

    @property
    def landing(self) -> LandingData:
        served = self.served
        return served.computed.get(
            f"landing {self.base}", lambda: landing_data(served.store, self.base, served.coverage)
        )

    @property
    def related(self) -> list[RelatedQuestion]:
        served = self.served
        return served.computed.get(
            "related", lambda: related_questions(served.store, served.examples)
        )

    @property
    def known(self) -> Known:
        return served_known(self.served, self.base)

    # --- Renderers --------------------------------------------------------------------------

    def dataset_graph(self) -> Graph:
        return self.release.description()

    def jsonld(self, triples: list[ox.Triple], context_url: str) -> bytes:
        """Compact JSON-LD, compacted once per set of triples: the `.jsonld` document and the
        copy embedded in the HTML page differ only in how they name the context."""
        body = self._compacted.get_or_make(
            tuple(triples), lambda: jsonld.serialise(triples, _CONTEXT_SLOT, self.context)
        )
        named = json.dumps(context_url, ensure_ascii=False)[1:-1]  # escaped as in a JSON string
        return body.replace(_CONTEXT_SLOT.encode(), named.encode(), 1)

    def landing_page(self, path: str, options: Options) -> str:
        resource = self.resolver.resolve("")  # the landing page's documents are dataset.<ext>
        assert resource is not None
        context = page_context(
            path, options.lang, iri=self.base, alternates=alternates(resource, path)
        )
        return render_landing(
            self.landing, options.lang, context, explicit_lang=options.explicit_lang
        )

    def not_found_page(self, iri: str, path: str, suggestions: list[str], options: Options) -> str:
        """The 404 page: the IRIs close to `iri`, and the resources named like its last segment
        (from the search index /search uses, so the two never disagree)."""
        context = page_context(path, options.lang, iri=iri, languages=True)
        searched = search_text(iri, self.base)[:MAX_QUERY_LENGTH].strip()
        found = []
        if searched:
            index = served_index(self.served, self.base)
            hits = index.search(searched, lang=options.lang, limit=NOT_FOUND_HITS)
            found = results(
                hits,
                index,
                root=context["root"],
                base=self.base,
                lang=options.lang,
                keep_lang=options.explicit_lang,
            )
        return render_not_found(
            iri,
            suggestions,
            options.lang,
            context,
            base=self.base,
            labels=self.known.labels,
            explicit_lang=options.explicit_lang,
            searched=searched,
            found=found,
        )

    def suggest(self, iri: str) -> list[str]:
        return suggest(iri, self.known.iris, base=self.base)

    def router(self) -> APIRouter:
        return resources_router(self.served, self.resolver, self, self.cache_bytes)
