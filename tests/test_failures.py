"""Every known failure of the `natograph` command is one clear message, never a traceback.

Each case runs the real command (`python -m natograph.cli`, as the installed script does) on a
broken copy of the project or a broken environment, and checks the message names the file:line
or the cause and the fix, and that no "Traceback" reaches the person running it.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
from pathlib import Path

import pytest

from natograph import cli
from natograph.build import pipeline
from test_serve import free_port, natograph, wait_until_up

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        natograph(*args),
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )
    output = done.stdout + done.stderr
    assert "Traceback" not in output, output
    assert 'File "' not in output, output
    return done


def edit(path: Path, old: str, new: str) -> int:
    """Replace `old` (once) in a file; return the line it is on."""
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return text[: text.index(old)].count("\n") + 1


@pytest.mark.slow
def test_an_ill_typed_literal_is_reported_at_its_own_line(project: Path) -> None:
    line = edit(project / "data" / "allies.ttl", '"2009-04-01"^^xsd:date', '"abc"^^xsd:date')
    done = run("check", "--root", str(project), env={"NATOGRAPH_CACHE": "false"})
    assert done.returncode == 1
    assert f"data/allies.ttl:{line}: error: ngo:startDate takes one valid xsd:date" in done.stdout
    assert f"data/allies.ttl:{line}: error: OWL 2 RL inconsistency" in done.stdout
    assert "Failed to convert Literal" not in done.stderr
    assert "HermiT" not in done.stdout, "HermiT is not fed a literal already reported"


@pytest.mark.slow
def test_hermit_hints_name_the_real_cause(project: Path) -> None:
    missing = run("check", "--root", str(project), env={"NATOGRAPH_JAVA": "/nonexistent/java"})
    assert missing.returncode == 1
    assert "'/nonexistent/java' was not found" in missing.stdout
    broken = run(
        "check",
        "--root",
        str(project),
        env={"NATOGRAPH_JAVA": "/bin/false", "NATOGRAPH_CACHE": "0"},
    )
    assert "/bin/false is not a working Java" in broken.stdout
    assert "Exception in thread" not in broken.stdout and "\tat " not in broken.stdout


@pytest.mark.slow
def test_an_inconsistency_without_rl_messages_does_not_point_at_them(project: Path) -> None:
    edit(
        project / "data" / "countries.ttl",
        'ngo:iso3166Alpha3 "FIN" ;',
        'ngo:iso3166Alpha3 "FIN" , "FIX" ;',
    )
    done = run("check", "--root", str(project), env={"NATOGRAPH_CACHE": "false"})
    assert done.returncode == 1
    assert "HermiT: the ontology and data together are inconsistent" in done.stdout
    assert "OWL 2 RL inconsistency" not in done.stdout
    assert "see the OWL 2 RL messages above" not in done.stdout
    assert "two values of a functional property" in done.stdout


def test_a_second_server_on_a_store_in_use_names_the_process(tmp_path: Path) -> None:
    store = tmp_path / "store"
    port = free_port()
    first = subprocess.Popen(
        natograph("serve", "--no-hermit", "--store", str(store), "--port", str(port)),
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NATOGRAPH_ROOT": str(ROOT)},
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}", first)
        second = run("serve", "--no-hermit", "--store", str(store), "--port", str(free_port()))
        assert second.returncode == 2
        assert f"the store {store} is in use by process {first.pid}" in second.stderr
        assert "stop it, or give this one another --store folder" in second.stderr
        query = run("query", "ASK {}", env={"NATOGRAPH_STORE": str(store)})
        assert query.returncode == 2 and "in use by process" in query.stderr
    finally:
        first.send_signal(signal.SIGINT)
        first.wait(timeout=30)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("query", "no-such-question"), "no query named 'no-such-question'"),
        (("query", "missing.rq"), "no query file 'missing.rq'"),
        (("query", "SELECT * {"), "SPARQL syntax error at line 1"),
        (("query", "SELECT * { SERVICE <http://x/> { ?s ?p ?o } }"), "SERVICE"),
        (("check", "--root", "/nonexistent"), "is not a natograph project"),
        (("build", "--no-hermit", "--out", "/proc/natograph"), "cannot write the release"),
        (("query", "ASK {}", "--format", "yaml"), "unknown format 'yaml'"),
    ],
)
def test_command_failures_are_one_message(args: tuple[str, ...], message: str) -> None:
    done = run(*args)
    assert done.returncode != 0
    assert message in done.stderr, done.stderr
    assert re.match(r"^error: ", done.stderr.splitlines()[-1]), done.stderr


def test_an_unexpected_failure_is_reported_as_a_bug(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("something impossible")

    monkeypatch.setattr(pipeline, "build", broken)
    monkeypatch.delenv("NATOGRAPH_DEBUG", raising=False)
    with pytest.raises(SystemExit) as exit_:
        cli.main(["check", "--root", str(ROOT)])
    assert exit_.value.code == 70
    err = capsys.readouterr().err
    assert "RuntimeError: something impossible" in err and "This is a bug" in err
    assert "Traceback" not in err
