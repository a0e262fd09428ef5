"""The one pipeline: parse -> check definitions -> validate (SHACL) -> reason -> load.

`natograph check`, `natograph query`, the server and the tests all build the graph through
`build()` and `load()`, so what an editor checks is exactly what is served.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from natograph.build import closure, definitions, parse, reason, rules, temporal, validate
from natograph.build.asserted import Asserted
from natograph.build.cache import Cache, content_key
from natograph.build.diagnostics import CheckFailed, Problem, Report
from natograph.build.parse import ParsedFile, parse_turtle, to_rdflib
from natograph.namespaces import GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY, GRAPH_SHAPES
from natograph.settings import Settings
from natograph.store import GraphStore, OxigraphStore
from natograph.store.cached import built_store
from natograph.store.oxigraph import held_store


@dataclass
class Build:
    """The parsed, checked and reasoned graph, ready to load, with its report."""

    ontology: list[ParsedFile] = field(default_factory=list)
    data: list[ParsedFile] = field(default_factory=list)
    shapes: list[ParsedFile] = field(default_factory=list)
    inferred: list[ox.Triple] = field(default_factory=list)
    """The OWL 2 RL entailments and the precision windows, for the inferred graph."""
    report: Report = field(default_factory=Report)

    def files(self) -> Iterator[ParsedFile]:
        yield from self.ontology
        yield from self.data
        yield from self.shapes

    def graph(self, part: str) -> Graph:
        """The rdflib view of `ontology`, `data` or `shapes`."""
        return to_rdflib(q for parsed in getattr(self, part) for q in parsed.quads)

    def locate(self, iri: str, value: str | None = None) -> tuple[str | None, int | None]:
        """The data (else ontology) file and line where a resource's description starts, or
        where, in it, the literal `value` is written."""
        for parsed in [*self.data, *self.ontology, *self.shapes]:
            if iri in parsed.subject_lines:
                line = parsed.value_line(iri, value) if value is not None else None
                return parsed.name, line or parsed.subject_lines[iri]
        return None, None

    def locate_literal(self, value: str) -> tuple[str | None, int | None]:
        """The first data (else ontology) file and line where the literal `value` is written."""
        for parsed in [*self.data, *self.ontology]:
            line = parsed.literal_line(value)
            if line is not None:
                return parsed.name, line
        return None, None


def turtle_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.ttl")) if folder.is_dir() else []


def build(settings: Settings, *, shacl_check: bool = True) -> Build:
    """Run every check and the reasoner; problems land in `build.report`, nothing is raised."""
    result = Build()
    stats = result.report.stats
    t0 = time.perf_counter()
    for part, folder in (
        ("ontology", settings.ontology_dir),
        ("data", settings.data_dir),
        ("shapes", settings.shapes_dir),
    ):
        for path in turtle_files(folder):
            parsed, problems = parse_turtle(path, settings.root)
            result.report.extend(problems)
            if parsed is not None:
                getattr(result, part).append(parsed)
    stats["files"] = sum(1 for _ in result.files())
    stats["seconds_parse"] = round(time.perf_counter() - t0, 3)
    if not result.report.ok:
        return result
    _check(result, settings, shacl_check=shacl_check)
    stats["seconds_total"] = round(time.perf_counter() - t0, 3)
    return result


def _check(result: Build, settings: Settings, *, shacl_check: bool) -> None:
    """The checks after parsing. Each slow step is cached by content, and the rdflib graph the
    uncached steps need (natograph.build.asserted) is only built when one of them runs."""
    asserted = Asserted(result.ontology, result.data)
    ontology = asserted.ontology
    stats, report = result.report.stats, result.report
    stats["triples_ontology"] = len(asserted.ontology_triples)
    stats["triples_data"] = len(asserted.data_triples)
    report.extend(definitions.unknown_terms([*result.data, *result.shapes], ontology))
    report.extend(definitions.conflicting_types([*result.ontology, *result.data], ontology))
    report.extend(definitions.duplicate_definitions([*result.ontology, *result.data]))
    cache = Cache(settings.cache_folder)
    inputs = [p.path for p in [*result.ontology, *result.data]]
    hermit, hermit_start = None, 0.0
    if settings.hermit:  # started first: its JVM works while SHACL and OWL 2 RL run
        t = time.perf_counter()
        key = content_key("hermit", inputs)
        java, timeout = settings.java, settings.hermit_timeout
        hermit = reason.consistency_started(asserted, cache, key, java, timeout)
        hermit_start = time.perf_counter() - t
    if shacl_check:
        t = time.perf_counter()
        shapes = [p.path for p in result.shapes]
        shacl_engine = settings.shacl_engine
        key = content_key(f"shacl-{shacl_engine}", [*inputs, *shapes, Path(validate.__file__)])
        shapes_graph = result.graph("shapes")
        found = validate.shacl_cached(
            asserted, shapes_graph, result.locate, cache, key, shacl_engine
        )
        report.extend(found)
        stats["seconds_shacl"] = round(time.perf_counter() - t, 3)
    if settings.reasoner:
        t = time.perf_counter()
        engine = settings.reasoner_engine
        code = [Path(str(m.__file__)) for m in (reason, closure, rules)]
        key = content_key(f"owl-rl-{engine}", [*inputs, *code])
        inferred, problems = reason.materialise_cached(asserted, cache, key, engine)
        report.extend(_located(problems, result))
        # Precision windows (natograph.build.temporal): derived facts, kept with the entailments.
        key = content_key("windows", [*inputs, Path(temporal.__file__)])
        windows = temporal.windows_cached(asserted, cache, key)
        result.inferred = list(dict.fromkeys([*inferred, *windows]))
        stats["triples_inferred"] = len(result.inferred)
        stats["seconds_reasoner"] = round(time.perf_counter() - t, 3)
    if hermit is not None:
        t = time.perf_counter()
        rl_found = any(p.check == "reasoner" for p in report.errors)
        report.extend(hermit(rl_found))
        # Time spent on HermiT alone: starting it, and waiting for it after the other checks.
        stats["seconds_hermit"] = round(hermit_start + time.perf_counter() - t, 3)


_LITERAL_IN_MESSAGE = re.compile(r"literal '([^']*)'")


def _located(problems: list[Problem], result: Build) -> list[Problem]:
    """Reasoner messages name a literal but no place: point at the line that writes it."""
    out = []
    for problem in problems:
        match = _LITERAL_IN_MESSAGE.search(problem.message)
        if problem.file is None and match:
            file, line = result.locate_literal(match.group(1))
            problem = replace(problem, file=file, line=line)
        out.append(problem)
    return out


def load(result: Build, store: GraphStore) -> GraphStore:
    """Put each part in its named graph: ontology, data, shapes, inferred."""
    for part, graph_iri in (
        ("ontology", GRAPH_ONTOLOGY),
        ("data", GRAPH_DATA),
        ("shapes", GRAPH_SHAPES),
    ):
        for parsed in getattr(result, part):
            store.load(parsed.quads, str(graph_iri))
    store.load(result.inferred, str(GRAPH_INFERRED))
    return store


def open_store(settings: Settings, *, hermit: bool | None = None) -> tuple[OxigraphStore, Build]:
    """Build, refuse on any error (raising CheckFailed with the report), and load.

    The store is on disk and opened read-only (natograph.store.cached): the one kept for these
    files and settings when there is one, else built now. `--store PATH` names the folder
    instead, rebuilt at every start and held by this process while it runs.
    """
    if hermit is not None:
        settings = settings.model_copy(update={"hermit": hermit})
    result = build(settings)
    if not result.report.ok:
        raise CheckFailed(result.report)
    if settings.store is not None:
        return held_store(settings.store, partial(load, result)), result
    key = store_key(result, settings)
    return built_store(settings.cache_folder, key, partial(load, result)), result


def store_key(result: Build, settings: Settings) -> str:
    """What the loaded store depends on: every input file, whether and how it was reasoned
    over, and the code that parses, reasons and loads."""
    code = [Path(str(m.__file__)) for m in (parse, reason, closure, rules, temporal)]
    step = f"store-{settings.reasoner and settings.reasoner_engine}"
    return content_key(step, [*(p.path for p in result.files()), *code, Path(__file__)])
