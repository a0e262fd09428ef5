"""The SPARQL 1.1 Service Description and the VoID description of the dataset."""

from __future__ import annotations

from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, XSD

from natograph import __version__
from natograph.namespaces import GRAPH_INFERRED, NGO, PREFIXES
from natograph.results_io import GRAPH_TYPES, SELECT_TYPES
from natograph.web.served import ServedGraph

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")

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
LICENCE = URIRef("https://creativecommons.org/licenses/by/4.0/")


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


def void_description(served: ServedGraph, base_url: str, sparql_url: str) -> Graph:
    """A VoID dataset description with one subset per named graph."""
    g = _bind(Graph())
    dataset = URIRef(PREFIXES["ng"].rsplit("id/", 1)[0] + "dataset")
    g.add((dataset, RDF.type, VOID.Dataset))
    g.add((dataset, DCTERMS.title, Literal("natograph: NATO's partnerships", lang="en")))
    g.add(
        (
            dataset,
            DCTERMS.description,
            Literal(
                "A knowledge graph of NATO's partnerships: partners, frameworks, special "
                "structures, initiatives, programmes, summits and documents, with dated, sourced "
                "memberships.",
                lang="en",
            ),
        )
    )
    g.add((dataset, DCTERMS.license, LICENCE))
    g.add((dataset, DCTERMS.modified, Literal(served.modified.date(), datatype=XSD.date)))
    g.add((dataset, URIRef("http://www.w3.org/2002/07/owl#versionInfo"), Literal(__version__)))
    g.add((dataset, VOID.sparqlEndpoint, URIRef(sparql_url)))
    g.add((dataset, VOID.uriSpace, Literal(PREFIXES["ng"].rsplit("id/", 1)[0])))
    g.add((dataset, VOID.vocabulary, URIRef(str(NGO))))
    g.add((dataset, VOID.triples, Literal(sum(served.graphs.values()), datatype=XSD.integer)))
    g.add((dataset, VOID.rootResource, URIRef(base_url)))
    for iri, count in sorted(served.graphs.items()):
        subset = URIRef(iri)
        g.add((dataset, VOID.subset, subset))
        g.add((subset, RDF.type, VOID.Dataset))
        g.add((subset, VOID.triples, Literal(count, datatype=XSD.integer)))
        if iri == str(GRAPH_INFERRED):
            g.add(
                (
                    subset,
                    DCTERMS.description,
                    Literal("Triples entailed under OWL 2 RL, materialised by owlrl.", lang="en"),
                )
            )
    for cls, count in _class_partitions(served):
        part = BNode()
        g.add((dataset, VOID.classPartition, part))
        g.add((part, VOID["class"], URIRef(cls)))
        g.add((part, VOID.entities, Literal(count, datatype=XSD.integer)))
    return g


def _class_partitions(served: ServedGraph) -> list[tuple[str, int]]:
    query = (
        "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?c } "
        f'FILTER(STRSTARTS(STR(?c), "{NGO}")) }} GROUP BY ?c ORDER BY ?c'
    )
    result = served.store.query(query)
    return [(str(s["c"].value), int(s["n"].value)) for s in result]  # type: ignore[union-attr]
