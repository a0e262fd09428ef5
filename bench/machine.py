"""One line describing the machine and the software versions a result was measured with."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import platform
from datetime import UTC, datetime
from pathlib import Path

import psutil

PACKAGES = ("pyoxigraph", "rdflib", "rdflib-endpoint", "fastapi", "uvicorn", "httpx")


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def os_name() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip().strip('"') + f" (Linux {platform.release()})"
    except OSError:
        pass
    return f"{platform.system()} {platform.release()}"


def version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def http_stack() -> str:
    """What uvicorn runs on here: uvloop/httptools if installed, else asyncio + h11."""
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    return f"uvicorn on {loop} + {http}"


def line() -> str:
    ram = psutil.virtual_memory().total / 2**30
    versions = ", ".join(f"{name} {version(name)}" for name in PACKAGES)
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"Machine: {cpu_model()}, {os.cpu_count()} cores, {ram:.1f} GiB RAM, {os_name()}, "
        f"Python {platform.python_version()}; {versions}; {http_stack()}; run {when}"
    )
