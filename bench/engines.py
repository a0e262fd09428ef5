"""Section 6: the SHACL and OWL 2 RL engines, and the whole pipeline, over synthetic data.

Each measurement runs in a fresh process (`python -m bench.engines STEP ENGINE ROOT`), so one
engine's memory is not another's, and is stopped past a time cap: the reference engines
(pySHACL, owlrl) grow superlinearly, and an engine that overran the cap at one size is not
started at the next. What is timed is what the pipeline pays for the step, input conversion
included (the rdflib graph that pySHACL and owlrl need, the N-Triples pyshacl-turbo reads):

- `shacl`: `validate.shacl` over the ontology + synthetic data against shapes/ (the data
  conforms, so the report is empty unless an engine disagrees);
- `reasoner`: `reason.materialise` (the OWL 2 RL closure minus what was asserted);
- `pipeline`: `pipeline.open_store` with an empty cache, HermiT off: parse, definitions checks,
  SHACL, reasoning and the store's load, i.e. a cold `natograph serve` before its workers.

Peak memory is the child's own maximum RSS.
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench import synthetic

STEPS = {
    "shacl": ("pyshacl-turbo", "pyshacl"),
    "reasoner": ("reasonable", "owlrl"),
    "pipeline": ("default",),
}
"""Step -> engines, natograph's default first and the reference it is compared with second."""


@dataclass
class Measurement:
    step: str
    engine: str
    size: int
    seconds: float | None = None
    """None: not measured (see `note`)."""
    peak_rss: int = 0
    result: str = ""
    """What it found: problems (SHACL), inferred triples (reasoner), triples loaded (pipeline)."""
    note: str = ""


@dataclass
class EngineResults:
    cap: float
    triples: dict[int, int] = field(default_factory=dict)
    """Size -> triples in the synthetic data file."""
    rows: list[Measurement] = field(default_factory=list)

    def find(self, step: str, engine: str, size: int) -> Measurement | None:
        return next(
            (m for m in self.rows if (m.step, m.engine, m.size) == (step, engine, size)), None
        )


def prepare_root(size: int, tmp: Path, repo: Path) -> Path:
    """A project folder: the real ontology and shapes, the synthetic data as data/."""
    root = tmp / f"engines-{size}"
    for folder in ("ontology", "shapes"):
        shutil.copytree(repo / folder, root / folder, dirs_exist_ok=True)
    (root / "data").mkdir(parents=True, exist_ok=True)
    (root / "queries").mkdir(exist_ok=True)
    synthetic.write_file(size, root / "data" / "synthetic.ttl")  # N-Triples is Turtle
    return root


def run_section(
    sizes: list[int], tmp: Path, repo: Path, cap: float, log: Callable[[str], None]
) -> EngineResults:
    out = EngineResults(cap=cap)
    overran: set[tuple[str, str]] = set()
    for size in sizes:
        root = prepare_root(size, tmp, repo)
        out.triples[size] = sum(1 for _ in (root / "data" / "synthetic.ttl").open("rb"))
        for step, engines in STEPS.items():
            for engine in engines:
                if (step, engine) in overran:
                    note = f"not run: over {cap:g} s at a smaller size"
                    out.rows.append(Measurement(step, engine, size, note=note))
                    continue
                found = _measure(step, engine, root, cap)
                out.rows.append(found)
                if found.seconds is None:
                    overran.add((step, engine))
                shown = f"{found.seconds:.2f} s" if found.seconds is not None else found.note
                log(f"engines {size:>9,} {step:8} {engine:13} {shown} {found.result}")
        shutil.rmtree(root, ignore_errors=True)
    return out


def _measure(step: str, engine: str, root: Path, cap: float) -> Measurement:
    size = int(root.name.rsplit("-", 1)[1])
    cmd = [sys.executable, "-m", "bench.engines", step, engine, str(root)]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=cap, cwd=repo_of())
    except subprocess.TimeoutExpired:
        return Measurement(step, engine, size, note=f"stopped after {cap:g} s")
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return Measurement(step, engine, size, note=f"failed: {last[:120]}")
    facts = json.loads(done.stdout.strip().splitlines()[-1])
    return Measurement(
        step, engine, size, facts["seconds"], facts["peak_rss"], str(facts["result"])
    )


def repo_of() -> Path:
    return Path(__file__).resolve().parents[1]


# --------------------------------------------------------------------------------------------
# The child process


def child(step: str, engine: str, root: Path) -> dict[str, object]:
    from natograph.settings import Settings

    settings = Settings(root=root, hermit=False)
    if step == "pipeline":
        return _pipeline(settings)
    from natograph.build import pipeline, reason, validate
    from natograph.build.asserted import Asserted
    from natograph.build.parse import parse_turtle

    built = pipeline.Build()
    for part, folder in (("ontology", settings.ontology_dir), ("data", settings.data_dir)):
        for path in pipeline.turtle_files(folder):
            parsed, problems = parse_turtle(path, root)
            assert parsed is not None and not problems, problems
            getattr(built, part).append(parsed)
    shapes = settings.shapes_dir
    for path in pipeline.turtle_files(shapes):
        parsed, _problems = parse_turtle(path, root)
        assert parsed is not None
        built.shapes.append(parsed)
    asserted = Asserted(built.ontology, built.data)
    t = time.perf_counter()
    if step == "shacl":
        problems = validate.shacl(asserted, built.graph("shapes"), built.locate, engine)
        result: object = f"{len(problems)} problems"
    else:
        inferred, found = reason.materialise(asserted.graph, engine)  # type: ignore[arg-type]
        result = f"{len(inferred):,} inferred, {len(found)} problems"
    seconds = time.perf_counter() - t
    return {"seconds": round(seconds, 3), "peak_rss": _peak(), "result": result}


def _pipeline(settings: object) -> dict[str, object]:
    from natograph.build import pipeline
    from natograph.settings import Settings

    assert isinstance(settings, Settings)
    with tempfile.TemporaryDirectory(prefix="bench-cache-") as cache:
        cold = settings.model_copy(update={"cache_dir": Path(cache)})
        t = time.perf_counter()
        store, _build = pipeline.open_store(cold)
        seconds = time.perf_counter() - t
        result = f"{len(store):,} triples loaded"
    return {"seconds": round(seconds, 3), "peak_rss": _peak(), "result": result}


def _peak() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


if __name__ == "__main__":
    print(json.dumps(child(sys.argv[1], sys.argv[2], Path(sys.argv[3]))))
