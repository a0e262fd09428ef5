"""The description of the dataset itself: VoID for linked-data tools, DCAT for data catalogues.

One function describes the dataset for the release (`dist/dataset.ttl`), for `/dataset` and for
`/.well-known/void`, so a catalogue harvesting the release and a client asking the server read
the same statements. It always names the permanent IRIs (`<base>dist/...`, `<base>sparql`): a
local server maps its own paths onto them, and a release must not point at whichever host built it.

Counts are asked of the store with SPARQL, so they are those of the graph actually published.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, XSD

from natograph import __version__
from natograph.namespaces import (
    GRAPH_DATA,
    GRAPH_INFERRED,
    GRAPH_ONTOLOGY,
    GRAPH_SHAPES,
    NGO,
    PREFIXES,
)
from natograph.publish.coverage import coverage
from natograph.store import GraphStore, select

if TYPE_CHECKING:
    from natograph.publish.release import ReleaseFile

VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
"""Open namespace: rdflib's closed DCAT lacks the DCAT 3 terms (dcat:version)."""
SPDX = Namespace("http://spdx.org/rdf/terms#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
IANA = "https://www.iana.org/assignments/media-types/"
LICENCE = URIRef("https://creativecommons.org/licenses/by/4.0/")
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")

DESCRIPTION_PREFIXES = {
    "void": str(VOID),
    "dcat": str(DCAT),
    "spdx": str(SPDX),
    "formats": str(FORMATS),
}
"""Prefixes a description needs on top of the project's (which already has dcterms, foaf...)."""

FORMAT_IRIS = {
    "text/turtle": FORMATS.Turtle,
    "application/n-triples": FORMATS["N-Triples"],
    "application/n-quads": FORMATS["N-Quads"],
    "application/ld+json": FORMATS["JSON-LD"],
    "application/rdf+xml": FORMATS.RDF_XML,
    "application/trig": FORMATS.TriG,
}
"""W3C's IRIs for RDF syntaxes, as VoID (void:feature) and dcterms:format name them."""

TITLE = {
    "en": "natograph: NATO's partnerships",
    "fr": "natograph : les partenariats de l'OTAN",
}
DESCRIPTION = {
    "en": "A knowledge graph of NATO's partnerships: partners, frameworks, special structures, "
    "initiatives, programmes, summits and documents, with dated, sourced memberships.",
    "fr": "Un graphe de connaissances des partenariats de l'OTAN : partenaires, cadres, "
    "structures spéciales, initiatives, programmes, sommets et documents, avec des appartenances "
    "datées et sourcées.",
}
KEYWORDS = {
    "en": (
        "NATO",
        "partnerships",
        "Partnership for Peace",
        "Mediterranean Dialogue",
        "Istanbul Cooperation Initiative",
        "international organisations",
        "security cooperation",
        "knowledge graph",
        "linked data",
    ),
    "fr": (
        "OTAN",
        "partenariats",
        "Partenariat pour la paix",
        "Dialogue méditerranéen",
        "Initiative de coopération d'Istanbul",
        "organisations internationales",
        "coopération de sécurité",
        "graphe de connaissances",
        "données liées",
    ),
}
GRAPH_TITLES = {
    str(GRAPH_ONTOLOGY): "The natograph ontology (OWL 2 DL)",
    str(GRAPH_DATA): "The curated, sourced data",
    str(GRAPH_INFERRED): "Triples entailed under OWL 2 RL, materialised by owlrl",
    str(GRAPH_SHAPES): "The SHACL shapes the data is validated against",
}
_INSTANCE_SPACE = PREFIXES["ng"]
"""Instance IRIs (`…/id/`), which are not a vocabulary even though classes are typed with them."""


def dataset_iri(base_iri: str) -> URIRef:
    return URIRef(base_iri + "dataset")


def dataset_description(
    store: GraphStore,
    *,
    base_iri: str,
    modified: date,
    files: Sequence[ReleaseFile] = (),
) -> Graph:
    """VoID + DCAT description of the dataset in `store`, with a distribution per release file.

    `files` are the release files with their sizes and checksums; those that are not
    distributions of the data (the checksum list, this description) are skipped.
    """
    g = bind(Graph())
    dataset = dataset_iri(base_iri)
    sparql = URIRef(base_iri + "sparql")
    g.add((dataset, RDF.type, VOID.Dataset))
    g.add((dataset, RDF.type, DCAT.Dataset))
    for lang in ("en", "fr"):
        g.add((dataset, DCTERMS.title, Literal(TITLE[lang], lang=lang)))
        g.add((dataset, DCTERMS.description, Literal(DESCRIPTION[lang], lang=lang)))
        for keyword in KEYWORDS[lang]:
            g.add((dataset, DCAT.keyword, Literal(keyword, lang=lang)))
    g.add((dataset, DCTERMS.license, LICENCE))
    g.add((dataset, OWL.versionInfo, Literal(__version__)))
    g.add((dataset, DCAT.version, Literal(__version__)))
    g.add((dataset, DCTERMS.modified, Literal(modified, datatype=XSD.date)))
    project = URIRef(f"{dataset}#project")
    g.add((dataset, DCTERMS.publisher, project))
    g.add((dataset, DCTERMS.creator, project))
    g.add((project, RDF.type, FOAF.Organization))
    g.add((project, FOAF.name, Literal("The natograph project", lang="en")))
    g.add((project, FOAF.homepage, URIRef(base_iri)))
    g.add((dataset, DCAT.landingPage, URIRef(base_iri)))
    g.add((dataset, VOID.sparqlEndpoint, sparql))
    g.add((dataset, VOID.uriSpace, Literal(base_iri)))
    for vocabulary in _vocabularies(store):
        g.add((dataset, VOID.vocabulary, URIRef(vocabulary)))
    _temporal(g, dataset, store)
    _counts(g, dataset, store, base_iri)
    for dump in files:
        if dump.distribution:
            _distribution(g, dataset, dump, base_iri)
    _service(g, dataset, sparql)
    return g


def _temporal(g: Graph, dataset: URIRef, store: GraphStore) -> None:
    """The period the graph covers, ending with its newest source (natograph.publish.coverage)."""
    covered = coverage(store)
    if covered is None:
        return
    period = URIRef(f"{dataset}#period")
    g.add((dataset, DCTERMS.temporal, period))
    g.add((period, RDF.type, DCTERMS.PeriodOfTime))
    g.add((period, DCAT.startDate, Literal(covered.start, datatype=XSD.date)))
    g.add((period, DCAT.endDate, Literal(covered.end, datatype=XSD.date)))
    g.add((dataset, NGO.knowledgeEnds, Literal(covered.end, datatype=XSD.date)))
    g.add((dataset, NGO.newestSource, URIRef(covered.newest_source)))


def bind(graph: Graph) -> Graph:
    for prefix, iri in DESCRIPTION_PREFIXES.items():
        graph.bind(prefix, iri)
    graph.bind("dcterms", DCTERMS)
    return graph


def _counts(g: Graph, dataset: URIRef, store: GraphStore, base_iri: str) -> None:
    counts = {iri: store.count(iri) for iri in store.graphs()}
    g.add((dataset, VOID.triples, _integer(sum(counts.values()))))
    g.add((dataset, VOID.entities, _integer(_entities(store, base_iri))))
    for iri, count in sorted(counts.items()):
        subset = URIRef(iri)
        g.add((dataset, VOID.subset, subset))
        g.add((subset, RDF.type, VOID.Dataset))
        g.add((subset, VOID.triples, _integer(count)))
        if iri in GRAPH_TITLES:
            g.add((subset, DCTERMS.title, Literal(GRAPH_TITLES[iri], lang="en")))
    for cls, count in _class_partitions(store):
        part = BNode()
        g.add((dataset, VOID.classPartition, part))
        g.add((part, VOID["class"], URIRef(cls)))
        g.add((part, VOID.entities, _integer(count)))


def _distribution(g: Graph, dataset: URIRef, dump: ReleaseFile, base_iri: str) -> None:
    """One dcat:Distribution; the ontology and shapes files belong to their graph's subset."""
    owner = {
        "ontology": URIRef(str(GRAPH_ONTOLOGY)),
        "shapes": URIRef(str(GRAPH_SHAPES)),
    }.get(dump.part, dataset)
    url = URIRef(base_iri + "dist/" + dump.name)
    dist = URIRef(f"{dataset}#dist-{dump.name}")
    g.add((owner, VOID.dataDump, url))
    g.add((owner, DCAT.distribution, dist))
    if owner != dataset:
        g.add((owner, RDF.type, DCAT.Dataset))
    g.add((dist, RDF.type, DCAT.Distribution))
    g.add((dist, DCTERMS.title, Literal(dump.title, lang="en")))
    g.add((dist, DCAT.downloadURL, url))
    g.add((dist, DCAT.accessURL, url))
    # DCAT: the media type is that of the content; gzip is said by dcat:compressFormat.
    g.add((dist, DCAT.mediaType, URIRef(IANA + dump.media_type)))
    if dump.gzip:
        g.add((dist, DCAT.compressFormat, URIRef(IANA + "application/gzip")))
    if dump.media_type in FORMAT_IRIS:
        g.add((dist, DCTERMS["format"], FORMAT_IRIS[dump.media_type]))
        g.add((owner, VOID.feature, FORMAT_IRIS[dump.media_type]))
    g.add((dist, DCAT.byteSize, Literal(dump.size, datatype=XSD.nonNegativeInteger)))
    checksum = BNode()
    g.add((dist, SPDX.checksum, checksum))
    g.add((checksum, RDF.type, SPDX.Checksum))
    g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    g.add((checksum, SPDX.checksumValue, Literal(dump.sha256, datatype=XSD.hexBinary)))
    g.add((dist, DCTERMS.license, LICENCE))


def _service(g: Graph, dataset: URIRef, sparql: URIRef) -> None:
    g.add((sparql, RDF.type, DCAT.DataService))
    g.add((sparql, DCTERMS.title, Literal("natograph SPARQL 1.1 endpoint", lang="en")))
    g.add((sparql, DCTERMS.title, Literal("point d'accès SPARQL 1.1 de natograph", lang="fr")))
    g.add((sparql, DCAT.endpointURL, sparql))
    # GET on the endpoint without a query answers its SPARQL Service Description.
    g.add((sparql, DCAT.endpointDescription, sparql))
    g.add((sparql, DCTERMS.conformsTo, SPARQL_PROTOCOL))
    g.add((sparql, DCAT.servesDataset, dataset))
    g.add((sparql, DCTERMS.license, LICENCE))


def _integer(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)


def _rows(store: GraphStore, query: str) -> list[list[str]]:
    return [[str(term.value) for term in row] for row in select(store, query)]


def _entities(store: GraphStore, base_iri: str) -> int:
    """Resources named under the dataset's own namespace and described in the asserted graphs."""
    query = (
        "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { "
        f"VALUES ?g {{ <{GRAPH_ONTOLOGY}> <{GRAPH_DATA}> }} GRAPH ?g {{ ?s ?p ?o }} "
        f'FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{_escape(base_iri)}")) }}'
    )
    return int(_rows(store, query)[0][0])


def _class_partitions(store: GraphStore) -> list[tuple[str, int]]:
    """Instances of each ontology class, the inferred types included (an Ally is a Country)."""
    query = (
        "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?c } "
        f'FILTER(STRSTARTS(STR(?c), "{NGO}")) }} GROUP BY ?c ORDER BY ?c'
    )
    return [(c, int(n)) for c, n in _rows(store, query)]


def _vocabularies(store: GraphStore) -> list[str]:
    """The known namespaces whose properties or classes the asserted graphs use."""
    query = (
        "SELECT DISTINCT ?term WHERE { "
        f"VALUES ?g {{ <{GRAPH_ONTOLOGY}> <{GRAPH_DATA}> }} "
        "{ GRAPH ?g { ?s ?term ?o } } UNION { GRAPH ?g { ?s a ?term } } FILTER(isIRI(?term)) }"
    )
    namespaces = sorted(
        (iri for iri in set(PREFIXES.values()) if not iri.startswith(_INSTANCE_SPACE)),
        key=len,
        reverse=True,
    )
    used = set()
    for (term,) in _rows(store, query):
        match = next((ns for ns in namespaces if term.startswith(ns)), None)
        if match is not None:
            used.add(match)
    return sorted(used)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')
