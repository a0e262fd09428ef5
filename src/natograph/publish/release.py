"""The release files (`natograph build`, and `/dist/` on the server): dumps, ontology, description.

One function writes them for both, so what a server offers for download is byte for byte what a
release would publish. Output is deterministic (blank nodes relabelled by W3C RDF
Canonicalization, triples sorted, gzip without time stamp or file name): rebuilding from the
same inputs gives the same bytes, so releases can be diffed and checksummed.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.metadata
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from natograph.build.parse import from_rdflib
from natograph.namespaces import (
    GRAPH_DATA,
    GRAPH_INFERRED,
    GRAPH_ONTOLOGY,
    GRAPH_SHAPES,
    PREFIXES,
)
from natograph.publish import jsonld
from natograph.publish.void import DESCRIPTION_PREFIXES, dataset_description
from natograph.store import GraphStore, select

CHECKSUMS = "SHA256SUMS"
DESCRIPTION = "dataset.ttl"


@dataclass(frozen=True)
class ReleaseFile:
    """One file of a release: what the listing, the server and the DCAT description say of it."""

    name: str
    media_type: str
    """Of the content: for a gzip file, of what it holds (as DCAT's dcat:mediaType wants)."""
    title: str
    part: str = "dataset"
    """What it holds: the whole `dataset` (or its asserted part), the `ontology` or the `shapes`."""
    gzip: bool = False
    distribution: bool = True
    """False for files about the release rather than of the data (context, description, sums)."""
    size: int = 0
    sha256: str = ""

    @property
    def served_type(self) -> str:
        """The Content-Type it is served with: a .gz file is the gzip, not an encoded transfer."""
        return "application/gzip" if self.gzip else self.media_type


FILES: tuple[ReleaseFile, ...] = (
    ReleaseFile("natograph.ttl", "text/turtle", "Ontology and data (asserted triples), Turtle"),
    ReleaseFile(
        "natograph.nt.gz",
        "application/n-triples",
        "Ontology and data (asserted triples), N-Triples, gzip",
        gzip=True,
    ),
    ReleaseFile(
        "natograph.nq.gz",
        "application/n-quads",
        "All four named graphs (ontology, data, inferred, shapes), N-Quads, gzip",
        gzip=True,
    ),
    ReleaseFile(
        "natograph.jsonld", "application/ld+json", "Ontology and data (asserted triples), JSON-LD"
    ),
    ReleaseFile("ontology.ttl", "text/turtle", "The ontology, Turtle", part="ontology"),
    ReleaseFile(
        "ontology.owl", "application/rdf+xml", "The ontology, RDF/XML (Protégé)", part="ontology"
    ),
    ReleaseFile("ontology.jsonld", "application/ld+json", "The ontology, JSON-LD", part="ontology"),
    ReleaseFile("shapes.ttl", "text/turtle", "The SHACL shapes, Turtle", part="shapes"),
    ReleaseFile(
        jsonld.CONTEXT_PATH,
        "application/ld+json",
        "The JSON-LD context the JSON-LD files name",
        distribution=False,
    ),
    ReleaseFile(DESCRIPTION, "text/turtle", "VoID and DCAT description", distribution=False),
    ReleaseFile(CHECKSUMS, "text/plain", "SHA-256 checksums (sha256sum -c)", distribution=False),
)
"""Every file of a release, in the order they are listed."""

BY_NAME = {f.name: f for f in FILES}
_TURTLE_PREFIXES = {**PREFIXES, **DESCRIPTION_PREFIXES}


def write_release(
    store: GraphStore, folder: Path, *, base_iri: str, modified: date
) -> list[ReleaseFile]:
    """Write every release file of the graph in `store` into `folder` (created if need be).

    `modified` is the dataset's dcterms:modified (see `inputs_modified`). Returns the files with
    their sizes and checksums, in the order of `FILES`.
    """
    folder.mkdir(parents=True, exist_ok=True)
    graphs = _canonical_graphs(store)
    asserted = _sorted_triples([*graphs[str(GRAPH_ONTOLOGY)], *graphs[str(GRAPH_DATA)]])
    ontology = _sorted_triples(graphs[str(GRAPH_ONTOLOGY)])
    context = jsonld.context(store)
    context_url = jsonld.context_url(base_iri)
    writers: dict[str, Callable[[], bytes]] = {
        "natograph.ttl": lambda: _turtle(asserted),
        "natograph.nt.gz": lambda: _gzip(_sorted_lines(ox.RdfFormat.N_TRIPLES, asserted)),
        "natograph.nq.gz": lambda: _gzip(_sorted_lines(ox.RdfFormat.N_QUADS, _quads(graphs))),
        "natograph.jsonld": lambda: jsonld.serialise(asserted, context_url, context),
        "ontology.ttl": lambda: _turtle(ontology),
        "ontology.owl": lambda: _serialise(ontology, ox.RdfFormat.RDF_XML),
        "ontology.jsonld": lambda: jsonld.serialise(ontology, context_url, context),
        "shapes.ttl": lambda: _turtle(_sorted_triples(graphs[str(GRAPH_SHAPES)])),
        jsonld.CONTEXT_PATH: lambda: _json(context),
    }
    written = [_write(folder, BY_NAME[name], make()) for name, make in writers.items()]
    description = dataset_description(store, base_iri=base_iri, modified=modified, files=written)
    written.append(_write(folder, BY_NAME[DESCRIPTION], _turtle(_canonical(description))))
    sums = "".join(f"{f.sha256}  {f.name}\n" for f in sorted(written, key=lambda f: f.name))
    written.append(_write(folder, BY_NAME[CHECKSUMS], sums.encode("ascii")))
    order = list(BY_NAME)
    return sorted(written, key=lambda f: order.index(f.name))


def read_release(folder: Path) -> list[ReleaseFile] | None:
    """The files of a release written earlier, or None unless every one is there, intact."""
    try:
        sums = (folder / CHECKSUMS).read_text(encoding="ascii")
        expected = {}
        for line in sums.splitlines():
            digest, name = line.split("  ", 1)
            expected[name] = digest
        found = []
        for spec in FILES:
            if spec.name == CHECKSUMS:
                data = sums.encode("ascii")
            else:
                data = (folder / spec.name).read_bytes()
                if hashlib.sha256(data).hexdigest() != expected.get(spec.name):
                    return None
            found.append(replace(spec, size=len(data), sha256=hashlib.sha256(data).hexdigest()))
        return found
    except (OSError, UnicodeDecodeError, ValueError):
        return None


def fingerprint() -> str:
    """What the bytes of a release depend on besides the graph: the code that writes them and the
    libraries it calls. A release kept from an earlier run is reused only under the same one."""
    digest = hashlib.sha256()
    for module in ("release.py", "void.py", "jsonld.py"):
        digest.update(Path(__file__).with_name(module).read_bytes())
    for library in ("pyoxigraph", "PyLD", "rdflib"):
        digest.update(f"{library}={importlib.metadata.version(library)};".encode())
    return digest.hexdigest()[:32]


def inputs_modified(paths: Iterable[Path]) -> datetime:
    """When the dataset last changed: the newest input file (whole seconds, UTC), as the
    server's Last-Modified; now when there are no files."""
    newest = max((p.stat().st_mtime for p in paths), default=datetime.now(UTC).timestamp())
    return datetime.fromtimestamp(int(newest), UTC)


def _write(folder: Path, spec: ReleaseFile, data: bytes) -> ReleaseFile:
    (folder / spec.name).write_bytes(data)
    return replace(spec, size=len(data), sha256=hashlib.sha256(data).hexdigest())


def _canonical_graphs(store: GraphStore) -> dict[str, list[ox.Triple]]:
    """Every named graph's triples, blank nodes relabelled by RDFC-1.0 across the whole dataset
    (so a blank node keeps one label in every file)."""
    result = select(store, "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    dataset = ox.Dataset(ox.Quad(row["s"], row["p"], row["o"], row["g"]) for row in result)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    graphs: dict[str, list[ox.Triple]] = {
        str(g): [] for g in (GRAPH_ONTOLOGY, GRAPH_DATA, GRAPH_INFERRED, GRAPH_SHAPES)
    }
    for quad in dataset:
        if isinstance(quad.graph_name, ox.NamedNode):
            triple = ox.Triple(quad.subject, quad.predicate, quad.object)
            graphs.setdefault(quad.graph_name.value, []).append(triple)
    return graphs


def _canonical(graph: Graph) -> list[ox.Triple]:
    """An rdflib graph (the description) as sorted Oxigraph triples with canonical blank nodes."""
    dataset = ox.Dataset(
        ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in from_rdflib(graph)
    )
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return _sorted_triples(ox.Triple(q.subject, q.predicate, q.object) for q in dataset)


def _sorted_triples(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """Distinct triples in N-Triples order, which also groups each subject for Turtle."""
    return sorted(set(triples), key=str)


def _quads(graphs: dict[str, list[ox.Triple]]) -> list[ox.Quad]:
    return [
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(name))
        for name, triples in graphs.items()
        for t in triples
    ]


def _serialise(items: list[ox.Triple] | list[ox.Quad], fmt: ox.RdfFormat) -> bytes:
    prefixes = None
    if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML):
        prefixes = _used_prefixes(items)
    return ox.serialize(items, format=fmt, prefixes=prefixes) or b""


def _used_prefixes(items: list[ox.Triple] | list[ox.Quad]) -> dict[str, str]:
    """The project's prefixes that abbreviate some IRI in `items`, so a file declares no others."""
    iris = set()
    for item in items:
        for term in (item.subject, item.predicate, item.object):
            if isinstance(term, ox.NamedNode):
                iris.add(term.value)
            elif isinstance(term, ox.Literal):
                iris.add(term.datatype.value)
    return {p: ns for p, ns in _TURTLE_PREFIXES.items() if any(i.startswith(ns) for i in iris)}


def _turtle(triples: list[ox.Triple]) -> bytes:
    return _serialise(triples, ox.RdfFormat.TURTLE)


def _sorted_lines(fmt: ox.RdfFormat, items: list[ox.Triple] | list[ox.Quad]) -> bytes:
    """N-Triples or N-Quads with the lines in byte order: the canonical, diffable dump."""
    lines = _serialise(items, fmt).splitlines(keepends=True)
    return b"".join(sorted(set(lines)))


def _gzip(data: bytes) -> bytes:
    # mtime 0 and no file name in the header (gzip.compress writes none): same input, same bytes.
    return gzip.compress(data, compresslevel=9, mtime=0)


def _json(value: object) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
