"""HermiT DL consistency check, run in a child process.

owlready2 keeps global state and starts Java without a time limit, so the check runs in its own
interpreter (`python -m natograph.build.hermit FILE.nt [JAVA]`) that the parent can time out and
kill. The child prints one JSON object on stdout:
{"consistent": bool, "unsatisfiable": [IRI, ...], "error": str | None}.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def run(path: Path, java: str = "java") -> dict[str, Any]:
    import owlready2

    owlready2.JAVA_EXE = java
    world = owlready2.World()
    world.get_ontology(path.resolve().as_uri()).load()
    try:
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError:
        return {"consistent": False, "unsatisfiable": [], "error": None}
    except owlready2.OwlReadyJavaError as err:
        return {"consistent": None, "unsatisfiable": [], "error": str(err)}
    nothing = "http://www.w3.org/2002/07/owl#Nothing"
    unsat = sorted({c.iri for c in world.inconsistent_classes() if c.iri != nothing})
    return {"consistent": True, "unsatisfiable": unsat, "error": None}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    java = args[1] if len(args) > 1 else "java"
    print(json.dumps(run(Path(args[0]), java)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
