"""SHACL validation with pySHACL, turned into problems an editor can act on.

pySHACL's own report is a graph; here each result becomes a `Problem` that names the shape, the
focus node, the message and the file (and line) where the focus node is defined.
"""

from __future__ import annotations

from collections.abc import Callable

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from natograph.build.asserted import Asserted
from natograph.build.cache import Cache
from natograph.build.diagnostics import Problem, Severity, cached_problems
from natograph.namespaces import curie

Locator = Callable[[str, str | None], tuple[str | None, int | None]]
"""Given an IRI (and a literal's text, or None), the file and line that define it (or write
that literal in its description)."""

_SEVERITY = {SH.Violation: Severity.ERROR, SH.Warning: Severity.WARNING, SH.Info: Severity.INFO}


ENGINES = ("pyshacl-turbo", "pyshacl")
"""pyshacl-turbo, a Rust engine behind pySHACL's API, is the default (about ten times faster);
pySHACL is the reference it is tested against, problem by problem (tests/test_shapes.py)."""


def shacl_cached(
    asserted: Asserted,
    shapes: Graph,
    locate: Locator,
    cache: Cache,
    key: str,
    engine: str = "pyshacl-turbo",
) -> list[Problem]:
    """`shacl`, reusing the report for byte-identical inputs.

    The report depends only on the bytes of the ontology, data and shape files, on pySHACL's
    version and on this module (which words the messages), all of which make up `key`: an
    unchanged graph is validated once, not at every start-up and every `natograph query`."""
    return cached_problems(
        cache, key, ".shacl.json", lambda: shacl(asserted, shapes, locate, engine)
    )


def shacl(
    asserted: Asserted, shapes: Graph, locate: Locator, engine: str = "pyshacl-turbo"
) -> list[Problem]:
    """Validate data and ontology together against the shapes.

    The ontology goes into the data graph itself, not pySHACL's ont_graph (which keeps only its
    RDFS/OWL axioms), so that shapes on ontology terms see their labels and definitions.
    pySHACL gets the rdflib graph; pyshacl-turbo the N-Triples (see `_turbo`).
    """
    if engine == "pyshacl-turbo":
        result = _turbo(asserted, shapes)
    elif engine == "pyshacl":
        import pyshacl  # imported only by a build that misses its cache (0.1 s)

        result = pyshacl.validate(
            asserted.graph,
            shacl_graph=shapes,
            inference="none",
            advanced=True,
            allow_warnings=True,
            abort_on_first=False,
        )
    else:
        raise ValueError(f"unknown SHACL engine {engine!r}: one of {', '.join(ENGINES)}")
    _conforms, report, _text = result
    # Warnings do not affect sh:conforms, so the results are read even when it is true.
    assert isinstance(report, Graph)
    results = report.subjects(RDF.type, SH.ValidationResult)
    problems = [_problem(report, shapes, r, locate) for r in results]
    return sorted(problems, key=lambda p: (p.shape or "", p.file or "", p.line or 0, p.focus or ""))


def _turbo(asserted: Asserted, shapes: Graph) -> tuple[bool, Graph, str]:
    """pyshacl-turbo over N-Triples that its Rust side parses itself.

    Its `validate()` turns any data it is given (text too) into an rdflib graph first, then
    back into terms: about 30 us a triple, twice the validation. Handing the compiled shapes an
    `Input` (the wrapper its own entry point builds for text already parsed) skips that. `Input`
    is pyshacl-turbo's internal class, so the pinned version is the one tested: the report is
    checked against pySHACL's on every fixture (tests/test_shapes.py).
    """
    import pyshacl_turbo  # imported only by a build that misses its cache
    from pyshacl_turbo.rdf import Input as TurboInput

    program = pyshacl_turbo.compile_shapes(shapes, advanced=True)  # type: ignore[no-untyped-call]
    data = TurboInput(asserted.ntriples().decode("utf-8"), "nt", None, {})
    conforms, report, text = program.validate(
        data, allow_warnings=True, abort_on_first=False, _normalize_report_literals=True
    )
    return bool(conforms), report, str(text)


def _problem(report: Graph, shapes: Graph, result: Node, locate: Locator) -> Problem:
    def one(prop: URIRef) -> Node | None:
        return report.value(result, prop)

    focus = one(SH.focusNode)
    shape = one(SH.sourceShape)
    messages = sorted(str(m) for m in report.objects(result, SH.resultMessage))
    component = one(SH.sourceConstraintComponent)
    message = "; ".join(messages) or f"violates {qname(component)}"
    value = one(SH.value)
    literal = str(value) if isinstance(value, Literal) else None
    file, line = locate(str(focus), literal) if isinstance(focus, URIRef) else (None, None)
    raw_severity = one(SH.resultSeverity)
    severity = (
        _SEVERITY.get(raw_severity, Severity.ERROR)
        if isinstance(raw_severity, URIRef)
        else Severity.ERROR
    )
    path = one(SH.resultPath)
    return Problem(
        "shacl",
        message,
        severity=severity,
        file=file,
        line=line,
        focus=qname(focus),
        shape=qname(shape) if isinstance(shape, URIRef) else _shape_label(shapes, shape),
        path=qname(path) if path is not None else None,
        value=qname(value) if value is not None and value != focus else None,
        constraint=qname(component) if component is not None else None,
    )


def _shape_label(shapes: Graph, shape: Node | None) -> str | None:
    if shape is None:
        return None
    parent = shapes.value(None, SH.property, shape)
    path = shapes.value(shape, SH.path)
    if parent is not None:
        return f"{qname(parent)} / {qname(path)}" if path is not None else qname(parent)
    return "anonymous shape"


def qname(node: Node | None) -> str:
    """Shorten an IRI with the project's prefixes, for messages."""
    if node is None:
        return ""
    return curie(str(node)) if isinstance(node, URIRef) else str(node)
