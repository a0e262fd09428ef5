"""A loopback TCP listener for the tests that prove the server makes no outgoing connection."""

from __future__ import annotations

import socket
import threading
import time


class Listener:
    """A TCP listener on loopback that records, and drops, every connection made to it."""

    def __init__(self, limit: int = 20, lifetime: float = 60.0) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.05)
        self.port: int = self.server.getsockname()[1]
        self.connections: list[tuple[str, int]] = []
        self._limit = limit
        self._deadline = time.monotonic() + lifetime
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True, name="listener")
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set() and time.monotonic() < self._deadline:
            if len(self.connections) >= self._limit:
                return
            try:
                connection, address = self.server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections.append(address)
            connection.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.server.close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"
