"""The `news-etl` command line: run the flow, query the warehouse, serve on a schedule, check the data."""

if __name__ == "__main__":
    # `python -m flows.cli` runs this file as a script. Its imports below read the NEWS_ETL_* settings, so it hands
    # over to `flows.main` first, which imports this module under its own name and turns a bad setting into one line.
    from flows import main

    main()
    raise SystemExit(0)

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from flows import warehouse
from flows.settings import DEFAULT_BATCH_SIZE, DEFAULT_SOURCES, DEFAULT_WAREHOUSE, DEFAULT_WORKERS
from transforms.decoding import DEFAULT_MAX_ARTICLE_BYTES

app = typer.Typer(
    help="Turn raw news articles into a clean, queryable DuckDB warehouse.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
errors = Console(stderr=True)

WarehouseOption = Annotated[
    Path, typer.Option("--warehouse", "-w", help="The DuckDB warehouse file (env NEWS_ETL_WAREHOUSE).")
]


def _fail(message: str, code: int = 2) -> None:
    errors.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(code)


# What to do once the memory limit is raised, after a run and after a query.
RUN_AGAIN = "run again: the batches loaded so far are kept, and the run goes on from them"
QUERY_AGAIN = "query again"
CHECK_AGAIN = "run the checks again"


def _described(error: Exception, then: str) -> str:
    """The error in one line, and what the user can do about it where its own message does not say it in our terms
    (`then`: what to do once that is done)."""
    line = f"{type(error).__name__}: {error}"
    if warehouse.is_out_of_memory(error):
        # DuckDB's own advice names its SQL settings; news-etl takes its limit from the environment.
        return (
            f"{line}\nDuckDB ran out of the memory news-etl gives it (NEWS_ETL_DUCKDB_MEMORY_LIMIT, now {warehouse.DUCKDB_MEMORY_LIMIT}). "
            f"Set it higher and {then}."
        )
    return line


def _quiet_prefect(verbose: bool) -> None:
    # Prefect reads its logging level on import; a CLI run shows a progress bar and a summary instead of
    # Prefect's per-task lines, which stay one flag away.
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if verbose else "WARNING")
    # A Dask cluster logs every worker's start and stop at INFO; the same flag shows them.
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "info" if verbose else "warning")


def _print_table(title: str, columns: list[str], rows: list[tuple]) -> None:
    table = Table(title=title, title_justify="left", show_lines=False)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*("" if value is None else str(value) for value in row))
    if not rows:
        table.add_row(*(["-"] * len(columns)))
    console.print(table)


def _print_run_summary(result: dict) -> None:
    counts = result["counts"]
    _print_table("Run " + result["run_id"], ["stage", "count"], [(name, counts[name]) for name in counts])
    params = {"run_id": result["run_id"]}
    for name, title in (
        ("run_removed_lines_by_reason", "Lines removed, by reason"),
        ("run_languages", "Languages"),
        ("top_entities", "Top entities in the warehouse"),
        ("run_rejected_inputs", "Rejected inputs"),
    ):
        sql = warehouse.named_queries()[name].read_text(encoding="utf-8")
        _print_table(title, *warehouse.query(result["warehouse"], sql, params))
    status = result["status"]
    colour = "green" if status == "completed" else "red"
    console.print(f"[{colour}]{status}[/]: warehouse {result['warehouse']}")


@app.command()
def run(
    sources: Annotated[
        list[str] | None,
        typer.Argument(
            help="Files, folders (read recursively) or globs of .txt, .html/.htm, .json/.jsonl/.ndjson, .csv/.tsv, "
            ".parquet, .warc and .rss/.atom inputs, each optionally compressed (.gz, .bz2, .xz). Default: seeds/.",
            show_default=False,
        ),
    ] = None,
    warehouse_path: WarehouseOption = Path(DEFAULT_WAREHOUSE),
    batch_size: Annotated[int, typer.Option(min=1, help="Articles per batch; one batch is one load transaction.")] = DEFAULT_BATCH_SIZE,
    max_article_bytes: Annotated[
        int, typer.Option(min=1, help="An article's text above this many bytes (a file, a row, a page's text) is rejected as too_large.")
    ] = DEFAULT_MAX_ARTICLE_BYTES,
    field: Annotated[
        list[str] | None,
        typer.Option(
            "--field",
            "-f",
            help="Which field of a structured input fills a column, as COLUMN=FIELD (repeatable; COLUMN is one of text, "
            "title, url, published, outlet, language; FIELD may be dotted, e.g. source.name). Default: common names "
            "such as text/body/content, title/headline, url/link, date/published_at, source/outlet, language/lang.",
        ),
    ] = None,
    task_runner: Annotated[
        str,
        typer.Option(
            help="Where language detection and NER run: processes (worker processes on this machine), local (this "
            "process only) or dask (a Dask cluster via prefect-dask: a local one with --workers processes, or the "
            "existing one at --dask-address). Batches under 100 articles per worker stay in this process.",
        ),
    ] = "processes",
    workers: Annotated[int, typer.Option(min=1, help="Worker processes (default: the machine's cores); each batch is split over them.")] = DEFAULT_WORKERS,
    dask_address: Annotated[
        str | None,
        typer.Option(help="Scheduler address of an existing Dask cluster, e.g. tcp://10.0.0.5:8786 (with --task-runner dask)."),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 when any input or row was rejected.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show Prefect's task logs.")] = False,
) -> None:
    """Run the ETL flow over SOURCES into the warehouse and print a summary of the run."""
    _quiet_prefect(verbose)
    from flows import corpus, progress
    from flows.pipeline import news_etl
    from flows.runners import heavy_stage_runner
    from transforms.records import parse_field_options

    source_list = list(sources or DEFAULT_SOURCES)
    try:
        corpus.discover_inputs(source_list)
        fields = parse_field_options(field or [])
        heavy_stage_runner(task_runner, workers, dask_address)
    except (corpus.SourceNotFound, ValueError) as error:
        _fail(str(error))

    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=errors,
        transient=True,
    ) as bar:
        task_id = bar.add_task("starting Prefect and loading models", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task_id, description="inputs", completed=done, total=total)

        progress.set_reporter(advance)
        try:
            result = news_etl(
                sources=source_list,
                warehouse_path=str(warehouse_path),
                batch_size=batch_size,
                max_article_bytes=max_article_bytes,
                fields=fields or None,
                task_runner=task_runner,
                workers=workers,
                dask_address=dask_address,
            )
        except Exception as error:  # the run row records it; the user gets one line, not a traceback
            bar.stop()
            _fail(f"run failed: {_described(error, RUN_AGAIN)}", code=1)
        finally:
            progress.set_reporter(None)
    _print_run_summary(result)
    if result["status"] != "completed":
        _fail(f"data checks failed: {', '.join(result['failed_checks'])}", code=1)
    counts = result["counts"]
    rejected = counts.get("inputs_rejected", 0)
    if counts.get("inputs_read", 0) and not counts.get("articles_read", 0):
        _fail(f"nothing could be loaded: {rejected} inputs or rows rejected (see Rejected inputs)", code=1)
    if strict and rejected:
        _fail(f"--strict: {rejected} inputs or rows rejected (see Rejected inputs)", code=1)
    if rejected:
        console.print(f"{rejected} inputs or rows rejected (see Rejected inputs); the rest was loaded")


@app.command()
def query(
    name_or_sql: Annotated[
        str | None,
        typer.Argument(help="A named query from sql/queries/ (without .sql), a view name, or a SQL statement. Omit to list them.", show_default=False),
    ] = None,
    warehouse_path: WarehouseOption = Path(DEFAULT_WAREHOUSE),
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="A query parameter as NAME=VALUE; run_id defaults to the latest run.")] = None,
) -> None:
    """Run a named query or ad-hoc SQL against the warehouse, read-only, and print the result."""
    queries = warehouse.named_queries()
    if name_or_sql is None:
        _print_table("Named queries (news-etl query NAME)", ["name", "file"], [(name, str(path.relative_to(path.parents[2]))) for name, path in queries.items()])
        views = sorted(path.stem for path in warehouse.VIEWS_DIR.glob("*.sql"))
        _print_table("Views (news-etl query VIEW)", ["view"], [(view,) for view in views])
        return
    views = {path.stem for path in warehouse.VIEWS_DIR.glob("*.sql")}
    if name_or_sql in queries:
        sql = queries[name_or_sql].read_text(encoding="utf-8")
    elif name_or_sql in views:
        sql = f"select * from {name_or_sql}"
    else:
        sql = name_or_sql
    params = {}
    for item in param or []:
        key, separator, value = item.partition("=")
        if not separator:
            _fail(f"--param needs NAME=VALUE, got {item!r}")
        params[key] = value
    try:
        if "run_id" in warehouse.query_parameters(sql) and "run_id" not in params:
            params["run_id"] = warehouse.latest_run_id(warehouse_path)
        columns, rows = warehouse.query(warehouse_path, sql, params)
    except warehouse.WarehouseNotFound as error:
        _fail(str(error))
    except Exception as error:  # DuckDB's own message says what is wrong with the SQL
        _fail(_described(error, QUERY_AGAIN))
    _print_table(name_or_sql if name_or_sql in queries else "", columns, rows)


@app.command()
def checks(warehouse_path: WarehouseOption = Path(DEFAULT_WAREHOUSE)) -> None:
    """Run the data checks in sql/checks/ (each must return zero rows); exit 1 if any fails."""
    if not warehouse_path.exists():
        _fail(f"no warehouse at {warehouse_path}")
    try:
        results = warehouse.run_checks(str(warehouse_path))
    except Exception as error:  # a warehouse another run holds, DuckDB out of memory: one line, not a traceback
        _fail(_described(error, CHECK_AGAIN))
    _print_table("Data checks", ["check", "failing rows"], sorted(results.items()))
    if any(results.values()):
        raise typer.Exit(1)


@app.command()
def serve(
    sources: Annotated[list[str] | None, typer.Argument(help="What each scheduled run reads. Default: seeds/.", show_default=False)] = None,
    warehouse_path: WarehouseOption = Path(DEFAULT_WAREHOUSE),
    cron: Annotated[str | None, typer.Option(help='Cron schedule, e.g. "0 * * * *" (the default: hourly).')] = None,
    interval: Annotated[float | None, typer.Option(min=1, help="Run every N seconds instead of a cron schedule.")] = None,
    name: Annotated[str, typer.Option(help="The deployment's name on the Prefect server.")] = "news-etl-scheduled",
) -> None:
    """Serve the flow on a schedule against a running Prefect server (PREFECT_API_URL) until interrupted."""
    from flows import deployments

    source_list = [str(Path(source).resolve()) for source in sources] if sources else None
    try:
        deployments.require_server()
        deployments.serve(source_list, str(warehouse_path.resolve()), cron=cron, interval_seconds=interval, name=name)
    except (deployments.NoPrefectServer, ValueError) as error:
        _fail(str(error))


evaluate_app = typer.Typer(
    help="Measure accuracy on the labelled real data in ../shared/datasets (see each command's --help).",
    no_args_is_help=True,
)
app.add_typer(evaluate_app, name="evaluate")


@evaluate_app.command("boilerplate")
def evaluate_boilerplate() -> None:
    """Line-level precision, recall and F1 of boilerplate removal on the hand-labelled gold set, with the worst misses."""
    from flows.evaluation import boilerplate

    raise typer.Exit(boilerplate.main([]) or 0)


@evaluate_app.command("language")
def evaluate_language() -> None:
    """Language identification on MasakhaNEWS (16 languages, full articles) and the lingua short-text test data."""
    from flows.evaluation import language

    raise typer.Exit(language.main([]) or 0)


@evaluate_app.command("ner")
def evaluate_ner() -> None:
    """Entity spans: CoNLL-2003 English test (bare model beside our pipeline), and the gazetteer on GermEval 2014 German
    test and MasakhaNER v1 test (10 African languages)."""
    from flows.evaluation import ner

    raise typer.Exit(ner.main([]) or 0)


@evaluate_app.command("canonical")
def evaluate_canonical() -> None:
    """Canonicalisation accuracy on the hand-labelled gold mentions (tests/fixtures/canonicalization_gold.jsonl)."""
    from flows.evaluation import canonical

    raise typer.Exit(canonical.main([]) or 0)


@evaluate_app.command("html")
def evaluate_html() -> None:
    """Main text of HTML pages on the Zyte article-extraction benchmark (181 pages): ours beside trafilatura alone."""
    from flows.evaluation import html

    raise typer.Exit(html.main([]) or 0)

