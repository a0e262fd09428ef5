"""`natograph serve` as a real process: it starts, answers, and refuses to serve invalid data."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def natograph(*args: str) -> list[str]:
    return [sys.executable, "-m", "natograph.cli", *args]


def wait_until_up(url: str, process: subprocess.Popen[str], seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(
                f"server exited early:\n{process.stderr.read() if process.stderr else ''}"
            )
        try:
            if httpx.get(url + "/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError("server did not answer /health in time")


def test_serve_answers_queries_and_stops_cleanly() -> None:
    port = free_port()
    env = {**os.environ, "NATOGRAPH_ROOT": str(ROOT)}
    cmd = natograph("serve", "--port", str(port), "--no-hermit", "--query-workers", "1")
    process = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, text=True)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(url, process)
        response = httpx.get(
            url + "/sparql",
            params={"query": "SELECT (COUNT(?c) AS ?n) WHERE { ?c a ngo:AlliedCountry }"},
            headers={"Accept": "text/csv"},
        )
        assert response.status_code == 200
        assert response.text.splitlines() == ["n", "32"]
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)
    assert process.returncode == 0


def test_serve_refuses_invalid_data_with_the_check_report(project: Path) -> None:
    (project / "data" / "broken.ttl").write_text(
        "@prefix ngo: <https://w3id.org/natograph/ontology/> .\nngo:a ngo:b .\n"
    )
    done = subprocess.run(
        natograph("serve", "--root", str(project), "--no-hermit", "--port", str(free_port())),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "data/broken.ttl:2" in done.stderr
    assert "refusing to serve an invalid graph" in done.stderr


def test_serve_on_disk_store_survives_a_restart(tmp_path: Path) -> None:
    """With --store the graph is rebuilt into the folder at each start, never duplicated."""
    counts = []
    for _ in range(2):
        port = free_port()
        cmd = natograph(
            "serve",
            "--port",
            str(port),
            "--no-hermit",
            "--query-workers",
            "1",
            "--store",
            str(tmp_path / "store"),
        )
        env = {**os.environ, "NATOGRAPH_ROOT": str(ROOT)}
        process = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, text=True)
        try:
            url = f"http://127.0.0.1:{port}"
            wait_until_up(url, process)
            query = {"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"}
            response = httpx.get(url + "/sparql", params=query, headers={"Accept": "text/csv"})
            counts.append(int(response.text.splitlines()[1]))
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=20)
    assert counts[0] == counts[1] > 8000
