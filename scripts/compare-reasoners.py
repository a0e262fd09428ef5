"""Compare reasonable's OWL 2 RL closure with owlrl's on the curated graph (issue 10).

reasonable is not a dependency yet: install it beside the venv, then run
    pip install --target /tmp/rs reasonable==0.4.4
    PYTHONPATH=/tmp/rs .venv/bin/python scripts/compare-reasoners.py
Findings: docs/research/reasoner-evaluation.md.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import reasonable  # type: ignore[import-not-found]
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from natograph.build import reason

ROOT = Path(__file__).resolve().parents[1]
XSD_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")
Triple = tuple[Node, Node, Node]


def normalised(triple: Triple) -> Triple:
    """`"x"^^xsd:string` as `"x"`: one RDF 1.1 term, two rdflib ones."""
    s, p, o = triple
    if isinstance(o, Literal) and o.datatype == XSD_STRING:
        o = Literal(str(o))
    return s, p, o


def main() -> None:
    asserted = Graph()
    for folder in ("ontology", "data"):
        for path in sorted((ROOT / folder).glob("*.ttl")):
            asserted.parse(path, format="turtle")
    start = time.perf_counter()
    reference, _problems = reason.materialise(asserted)
    owlrl_seconds = time.perf_counter() - start
    start = time.perf_counter()
    reasoner = reasonable.PyReasoner()
    reasoner.from_graph(asserted)
    closure = reasoner.reason()
    reasonable_seconds = time.perf_counter() - start
    base = {normalised(t) for t in asserted}
    theirs = {normalised(t) for t in closure if reason._meaningful(*t)} - base
    ours = {normalised(t) for t in reference}
    print(f"asserted {len(asserted)}")
    print(f"owlrl {owlrl_seconds:.2f} s, {len(ours)} inferred")
    print(f"reasonable {reasonable_seconds:.2f} s, {len(theirs)} inferred")
    for name, only in (("owlrl", ours - theirs), ("reasonable", theirs - ours)):
        print(f"only {name}: {len(only)}")
        for predicate, n in Counter(str(t[1]) for t in only).most_common(8):
            print(f"  {n:5d} {predicate}")


if __name__ == "__main__":
    main()
