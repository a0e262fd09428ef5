"""Cutting a query worker off the network, so that no query can make it connect anywhere.

Oxigraph executes SERVICE (and fetches nothing else), and the text-level check in sparql.guard()
cannot follow every context of its parser. A worker that has moved into a network namespace of
its own, with no interface up, cannot open any connection, whatever the query says; it still
talks to its parent over inherited pipes. Creating the namespace needs root (CAP_SYS_ADMIN) or
unprivileged user namespaces; where neither is available the worker runs as before and says so.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000


def drop_network() -> bool:
    """Move this process into an empty network namespace; True when that succeeded."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    except OSError:
        return False
    # Plain CLONE_NEWNET as root; a user namespace first where unprivileged ones are allowed.
    return any(libc.unshare(flags) == 0 for flags in (CLONE_NEWNET, CLONE_NEWUSER | CLONE_NEWNET))
