"""The kinds of resource an IRI under the base can name, each with one handler, registered once.

A handler says whether it claims an IRI and, for the resources it claims, what their documents
hold: the description, the triples and quads of the RDF documents, the HTML page, the name the
documents share, and what the IRI negotiates to. The router (natograph.web.resources) asks the
resource's handler and never which kind it is. The kinds, in the order they are asked:

- `landing`, the namespace root: the dataset's home page (documents named `dataset.<ext>`);
- `dataset`, its VoID/DCAT description;
- `ontology`, whose RDF documents are the whole ontology, so that Protégé or owlready2 can open
  it by its IRI or a version IRI (also as `ontology.owl`, RDF/XML preferred);
- `graph`, a named graph, described by its size and dump;
- `thing`, anything else the graph mentions (natograph.publish.describe).

Adding a kind is one class here and one line in `handlers`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Protocol

import pyoxigraph as ox
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS, XSD

from natograph.build.parse import from_rdflib
from natograph.namespaces import GRAPH_DATA, GRAPH_ONTOLOGY, ONTOLOGY_IRI
from natograph.ontodoc import ontology_page
from natograph.publish import jsonld
from natograph.publish.describe import Description, describe
from natograph.publish.documents import FORMATS, OFFERED, split_document
from natograph.publish.void import VOID
from natograph.store import select
from natograph.web.description import SD
from natograph.web.pages import Alternate, page_context
from natograph.web.related import RelatedQuestion
from natograph.web.resource_page import render_resource
from natograph.web.served import ServedGraph
from natograph.web.timeline_page import Timelines, table_context

FOAF = "http://xmlns.com/foaf/0.1/"


@dataclass(frozen=True)
class Options:
    """What, besides the path and format, changes a document."""

    lang: str
    explicit_lang: bool
    inferred: bool


class Site(Protocol):
    """What handlers share: the served graph and the renderers computed once per app."""

    served: ServedGraph
    base: str
    timelines: Timelines

    @property
    def related(self) -> list[RelatedQuestion]: ...

    def dataset_graph(self) -> Graph: ...

    def jsonld(self, triples: list[ox.Triple], context_url: str) -> bytes: ...

    def landing_page(self, path: str, options: Options) -> str: ...


class Resource:
    """An IRI under the base, with the handler of its kind."""

    __slots__ = ("handler", "iri")

    def __init__(self, iri: str, handler: Handler) -> None:
        self.iri = iri
        self.handler = handler

    @property
    def kind(self) -> str:
        return self.handler.name

    def document_name(self, thing_path: str) -> str:
        """The relative name its documents share: `UKR` for `id/country/UKR`."""
        return self.handler.document_name(thing_path)

    def __repr__(self) -> str:
        return f"Resource({self.iri!r}, {self.kind})"


class Handler:
    """A kind of resource. The defaults are a thing's; each kind overrides what differs."""

    name: ClassVar[str] = "thing"
    answers_owl: ClassVar[bool] = False
    """Also answers `<path>.owl` (RDF/XML), the name ontology tools try."""
    page_at_iri: ClassVar[bool] = False
    """Answers its IRI itself with the HTML page when HTML is preferred, instead of a 303."""

    def __init__(self, site: Site) -> None:
        self.site = site

    def claims(self, iri: str, thing_path: str) -> bool:
        node = ox.NamedNode(iri)
        asked = self.site.served.store.query(
            f"ASK {{ {{ {node} ?p ?o }} UNION {{ ?s ?p {node} }} UNION {{ ?s {node} ?o }} }}"
        )
        return bool(asked)

    def document_name(self, thing_path: str) -> str:
        return thing_path.rsplit("/", 1)[-1]

    def offered(self, accept_names_html: bool) -> list[str]:
        """The media types its IRI negotiates to, best first (HTML wins a tie)."""
        return OFFERED

    def description(self, resource: Resource) -> Description:
        return describe(self.site.served.store, resource.iri)

    def triples(
        self, resource: Resource, description: Description, inferred: bool
    ) -> list[ox.Triple]:
        return description.triples(inferred)

    def quads(self, resource: Resource, description: Description, inferred: bool) -> list[ox.Quad]:
        return description.quads_for(inferred)

    def page(self, resource: Resource, path: str, options: Options) -> str:
        description = self.description(resource)
        context = self._context(resource, path, options, self._embedded(description, path))
        served = self.site.served
        shown = self.site.timelines.of(resource.iri, options.lang)
        if shown.rows:
            # The resource's engagements over time lead the page: the summary, the chart and
            # its table, as /timeline?resource= shows them.
            context["timeline"] = table_context(
                shown, options.lang, str(context["root"]), self.site.base
            )
        return render_resource(
            description,
            options.lang,
            context,
            base=self.site.base,
            explicit_lang=options.explicit_lang,
            related=self.site.related,
            as_of=served.coverage.end if served.coverage else None,
        )

    def _context(
        self, resource: Resource, path: str, options: Options, embedded: str | None
    ) -> dict[str, object]:
        return page_context(
            path,
            options.lang,
            iri=resource.iri,
            alternates=alternates(resource, path),
            jsonld=embedded,
        )

    def _embedded(self, description: Description, path: str) -> str:
        """The page's own description as JSON-LD for <script type="application/ld+json">."""
        root = "../" * path.count("/")
        return self.site.jsonld(description.triples(), root + jsonld.CONTEXT_PATH).decode()


class Landing(Handler):
    """The namespace root: the dataset's home page (its dcat:landingPage)."""

    name = "landing"
    page_at_iri = True

    def claims(self, iri: str, thing_path: str) -> bool:
        return thing_path == ""

    def document_name(self, thing_path: str) -> str:
        return "dataset"

    def description(self, resource: Resource) -> Description:
        base = self.site.base
        description = _from_graph(base + "dataset", self.site.dataset_graph())
        home, graph = ox.NamedNode(base), ox.NamedNode(str(GRAPH_DATA))
        description.quads += [
            ox.Quad(home, ox.NamedNode(str(RDF.type)), ox.NamedNode(FOAF + "Document"), graph),
            ox.Quad(
                home, ox.NamedNode(FOAF + "primaryTopic"), ox.NamedNode(base + "dataset"), graph
            ),
        ]
        return description

    def page(self, resource: Resource, path: str, options: Options) -> str:
        return self.site.landing_page(path, options)


class Dataset(Landing):
    """The dataset: its VoID/DCAT description; its page is the landing page."""

    name = "dataset"
    page_at_iri = False

    def claims(self, iri: str, thing_path: str) -> bool:
        return thing_path == "dataset"


class Ontology(Handler):
    """The ontology, by its IRI or a version IRI: its documents are the whole ontology."""

    name = "ontology"
    answers_owl = True

    def __init__(self, site: Site) -> None:
        super().__init__(site)
        result = select(site.served.store, f"SELECT ?v {{ <{ONTOLOGY_IRI}> owl:versionIRI ?v }}")
        self._iris = {str(ONTOLOGY_IRI), *(row[0].value for row in result)}

    def claims(self, iri: str, thing_path: str) -> bool:
        return iri in self._iris

    def offered(self, accept_names_html: bool) -> list[str]:
        """A client that does not name HTML (owlready2 sends no Accept, curl `*/*`) is an
        ontology tool: it wants the ontology, in RDF/XML, the syntax every one of them reads."""
        if accept_names_html:
            return OFFERED
        return ["application/rdf+xml", *(t for t in OFFERED if t != "application/rdf+xml")]

    def description(self, resource: Resource) -> Description:
        return describe(self.site.served.store, str(ONTOLOGY_IRI))

    def triples(
        self, resource: Resource, description: Description, inferred: bool
    ) -> list[ox.Triple]:
        return [ox.Triple(q.subject, q.predicate, q.object) for q in self._quads()]

    def quads(self, resource: Resource, description: Description, inferred: bool) -> list[ox.Quad]:
        return self._quads()

    def page(self, resource: Resource, path: str, options: Options) -> str:
        # No embedded JSON-LD: the whole ontology would dwarf the page; it is one link away.
        context = self._context(resource, path, options, None)
        store = self.site.served.store
        computed = self.site.served.computed
        return ontology_page(store, options.lang, context, computed=computed, base=self.site.base)

    def _quads(self) -> list[ox.Quad]:
        result = select(
            self.site.served.store,
            f"SELECT ?s ?p ?o WHERE {{ GRAPH <{GRAPH_ONTOLOGY}> {{ ?s ?p ?o }} }}",
        )
        graph = ox.NamedNode(str(GRAPH_ONTOLOGY))
        return sorted((ox.Quad(s, p, o, graph) for s, p, o in result), key=str)


class NamedGraph(Handler):
    """One of the dataset's named graphs: its size, endpoint and dump."""

    name = "graph"

    def claims(self, iri: str, thing_path: str) -> bool:
        return iri in self.site.served.graphs

    def description(self, resource: Resource) -> Description:
        iri, base = resource.iri, self.site.base
        graph = Graph()
        node = URIRef(iri)
        label = iri.rsplit("/", 1)[-1]
        graph.add((node, RDF.type, SD.NamedGraph))
        graph.add((node, RDF.type, VOID.Dataset))
        graph.add((node, RDFS.label, Literal(f"natograph {label} graph", lang="en")))
        graph.add((node, RDFS.label, Literal(f"graphe « {label} » de natograph", lang="fr")))
        graph.add((node, SD.name, node))
        graph.add((node, DCTERMS.isPartOf, URIRef(base + "dataset")))
        count = self.site.served.graphs.get(iri, 0)
        graph.add((node, VOID.triples, Literal(count, datatype=XSD.integer)))
        graph.add((node, VOID.sparqlEndpoint, URIRef(base + "sparql")))
        graph.add((node, VOID.dataDump, URIRef(base + "dist/natograph.nq.gz")))
        return _from_graph(iri, graph)


def handlers(site: Site) -> list[Handler]:
    """Every kind, in the order they are asked to claim an IRI (the cheap, exact ones first)."""
    return [Landing(site), Dataset(site), Ontology(site), NamedGraph(site), Handler(site)]


def alternates(resource: Resource, path: str) -> list[Alternate]:
    """Links to the page's RDF documents, relative to the page."""
    thing_path, _ = split_document(path)
    name = resource.document_name(thing_path)
    return [Alternate(name + f.extension, f.media_type, f.label) for f in FORMATS if f.rdf]


def _from_graph(iri: str, graph: Graph) -> Description:
    """A Description of a small generated graph (all of it, in the data graph)."""
    target = ox.NamedNode(str(GRAPH_DATA))
    quads = [ox.Quad(t.subject, t.predicate, t.object, target) for t in from_rdflib(graph)]
    return Description(iri=iri, quads=quads)
