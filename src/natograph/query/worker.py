"""`python -m natograph.query.worker`: one query worker process (see natograph.query.executor)."""

from __future__ import annotations

import sys

from natograph.query.executor import worker_main

if __name__ == "__main__":
    worker_main(sys.argv[1:])
