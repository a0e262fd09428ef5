"""`/dist/`: the release files, served as they are, and `/.well-known/void`, which describes them.

The server writes the release itself, with the same function as `natograph build`, the first time
someone needs it (a download or the dataset description), never at start-up: building the JSON-LD
takes a couple of seconds and most runs of the server never need it. The files are kept in the
cache folder under a key of everything they depend on, so a restart over unchanged inputs finds
them ready; writing goes to a temporary folder renamed into place, so neither a second server
process nor a crash can ever expose half a release.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import tempfile
import threading
from email.utils import format_datetime
from pathlib import Path

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from markupsafe import escape
from rdflib import Graph

from natograph.errors import NatographError
from natograph.publish.release import (
    CHECKSUMS,
    ReleaseFile,
    fingerprint,
    read_release,
    write_release,
)
from natograph.publish.void import dataset_description
from natograph.settings import Settings
from natograph.web.conditional import none_match
from natograph.web.description import void_description
from natograph.web.rdf import content_type, rdf_response
from natograph.web.served import ServedGraph

log = logging.getLogger("natograph.web")

CACHE_CONTROL = "public, max-age=0, must-revalidate"
"""The file names are stable while their content follows the data: always revalidate (cheap,
the ETag is the file's SHA-256)."""


class ReleaseUnavailable(NatographError):
    """The release could not be written (disk full, no writable folder)."""


class ServedRelease:
    """The release files of the served graph, written on first need, once per process."""

    def __init__(self, served: ServedGraph, settings: Settings) -> None:
        self.served = served
        self.base_iri = settings.base_iri
        key = (served.version, settings.base_iri, served.modified.date().isoformat(), fingerprint())
        self.key = hashlib.sha256("\0".join(key).encode()).hexdigest()[:32]
        """Everything the files depend on: the inputs (the dataset version), the base IRI and the
        modification date the description states, and the code that writes them."""
        cache = settings.cache_folder
        # A graph not built from files (tests) has only a weak version: keep it out of the cache.
        if cache is None or served.build is None:
            self._cache = None
        else:
            self._cache = cache / "release"
        self._lock = threading.Lock()
        self._files: list[ReleaseFile] | None = None
        self._folder: Path | None = None
        self._description: Graph | None = None
        self._temporary: tempfile.TemporaryDirectory[str] | None = None

    def files(self) -> list[ReleaseFile]:
        """The files, writing them first if this is the first need (blocking)."""
        if self._files is None:
            with self._lock:
                if self._files is None:
                    self._folder, self._files = self._open()
        return self._files

    def path(self, name: str) -> Path | None:
        """The file called `name` in the release, or None for any other name."""
        if not any(f.name == name for f in self.files()):
            return None
        assert self._folder is not None
        return self._folder / name

    def description(self) -> Graph:
        """VoID + DCAT of the dataset with its permanent IRIs (what GET /dataset answers)."""
        if self._description is None:
            files = self.files()
            with self._lock:
                if self._description is None:
                    self._description = dataset_description(
                        self.served.store,
                        base_iri=self.base_iri,
                        modified=self.served.modified.date(),
                        files=files,
                    )
        return self._description

    async def ready(self) -> list[ReleaseFile]:
        """`files()` off the event loop, so a first build never stalls other requests."""
        try:
            return await run_in_threadpool(self.files)
        except OSError as err:
            log.exception("cannot write the release files")
            raise ReleaseUnavailable(str(err)) from err

    def _open(self) -> tuple[Path, list[ReleaseFile]]:
        if self._cache is not None:
            try:
                return self._open_cached(self._cache)
            except OSError:
                log.warning("cannot write under %s; release in a temporary folder", self._cache)
        self._temporary = tempfile.TemporaryDirectory(prefix="natograph-release-")
        folder = Path(self._temporary.name)
        return folder, self._write(folder)

    def _open_cached(self, cache: Path) -> tuple[Path, list[ReleaseFile]]:
        folder = cache / self.key
        found = read_release(folder)
        if found is not None:
            return folder, found
        cache.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".writing-", dir=cache))
        try:
            files = self._write(staging)
            if folder.exists():  # left over, but incomplete or damaged (read_release said so)
                shutil.rmtree(folder, ignore_errors=True)
            try:
                staging.replace(folder)
            except OSError:
                # Another server process put its (identical) release in place first.
                found = read_release(folder)
                if found is None:
                    raise
                files = found
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return folder, files

    def _write(self, folder: Path) -> list[ReleaseFile]:
        return write_release(
            self.served.store,
            folder,
            base_iri=self.base_iri,
            modified=self.served.modified.date(),
        )


def downloads_router(release: ServedRelease) -> APIRouter:
    """GET/HEAD `/dist/` (a listing), `/dist/<file>` and `/.well-known/void`."""
    router = APIRouter()
    modified = format_datetime(release.served.modified, usegmt=True)

    async def dist_folder(request: Request) -> Response:
        return RedirectResponse(str(request.base_url) + "dist/", status_code=308)

    async def listing(request: Request) -> Response:
        try:
            files = await release.ready()
        except ReleaseUnavailable as err:
            return _unavailable(err)
        etag = 'W/"' + next(f.sha256 for f in files if f.name == CHECKSUMS) + '"'
        headers = _headers(etag, modified)
        if none_match(request.headers.get("if-none-match"), etag):
            return Response(status_code=304, headers=headers)
        return HTMLResponse(_listing(files), headers=headers)

    async def download(name: str, request: Request) -> Response:
        try:
            files = {f.name: f for f in await release.ready()}
        except ReleaseUnavailable as err:
            return _unavailable(err)
        found = files.get(name)  # only these names: nothing else under the folder is reachable
        path = release.path(name) if found is not None else None
        if found is None or path is None:
            return _text(404, f"No release file {name[:200]!r}; the files: {', '.join(files)}")
        # A .gz file is never content-coded on the way (the gzip middleware skips
        # application/gzip), so its checksum is a strong validator; other files may be.
        etag = ('"{}"' if found.gzip else 'W/"{}"').format(found.sha256)
        headers = _headers(etag, modified)
        if none_match(request.headers.get("if-none-match"), etag):
            return Response(status_code=304, headers=headers)
        return FileResponse(path, media_type=content_type(found.served_type), headers=headers)

    async def void(request: Request) -> Response:
        try:
            await release.ready()
        except ReleaseUnavailable as err:
            return _unavailable(err)
        dataset = await run_in_threadpool(release.description)
        graph = void_description(dataset, str(request.base_url) + "sparql")
        return rdf_response(request, graph, "the dataset description")

    routes = (
        ("/dist", dist_folder, None),
        ("/dist/", listing, "Release files (a listing)"),
        ("/dist/{name:path}", download, "One release file, as it is"),
        ("/.well-known/void", void, "VoID and DCAT description of the dataset"),
    )
    for path, endpoint, summary in routes:
        # HEAD is answered for every GET route by web.methods.
        router.add_api_route(
            path, endpoint, methods=["GET"], summary=summary, include_in_schema=bool(summary)
        )
    return router


def _text(status: int, message: str) -> Response:
    return Response(
        message + "\n",
        status_code=status,
        media_type="text/plain; charset=utf-8",
        headers={"X-Content-Type-Options": "nosniff"},
    )


def _unavailable(_err: ReleaseUnavailable) -> Response:
    # The cause (a path, a disk error) is logged by ready(), not shown.
    return _text(503, "The release files cannot be written on this server; please try later.")


def _headers(etag: str, modified: str) -> dict[str, str]:
    return {
        "ETag": etag,
        "Last-Modified": modified,
        "Cache-Control": CACHE_CONTROL,
        "X-Content-Type-Options": "nosniff",
    }


def _listing(files: list[ReleaseFile]) -> str:
    rows = "\n".join(
        f'<tr><td><a href="{escape(f.name)}">{escape(f.name)}</a></td>'
        f'<td class="n">{f.size:,}</td><td>{escape(f.served_type)}</td>'
        f"<td>{escape(f.title)}</td><td><code>{f.sha256}</code></td></tr>"
        for f in files
    )
    return f"""<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>natograph release files</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:system-ui,sans-serif;margin:2rem}}td,th{{padding:.2rem .6rem;
text-align:left}}.n{{text-align:right}}code{{font-size:.75rem}}</style></head>
<body>
<h1>natograph release files</h1>
<p>Built from the graph this server serves, by the same code as <code>natograph build</code>.
<a href="dataset.ttl">dataset.ttl</a> describes them (VoID, DCAT);
<a href="SHA256SUMS">SHA256SUMS</a> checks them (<code>sha256sum -c SHA256SUMS</code>).</p>
<table>
<thead><tr><th>file</th><th class="n">bytes</th><th>type</th><th>content</th>
<th>SHA-256</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
</body>
</html>
"""
