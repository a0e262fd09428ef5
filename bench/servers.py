"""Servers under test, each a separate process group on 127.0.0.1, always stopped at the end.

`Server.start()` launches the command in a new session (so its process group holds the server
and every worker it spawns), then polls a ready URL until it answers 200, within a time limit.
`Server.stop()` sends SIGTERM to the whole group, then SIGKILL to whatever is left. `Servers` is a
context manager that stops everything it started, on success, on error and on Ctrl-C.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil

HOST = "127.0.0.1"
REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def free_port() -> int:
    """A port the kernel says is free on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def natograph_exe() -> str:
    candidate = BIN / "natograph"
    return str(candidate) if candidate.exists() else "natograph"


class ServerFailed(RuntimeError):
    pass


@dataclass
class Server:
    name: str
    cmd: list[str]
    port: int
    ready_path: str
    """GET this path until it answers 200: the server is then up."""
    ping_path: str
    """A cheap request for opening connections before a measurement."""
    env: dict[str, str] = field(default_factory=dict)
    cwd: Path = REPO
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    ready_seconds: float = 0.0
    log_path: Path | None = None
    tmpdir: Path | None = None

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self, timeout: float = 120.0) -> float:
        """Start and wait until ready; return the seconds from process start to first 200."""
        # A private TMPDIR, removed in stop(): natograph builds an uncached store there, and
        # leaves it behind when stopped by a signal (uvicorn re-raises SIGTERM after shutdown,
        # so atexit handlers do not run).
        self.tmpdir = Path(tempfile.mkdtemp(prefix=f"bench-{self.name}-"))
        self.log_path = self.tmpdir / "server.log"
        env = {**os.environ, "PYTHONPATH": str(REPO), "TMPDIR": str(self.tmpdir), **self.env}
        with self.log_path.open("wb") as log:
            self.started_at = time.perf_counter()
            self.process = subprocess.Popen(
                self.cmd,
                cwd=self.cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = self.started_at + timeout
        with httpx.Client(timeout=2.0) as client:
            while True:
                if self.process.poll() is not None:
                    raise ServerFailed(
                        f"{self.name} exited with {self.process.returncode}:\n" + self.log_tail()
                    )
                with contextlib.suppress(httpx.HTTPError):
                    if client.get(self.base_url + self.ready_path).status_code == 200:
                        break
                if time.perf_counter() > deadline:
                    raise ServerFailed(
                        f"{self.name} not ready after {timeout:g} s:\n" + self.log_tail()
                    )
                time.sleep(0.01)
        self.ready_seconds = time.perf_counter() - self.started_at
        return self.ready_seconds

    def log_tail(self, lines: int = 15) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def processes(self) -> list[psutil.Process]:
        """The server process and all its descendants (query workers)."""
        if self.process is None or self.process.poll() is not None:
            return []
        try:
            root = psutil.Process(self.process.pid)
            return [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def rss(self) -> tuple[int, list[int]]:
        """Resident bytes of the whole tree, and of each process (server first)."""
        parts = []
        for proc in self.processes():
            with contextlib.suppress(psutil.Error):
                parts.append(proc.memory_info().rss)
        return sum(parts), parts

    def cpu_seconds(self) -> float:
        total = 0.0
        for proc in self.processes():
            with contextlib.suppress(psutil.Error):
                times = proc.cpu_times()
                total += times.user + times.system
        return total

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(process.pid, signal.SIGTERM)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=10)
            # Whatever is left of the group (a worker that ignored SIGTERM, a hung server).
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=5)
        if self.tmpdir is not None:
            shutil.rmtree(self.tmpdir, ignore_errors=True)
            self.tmpdir = None

    def restart(self, timeout: float = 120.0) -> float:
        self.stop()
        return self.start(timeout)


def uvicorn_cmd(app: str, port: int) -> list[str]:
    """uvicorn configured as `natograph serve` runs it: log level info, access log on."""
    return [
        sys.executable, "-m", "uvicorn", app,
        "--host", HOST, "--port", str(port), "--log-level", "info",
    ]  # fmt: skip


def natograph_serve(port: int, *extra: str, env: dict[str, str] | None = None) -> Server:
    """`natograph serve --port P --no-hermit` with default settings (plus `extra` flags)."""
    cmd = [natograph_exe(), "serve", "--port", str(port), *extra]
    return Server("natograph", cmd, port, "/health", "/health", env=env or {})


def natograph_store(port: int, files: list[Path], info: Path, cache: Path | None = None) -> Server:
    """natograph's serving stack over an OxigraphStore loaded straight from files (no checks);
    with `cache`, the store is kept there and re-opened by the next start over the same files."""
    cmd = [sys.executable, "-m", "bench.natograph_app", "--port", str(port), "--info", str(info)]
    if cache is not None:
        cmd += ["--cache", str(cache)]
    cmd += [str(f) for f in files]
    return Server("natograph-store", cmd, port, "/health", "/health")


def rdflib_endpoint(port: int, files: list[Path], info: Path) -> Server:
    env = {"BENCH_RDF_FILES": os.pathsep.join(str(f) for f in files), "BENCH_INFO": str(info)}
    ready = "/sparql?query=ASK%7B%7D"
    return Server(
        "rdflib-endpoint", uvicorn_cmd("bench.rdflib_app:app", port), port, ready, ready, env=env
    )


def floor(port: int) -> Server:
    return Server("floor", uvicorn_cmd("bench.floor_app:app", port), port, "/", "/")


class Servers:
    """Stops every server it started when the block ends, however it ends."""

    def __init__(self) -> None:
        self.started: list[Server] = []

    def __enter__(self) -> Servers:
        self._previous = signal.signal(signal.SIGTERM, _raise_exit)
        return self

    def start(self, server: Server, timeout: float = 120.0) -> Server:
        self.started.append(server)
        server.start(timeout)
        return server

    def __exit__(self, *exc: object) -> None:
        for server in reversed(self.started):
            server.stop()
        self.started.clear()
        signal.signal(signal.SIGTERM, self._previous)


def _raise_exit(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)
