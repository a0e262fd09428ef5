"""natograph: a knowledge graph of NATO's partnerships."""

from __future__ import annotations

__version__ = "0.1.0"
