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


CURATED = "curated"
"""The label of the curated graph (ontology/, data/, shapes/ of the checkout) among the sizes."""
REASONER_CURATED_TARGET = 0.5
SHACL_TARGET = (1_000_000, 10.0)
PIPELINE_TARGET = (1_000_000, 60.0)
"""Issue 10, points 1 and 2: (size, seconds)."""


@dataclass
class Measurement:
    step: str
    engine: str
    size: str
    """CURATED or a synthetic size, as written in the tables (10,000)."""
    seconds: float | None = None
    """None: not measured (see `note`)."""
    peak_rss: int = 0
    result: str = ""
    """What it found: problems (SHACL), inferred triples (reasoner), triples loaded (pipeline)."""
    note: str = ""


@dataclass
class EngineResults:
    cap: float
    triples: dict[str, int] = field(default_factory=dict)
    """Size -> triples in the data files."""
    rows: list[Measurement] = field(default_factory=list)

    def find(self, step: str, engine: str, size: str) -> Measurement | None:
        return next(
            (m for m in self.rows if (m.step, m.engine, m.size) == (step, engine, size)), None
        )


def prepare_root(size: int | None, tmp: Path, repo: Path) -> Path:
    """A project folder: the real ontology and shapes, and the curated data (size None) or the
    synthetic data of `size` triples as data/."""
    root = tmp / f"engines-{size or CURATED}"
    folders = ("ontology", "shapes") if size else ("ontology", "shapes", "data")
    for folder in folders:
        shutil.copytree(repo / folder, root / folder, dirs_exist_ok=True)
    (root / "data").mkdir(parents=True, exist_ok=True)
    (root / "queries").mkdir(exist_ok=True)
    if size:
        synthetic.write_file(size, root / "data" / "synthetic.ttl")  # N-Triples is Turtle
    return root


def run_section(
    sizes: list[int], tmp: Path, repo: Path, cap: float, log: Callable[[str], None]
) -> EngineResults:
    """The curated graph, then each synthetic size."""
    out = EngineResults(cap=cap)
    overran: set[tuple[str, str]] = set()
    for number in [None, *sizes]:
        size = f"{number:,}" if number else CURATED
        root = prepare_root(number, tmp, repo)
        out.triples[size] = _count(root / "data")
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
                log(f"engines {size:>9} {step:8} {engine:13} {shown} {found.result}")
        shutil.rmtree(root, ignore_errors=True)
    return out


def _count(folder: Path) -> int:
    import pyoxigraph as ox

    return sum(
        sum(1 for _ in ox.parse(path=str(p), format=ox.RdfFormat.TURTLE))
        for p in sorted(folder.glob("*.ttl"))
    )


def _measure(step: str, engine: str, root: Path, cap: float) -> Measurement:
    size = root.name.removeprefix("engines-")
    size = size if size == CURATED else f"{int(size):,}"
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
# The report


def targets(results: EngineResults) -> list[list[str]]:
    """Rows of the results' target table: [target, measured, verdict]."""
    rows = []
    curated = results.find("reasoner", "reasonable", CURATED)
    if curated is not None:
        rows.append(_target(
            f"OWL 2 RL closure of the curated graph < {REASONER_CURATED_TARGET:g} s "
            "(reasonable + natograph's rules)", curated, REASONER_CURATED_TARGET,
        ))  # fmt: skip
    size, limit = SHACL_TARGET
    found = results.find("shacl", "pyshacl-turbo", f"{size:,}")
    if found is not None:
        rows.append(_target(f"SHACL over {size:,} synthetic triples < {limit:g} s", found, limit))
    size, limit = PIPELINE_TARGET
    found = results.find("pipeline", "default", f"{size:,}")
    if found is not None:
        rows.append(_target(
            f"full pipeline (parse, SHACL, OWL 2 RL, load) over {size:,} synthetic triples "
            f"< {limit:g} s", found, limit,
        ))  # fmt: skip
    return rows


def _target(name: str, found: Measurement, limit: float) -> list[str]:
    if found.seconds is None:
        return [name, found.note, "**not met**"]
    ok = found.seconds < limit
    return [name, f"{found.seconds:.2f} s", "met" if ok else "**not met**"]


def render(results: EngineResults) -> list[str]:
    lines = [
        "## 6. Reasoning and validation engines (synthetic data)",
        "",
        "What `bench/engines.py` runs, each in a fresh process stopped after "
        f"{results.cap:g} s: SHACL (`validate.shacl`: pyshacl-turbo, natograph's default, "
        "against pySHACL, the reference), the OWL 2 RL closure (`reason.materialise`: "
        "reasonable with natograph's SPARQL rules against owlrl) and the whole pipeline "
        "(`pipeline.open_store`, empty cache, HermiT off). Each time includes the input "
        "conversion the step pays in the pipeline. The data is the curated graph, then "
        "bench/synthetic.py's at each size (it conforms to the shapes and is consistent, so "
        "every engine should report 0 problems and the two reasoners the same number of "
        "inferred triples). *ratio* = reference time / natograph's.",
        "",
    ]
    rows = []
    for size, triples in results.triples.items():
        for step, engines in STEPS.items():
            ours = results.find(step, engines[0], size)
            ref = results.find(step, engines[1], size) if len(engines) > 1 else None
            if ours is None:
                continue
            row = [step, size, f"{triples:,}", engines[0], _time(ours), _mib(ours), ours.result]
            if ref is not None:
                both = ours.seconds is not None and ref.seconds is not None
                factor = f"{ref.seconds / ours.seconds:.1f}x" if both else "-"  # type: ignore[operator]
                row += [engines[1], _time(ref), _mib(ref), ref.result, factor]
            else:
                row += ["-", "-", "-", "-", "-"]
            rows.append(row)
    header = [
        "step", "size", "data triples", "natograph", "s", "peak MiB", "result",
        "reference", "s", "peak MiB", "result", "ratio",
    ]  # fmt: skip
    lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return [*lines, ""]


def _time(found: Measurement) -> str:
    return f"{found.seconds:.2f}" if found.seconds is not None else found.note


def _mib(found: Measurement) -> str:
    return f"{found.peak_rss / 2**20:.0f}" if found.peak_rss else "-"


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
        inferred, found = reason.materialise(asserted, engine)  # type: ignore[arg-type]
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
