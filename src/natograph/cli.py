"""The `natograph` command: thin wrappers over the pipeline, so it does what the server does."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

import typer

from natograph.build import pipeline
from natograph.build.diagnostics import CheckFailed
from natograph.publish.documents import FORMATS as DOCUMENT_FORMATS
from natograph.query.render import FORMATS, render
from natograph.query.text import (
    QueryRejected,
    competency_questions,
    guard,
    resolve,
    syntax_message,
)
from natograph.settings import Settings
from natograph.store import GraphStore

app = typer.Typer(
    help="natograph: a knowledge graph of NATO's partnerships.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

RootOption = Annotated[
    Path | None,
    typer.Option("--root", help="Project folder (default: NATOGRAPH_ROOT or the checkout)."),
]


def _settings(root: Path | None, **overrides: object) -> Settings:
    values = {k: v for k, v in overrides.items() if v is not None}
    if root is not None:
        values["root"] = root
    settings = Settings(**values)  # type: ignore[arg-type]
    if not settings.ontology_dir.is_dir():
        _fail(
            f"{settings.root} is not a natograph project (it has no ontology/ folder): "
            "give --root the checkout, or set NATOGRAPH_ROOT"
        )
    return settings


@app.command()
def check(
    root: RootOption = None,
    fmt: Annotated[str, typer.Option("--format", help="text or json")] = "text",
    hermit: Annotated[bool, typer.Option(help="Run the HermiT DL consistency check.")] = True,
    reasoner: Annotated[bool, typer.Option(help="Run OWL 2 RL materialisation.")] = True,
) -> None:
    """Parse, validate (SHACL) and reason over every file; exit 1 on any error."""
    settings = _settings(root, hermit=hermit, reasoner=reasoner)
    result = pipeline.build(settings)
    report = result.report
    if fmt == "json":
        typer.echo(report.to_json())
    else:
        typer.echo(report.to_text())
        stats = report.stats
        typer.echo(
            f"{stats.get('files', 0)} files, {stats.get('triples_ontology', 0)} ontology + "
            f"{stats.get('triples_data', 0)} data triples, {stats.get('triples_inferred', 0)} "
            f"inferred, in {stats.get('seconds_total', stats.get('seconds_parse', 0))} s",
            err=True,
        )
    raise typer.Exit(0 if report.ok else 1)


@app.command()
def query(
    sparql: Annotated[str, typer.Argument(help="SPARQL text, a queries/ name, or a .rq path.")],
    root: RootOption = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help=" | ".join(FORMATS))] = "table",
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="name=value for a query parameter.")
    ] = None,
    inferred: Annotated[bool, typer.Option(help="Include the inferred graph.")] = True,
    default_graph_uri: Annotated[
        list[str] | None,
        typer.Option(
            "--default-graph-uri", help="A graph of the default graph, as the protocol's."
        ),
    ] = None,
    named_graph_uri: Annotated[
        list[str] | None,
        typer.Option("--named-graph-uri", help="A named graph, as the protocol's."),
    ] = None,
    hermit: Annotated[bool, typer.Option(help="Run HermiT while building.")] = False,
) -> None:
    """Run a query over ontology + data + inferred triples (union default graph), choosing the
    dataset as the endpoint does: the --*-graph-uri options, else the query's FROM, else the
    union (less the inferred graph with --no-inferred)."""
    if fmt not in FORMATS:
        _fail(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    settings = _settings(root)
    try:
        cq = resolve(sparql, settings.queries_dir)
        given = dict(_split_param(p) for p in param or [])
        substitutions = cq.substitutions(given)
        guard(cq.text)
        store, _build = pipeline.open_store(settings, hermit=hermit)
        result = store.query(
            cq.text,
            inferred=inferred,
            bindings=substitutions,
            default_graphs=default_graph_uri or None,  # typer gives [] when none is given
            named_graphs=named_graph_uri or None,
        )
        text = render(result, fmt)
        typer.echo(text, nl=not text.endswith("\n"))
        note = _coverage_note(store, cq.text, substitutions)
        if note:
            typer.echo(f"note: {note}", err=True)
    except CheckFailed as err:
        typer.echo(err.report.to_text(), err=True)
        raise typer.Exit(1) from err
    except QueryRejected as err:
        _fail(str(err))
    except SyntaxError as err:
        _fail(syntax_message(err))


@app.command()
def landscape(
    on: Annotated[
        str | None, typer.Option("--date", help="The day, YYYY-MM-DD (default: today).")
    ] = None,
    compare_with: Annotated[
        str | None,
        typer.Option("--compare", help="A second day: show what changed from --date to it."),
    ] = None,
    root: RootOption = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table | csv | json")] = "table",
) -> None:
    """The partnership landscape on a date: every structure with its members, each active,
    suspended or uncertain (queries/35-landscape-on-date.rq); with --compare, what changed."""
    import csv
    import io
    import json
    from datetime import date

    from natograph.query import landscape as view

    if fmt not in ("table", "csv", "json"):
        _fail(f"unknown format {fmt!r}; choose one of table, csv, json")
    try:
        first = date.fromisoformat(on) if on else date.today()
        second = date.fromisoformat(compare_with) if compare_with else None
    except ValueError as err:
        _fail(f"a date is written YYYY-MM-DD ({err})")
        return
    settings = _settings(root)
    try:
        store, _build = pipeline.open_store(settings, hermit=False)
    except CheckFailed as err:
        typer.echo(err.report.to_text(), err=True)
        raise typer.Exit(1) from err
    before = view.landscape(store, settings.queries_dir, first)
    changes = None
    if second is not None:
        changes = view.compare(before, view.landscape(store, settings.queries_dir, second))
    rows = [c.row() for c in changes] if changes is not None else before.rows()
    if fmt == "json":
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=1))
    elif fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]) if rows else ["date"])
        writer.writeheader()
        writer.writerows(rows)
        typer.echo(out.getvalue(), nl=False)
    elif changes is not None and second is not None:
        typer.echo(view.changes_table(first, second, changes), nl=False)
    else:
        typer.echo(view.table(before), nl=False)
    latest = max(first, second or first)
    note = _coverage_note(store, "", {"date": _date_literal(latest)})
    if note:
        typer.echo(f"note: {note}", err=True)


def _date_literal(day: object) -> object:
    import pyoxigraph as ox

    xsd_date = ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")
    return ox.Literal(str(day), datatype=xsd_date)


@app.command()
def serve(
    root: RootOption = None,
    host: Annotated[str | None, typer.Option(help="Interface to bind [NATOGRAPH_HOST].")] = None,
    port: Annotated[int | None, typer.Option(help="Port [NATOGRAPH_PORT].")] = None,
    store: Annotated[
        Path | None, typer.Option(help="On-disk store folder instead of memory [NATOGRAPH_STORE].")
    ] = None,
    workers: Annotated[
        int | None, typer.Option(help="Server processes [NATOGRAPH_WORKERS].")
    ] = None,
    query_workers: Annotated[
        int | None, typer.Option(help="Query processes per server process.")
    ] = None,
    query_timeout: Annotated[
        float | None, typer.Option(help="Seconds before a query is stopped.")
    ] = None,
    max_rows: Annotated[int | None, typer.Option(help="Rows per result.")] = None,
    hermit: Annotated[bool, typer.Option(help="Run HermiT at start-up.")] = True,
) -> None:
    """Build the graph (refusing invalid data), then serve SPARQL and linked data over HTTP."""
    import os

    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from natograph.web.app import create_app
    from natograph.web.http import server_config
    from natograph.web.served import serve_graph

    settings = _settings(
        root,
        host=host,
        port=port,
        store=store,
        workers=workers,
        query_workers=query_workers,
        query_timeout=query_timeout,
        max_rows=max_rows,
        hermit=hermit,
    )
    if settings.workers > 1 and settings.store is not None:
        _fail(
            "--store holds one on-disk store open: use one server process (--workers 1); "
            "--query-workers sets how many queries run at once"
        )
    if settings.workers > 1:
        # Each server process builds its own graph (reasoning is cached) from the environment.
        for name, value in settings.model_dump(exclude_none=True).items():
            os.environ[f"NATOGRAPH_{name.upper()}"] = str(value)
        config = server_config(
            "natograph.web.app:app_from_env",
            settings,
            factory=True,
            workers=settings.workers,
            log_level="info",
        )
        with contextlib.suppress(KeyboardInterrupt):
            Multiprocess(config, sockets=[config.bind_socket()]).run()
        return
    try:
        served = serve_graph(settings)
    except CheckFailed as err:
        typer.echo(err.report.to_text(), err=True)
        typer.echo("refusing to serve an invalid graph; fix the errors above", err=True)
        raise typer.Exit(1) from err
    typer.echo(
        f"serving {sum(served.graphs.values())} triples at "
        f"http://{settings.host}:{settings.port}/sparql",
        err=True,
    )
    server = uvicorn.Server(server_config(create_app(served, settings), settings, log_level="info"))
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how a server is stopped
        server.run()


@app.command()
def build(
    root: RootOption = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Folder for the release files (default: dist/).")
    ] = None,
    hermit: Annotated[bool, typer.Option(help="Run the HermiT DL consistency check.")] = True,
) -> None:
    """Build the graph (refusing invalid data), then write the release files: dumps, ontology,
    shapes, VoID/DCAT description, checksums."""
    from natograph.publish import release

    settings = _settings(root, hermit=hermit)
    try:
        store, result = pipeline.open_store(settings)
    except CheckFailed as err:
        typer.echo(err.report.to_text(), err=True)
        typer.echo("refusing to release an invalid graph; fix the errors above", err=True)
        raise typer.Exit(1) from err
    folder = out if out is not None else settings.root / "dist"
    modified = release.inputs_modified(p.path for p in result.files())
    try:
        files = release.write_release(
            store, folder, base_iri=settings.base_iri, modified=modified.date()
        )
    except OSError as err:
        _fail(f"cannot write the release into {folder}: {err}")
    for file in files:
        typer.echo(f"{file.size:>10,}  {folder / file.name}")
    typer.echo(f"{len(files)} files in {folder}", err=True)


@app.command("queries")
def list_queries(root: RootOption = None) -> None:
    """List the competency questions in queries/."""
    for cq in competency_questions(_settings(root).queries_dir):
        params = " ".join(f"[{p.name}={p.default}]" for p in cq.parameters)
        typer.echo(f"{cq.name:40} {cq.title} {params}".rstrip())


@app.command()
def fmt(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Files (default: ontology/ and data/).")
    ] = None,
    root: RootOption = None,
    check_only: Annotated[
        bool, typer.Option("--check", help="Only report; exit 1 if any would change.")
    ] = False,
) -> None:
    """Rewrite Turtle files in the canonical, diff-friendly form (or --check that they are).

    shapes/ is left alone by default: it is hand-structured code whose section comments a
    graph-based formatter cannot keep.
    """
    from natograph.build import fmt as formatter

    settings = _settings(root)
    targets = paths or [
        p
        for folder in (settings.ontology_dir, settings.data_dir)
        for p in pipeline.turtle_files(folder)
    ]
    changed = []
    for path in targets:
        original = path.read_text(encoding="utf-8")
        try:
            formatted = formatter.format_text(original, str(path))
        except SyntaxError as err:
            _fail(f"{path}: cannot format, the file does not parse ({err}); run `natograph check`")
        if formatted != original:
            changed.append(path)
            if not check_only:
                path.write_text(formatted, encoding="utf-8")
    verb = "would reformat" if check_only else "reformatted"
    for path in changed:
        typer.echo(f"{verb} {path}")
    typer.echo(f"{len(changed)} of {len(targets)} file(s) {verb}", err=True)
    raise typer.Exit(1 if check_only and changed else 0)


@app.command()
def htaccess(
    target: Annotated[
        str | None,
        typer.Option(help="Host running natograph's server, e.g. https://host/prefix/."),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")
    ] = None,
) -> None:
    """Generate the w3id.org redirect rules (.htaccess) for the permanent namespace.

    The rules redirect to `target` (default: the one the committed w3id/natograph/.htaccess is
    generated for) with the server's own URL scheme and content negotiation.
    """
    from natograph.publish.htaccess import PUBLISHED_TARGET, generate

    try:
        text = generate(target if target is not None else PUBLISHED_TARGET)
    except ValueError as err:
        _fail(str(err))
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {output}", err=True)


@app.command()
def ldcheck(
    url: Annotated[str, typer.Argument(help="The running server, e.g. http://127.0.0.1:8000/.")],
    formats: Annotated[
        str, typer.Option(help="Extensions to check, comma-separated (default: all).")
    ] = ",".join(f.extension.lstrip(".") for f in DOCUMENT_FORMATS),
    base: Annotated[
        str | None, typer.Option(help="Base IRI the server maps its root onto.")
    ] = None,
    limit: Annotated[int | None, typer.Option(help="Check only the first N IRIs.")] = None,
) -> None:
    """Check that every IRI of a running server's graph dereferences: 303 by Accept, then 200
    with the right media type, RDF about the IRI, HTML that renders."""
    import httpx

    from natograph.publish import ldcheck as checker

    server = url if url.endswith("/") else url + "/"
    chosen = {f".{name.strip().lstrip('.')}" for name in formats.split(",") if name.strip()}
    wanted = [f for f in DOCUMENT_FORMATS if f.extension in chosen]
    if len(wanted) != len(chosen):
        _fail(
            f"unknown format in {formats!r}; use {', '.join(f.extension for f in DOCUMENT_FORMATS)}"
        )
    base_iri = base or Settings().base_iri
    with httpx.Client(timeout=60) as client:
        try:
            iris = checker.iris_from_endpoint(client, server, base_iri)[:limit]
        except (httpx.HTTPError, ValueError) as err:
            _fail(f"cannot list the IRIs from {server}sparql: {err}")
        failures = checker.check(client, server, base_iri, iris, wanted)
    for failure in failures:
        typer.echo(str(failure))
    typer.echo(f"{len(iris)} IRIs x {len(wanted)} formats: {len(failures)} problem(s)", err=True)
    raise typer.Exit(1 if failures else 0)


def _coverage_note(store: GraphStore, text: str, substitutions: Mapping[str, object]) -> str | None:
    """The note for a question about a date after the graph's newest source, if it is one."""
    from datetime import date

    import pyoxigraph as ox

    from natograph.publish.coverage import coverage

    covered = coverage(store)
    if covered is None:
        return None
    dates = [
        date.fromisoformat(v.value)
        for v in substitutions.values()
        if isinstance(v, ox.Literal) and v.datatype.value.endswith("#date")
    ]
    notes = [covered.note(d) for d in dates] + [covered.note_for_query(text)]
    return next((n for n in notes if n), None)


def _split_param(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep:
        _fail(f"--param expects name=value, got {text!r}")
    return name.strip(), value.strip()


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def main(argv: list[str] | None = None) -> None:
    """The `natograph` command: a failure is one line that says what to do, never a traceback.

    Known failures (a store in use, a file that cannot be read or written) name their cause;
    anything else is a bug, reported as such (NATOGRAPH_DEBUG=1 shows the trace).
    """
    import os

    try:
        app(sys.argv[1:] if argv is None else argv)
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    except OSError as err:
        typer.echo(f"error: {err}", err=True)
        raise SystemExit(2) from None
    except Exception as err:
        if os.environ.get("NATOGRAPH_DEBUG"):
            raise
        typer.echo(
            f"error: natograph failed unexpectedly ({type(err).__name__}: {err}). This is a "
            "bug: please report it with the command you ran; NATOGRAPH_DEBUG=1 shows the trace.",
            err=True,
        )
        raise SystemExit(70) from None


if __name__ == "__main__":
    main()
