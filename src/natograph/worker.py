"""`python -m natograph.worker`: one query worker process (see executor.py)."""

from __future__ import annotations

import sys

from natograph.executor import worker_main

if __name__ == "__main__":
    worker_main(sys.argv[1:])
