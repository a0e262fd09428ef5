"""The release files: `natograph build`, their content, determinism and description, and /dist/."""

from __future__ import annotations

import gzip
import hashlib
import http.client
import json
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL
from typer.testing import CliRunner

from natograph import __version__
from natograph.cli import app as cli
from natograph.namespaces import BASE, GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY, GRAPH_SHAPES
from natograph.publish import release
from natograph.publish.void import DCAT, IANA, SPDX, VOID
from natograph.settings import Settings
from natograph.store import OxigraphStore, Solutions
from natograph.web import downloads
from natograph.web.downloads import ServedRelease
from natograph.web.served import ServedGraph

ROOT = Path(__file__).resolve().parents[1]
NAMES = [f.name for f in release.FILES]
GRAPHS = {str(g) for g in (GRAPH_ONTOLOGY, GRAPH_DATA, GRAPH_INFERRED, GRAPH_SHAPES)}
DATASET = URIRef(BASE + "dataset")
SERVED_TYPES = {
    "natograph.ttl": "text/turtle; charset=utf-8",
    "natograph.nt.gz": "application/gzip",
    "natograph.nq.gz": "application/gzip",
    "natograph.jsonld": "application/ld+json",
    "ontology.ttl": "text/turtle; charset=utf-8",
    "ontology.owl": "application/rdf+xml; charset=utf-8",
    "ontology.jsonld": "application/ld+json",
    "shapes.ttl": "text/turtle; charset=utf-8",
    "context.jsonld": "application/ld+json",
    "dataset.ttl": "text/turtle; charset=utf-8",
    "SHA256SUMS": "text/plain; charset=utf-8",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """`natograph build` of the checkout (HermiT has its own test), and what it printed."""
    out = tmp_path_factory.mktemp("release") / "dist"
    result = CliRunner().invoke(
        cli, ["build", "--root", str(ROOT), "--out", str(out), "--no-hermit"]
    )
    assert result.exit_code == 0, result.output
    return out, result.stdout


@pytest.fixture(scope="module")
def dist(built: tuple[Path, str]) -> Path:
    return built[0]


def triples(path: Path) -> list[ox.Triple]:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    name = path.name.removesuffix(".gz")
    if name.endswith(".jsonld"):
        # The document names its context by its permanent URL; parse with the released copy.
        document = json.loads(data)
        document["@context"] = json.loads(path.with_name("context.jsonld").read_bytes())["@context"]
        data = json.dumps(document).encode()
    fmt = ox.RdfFormat.from_extension(name.rsplit(".", 1)[1].replace("owl", "rdf"))
    assert fmt is not None
    return list(ox.parse(data, format=fmt))


def canonical(items: list[ox.Triple]) -> set[str]:
    """N-Triples lines with blank nodes relabelled canonically: equal sets, equal graphs."""
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in items)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return {str(q) for q in dataset}


def count(store: OxigraphStore, graphs: list[str]) -> int:
    """Distinct triples over some named graphs, counted by the store."""
    values = " ".join(f"<{g}>" for g in graphs)
    result = store.query(
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { "
        f"VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} }}"
    )
    assert isinstance(result, Solutions)
    return int(next(iter(result))["n"].value)


def description(dist: Path) -> Graph:
    return Graph().parse(dist / "dataset.ttl", format="turtle")


# --- natograph build --------------------------------------------------------------------------


def test_build_writes_every_file_and_lists_it_with_its_size(built: tuple[Path, str]) -> None:
    dist, printed = built
    assert sorted(p.name for p in dist.iterdir()) == sorted(NAMES)
    listed = {path: size for size, path in (line.split() for line in printed.splitlines())}
    assert set(listed) == {str(dist / name) for name in NAMES}
    for name in NAMES:
        assert listed[str(dist / name)] == f"{(dist / name).stat().st_size:,}", name


def test_asserted_dumps_hold_exactly_ontology_and_data(dist: Path, store: OxigraphStore) -> None:
    expected = count(store, [str(GRAPH_ONTOLOGY), str(GRAPH_DATA)])
    turtle = triples(dist / "natograph.ttl")
    assert len(turtle) == len(set(turtle)) == expected > 3000
    reference = canonical(turtle)
    for name in ("natograph.nt.gz", "natograph.jsonld"):
        found = triples(dist / name)
        assert len(set(found)) == expected, name
        assert canonical(found) == reference, name


def test_nquads_keep_the_four_named_graphs(dist: Path, store: OxigraphStore) -> None:
    data = gzip.decompress((dist / "natograph.nq.gz").read_bytes())
    quads = list(ox.parse(data, format=ox.RdfFormat.N_QUADS))
    per_graph = Counter(str(q.graph_name.value) for q in quads)
    assert set(per_graph) == GRAPHS
    for graph in GRAPHS:
        assert per_graph[graph] == store.count(graph) > 0, graph
    lines = data.splitlines()
    assert lines == sorted(lines), "N-Quads lines are not sorted"


def test_ontology_files_hold_the_ontology_alone(dist: Path, store: OxigraphStore) -> None:
    expected = store.count(str(GRAPH_ONTOLOGY))
    reference = canonical(triples(dist / "ontology.ttl"))
    assert len(reference) == expected
    for name in ("ontology.owl", "ontology.jsonld"):
        assert canonical(triples(dist / name)) == reference, name
    owl = Graph().parse(dist / "ontology.owl", format="xml")  # what Protégé reads
    assert (URIRef(BASE + "ontology"), RDF.type, OWL.Ontology) in owl
    assert len(triples(dist / "shapes.ttl")) == store.count(str(GRAPH_SHAPES))


def test_files_are_deterministic_across_processes(dist: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    command = [sys.executable, "-m", "natograph.cli", "build", "--no-hermit", "--root", str(ROOT)]
    subprocess.run(
        [*command, "--out", str(again)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    for name in NAMES:
        assert (again / name).read_bytes() == (dist / name).read_bytes(), name
    for name in ("natograph.nt.gz", "natograph.nq.gz"):
        header = (dist / name).read_bytes()[:10]
        assert header[3] & 0x08 == 0, f"{name}: gzip header carries a file name"
        assert header[4:8] == b"\0\0\0\0", f"{name}: gzip header carries a time stamp"


def test_sha256sums_check_every_other_file(dist: Path) -> None:
    lines = (dist / "SHA256SUMS").read_text(encoding="ascii").splitlines()
    sums = {name: digest for digest, name in (line.split("  ") for line in lines)}
    assert set(sums) == set(NAMES) - {"SHA256SUMS"}
    for name, digest in sums.items():
        assert hashlib.sha256((dist / name).read_bytes()).hexdigest() == digest, name


def test_invalid_data_is_refused_with_the_report(project: Path, tmp_path: Path) -> None:
    broken = project / "data" / "countries.ttl"
    broken.write_text(broken.read_text(encoding="utf-8") + "\nngc:XXX a ngo:Country\n")
    out = tmp_path / "dist"
    result = CliRunner().invoke(cli, ["build", "--root", str(project), "--out", str(out)])
    assert result.exit_code == 1
    assert "data/countries.ttl" in result.stderr and "refusing" in result.stderr
    assert not out.exists()


def test_unwritable_folder_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    result = CliRunner().invoke(
        cli, ["build", "--root", str(ROOT), "--out", str(blocker), "--no-hermit"]
    )
    assert result.exit_code == 2
    assert "cannot write the release" in result.stderr


# --- the description (VoID + DCAT) ------------------------------------------------------------


def test_description_says_licence_version_and_counts(dist: Path, store: OxigraphStore) -> None:
    g = description(dist)
    assert {(DATASET, RDF.type, VOID.Dataset), (DATASET, RDF.type, DCAT.Dataset)} <= set(g)
    assert g.value(DATASET, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    assert g.value(DATASET, OWL.versionInfo) == Literal(__version__)
    assert g.value(DATASET, DCAT.version) == Literal(__version__)
    modified = g.value(DATASET, DCTERMS.modified)
    assert isinstance(modified, Literal) and modified.datatype == URIRef(
        "http://www.w3.org/2001/XMLSchema#date"
    )
    titles = [t for t in g.objects(DATASET, DCTERMS.title) if isinstance(t, Literal)]
    assert {t.language for t in titles} == {"en", "fr"}
    assert g.value(DATASET, DCTERMS.publisher) is not None
    assert g.value(DATASET, DCAT.landingPage) == URIRef(BASE)
    assert g.value(DATASET, VOID.sparqlEndpoint) == URIRef(BASE + "sparql")
    assert (URIRef(BASE + "sparql"), RDF.type, DCAT.DataService) in g
    assert URIRef(str(GRAPH_ONTOLOGY).rsplit("graph/", 1)[0] + "ontology/") in set(
        g.objects(DATASET, VOID.vocabulary)
    )
    total = sum(store.count(graph) for graph in GRAPHS)
    assert int(g.value(DATASET, VOID.triples)) == total  # type: ignore[call-overload]
    for subset in g.objects(DATASET, VOID.subset):
        assert int(g.value(subset, VOID.triples)) == store.count(str(subset))  # type: ignore[call-overload]
    assert {str(s) for s in g.objects(DATASET, VOID.subset)} == GRAPHS
    countries = {
        int(g.value(p, VOID.entities))  # type: ignore[call-overload]
        for p in g.objects(DATASET, VOID.classPartition)
        if g.value(p, VOID["class"]) == URIRef(BASE + "ontology/Country")
    }
    result = store.query("SELECT (COUNT(DISTINCT ?c) AS ?n) { ?c a ngo:Country }")
    assert isinstance(result, Solutions)
    assert countries == {int(next(iter(result))["n"].value)}


def test_every_data_file_is_a_distribution_with_its_size_and_checksum(dist: Path) -> None:
    g = description(dist)
    found = {}
    for distribution in g.subjects(RDF.type, DCAT.Distribution):
        url = str(g.value(distribution, DCAT.downloadURL))
        assert url.startswith(BASE + "dist/"), url
        found[url.removeprefix(BASE + "dist/")] = distribution
    distributions = {f.name for f in release.FILES if f.distribution}
    assert set(found) == distributions
    assert distributions >= {"natograph.ttl", "natograph.nq.gz", "ontology.owl"}
    for name, distribution in found.items():
        data = (dist / name).read_bytes()
        assert int(g.value(distribution, DCAT.byteSize)) == len(data), name  # type: ignore[call-overload]
        checksum = g.value(distribution, SPDX.checksum)
        assert g.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert str(g.value(checksum, SPDX.checksumValue)) == hashlib.sha256(data).hexdigest()
        media_type = str(g.value(distribution, DCAT.mediaType))
        assert media_type.startswith(IANA), media_type
        gzipped = name.endswith(".gz")
        compress = g.value(distribution, DCAT.compressFormat)
        assert compress == (URIRef(IANA + "application/gzip") if gzipped else None), name
        assert g.value(distribution, DCTERMS["format"]) is not None, name
        dumps = set(g.subjects(VOID.dataDump, URIRef(BASE + "dist/" + name)))
        assert len(dumps) == 1, name


# --- served: /dist/ ---------------------------------------------------------------------------


def test_served_files_are_the_built_bytes_with_their_media_types(
    client: TestClient, dist: Path
) -> None:
    for name in NAMES:
        data = (dist / name).read_bytes()
        response = client.get(f"/dist/{name}", headers={"Accept-Encoding": "identity"})
        assert response.status_code == 200, f"{name}: {response.text[:200]}"
        assert response.headers["content-type"] == SERVED_TYPES[name], name
        assert response.content == data, name
        assert response.headers["content-length"] == str(len(data)), name
        assert "content-encoding" not in response.headers, name
        assert response.headers["etag"].strip('W/"') == hashlib.sha256(data).hexdigest()
        assert "max-age" in response.headers["cache-control"]


def test_gzip_files_are_never_content_encoded(client: TestClient, dist: Path) -> None:
    for name in ("natograph.nt.gz", "natograph.nq.gz"):
        response = client.get(f"/dist/{name}", headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200
        assert "content-encoding" not in response.headers, name
        assert response.headers["content-type"] == "application/gzip"
        assert response.content == (dist / name).read_bytes()


def test_on_the_wire_gz_is_sent_as_is_and_turtle_is_compressed(
    live_server: str, dist: Path
) -> None:
    """What travels: http.client decodes nothing, so a second gzip layer would show."""
    for name, encoded in (("natograph.nq.gz", False), ("natograph.ttl", True)):
        status, headers, body = raw(live_server, f"/dist/{name}", {"Accept-Encoding": "gzip"})
        assert status == 200
        assert ("content-encoding" in headers) is encoded, name
        data = gzip.decompress(body) if encoded else body
        assert data == (dist / name).read_bytes(), name


def test_conditional_and_head_requests(client: TestClient, dist: Path) -> None:
    first = client.get("/dist/natograph.nq.gz")
    again = client.get("/dist/natograph.nq.gz", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    head = client.head("/dist/natograph.nq.gz")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str((dist / "natograph.nq.gz").stat().st_size)
    assert head.headers["content-type"] == "application/gzip"


def test_listing_links_every_file(client: TestClient) -> None:
    response = client.get("/dist/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    for name in NAMES:
        assert f'href="{name}"' in response.text, name
    assert client.head("/dist/").status_code == 200
    redirect = client.get("/dist", follow_redirects=False)
    assert redirect.status_code == 308 and redirect.headers["location"].endswith("/dist/")


@pytest.mark.parametrize(
    "path",
    [
        "/dist/../pyproject.toml",
        "/dist/%2e%2e/pyproject.toml",
        "/dist/%2E%2E%2Fpyproject.toml",
        "/dist/..%2f..%2fpyproject.toml",
        "/dist/%2e%2e/%2e%2e/README.md",
        "/dist/./natograph.ttl/..",
        "/dist/unknown.ttl",
        "/dist/natograph.ttl/x",
        "/dist/natograph.ttl%00",
        "/dist/NATOGRAPH.TTL",
        "/dist/.writing-x",
        "/dist//etc/passwd",
    ],
)
def test_anything_else_is_404(live_server: str, path: str) -> None:
    """Raw paths on a real socket: a client library would normalise the dot segments away."""
    status, _headers, body = raw(live_server, path)
    assert status == 404, f"{path}: {status} {body[:200]!r}"


def test_unknown_names_are_404_through_the_client(client: TestClient) -> None:
    for path in ("/dist/unknown.ttl", "/dist/%2e%2e/x", "/dist/SHA256SUMS.gz"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "natograph.ttl" in response.text  # says which files there are


def test_well_known_void_describes_the_served_files(client: TestClient, dist: Path) -> None:
    response = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    g = Graph().parse(data=response.text, format="turtle")
    assert g.value(DATASET, VOID.sparqlEndpoint) == URIRef("http://testserver/sparql")
    assert g.value(DATASET, DCTERMS.license) is not None
    sizes = {
        str(g.value(d, DCAT.downloadURL)): int(g.value(d, DCAT.byteSize))  # type: ignore[call-overload]
        for d in g.subjects(RDF.type, DCAT.Distribution)
    }
    for name in (f.name for f in release.FILES if f.distribution):
        assert sizes[BASE + "dist/" + name] == (dist / name).stat().st_size, name


def test_released_context_is_the_published_one(client: TestClient, dist: Path) -> None:
    response = client.get("/context.jsonld")
    assert response.status_code == 200
    assert response.content == (dist / "context.jsonld").read_bytes()


def test_void_refuses_unknown_media_types_clearly(client: TestClient) -> None:
    response = client.get("/.well-known/void", headers={"Accept": "image/png"})
    assert response.status_code == 406 and "text/turtle" in response.text
    assert client.head("/.well-known/void").status_code == 200


# --- served: written lazily, once -------------------------------------------------------------


def test_release_is_written_on_first_need_once(
    served_app: tuple[FastAPI, ServedGraph], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    served = served_app[1]
    settings = Settings(root=ROOT, cache_dir=tmp_path / "cache")
    calls: list[Path] = []
    write = release.write_release

    def counting(*args: object, **kwargs: object) -> list[release.ReleaseFile]:
        calls.append(args[1])  # type: ignore[arg-type]
        return write(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(downloads, "write_release", counting)
    lazy = ServedRelease(served, settings)
    assert not (tmp_path / "cache").exists(), "written before anyone asked"
    results: list[list[release.ReleaseFile]] = []
    threads = [threading.Thread(target=lambda: results.append(lazy.files())) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(calls) == 1 and len(results) == 4
    assert all(r == results[0] for r in results)
    folder = tmp_path / "cache" / "release" / lazy.key
    assert sorted(p.name for p in folder.iterdir()) == sorted(NAMES)
    # A restart over the same inputs finds the files ready; a damaged one is written again.
    assert ServedRelease(served, settings).files() == results[0] and len(calls) == 1
    (folder / "natograph.ttl").write_bytes(b"")
    assert ServedRelease(served, settings).files() == results[0] and len(calls) == 2


def test_without_cache_the_release_goes_to_a_temporary_folder(
    served_app: tuple[FastAPI, ServedGraph], dist: Path
) -> None:
    lazy = ServedRelease(served_app[1], Settings(root=ROOT, cache=False))
    path = lazy.path("natograph.nq.gz")
    assert path is not None and ROOT not in path.parents
    assert path.read_bytes() == (dist / "natograph.nq.gz").read_bytes()
    assert lazy.path("../natograph.nq.gz") is None


def raw(
    base: str, path: str, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """One GET with the path sent exactly as given, nothing decoded."""
    address = urlsplit(base)
    connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=60)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        found = {k.lower(): v for k, v in response.getheaders()}
        return response.status, found, response.read()
    finally:
        connection.close()
