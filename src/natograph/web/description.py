"""The SPARQL 1.1 Service Description, and the dataset's VoID as this server serves it."""

from __future__ import annotations

from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, XSD

from natograph.publish.void import FORMATS, VOID
from natograph.query.formats import GRAPH_TYPES, SELECT_TYPES
from natograph.web.served import ServedGraph

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")

_FORMAT_IRIS = {
    "application/sparql-results+json": FORMATS.SPARQL_Results_JSON,
    "application/sparql-results+xml": FORMATS.SPARQL_Results_XML,
    "text/csv": FORMATS.SPARQL_Results_CSV,
    "text/tab-separated-values": FORMATS.SPARQL_Results_TSV,
    "text/turtle": FORMATS.Turtle,
    "application/n-triples": FORMATS["N-Triples"],
    "application/rdf+xml": FORMATS.RDF_XML,
    "application/ld+json": FORMATS["JSON-LD"],
    "application/n-quads": FORMATS["N-Quads"],
    "application/trig": FORMATS.TriG,
}


def _bind(graph: Graph) -> Graph:
    for prefix, iri in (("sd", SD), ("void", VOID), ("formats", FORMATS), ("dcterms", DCTERMS)):
        graph.bind(prefix, iri)
    return graph


def service_description(served: ServedGraph, endpoint: str) -> Graph:
    """Describe the endpoint at `endpoint` (the URL the client used, as the SD tests require)."""
    g = _bind(Graph())
    service, dataset, default = BNode("service"), BNode("dataset"), BNode("default")
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, URIRef(endpoint)))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    for media_type in {*SELECT_TYPES, *GRAPH_TYPES}:
        if media_type in _FORMAT_IRIS:
            g.add((service, SD.resultFormat, _FORMAT_IRIS[media_type]))
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add((default, VOID.triples, Literal(sum(served.graphs.values()), datatype=XSD.integer)))
    g.add(
        (
            default,
            DCTERMS.description,
            Literal(
                "The union of all named graphs. Leave out the inferred triples with the parameter "
                "inferred=false, or name graphs with default-graph-uri.",
                lang="en",
            ),
        )
    )
    for iri, count in sorted(served.graphs.items()):
        named, graph = BNode(), BNode()
        g.add((dataset, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, URIRef(iri)))
        g.add((named, SD.graph, graph))
        g.add((graph, RDF.type, SD.Graph))
        g.add((graph, VOID.triples, Literal(count, datatype=XSD.integer)))
    return g


def void_description(dataset: Graph, sparql_url: str) -> Graph:
    """The dataset description (dataset.dataset_description) as `/.well-known/void` serves it.

    The description names the permanent endpoint `<base>sparql`; here void:sparqlEndpoint is the
    endpoint this server answers at (the URL the client used), as in the Service Description, so
    a client that found the server by its host can query it without leaving it.
    """
    g = _bind(Graph())
    for prefix, namespace in dataset.namespaces():
        g.bind(prefix, namespace, override=False)
    for triple in dataset:
        if triple[1] != VOID.sparqlEndpoint:
            g.add(triple)
    for subject in dataset.subjects(VOID.sparqlEndpoint, None):
        g.add((subject, VOID.sparqlEndpoint, URIRef(sparql_url)))
    return g
