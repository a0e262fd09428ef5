"""Values computed once per served graph (web.served.Computed)."""

from __future__ import annotations

import threading
import time

from fastapi import FastAPI

from natograph.web.caching import Computed
from natograph.web.context import published_context
from natograph.web.served import ServedGraph


def test_a_value_is_computed_once_however_many_ask_at_once() -> None:
    computed = Computed()
    calls: list[int] = []

    def slow() -> str:
        calls.append(1)
        time.sleep(0.05)
        return "value"

    got: list[str] = []
    threads = [
        threading.Thread(target=lambda: got.append(computed.get("x", slow))) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert got == ["value"] * 8 and len(calls) == 1
    assert computed.get("y", lambda: 2) == 2, "each name its own value"


def test_the_published_context_is_the_one_json_ld_documents_use(
    served_app: tuple[FastAPI, ServedGraph],
) -> None:
    served = served_app[1]
    assert published_context(served) is published_context(served)
