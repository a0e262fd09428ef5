"""The ontology's documentation page, generated from the ontology itself (issue 4, point 4).

pyLODE does not import on Python 3.11 here, and the documentation must follow the ontology file
without a separate generation step, so natograph renders its own: `builder.build()` turns the
ontology graph into a typed model (`model`) once, at server start, and `render()` writes it as
HTML in either page language through templates/ontology.html.

Where the model comes from: `build_from_store()` fetches the ontology named graph with one SPARQL
CONSTRUCT, so it works unchanged against a remote SPARQL store, then walks the triples as an
rdflib Graph. OWL class expressions are nested blank nodes with ordered RDF lists
(`owl:intersectionOf ( ngo:Country [ owl:onProperty ...; owl:someValuesFrom ... ] )`); SPARQL
reaches them only through property paths that lose the list order and cannot recurse, whereas
rdflib walks them directly, and the few hundred triples cost nothing to copy.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from natograph.build.parse import to_rdflib
from natograph.namespaces import BASE, GRAPH_ONTOLOGY
from natograph.ontodoc.builder import build
from natograph.ontodoc.model import OntologyDoc
from natograph.store import GraphStore, construct
from natograph.web.caching import Computed
from natograph.web.pages import render as render_template

__all__ = ["OntologyDoc", "build", "build_from_store", "ontology_page", "render"]

TEMPLATE = "ontology.html"


def ontology_page(
    store: GraphStore,
    lang: str,
    context: Mapping[str, Any],
    *,
    computed: Computed,
    base: str = BASE,
) -> str:
    """The documentation page, for the route: the model is built once per served graph (kept in
    its `computed` holder: the dataset does not change while it is served) and rendered in `lang`.

    `context` is `natograph.web.pages.page_context("ontology.html", lang, iri=..., ...)`.
    """
    doc = computed.get(f"ontology model {base}", lambda: build_from_store(store, base=base))
    return render(doc, lang, context)


def build_from_store(store: GraphStore, *, base: str = BASE) -> OntologyDoc:
    """The model of the ontology in the store's ontology named graph (one CONSTRUCT query)."""
    result = construct(
        store,
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{GRAPH_ONTOLOGY}> {{ ?s ?p ?o }} }}",
        inferred=False,
    )
    return build(to_rdflib(result), base=base)


def render(doc: OntologyDoc, lang: str, context: Mapping[str, Any]) -> str:
    """The page in `lang`; `context` is what `page_context("ontology.html", lang, ...)` gives."""
    return render_template(TEMPLATE, {**context, "doc": doc.localised(lang)})
