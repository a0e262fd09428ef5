"""HermiT's command line, as owlready2 runs it, started directly by natograph.

owlready2 ships HermiT and knows how to call it, but only through its own quadstore: it loads
the graph into SQLite, writes it back out to a temporary file and then starts Java, with no time
limit. natograph already has the graph as N-Triples, so it starts the same command on that file
itself (a process it can time out and kill, with nothing else to wait for) and reads HermiT's
answer as owlready2 reads it (owlready2's classpath, memory setting and result pattern are used
as they are, so an owlready2 upgrade carries over).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

NOTHING = "http://www.w3.org/2002/07/owl#Nothing"
_OWL = "http://www.w3.org/2002/07/owl#"


def command(path: Path, java: str = "java") -> list[str]:
    """The HermiT classification command owlready2's `sync_reasoner_hermit` runs, on `path`."""
    from owlready2 import reasoning

    return [
        java,
        f"-Xmx{reasoning.JAVA_MEMORY}M",
        "-cp",
        reasoning._HERMIT_CLASSPATH,
        "org.semanticweb.HermiT.cli.CommandLine",
        "-c",
        "-O",
        "-D",
        "-I",
        path.resolve().as_uri(),
    ]


def verdict(returncode: int, output: str) -> dict[str, Any]:
    """{"consistent": bool | None, "unsatisfiable": [IRI, ...], "error": str | None}.

    As owlready2 decides: exit code 1 with "Inconsistent ontology" is an inconsistent graph, any
    other failure a Java error; a class HermiT finds equivalent to owl:Nothing is unsatisfiable.
    """
    if returncode == 1 and "Inconsistent ontology" in output:
        return {"consistent": False, "unsatisfiable": [], "error": None}
    if returncode != 0 or not output.strip():
        # Not a verdict: Java failed, or what ran was no HermiT (a `java` that prints nothing).
        error = output.strip() or f"Java exited with status {returncode} and printed nothing"
        return {"consistent": None, "unsatisfiable": [], "error": error}
    from owlready2 import reasoning

    unsat: set[str] = set()
    for relation, iris in reasoning._HERMIT_RESULT_REGEXP.findall(output):
        named = iris.strip()[1:-1].split("> <")
        if relation == "EquivalentClasses" and NOTHING in named:
            unsat |= {iri for iri in named if not iri.startswith(_OWL)}
    return {"consistent": True, "unsatisfiable": sorted(unsat), "error": None}
