"""Reasoning: OWL 2 RL materialisation into its own graph, and a DL consistency check.

The inferred triples go to a separate named graph so that a query can include or exclude them;
they are the closure minus what was asserted, without the tautologies (x owl:sameAs x, x a
owl:Thing, ...), blank-node triples and statements about the built-in vocabulary that OWL RL
rules produce and that mean nothing to a reader.

Two engines give the same closure (tests/test_reasoners.py): `reasonable`, a compiled OWL 2 RL
engine, with the schema and inconsistency rules it lacks run as SPARQL (natograph.build.rules),
the default because it is about ten times faster on the curated graph; and owlrl, the
pure-Python reference, behind `NATOGRAPH_REASONER_ENGINE=owlrl`.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, URIRef

from natograph.build import hermit
from natograph.build.asserted import Asserted
from natograph.build.cache import Cache
from natograph.build.closure import Engine, closure
from natograph.build.diagnostics import Problem, problems_from_json, problems_to_json

_TRIVIAL_TYPES = {
    ox.NamedNode(str(t)) for t in (OWL.Thing, RDFS.Resource, RDFS.Class, OWL.Class, RDF.Property)
}
_REFLEXIVE = {
    ox.NamedNode(str(p))
    for p in (
        OWL.sameAs,
        OWL.equivalentClass,
        OWL.equivalentProperty,
        RDFS.subClassOf,
        RDFS.subPropertyOf,
    )
}
_PLAIN_LITERAL = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#PlainLiteral")
_BUILT_IN = (str(RDF), str(RDFS), str(OWL), str(XSD))


def materialise(
    asserted: Asserted, engine: Engine = "reasonable"
) -> tuple[list[ox.Triple], list[Problem]]:
    """Return the OWL 2 RL triples entailed by `asserted` but not in it, and any inconsistency."""
    triples, messages = closure(asserted, engine)
    problems = [
        Problem("reasoner", f"OWL 2 RL inconsistency: {msg}", hint=_rl_hint(msg))
        for msg in sorted(set(messages))
    ]
    known = asserted.triples
    inferred = {t for t in triples if t not in known and _meaningful(t)}
    return sorted(inferred, key=str), problems


_TYPE = ox.NamedNode(str(RDF.type))
_SUBCLASS = ox.NamedNode(str(RDFS.subClassOf))


def _meaningful(t: ox.Triple) -> bool:
    s, p, o = t.subject, t.predicate, t.object
    if not isinstance(s, ox.NamedNode) or isinstance(o, ox.BlankNode):
        return False
    if s.value.startswith(_BUILT_IN):
        return False  # owlrl's axiomatic triples and owl:Nothing rdfs:subClassOf C: the specs'
    if p == _TYPE and o in _TRIVIAL_TYPES:
        return False
    if p in _REFLEXIVE and s == o:
        return False
    return not (isinstance(o, ox.Literal) and p in (_TYPE, _SUBCLASS))


def _rl_hint(message: str) -> str:
    if "lexical value" in message.lower():
        return "write the literal in its datatype's form (xsd:date: YYYY-MM-DD), or fix the type"
    if "disjoint" in message.lower():
        return "a resource is typed with two disjoint classes: keep one type or fix the IRI"
    return "remove one of the contradicting assertions"


def consistency(
    asserted: Graph, java: str = "java", timeout: float = 120.0, rl_found: bool = False
) -> list[Problem]:
    """Ask HermiT whether the ontology and data are consistent and every class satisfiable.

    `rl_found`: the OWL 2 RL step already reported problems (a message may point at them).
    """
    return HermitRun(asserted, java, timeout).problems(rl_found)


_QUICK_JIT = "-XX:TieredStopAtLevel=1"
_QUICK_JIT_BELOW = 50_000
"""Triples below which HermiT's JVM runs with the quick compiler only (start-up bound)."""


class HermitRun:
    """HermiT checking a graph in its own JVM, started now and asked for its verdict later.

    Starting the JVM and classifying take most of a second even on the curated graph; the build
    starts HermiT first and runs SHACL and the OWL 2 RL closure while it works, so a cold check
    costs the longest of them, not their sum. Java is started directly (natograph.build.hermit),
    so the time limit ends the JVM itself.
    """

    def __init__(self, asserted: Graph, java: str, timeout: float) -> None:
        self.java, self.timeout = java, timeout
        self._tmp = tempfile.TemporaryDirectory(prefix="natograph-hermit-")
        path = Path(self._tmp.name) / "graph.nt"
        _for_hermit(asserted).serialize(path, format="nt", encoding="utf-8")
        cmd = hermit.command(path, java)
        if len(asserted) < _QUICK_JIT_BELOW:
            # The JVM's optimising compiler costs more than it saves on a graph HermiT checks in
            # a second: C1 alone takes the check of the curated graph from 0.9 to 0.5 s.
            cmd.insert(1, _QUICK_JIT)
        self._started = time.monotonic()
        self._failed: str | None = None
        try:
            self._process: subprocess.Popen[str] | None = subprocess.Popen(
                cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
            )
        except OSError as err:  # no such executable, not executable
            self._process, self._failed = None, str(err)

    def problems(self, rl_found: bool = False) -> list[Problem]:
        """Wait for the verdict (within the time limit counted from the start)."""
        remaining = max(0.0, self.timeout - (time.monotonic() - self._started))
        try:
            if self._process is None:
                detail = self._failed or "Java did not start"
                hint = _java_hint(self.java)
                return [Problem("reasoner", f"HermiT could not run: {detail}", hint=hint)]
            try:
                output, _ = self._process.communicate(timeout=remaining)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.communicate()
                msg = f"HermiT did not finish within {self.timeout:g} s"
                hint = "raise NATOGRAPH_HERMIT_TIMEOUT or simplify"
                return [Problem("reasoner", msg, hint=hint)]
        finally:
            self._tmp.cleanup()
        result = hermit.verdict(self._process.returncode, output)
        return _hermit_problems(result, self.java, rl_found)


def _hermit_problems(result: dict[str, object], java: str, rl_found: bool) -> list[Problem]:
    if result.get("error"):
        cause = _java_exception(str(result["error"])) or "Java stopped without a message"
        return [Problem("reasoner", f"HermiT failed: {cause}", hint=_java_hint(java, cause))]
    if result.get("consistent") is False:
        hint = (
            "the OWL 2 RL messages above name the resources involved"
            if rl_found
            else "no OWL 2 RL rule names the cause; the SHACL errors above may: two values of a "
            "functional property (such as two ISO codes), a resource typed with disjoint "
            "classes, a value outside a property's range (Protégé with HermiT explains an "
            "inconsistency axiom by axiom)"
        )
        return [
            Problem(
                "reasoner",
                "HermiT: the ontology and data together are inconsistent (no model satisfies them)",
                hint=hint,
            )
        ]
    unsat = result.get("unsatisfiable") or []
    assert isinstance(unsat, list)
    return [
        Problem(
            "reasoner",
            f"HermiT: class {iri} is unsatisfiable (it can have no instances)",
            focus=str(iri),
            hint="check its superclasses and equivalent classes for disjoint combinations",
        )
        for iri in unsat
    ]


def _java_exception(output: str) -> str | None:
    """The one line of a Java failure that says what went wrong (not its stack trace)."""
    lines = [line.strip() for line in output.strip().splitlines() if line.strip()]
    lines = [line for line in lines if line != "Java error message is:"]  # owlready2's preamble
    for line in lines:
        if line.startswith("Exception in thread") or line.startswith("Caused by:"):
            return line.split(" ", 4)[-1] if line.startswith("Exception") else line
    frames = [line for line in lines if not line.startswith("at ")]
    return frames[-1] if frames else None


def _for_hermit(asserted: Graph) -> Graph:
    """HermiT accepts only the OWL 2 datatype map: send xsd:date as xsd:dateTime at midnight UTC
    and rdf:langString as rdf:PlainLiteral, which keeps every datatype check meaningful."""
    out = Graph()
    for s, p, o in asserted:
        if isinstance(o, Literal) and o.ill_typed:
            continue  # already reported (SHACL and OWL 2 RL, at its line); HermiT would abort
        if isinstance(o, Literal) and o.datatype == XSD.date:
            o = Literal(f"{o}T00:00:00Z", datatype=XSD.dateTime)
        elif o == XSD.date:
            o = XSD.dateTime
        elif o == RDF.langString:
            o = _PLAIN_LITERAL
        out.add((s, p, o))
    return out


def _java_hint(java: str, cause: str | None = None) -> str:
    """What to do, after finding out whether Java itself is the problem."""
    problem = _java_problem(java)
    if problem is not None:
        return (
            f"HermiT needs Java, and {problem}: install a JRE (apt-get install default-jre) "
            "or point NATOGRAPH_JAVA at a java executable"
        )
    if cause and "OutOfMemoryError" in cause:
        return "Java ran out of memory: give it more, or check with --no-hermit meanwhile"
    return (
        f"Java ({shutil.which(java)}) works; HermiT itself rejected the graph for the reason "
        "given: fix what it names (errors reported above may be the cause), or check with "
        "--no-hermit meanwhile"
    )


def _java_problem(java: str) -> str | None:
    """Why `java` cannot run Java programs, or None when `java -version` works."""
    found = shutil.which(java)
    if found is None:
        return f"{java!r} was not found"
    try:
        done = subprocess.run([found, "-version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as err:
        return f"{found} does not run ({err})"
    if done.returncode != 0 or "version" not in (done.stderr + done.stdout).lower():
        return f"{found} is not a working Java (`-version` exited {done.returncode})"
    return None


def materialise_cached(
    asserted: Asserted, cache: Cache, key: str, engine: Engine = "reasonable"
) -> tuple[list[ox.Triple], list[Problem]]:
    """`materialise`, reusing the result for byte-identical inputs (`key` names the engine).

    A hit is read back by Oxigraph's parser and never touches rdflib, so a warm build does not
    pay for an rdflib graph of the asserted triples either."""
    hit, problems_json = cache.get_triples(key, ".nt"), cache.get(key, ".json")
    if hit is not None and problems_json is not None:
        return hit, problems_from_json(problems_json)
    inferred, problems = materialise(asserted, engine)
    cache.put_triples(key, ".nt", inferred)
    cache.put(key, ".json", problems_to_json(problems))
    return inferred, problems


def consistency_started(
    asserted: Asserted, cache: Cache, key: str, java: str, timeout: float
) -> Callable[[bool], list[Problem]]:
    """`consistency`, reusing a verdict for byte-identical inputs (failures to run are not kept):
    HermiT is started now, and the function returned waits for its problems (given whether the
    OWL 2 RL step found any, for the hint)."""
    hit = cache.get(key, ".hermit.json")
    if hit is not None:
        found = problems_from_json(hit)
        return lambda _rl_found: found
    run = HermitRun(asserted.graph, java, timeout)

    def finish(rl_found: bool) -> list[Problem]:
        problems = run.problems(rl_found)
        if not any(p.message.startswith(_NOT_RUN) for p in problems):
            cache.put(key, ".hermit.json", problems_to_json(problems))
        return problems

    return finish


_NOT_RUN = ("HermiT could not", "HermiT did not", "HermiT failed")
"""How the problems of a HermiT that could not give a verdict begin (not kept in the cache)."""
