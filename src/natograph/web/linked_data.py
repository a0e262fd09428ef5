"""Assembles dereferencing: the resolver, the page renderers and the JSON-LD context, once per app.

Everything computed from the graph (the context, the landing page's figures, the related
questions, the IRIs suggested on a 404, the ontology documentation's model) is computed here at
start or on first use, so a page request only describes one resource and renders it.
"""

from __future__ import annotations

import json
import threading
from functools import cached_property
from typing import Any

import pyoxigraph as ox
from fastapi import APIRouter

from natograph.ontodoc import ontology_page
from natograph.publish import jsonld
from natograph.publish.describe import Description
from natograph.publish.documents import FORMATS, split_document
from natograph.settings import Settings
from natograph.web.context import published_context
from natograph.web.downloads import ServedRelease
from natograph.web.landing import LandingData, landing_data, render_landing
from natograph.web.not_found import Known, known_resources, render_not_found, suggest
from natograph.web.pages import Alternate, page_context
from natograph.web.related import RelatedQuestion, related_questions
from natograph.web.resolve import Resolver, Resource
from natograph.web.resource_page import render_resource
from natograph.web.resources import Options, Pages, resources_router
from natograph.web.served import ServedGraph

_CONTEXT_SLOT = "urn:natograph:context-slot"
"""Stands for the context URL in cached JSON-LD (a string no graph contains)."""


class LinkedData:
    """The pieces of dereferencing for one served graph."""

    def __init__(self, served: ServedGraph, settings: Settings, release: ServedRelease) -> None:
        self.served = served
        self.base = settings.base_iri
        self.cache_bytes = settings.result_cache_mb * 1_000_000
        self.release = release
        self._lock = threading.Lock()
        self._compacted: dict[tuple[ox.Triple, ...], bytes] = {}
        self.resolver = Resolver(served, self.base, release.description, self._jsonld)
        self.pages = Pages(
            resource=self.resource_page,
            landing=self.landing_page,
            not_found=self.not_found_page,
            suggest=self.suggest,
        )

    # --- Computed on first use and kept. The landing figures and the known resources depend on
    # this app's base IRI, so they live here, not in the served graph's Computed (which holds
    # what depends on the graph alone, such as the JSON-LD context). Two first requests racing
    # may both compute one of these (the graph is read-only, so they get the same value).

    @property
    def context(self) -> dict[str, Any]:
        return published_context(self.served).document

    @cached_property
    def landing(self) -> LandingData:
        return landing_data(self.served.store, self.base, self.served.coverage)

    @cached_property
    def related(self) -> list[RelatedQuestion]:
        return related_questions(self.served.store, self.served.examples)

    @cached_property
    def known(self) -> Known:
        return known_resources(self.served.store, self.base)

    # --- Renderers --------------------------------------------------------------------------

    def _jsonld(self, triples: list[ox.Triple], context_url: str) -> bytes:
        """Compact JSON-LD, compacted once per set of triples: the `.jsonld` document and the
        copy embedded in the HTML page differ only in how they name the context."""
        key = tuple(triples)
        with self._lock:
            body = self._compacted.get(key)
        if body is None:
            body = jsonld.serialise(triples, _CONTEXT_SLOT, self.context)
            with self._lock:
                self._compacted[key] = body
                while len(self._compacted) > 512:
                    del self._compacted[next(iter(self._compacted))]
        named = json.dumps(context_url, ensure_ascii=False)[1:-1]  # escaped as in a JSON string
        return body.replace(_CONTEXT_SLOT.encode(), named.encode(), 1)

    def resource_page(
        self, resource: Resource, description: Description, path: str, options: Options
    ) -> str:
        if resource.kind in ("landing", "dataset"):
            return self.landing_page(path, options)
        context = page_context(
            path,
            options.lang,
            iri=resource.iri,
            alternates=alternates(resource, path),
            jsonld=self._embedded(resource, description, path),
        )
        if resource.kind == "ontology":
            return ontology_page(self.served.store, options.lang, context, base=self.base)
        return render_resource(
            description,
            options.lang,
            context,
            base=self.base,
            explicit_lang=options.explicit_lang,
            related=self.related,
            as_of=self.served.coverage.end if self.served.coverage else None,
        )

    def landing_page(self, path: str, options: Options) -> str:
        resource = Resource(self.base, "landing")  # its documents are dataset.<ext>
        context = page_context(
            path, options.lang, iri=self.base, alternates=alternates(resource, path)
        )
        return render_landing(
            self.landing, options.lang, context, explicit_lang=options.explicit_lang
        )

    def not_found_page(self, iri: str, path: str, suggestions: list[str], options: Options) -> str:
        context = page_context(path, options.lang, iri=iri, languages=True)
        return render_not_found(
            iri,
            suggestions,
            options.lang,
            context,
            base=self.base,
            labels=self.known.labels,
            explicit_lang=options.explicit_lang,
        )

    def suggest(self, iri: str) -> list[str]:
        return suggest(iri, self.known.iris, base=self.base)

    def _embedded(self, resource: Resource, description: Description, path: str) -> str | None:
        """The page's own description as JSON-LD for <script type="application/ld+json">."""
        if resource.kind == "ontology":
            return None  # the whole ontology would dwarf the page; it is one link away
        root = "../" * path.count("/")
        return self._jsonld(description.triples(), root + jsonld.CONTEXT_PATH).decode("utf-8")

    def router(self) -> APIRouter:
        return resources_router(self.served, self.resolver, self.pages, self.cache_bytes)


def alternates(resource: Resource, path: str) -> list[Alternate]:
    """Links to the page's RDF documents, relative to the page."""
    thing_path, _ = split_document(path)
    name = resource.document_name(thing_path)
    return [Alternate(name + f.extension, f.media_type, f.label) for f in FORMATS if f.rdf]
