"""Which resource a local path names, and what its documents contain.

Most IRIs are things in the graph, described by natograph.publish.describe. A few are special: the
namespace root (the landing page), the dataset (its VoID/DCAT description), the ontology (whose
data document is the whole ontology, so that Protégé or owlready2 can open it by IRI, including by
its version IRI) and the named graphs (described by their size and dump).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal as Kind

import pyoxigraph as ox
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS, XSD

from natograph.build.parse import from_rdflib
from natograph.namespaces import GRAPH_DATA, GRAPH_ONTOLOGY, ONTOLOGY_IRI, PREFIXES
from natograph.publish.describe import Description, describe
from natograph.publish.void import VOID
from natograph.store import select
from natograph.web.description import SD
from natograph.web.served import ServedGraph

FOAF = "http://xmlns.com/foaf/0.1/"


@dataclass(frozen=True)
class Resource:
    iri: str
    kind: Kind["landing", "dataset", "ontology", "graph", "thing"]

    def document_name(self, thing_path: str) -> str:
        """The relative name its documents share: `UKR` for `id/country/UKR` (`dataset` at root)."""
        if self.kind == "landing":
            return "dataset"
        return thing_path.rsplit("/", 1)[-1]


DatasetDescriber = Callable[[], Graph]


class Resolver:
    def __init__(
        self,
        served: ServedGraph,
        base: str,
        dataset: DatasetDescriber,
        jsonld: Callable[[list[ox.Triple], str], bytes],
    ) -> None:
        self.served = served
        self.base = base
        self.prefixes = dict(PREFIXES)
        self._dataset = dataset
        self._jsonld = jsonld
        self._versions = self._ontology_versions()
        # The graph is read-only while the server runs, so what a path names never changes:
        # remembering it spares cached documents the ASK. Bounded, since paths come from clients.
        self._resolved = lru_cache(maxsize=4096)(self._resolve)

    # --- Which resource ---------------------------------------------------------------------

    def resolve(self, thing_path: str) -> Resource | None:
        """The resource a local path (relative to the root, no extension) names, or None."""
        return self._resolved(thing_path)

    def _resolve(self, thing_path: str) -> Resource | None:
        iri = self.base + thing_path
        if thing_path == "":
            return Resource(iri, "landing")
        if thing_path == "dataset":
            return Resource(iri, "dataset")
        if iri == str(ONTOLOGY_IRI) or iri in self._versions:
            return Resource(iri, "ontology")
        if iri in self.served.graphs:
            return Resource(iri, "graph")
        try:
            node = ox.NamedNode(iri)
        except ValueError:
            return None
        asked = self.served.store.query(
            f"ASK {{ {{ {node} ?p ?o }} UNION {{ ?s ?p {node} }} UNION {{ ?s {node} ?o }} }}"
        )
        return Resource(iri, "thing") if bool(asked) else None

    # --- What its documents say -------------------------------------------------------------

    def description(self, resource: Resource) -> Description:
        if resource.kind in ("landing", "dataset"):
            description = _from_graph(self.base + "dataset", self._dataset())
            # The namespace root is the dataset's home page (its dcat:landingPage): say so.
            home, graph = ox.NamedNode(self.base), ox.NamedNode(str(GRAPH_DATA))
            description.quads += [
                ox.Quad(home, ox.NamedNode(str(RDF.type)), ox.NamedNode(FOAF + "Document"), graph),
                ox.Quad(
                    home,
                    ox.NamedNode(FOAF + "primaryTopic"),
                    ox.NamedNode(self.base + "dataset"),
                    graph,
                ),
            ]
            return description
        if resource.kind == "graph":
            return _from_graph(resource.iri, self._graph_description(resource.iri))
        iri = str(ONTOLOGY_IRI) if resource.kind == "ontology" else resource.iri
        return describe(self.served.store, iri)

    def triples(
        self, resource: Resource, description: Description, inferred: bool
    ) -> list[ox.Triple]:
        if resource.kind == "ontology":
            return [ox.Triple(q.subject, q.predicate, q.object) for q in self._ontology_quads()]
        return description.triples(inferred)

    def quads(self, resource: Resource, description: Description, inferred: bool) -> list[ox.Quad]:
        if resource.kind == "ontology":
            return self._ontology_quads()
        return description.quads_for(inferred)

    def jsonld(self, triples: list[ox.Triple], context_url: str) -> bytes:
        return self._jsonld(triples, context_url)

    def _ontology_quads(self) -> list[ox.Quad]:
        result = select(
            self.served.store,
            f"SELECT ?s ?p ?o WHERE {{ GRAPH <{GRAPH_ONTOLOGY}> {{ ?s ?p ?o }} }}",
        )
        graph = ox.NamedNode(str(GRAPH_ONTOLOGY))
        return sorted((ox.Quad(s, p, o, graph) for s, p, o in result), key=str)

    def _ontology_versions(self) -> set[str]:
        result = select(
            self.served.store, f"SELECT ?v WHERE {{ <{ONTOLOGY_IRI}> owl:versionIRI ?v }}"
        )
        return {row[0].value for row in result}

    def _graph_description(self, iri: str) -> Graph:
        graph = Graph()
        node = URIRef(iri)
        name = iri.rsplit("/", 1)[-1]
        graph.add((node, RDF.type, SD.NamedGraph))
        graph.add((node, RDF.type, VOID.Dataset))
        graph.add((node, RDFS.label, Literal(f"natograph {name} graph", lang="en")))
        graph.add((node, RDFS.label, Literal(f"graphe « {name} » de natograph", lang="fr")))
        graph.add((node, SD.name, node))
        graph.add((node, DCTERMS.isPartOf, URIRef(self.base + "dataset")))
        count = self.served.graphs.get(iri, 0)
        graph.add((node, VOID.triples, Literal(count, datatype=XSD.integer)))
        graph.add((node, VOID.sparqlEndpoint, URIRef(self.base + "sparql")))
        graph.add((node, VOID.dataDump, URIRef(self.base + "dist/natograph.nq.gz")))
        return graph


def _from_graph(iri: str, graph: Graph) -> Description:
    """A Description of a small generated graph (all of it, in the data graph)."""
    target = ox.NamedNode(str(GRAPH_DATA))
    quads = [ox.Quad(t.subject, t.predicate, t.object, target) for t in from_rdflib(graph)]
    return Description(iri=iri, quads=quads)
