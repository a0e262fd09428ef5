"""Fairness under adversarial load: another client's look-ups while one client floods.

One "attacker" client (its own loopback address) keeps two explosive queries in flight, each
replaced as soon as it ends (time-out, 429 or 503); meanwhile a "researcher" (another address)
sends uncached look-ups one after the other. Measured side by side against `natograph serve`
with its defaults (short lane, per-client limit) and with both switched off (the pool as it was
before them: `--lane-workers 0`, no per-client limit), plus the look-ups on an idle server.
The query time-out is 5 s in all three, so the unprotected case shows the wait a look-up can have
behind explosive queries.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from bench.client import Latencies

EXPLOSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
LOOKUP = "ASK { <https://w3id.org/natograph/id/country/MKD> ?p ?o }"
TIMEOUT = "5"
VARIANTS = {
    "idle server": (),
    "two explosive queries, natograph defaults": (),
    "two explosive queries, no lane, no per-client limit": (
        "NATOGRAPH_LANE_WORKERS=0",
        "NATOGRAPH_CLIENT_QUERIES=0",
    ),
}


@dataclass
class Variant(Latencies):
    name: str
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    attacker_statuses: dict[int, int] = field(default_factory=dict)

    @property
    def worst(self) -> float:
        return max(self.latencies, default=float("nan"))


@dataclass
class FairnessResults:
    lookups: int = 0
    variants: list[Variant] = field(default_factory=list)


def _client(address: str) -> httpx.Client:
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=60)


def _flood(url: str, stop: threading.Event, variant: Variant) -> None:
    with _client("127.0.0.2") as attacker:
        while not stop.is_set():
            query = f"{EXPLOSIVE}\n# {uuid.uuid4()}"
            try:
                status = attacker.get(url + "/sparql", params={"query": query}).status_code
            except httpx.HTTPError:
                status = 0
            variant.attacker_statuses[status] = variant.attacker_statuses.get(status, 0) + 1
            if status == 429:
                time.sleep(0.05)  # what a polite flood would do; an impolite one is refused anyway


def _lookups(url: str, count: int, variant: Variant, seconds: float = 40.0) -> None:
    """`count` look-ups one after the other, or as many as `seconds` allow."""
    deadline = time.perf_counter() + seconds
    with _client("127.0.0.3") as researcher:
        researcher.get(url + "/health")  # open the connection
        for _ in range(count):
            if time.perf_counter() > deadline:
                break
            query = f"{LOOKUP}\n# {uuid.uuid4()}"
            started = time.perf_counter()
            response = researcher.get(url + "/sparql", params={"query": query})
            variant.latencies.append(time.perf_counter() - started)
            if response.status_code != 200:
                variant.errors += 1


def run_section(lookups: int, log: Callable[[str], None]) -> FairnessResults:
    from bench.servers import Servers, free_port, natograph_serve

    out = FairnessResults(lookups=lookups)
    with Servers() as servers:
        for name, settings in VARIANTS.items():
            env = dict(item.split("=", 1) for item in settings)
            args = ("--no-hermit", "--query-timeout", TIMEOUT)
            server = servers.start(natograph_serve(free_port(), *args, env=env), 300)
            variant = Variant(name)
            stop = threading.Event()
            floods = [] if name == "idle server" else [
                threading.Thread(target=_flood, args=(server.base_url, stop, variant))
                for _ in range(2)
            ]  # fmt: skip
            for flood in floods:
                flood.start()
            time.sleep(1.0 if floods else 0.0)  # both explosive queries now hold workers
            _lookups(server.base_url, lookups, variant)
            stop.set()
            for flood in floods:
                flood.join(timeout=30)
            server.stop()
            out.variants.append(variant)
            p50, p99, worst = (x * 1000 for x in (variant.p50, variant.p99, variant.worst))
            log(f"  fairness: {name}: p50 {p50:.1f} ms, p99 {p99:.1f} ms, worst {worst:.0f} ms")
    return out
