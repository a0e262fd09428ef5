"""The w3id.org redirect rules, answered by a real Apache httpd as w3id.org runs them.

Apache is Debian's (`make apache` installs apache2-bin when /usr/sbin/apache2 is missing); the
test fails, saying so, rather than skipping without it. Apache listens on loopback only, with
mod_rewrite and mod_headers as on w3id.org, the committed `.htaccess` in a `natograph/` folder,
and every answer is compared with what natograph's server would do: its URL scheme
(`documents.py`) and its content negotiation (`negotiate.choose`).
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from natograph.publish.documents import (
    BY_MEDIA_TYPE,
    FORMATS,
    MEDIA_TYPE_ALIASES,
    OFFERED,
    SERVED_PATHS,
)
from natograph.publish.htaccess import POST_PATHS, PUBLISHED_TARGET, check_target, generate
from natograph.publish.negotiate import choose

pytestmark = pytest.mark.apache

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "w3id" / "natograph" / ".htaccess"
README = ROOT / "w3id" / "README.md"
APACHE = Path("/usr/sbin/apache2")
MODULES = Path("/usr/lib/apache2/modules")
LOADED = ("mpm_event", "authz_core", "rewrite", "headers", "mime", "dir")
"""What w3id.org's rules rely on (rewrite, headers), and what any Apache has (mime, dir)."""

T = PUBLISHED_TARGET
OTHER = "https://lod.example.net:8443/natograph/"
"""A second target, with a port and a path prefix, served from the folder `other/`."""

"""What the server offers a thing's IRI, in its order (web/resources.py)."""

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
CHROME = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,"
    "*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"
)
PROTEGE = (
    "application/rdf+xml, application/xml; q=0.7, text/xml; q=0.6, text/plain; q=0.1, */*; q=0.09"
)
RDFLIB = (
    "application/rdf+xml, text/n3, text/turtle, application/n-triples, application/ld+json, "
    "application/n-quads, application/trix, application/trig"
)
COMUNICA = (
    "application/n-quads,application/trig;q=0.95,application/ld+json;q=0.9,"
    "application/n-triples;q=0.8,text/turtle;q=0.6,application/rdf+xml;q=0.5,text/n3;q=0.35,"
    "application/xml;q=0.3,image/svg+xml;q=0.3,text/xml;q=0.3,text/html;q=0.2,"
    "application/xhtml+xml;q=0.18,application/json;q=0.135,text/shaclc;q=0.1"
)
JENA = (
    "text/turtle,application/n-triples;q=0.9,application/ld+json;q=0.8,"
    "application/rdf+xml;q=0.7,*/*;q=0.5"
)


class Apache:
    """One Apache httpd started for the tests, and a client that never follows redirects."""

    def __init__(self, workdir: Path, docroot: Path) -> None:
        self.workdir = workdir
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        conf = workdir / "httpd.conf"
        conf.write_text(_config(workdir, docroot, self.port), encoding="utf-8")
        self.log = workdir / "apache.out"
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [str(APACHE), "-f", str(conf), "-DFOREGROUND"],
                stdout=out,
                stderr=subprocess.STDOUT,
                env={"PATH": "/usr/sbin:/usr/bin:/bin", "LANG": "C"},
            )
        self.client = httpx.Client(base_url=self.url, follow_redirects=False, timeout=10)

    def wait_until_ready(self, seconds: float = 15.0) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"Apache exited with {self.process.returncode}:\n{self.logs()}")
            try:
                self.client.get("/natograph/health")
                return
            except httpx.TransportError:
                time.sleep(0.05)
        pytest.fail(f"Apache did not answer within {seconds} s:\n{self.logs()}")

    def logs(self) -> str:
        texts = [p.read_text(errors="replace") for p in (self.log, self.workdir / "error.log")]
        return "\n".join(t for t in texts if t)

    def stop(self) -> None:
        self.client.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _config(workdir: Path, docroot: Path, port: int) -> str:
    modules = [f"LoadModule {m}_module {MODULES}/mod_{m}.so" for m in LOADED]
    # Started as root, Apache serves as an unprivileged user; as anyone else, as themselves.
    user = []
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        user = [f"User #{nobody.pw_uid}", f"Group #{nobody.pw_gid}"]
    return "\n".join(
        [
            f"ServerRoot {workdir}",
            f"Listen 127.0.0.1:{port}",
            "ServerName 127.0.0.1",
            *user,
            *modules,
            "TypesConfig /dev/null",
            f"PidFile {workdir}/httpd.pid",
            f"DefaultRuntimeDir {workdir}",
            f"ErrorLog {workdir}/error.log",
            "LogLevel warn",
            f"DocumentRoot {docroot}",
            "<Directory />",
            "    AllowOverride None",
            "    Require all denied",
            "</Directory>",
            f"<Directory {docroot}>",
            "    Options FollowSymLinks",
            "    AllowOverride All",
            "    Require all granted",
            "</Directory>",
            "",
        ]
    )


def _docroot() -> Path:
    """`natograph/` holds the committed rules, `other/` the rules generated for OTHER.

    Outside pytest's tmp_path, which is private to its owner: Apache started as root reads
    `.htaccess` as `nobody`, so the folders must be world-readable.
    """
    docroot = Path(tempfile.mkdtemp(prefix="natograph-w3id-"))
    docroot.chmod(0o755)
    for folder, text in (
        ("natograph", COMMITTED.read_text(encoding="utf-8")),
        ("other", generate(OTHER)),
    ):
        (docroot / folder).mkdir(mode=0o755)
        rules = docroot / folder / ".htaccess"
        rules.write_text(text, encoding="utf-8")
        rules.chmod(0o644)
    return docroot


@pytest.fixture(scope="module")
def apache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Apache]:
    if not APACHE.is_file():
        pytest.fail(
            f"Apache httpd is not installed at {APACHE}: run `make apache` (as root; it installs "
            "Debian's apache2-bin package), then run the tests again.",
            pytrace=False,
        )
    docroot = _docroot()
    server = Apache(tmp_path_factory.mktemp("apache"), docroot)
    try:
        server.wait_until_ready()
        yield server
    finally:
        server.stop()
        shutil.rmtree(docroot, ignore_errors=True)


def _get(
    apache: Apache, path: str, accept: str | None = None, method: str = "GET"
) -> httpx.Response:
    headers = {} if accept is None else {"Accept": accept}
    response = apache.client.request(method, "/natograph/" + path, headers=headers)
    assert response.headers.get("access-control-allow-origin") == "*", path
    return response


def _server_location(path: str, accept: str | None) -> str:
    """Where the server's own negotiation sends a thing: its document, or (406) nowhere."""
    chosen = choose(accept, OFFERED)
    if chosen is None:
        return T + path  # handed on: the server answers 406 with what it offers
    fmt = BY_MEDIA_TYPE[MEDIA_TYPE_ALIASES.get(chosen, chosen)]
    return T + path + fmt.extension


# (path, Accept, status, Location, Vary: Accept?)
CASES = [
    # things: 303 to the document chosen by Accept
    ("id/country/UKR", None, 303, T + "id/country/UKR.html", True),
    ("id/country/UKR", "*/*", 303, T + "id/country/UKR.html", True),
    ("id/country/UKR", BROWSER, 303, T + "id/country/UKR.html", True),
    ("id/country/UKR", PROTEGE, 303, T + "id/country/UKR.rdf", True),
    ("id/country/UKR", "text/turtle", 303, T + "id/country/UKR.ttl", True),
    ("id/country/UKR", "application/ld+json", 303, T + "id/country/UKR.jsonld", True),
    ("id/country/UKR", "application/n-triples", 303, T + "id/country/UKR.nt", True),
    ("id/country/UKR", "application/trig", 303, T + "id/country/UKR.trig", True),
    ("ontology", PROTEGE, 303, T + "ontology.rdf", True),
    # the ontology for a client naming no HTML (owlready2: no Accept; curl: */*): RDF/XML
    ("ontology", None, 303, T + "ontology.rdf", True),
    ("ontology", "*/*", 303, T + "ontology.rdf", True),
    ("ontology/0.1.0", None, 303, T + "ontology/0.1.0.rdf", True),
    ("ontology", BROWSER, 303, T + "ontology.html", True),
    ("ontology", "text/turtle", 303, T + "ontology.ttl", True),
    ("ontology/PartnershipMembership", None, 303, T + "ontology/PartnershipMembership.html", True),
    (
        "ontology/PartnershipMembership",
        "text/turtle",
        303,
        T + "ontology/PartnershipMembership.ttl",
        True,
    ),
    ("graph/inferred", "application/trig", 303, T + "graph/inferred.trig", True),
    ("id/pfp?lang=fr", BROWSER, 303, T + "id/pfp.html?lang=fr", True),
    # nothing on offer: the server's negotiation answers (406 with what it offers)
    ("id/country/UKR", "image/png", 303, T + "id/country/UKR", True),
    # the namespace root: the landing page, or the dataset's description for RDF
    ("", None, 302, T, True),
    ("", BROWSER, 302, T, True),
    ("", "text/turtle", 303, T + "dataset.ttl", True),
    ("", PROTEGE, 303, T + "dataset.rdf", True),
    ("", "application/ld+json", 303, T + "dataset.jsonld", True),
    # documents: the same path on the host, whatever Accept says
    ("id/country/UKR.ttl", "text/html", 302, T + "id/country/UKR.ttl", False),
    ("ontology.rdf", None, 302, T + "ontology.rdf", False),
    ("ontology.owl", None, 302, T + "ontology.owl", False),
    ("dataset.jsonld", "text/turtle", 302, T + "dataset.jsonld", False),
    # what the server serves as it is
    (
        "sparql?query=ASK%7B%7D",
        "application/sparql-results+json",
        307,
        T + "sparql?query=ASK%7B%7D",
        False,
    ),
    ("sparql", None, 307, T + "sparql", False),
    ("query", BROWSER, 302, T + "query", False),
    ("health", None, 302, T + "health", False),
    ("openapi.json", None, 302, T + "openapi.json", False),
    ("context.jsonld", "application/ld+json", 302, T + "context.jsonld", False),
    ("static/natograph.css", None, 302, T + "static/natograph.css", False),
    ("dist/natograph.nt.gz", None, 302, T + "dist/natograph.nt.gz", False),
    (".well-known/void", "text/turtle", 302, T + ".well-known/void", False),
]


@pytest.mark.parametrize(("path", "accept", "status", "location", "vary"), CASES)
def test_redirects(
    apache: Apache, path: str, accept: str | None, status: int, location: str, vary: bool
) -> None:
    response = _get(apache, path, accept)
    assert (response.status_code, response.headers.get("location")) == (status, location)
    assert response.headers.get("vary") == ("Accept" if vary else None)


def test_post_to_the_endpoint_stays_a_post(apache: Apache) -> None:
    response = apache.client.post(
        "/natograph/sparql",
        content="ASK {}",
        headers={"Content-Type": "application/sparql-query"},
    )
    assert (response.status_code, response.headers["location"]) == (307, T + "sparql")


@pytest.mark.parametrize(
    "accept",
    [
        None,
        "",
        "*/*",
        BROWSER,
        CHROME,
        PROTEGE,
        RDFLIB,
        COMUNICA,
        JENA,
        "application/rdf+xml, */*;q=0.1",  # rdflib, format="xml"
        "text/turtle, application/x-turtle, */*;q=0.1",  # rdflib, format="turtle"
        "text/plain, */*;q=0.1",  # rdflib, format="nt"
        "application/ld+json, application/json;q=0.9, */*;q=0.1",  # rdflib, format="json-ld"
        "application/json, */*;q=0.5",  # HTTPie
        "application/rdf+xml, */*",  # an equal-quality wildcard: the server's order, HTML
        "TEXT/Turtle",
        "text/turtle;charset=utf-8",
        "text/turtle; q=1.0",
        'application/ld+json;profile="http://www.w3.org/ns/json-ld#compacted"',
        "application/xhtml+xml",
        "application/x-turtle",
        "application/xml",
        "text/*",
        "application/*",
        "application/*, text/turtle;q=0.9",
        "text/html;q=0, */*",  # anything but HTML
        "text/html;q=0.5, */*",
        "text/html;q=0.5, text/turtle;q=0.5, */*",
        "text/*;q=0.5, */*",
        "application/rdf+xml;q=0.9, text/turtle;q=0.8",
        "text/html;level=1;q=0.5, application/trig;q=0.4",
        "image/webp;q=0.9, */*;q=0.8",
        "text/turtle;q=0",
        "*/*;q=0",
        "image/png",
        "application/n-quads",
    ],
)
def test_negotiation_agrees_with_the_server(apache: Apache, accept: str | None) -> None:
    response = _get(apache, "id/country/UKR", accept)
    assert response.status_code == 303
    assert response.headers["location"] == _server_location("id/country/UKR", accept)


@pytest.mark.parametrize(
    ("accept", "extension"),
    [
        # Lower qualities out of order: w3id reads the header's order (Turtle), the server the
        # q-values (JSON-LD). Clients list their preferences best first, so this is rare.
        ("text/turtle;q=0.5, application/ld+json;q=0.9", ".ttl"),
        # Equal lower qualities: w3id takes the first named, the server its own order.
        ("application/xml;q=0.9, text/turtle;q=0.9", ".rdf"),
    ],
)
def test_documented_approximation(apache: Apache, accept: str, extension: str) -> None:
    """Where reading Accept without q-values parts from the server, as the rules' header says."""
    response = _get(apache, "id/x", accept)
    assert response.headers["location"] == T + "id/x" + extension
    assert _server_location("id/x", accept) != T + "id/x" + extension


@pytest.mark.parametrize(
    ("path", "accept", "status", "location"),
    [
        ("id/x", "text/turtle", 303, OTHER + "id/x.ttl"),
        ("", "application/ld+json", 303, OTHER + "dataset.jsonld"),
        ("", None, 302, OTHER),
        ("sparql?query=ASK%7B%7D", None, 307, OTHER + "sparql?query=ASK%7B%7D"),
        ("id/x.nt", None, 302, OTHER + "id/x.nt"),
    ],
)
def test_a_target_with_a_port_and_a_path(
    apache: Apache, path: str, accept: str | None, status: int, location: str
) -> None:
    headers = {} if accept is None else {"Accept": accept}
    response = apache.client.get("/other/" + path, headers=headers)
    assert (response.status_code, response.headers.get("location")) == (status, location)


@pytest.mark.parametrize(
    ("path", "accept"),
    [
        ("id/<script>alert(1)</script>", BROWSER),
        ("id/a b", "text/turtle"),
        ("id/Україна", None),
        ("id/x%3Fy", None),
        ("id/x%23y", None),
        ("id/x%25y", None),
        ("id/x", "a" * 6000),
        ("id/x", "text/turtle" + "; a = b" * 1000),
        ("id/x", ", " * 3000 + "text/turtle"),
    ],
)
def test_hostile_requests_get_a_clear_answer(apache: Apache, path: str, accept: str | None) -> None:
    started = time.monotonic()
    response = _get(apache, path, accept)
    # No rewrite rule backtracks on hostile input: a generous bound, not a speed target.
    assert time.monotonic() - started < 10
    assert response.status_code in (303, 403), response.text
    location = response.headers.get("location", "")
    assert not any(c in location for c in "<> \"'"), location


def test_committed_file_is_the_generated_one() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == generate(PUBLISHED_TARGET), (
        "w3id/natograph/.htaccess is out of date: regenerate it with "
        "`natograph htaccess --output w3id/natograph/.htaccess`"
    )


def test_the_target_is_documented() -> None:
    assert f"# Target host: {PUBLISHED_TARGET}\n" in COMMITTED.read_text(encoding="utf-8")
    assert PUBLISHED_TARGET in README.read_text(encoding="utf-8")


def test_every_served_path_and_document_goes_to_the_same_path(apache: Apache) -> None:
    """Read from documents.py, so a served path or format added there is covered here."""
    paths = [p + "x" if p.endswith("/") else p for p in SERVED_PATHS]
    paths += [f"id/pfp{f.extension}" for f in FORMATS]
    for path in paths:
        response = _get(apache, path + "?a=1", "text/turtle")
        assert response.status_code == (307 if path in POST_PATHS else 302), path
        assert response.headers["location"] == T + path + "?a=1"
        assert "vary" not in response.headers, path


@pytest.mark.parametrize(
    "target",
    [
        "https://host.example",  # no trailing slash
        "ftp://host.example/",
        "/relative/",
        "https://host.example/?a=1",
        "https://host.example/#x",
        "https://host.example/$1/",
        "https://host.example/a b/",
        "https://host.example/%{ENV:X}/",
    ],
)
def test_unsafe_targets_are_refused(target: str) -> None:
    with pytest.raises(ValueError, match="target"):
        check_target(target)
