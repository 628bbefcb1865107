"""The news ETL flow: discover -> read and decode -> clean -> detect language -> extract entities -> load ->
check -> publish. Tasks are thin wrappers; the logic lives in `transforms/` and `sql/`."""

from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import polars as pl
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from flows import corpus, progress, runners, warehouse
from flows.memory import collecting_per_step, release_freed_memory
from flows.models import ner_model_names, ner_pipelines, sentence_splitter
from flows.settings import DEFAULT_BATCH_SIZE, DEFAULT_SOURCES, DEFAULT_WAREHOUSE, DEFAULT_WORKERS, PIPELINE_VERSION
from transforms import records
from transforms.articles import PreparedArticles, prepare_articles
from transforms.decoding import DEFAULT_MAX_ARTICLE_BYTES
from transforms.entities import (
    articles_holding_any,
    canonicalize_mentions,
    changed_surfaces,
    find_mentions_and_sentences,
    gazetteer_surfaces,
    match_known_entities,
    ner_methods,
    sentence_starts,
    with_sentence_numbers,
)
from transforms.language import detect_language

REJECTED_SCHEMA = {"source_uri": pl.String, "reason": pl.String, "detail": pl.String, "content_hash": pl.String}
INPUT_FILE_SCHEMA = {
    "source_uri": pl.String,
    "size_bytes": pl.Int64,
    "modified_at_ns": pl.Int64,
    "content_hash": pl.String,
    "status": pl.String,
}

# Articles the gazetteer reads per chunk; its memory is bounded by the chunk, not the warehouse. Each chunk builds
# its own Aho-Corasick automata over every known name, so small chunks cost time: on MasakhaNEWS (23k names) the
# pass took about 39, 37 and 47 s with chunks of 5,000, 2,500 and 1,000 articles, and rose 259, 230 and 183 MB
# above where it started.
GAZETTEER_CHUNK = 2500
GAZETTEER_ARTICLE_SCHEMA = {"article_id": pl.String, "body_clean": pl.String, "language": pl.String}

# Frames travel between tasks in memory; Prefect's default cache key would try to hash them.
TASK_OPTIONS = {"cache_policy": NO_CACHE, "persist_result": False}


@dataclass(frozen=True)
class ReadBatch:
    docs: pl.DataFrame  # records.DOC_SCHEMA and published_at: one row per article read, in reading order
    rejected: pl.DataFrame  # source_uri (a file, or file#row=N), reason, detail, content_hash
    input_files: pl.DataFrame  # manifest rows of the inputs finished in this batch
    unchanged: int  # inputs whose content was already loaded under the same path
    inputs_read: int  # inputs finished in this batch that were read (new or changed)
    replaces: bool  # an input finished here had another version loaded: this batch's load replaces its articles
    inputs_done: int  # inputs finished by the end of this batch, for progress


# Waits for a batch's language detection and NER; returns its tagged articles and their mentions.
Tagging = Callable[[], tuple[pl.DataFrame, pl.DataFrame]]


@dataclass(frozen=True)
class TaggingBatch:
    """A batch cleaned and handed to the workers; it is loaded once they are done, while the next one is cleaned."""

    read: ReadBatch
    prepared: PreparedArticles
    new_articles: pl.DataFrame
    tagged: Tagging


@task(**TASK_OPTIONS)
def discover_inputs(source_list: list[str]) -> pl.DataFrame:
    found = corpus.discover_inputs(source_list)
    get_run_logger().info("discovered %d input files under %s", found.height, ", ".join(source_list))
    return found


@task(**TASK_OPTIONS)
def skip_unchanged_inputs(warehouse_path: str, inputs: pl.DataFrame) -> pl.DataFrame:
    """Inputs whose path, size and modification time match the manifest are not read again."""
    known = warehouse.known_inputs(warehouse_path, inputs["source_uri"])
    return inputs.join(known, on=list(corpus.INPUT_SCHEMA), how="anti", maintain_order="left")


@task(**TASK_OPTIONS)
def open_corpus(
    warehouse_path: str, inputs: pl.DataFrame, max_article_bytes: int, fields: dict[str, str] | None
) -> corpus.CorpusReader:
    """A reader over the inputs to read, knowing which content the manifest already holds."""
    known = warehouse.known_inputs(warehouse_path, inputs["source_uri"])
    versions = {uri: (digest, status) for uri, digest, status in known.select("source_uri", "content_hash", "status").iter_rows()}
    return corpus.CorpusReader(inputs, versions, max_article_bytes, fields)


@task(**TASK_OPTIONS)
def read_batch(reader: corpus.CorpusReader, batch_size: int) -> ReadBatch | None:
    """The next ~batch_size articles and rejected rows, with the manifest rows of the inputs they finish; None at the end."""
    items = reader.next_batch(batch_size)
    if not items:
        return None
    finished = items.finished
    return ReadBatch(
        docs=records.documents_frame(items.documents),
        rejected=pl.DataFrame(
            [(item.source_uri, item.reason, item.detail, item.content_hash) for item in items.rejections],
            schema=REJECTED_SCHEMA,
            orient="row",
        ),
        input_files=pl.DataFrame(
            [(item.source_uri, item.size_bytes, item.modified_at_ns, item.content_hash, item.status) for item in finished],
            schema=INPUT_FILE_SCHEMA,
            orient="row",
        ),
        unchanged=sum(item.unchanged for item in finished),
        inputs_read=sum(not item.unchanged for item in finished),
        replaces=any(item.replaces for item in finished),
        inputs_done=reader.inputs_done,
    )


def read_batches(reader: corpus.CorpusReader, batch_size: int) -> Iterator[ReadBatch]:
    """Batches of about `batch_size` articles: a big structured file spans several, small files share one."""
    while (read := read_batch(reader, batch_size)) is not None:
        yield read


@task(**TASK_OPTIONS)
def clean(docs: pl.DataFrame) -> PreparedArticles:
    return prepare_articles(docs)


@task(**TASK_OPTIONS)
def drop_known_articles(warehouse_path: str, articles: pl.DataFrame, in_flight: pl.Series) -> pl.DataFrame:
    """Content already in the warehouse, or in the batch being tagged (`in_flight`, its article ids), is not detected
    or tagged again."""
    # `in_flight` is a Series, not a list: Prefect walks a list parameter item by item (looking for futures to
    # wait on) twice per call, 70 ms for a batch's 2,000 ids on a slow day, and takes a Series whole (5 ms).
    known = warehouse.known_article_ids(warehouse_path, articles["article_id"].to_list())
    return articles.filter(~pl.col("article_id").is_in(sorted(known.union(in_flight.to_list()))))


@task(**TASK_OPTIONS)
def detect_languages(articles: pl.DataFrame) -> pl.DataFrame:
    return articles.with_columns(detect_language(pl.col("body_clean")).alias("detected")).unnest("detected")


@task(**TASK_OPTIONS)
def extract_entities(articles: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Returns the articles with their `ner_method` and the canonical mentions."""
    # Only the models of the languages in this slice are loaded: an empty slice (every article already known) or
    # an English-only corpus loads no French model.
    pipelines = ner_pipelines(articles["language"].unique())
    mentions, sentences = find_mentions_and_sentences(articles, pipelines)
    mentions = with_sentence_numbers(canonicalize_mentions(mentions), sentences)
    methods = ner_methods(pl.col("language"), pl.col("body_clean"), ner_model_names())
    return articles.with_columns(methods.alias("ner_method")), mentions


@task(**TASK_OPTIONS)
def annotate_slice(articles: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Language detection, then NER, on one slice of a batch: one submit to a worker for both. Submitting each
    stage on its own cost the flow's process ~80 ms of Prefect context serialization a submit, and sent every
    slice's detected articles back through it to reach NER."""
    return extract_entities(detect_languages(articles))


def annotate(runner: runners.TaskRunner, articles: pl.DataFrame, workers: int, in_workers: bool) -> Tagging:
    """Start detecting the language and entities of `articles`: right away in this process, or `in_workers`
    split over the runner's workers (each loads its models once and keeps them for the run). The returned
    function waits for the results and gives them in the articles' order."""
    if not in_workers or articles.is_empty():
        done = extract_entities(detect_languages(articles))
        return lambda: done
    parts = runners.split_for_workers(articles, workers)
    # Every slice is submitted before any result is awaited, so the workers tag their slices at the same time.
    futures = [runner.submit(annotate_slice, {"articles": part}) for part in parts]

    def wait() -> tuple[pl.DataFrame, pl.DataFrame]:
        tagged = [future.result() for future in futures]
        return pl.concat([articles for articles, _ in tagged]), pl.concat([mentions for _, mentions in tagged])

    return wait


def load_corpus(
    warehouse_path: str,
    run_id: str,
    reader: corpus.CorpusReader,
    batch_size: int,
    runner: runners.TaskRunner,
    slices: int,
    counts: Counter,
) -> None:
    """Read, clean, tag and load the reader's inputs batch by batch, counting into `counts`.

    One batch is tagged by the workers while the next is read and cleaned here; batches load in reading order."""
    tagging: TaggingBatch | None = None
    # Small runs (the seeds, a quiet hour of a feed) are tagged here and never start a worker. Once a batch has
    # needed the workers, every later one goes to them too: a short last batch tagged here would load the
    # models into this process as well, and leave the workers idle while it is tagged.
    in_workers = False
    for read in read_batches(reader, batch_size):
        prepared = clean(read.docs)
        if tagging is not None and tagging.read.replaces:
            # Its load deletes what an earlier version of an input held. An article of that version which this
            # batch also holds is new again, and this batch can only tell once that load is done.
            load_tagged(warehouse_path, run_id, tagging, counts, reader.inputs.height)
            tagging = None
        in_flight = tagging.new_articles["article_id"] if tagging is not None else pl.Series("article_id", [], pl.String)
        new_articles = drop_known_articles(warehouse_path, prepared.articles, in_flight)
        in_workers = in_workers or len(runners.split_for_workers(new_articles, slices)) > 1
        started = annotate(runner, new_articles, slices, in_workers)
        if tagging is not None:
            load_tagged(warehouse_path, run_id, tagging, counts, reader.inputs.height)
        tagging = TaggingBatch(read, prepared, new_articles, started)
    if tagging is not None:
        load_tagged(warehouse_path, run_id, tagging, counts, reader.inputs.height)


def load_tagged(warehouse_path: str, run_id: str, batch: TaggingBatch, counts: Counter, total_inputs: int) -> None:
    """Wait for `batch`'s tags, load it in one transaction, and count what it brought."""
    read, prepared, new_articles = batch.read, batch.prepared, batch.new_articles
    tagged, mentions = batch.tagged()
    loaded = load(
        warehouse_path,
        run_id,
        warehouse.LoadBatch(
            articles=tagged,
            removed_lines=prepared.removed_lines,
            related_headlines=prepared.related_headlines,
            entity_mentions=mentions,
            rejected_inputs=read.rejected,
            input_files=read.input_files,
            article_sources=records.article_sources(read.docs, prepared.sources),
        ),
    )
    counts.update(
        inputs_unchanged=read.unchanged,
        inputs_read=read.inputs_read,
        inputs_rejected=read.rejected.height,
        articles_read=read.docs.height,
        articles_duplicate=read.docs.height - new_articles.height,
        articles_language_detected=tagged.height,
        articles_ner=tagged.filter(pl.col("ner_method").str.starts_with("model:")).height,
        articles_loaded=loaded,
        lines_removed=prepared.removed_lines.join(new_articles.select("article_id"), on="article_id", how="semi").height,
        mentions_loaded=mentions.height,
    )
    release_freed_memory()
    progress.report(read.inputs_done, total_inputs)


def number_sentences(mentions: pl.DataFrame, articles: pl.DataFrame, stored: pl.DataFrame | None = None) -> pl.DataFrame:
    """`mentions` with the sentence each starts in; only articles with mentions are split into sentences.

    `stored` (article_id, start_char, sentence_no) are numbers found before: a mention starting at the same place
    of the same article is in the same sentence (the body decides it alone), so its article need not be split
    again. The gazetteer, which matches every article again on every run that changed something, reuses them."""
    if stored is None:
        # A mention's sentence is decided by the starts before it: each article is split up to its last mention.
        last_mention = mentions.group_by("article_id").agg(pl.col("start_char").max().alias("last_mention"))
        mentioned = articles.join(last_mention, on="article_id", how="inner", maintain_order="left")
        return with_sentence_numbers(mentions, sentence_starts(mentioned, sentence_splitter, until="last_mention"))
    looked_up = mentions.with_row_index("_mention").join(stored, on=["article_id", "start_char"], how="left", maintain_order="left")
    found_before = looked_up.filter(pl.col("sentence_no").is_not_null())
    numbered = number_sentences(looked_up.filter(pl.col("sentence_no").is_null()).drop("sentence_no"), articles)
    return pl.concat([found_before, numbered.select(found_before.columns)]).sort("_mention").drop("_mention")


@task(**TASK_OPTIONS)
def load(warehouse_path: str, run_id: str, batch: warehouse.LoadBatch) -> int:
    return warehouse.load_batch(warehouse_path, run_id, PIPELINE_VERSION, batch)


@task(**TASK_OPTIONS)
def count_replaced_articles(warehouse_path: str, run_id: str) -> int:
    return warehouse.replaced_article_count(warehouse_path, run_id)


def match_gazetteer(warehouse_path: str, runner: runners.TaskRunner, slices: int) -> int:
    """Find the names models found elsewhere in the articles no model reads; returns how many articles it matched.

    Done over the whole warehouse after loading, not per batch, so an article's gazetteer mentions depend on
    what is loaded and never on which batch or run brought the English article that named the entity. Only the
    articles whose mentions can have changed are matched (`articles_to_match`)."""
    known = warehouse.known_names(warehouse_path)
    surfaces = gazetteer_surfaces(known)
    articles = articles_to_match(warehouse_path, surfaces)
    mentions = gazetteer_mentions(warehouse_path, surfaces, articles, runner, slices)
    found = warehouse.replace_gazetteer_mentions(warehouse_path, mentions, articles, surfaces, PIPELINE_VERSION)
    get_run_logger().info("gazetteer: %d names, %d articles matched, %d mentions in them", known.height, articles.height, found)
    return articles.height


def articles_to_match(warehouse_path: str, surfaces: pl.DataFrame) -> pl.DataFrame:
    """row_no, article_id of the gazetteer articles whose mentions `surfaces` may change, in rowid order: those no
    pass has matched, and those holding a name whose row differs from the last pass's. Every other article would
    get the mentions it holds (see `gazetteer_surfaces`). All of them when this pipeline version never matched."""
    articles = warehouse.gazetteer_article_ids(warehouse_path)
    before = warehouse.last_gazetteer_surfaces(warehouse_path, PIPELINE_VERSION)
    if before is None:
        return articles.select("row_no", "article_id")
    changed = changed_surfaces(before, surfaces)
    # Only the ids of each chunk are kept: the texts of every matched article pass through, a chunk at a time.
    chunks = warehouse.gazetteer_articles(warehouse_path, articles.filter(pl.col("matched")), GAZETTEER_CHUNK) if changed else []
    touched = pl.concat([pl.DataFrame(schema={"article_id": pl.String}), *(articles_holding_any(chunk, changed) for chunk in chunks)])
    wanted = ~pl.col("matched") | pl.col("article_id").is_in(touched["article_id"])
    return articles.filter(wanted).select("row_no", "article_id")


def gazetteer_on_workers(articles: int, slices: int) -> bool:
    """Whether the gazetteer, reading `articles` articles with a runner of `slices` workers, matches its chunks on
    the workers: with more than one slice and at least one full chunk. Fewer articles make one chunk, which the
    flow's process matches without starting workers."""
    return slices > 1 and articles >= GAZETTEER_CHUNK


@task(**TASK_OPTIONS)
def match_gazetteer_chunk(articles: pl.DataFrame, surfaces: pl.DataFrame, stored: pl.DataFrame | None) -> pl.DataFrame:
    """The gazetteer's mentions in one chunk of articles, numbered by sentence (`number_sentences`)."""
    return number_sentences(match_known_entities(articles, surfaces), articles, stored)


def gazetteer_mentions(
    warehouse_path: str, surfaces: pl.DataFrame, articles: pl.DataFrame, runner: runners.TaskRunner | None = None, slices: int = 1
) -> Iterator[pl.DataFrame]:
    """The gazetteer's mentions in `articles` (row_no, article_id, in rowid order) chunk by chunk, in the chunks'
    order; an empty frame when there is no article to match, so the schema is always there.

    Where `gazetteer_on_workers` says so, chunks are matched on the runner's workers, at most
    `slices` + 1 at a time, so memory holds a few chunks of articles and mentions, not the warehouse. The
    gazetteer is the longest end-of-run step when it matches every article of its languages (a first load);
    splitting its sentences is most of its time."""
    pending: deque = deque()
    matched_any = False
    for chunk in warehouse.gazetteer_articles(warehouse_path, articles, GAZETTEER_CHUNK):
        stored = warehouse.gazetteer_sentence_numbers(warehouse_path, chunk["article_id"].to_list())
        parameters = {"articles": chunk, "surfaces": surfaces, "stored": stored}
        # The first chunk decides: its size is the number of articles up to one chunk.
        if runner is not None and (pending or gazetteer_on_workers(chunk.height, slices)):
            pending.append(runner.submit(match_gazetteer_chunk, parameters))
            if len(pending) > slices:
                yield pending.popleft().result()
        else:
            yield match_gazetteer_chunk(**parameters)
        release_freed_memory()
        matched_any = True
    while pending:
        yield pending.popleft().result()
    if not matched_any:
        nothing = pl.DataFrame(schema=GAZETTEER_ARTICLE_SCHEMA)
        yield match_gazetteer_chunk(nothing, surfaces, None)


@task(**TASK_OPTIONS)
def rebuild_entities(warehouse_path: str) -> None:
    warehouse.refresh_entities(warehouse_path, PIPELINE_VERSION)


@task(**TASK_OPTIONS)
def derive_repeated_lines(warehouse_path: str) -> int:
    """Each source's repeated lines and the article lines that are one; returns how many article lines are."""
    if warehouse.repeated_lines_are_current(warehouse_path, PIPELINE_VERSION):
        get_run_logger().info("no article came or went since repeated lines were last derived: kept")
        return warehouse.repeated_line_count(warehouse_path)
    repeated = warehouse.refresh_repeated_lines(warehouse_path, PIPELINE_VERSION)
    get_run_logger().info("repeated lines: %d article lines repeat a line of their source", repeated)
    return repeated


def derive_entities(warehouse_path: str, runner: runners.TaskRunner, slices: int) -> int:
    """Gazetteer mentions, cross-article links and entity tables, unless nothing they come from has changed.
    Returns how many articles the gazetteer matched."""
    if warehouse.entities_are_current(warehouse_path, PIPELINE_VERSION):
        get_run_logger().info("no article or mention changed since entities were last derived: gazetteer and entities kept")
        return 0
    matched = match_gazetteer(warehouse_path, runner, slices)
    release_freed_memory()
    rebuild_entities(warehouse_path)
    release_freed_memory()
    return matched


@task(**TASK_OPTIONS)
def run_data_checks(warehouse_path: str) -> dict[str, int]:
    """Failing rows by check; empty when no row they read changed since they all passed (an unchanged re-run):
    they read the whole warehouse, which took most of an unchanged run's time, and would pass again."""
    results = warehouse.run_checks_unless_passed(warehouse_path, PIPELINE_VERSION)
    if results is None:
        get_run_logger().info(
            "no row the data checks read changed since they last passed: not run again (`news-etl checks` runs them)"
        )
        return {}
    failed = {name: rows for name, rows in results.items() if rows}
    if failed:
        get_run_logger().error("data checks failed: %s", failed)
    return results


@task(**TASK_OPTIONS)
def publish_summary(warehouse_path: str, run_id: str, counts: Counter, checks: dict[str, int]) -> dict:
    failed_checks = sorted(name for name, rows in checks.items() if rows)
    status = "completed" if not failed_checks else "failed_checks"
    counts["checks_run"] = len(checks)
    counts["checks_failed"] = len(failed_checks)
    warehouse.finish_run(warehouse_path, run_id, status, counts, error=", ".join(failed_checks) or None)
    create_table_artifact(
        key="news-etl-run-summary",
        table=[{"stage": name, "count": counts[name]} for name in sorted(counts)],
        description=f"news-etl run {run_id} into {warehouse_path}: {status}",
    )
    return {"run_id": run_id, "status": status, "warehouse": warehouse_path, "counts": dict(counts), "failed_checks": failed_checks}


@flow(name="news-etl", log_prints=False)
def news_etl(
    sources: list[str] | None = None,
    warehouse_path: str = DEFAULT_WAREHOUSE,
    batch_size: int = DEFAULT_BATCH_SIZE,
    max_article_bytes: int = DEFAULT_MAX_ARTICLE_BYTES,
    fields: dict[str, str] | None = None,
    task_runner: str = "processes",
    workers: int = DEFAULT_WORKERS,
    dask_address: str | None = None,
) -> dict:
    """Load raw news articles from files, folders or globs into the DuckDB warehouse.

    `fields` names the input field that fills a column of a structured input (`{"text": "body"}`); see
    transforms.records.FIELD_CANDIDATES for the defaults. Language detection and NER run where `task_runner`
    says (runners.TASK_RUNNERS), each batch split over `workers`; `dask_address` points the dask runner at an
    existing cluster's scheduler instead of starting a local one."""
    source_list = list(sources or DEFAULT_SOURCES)
    run_id = str(flow_run.id)
    run_lock = warehouse.acquire_run_lock(warehouse_path, run_id)
    counts = Counter({name: 0 for name in RUN_COUNTS})
    try:
        with warehouse.hold(warehouse_path), collecting_per_step():
            warehouse.start_run(warehouse_path, run_id, source_list, PIPELINE_VERSION)
            inputs = discover_inputs(source_list)
            pending = skip_unchanged_inputs(warehouse_path, inputs)
            counts.update(inputs_discovered=inputs.height, inputs_unchanged=inputs.height - pending.height)
            reader = open_corpus(warehouse_path, pending, max_article_bytes, fields)
            with (
                runners.workers_report_to_this_api(),
                runners.heavy_stage_runner(task_runner, workers, dask_address) as runner,
            ):
                slices = runners.parallel_workers(task_runner, workers)
                load_corpus(warehouse_path, run_id, reader, batch_size, runner, slices, counts)
                counts.update(articles_replaced=count_replaced_articles(warehouse_path, run_id))
                counts.update(lines_repeated=derive_repeated_lines(warehouse_path))
                release_freed_memory()
                counts.update(articles_gazetteer_matched=derive_entities(warehouse_path, runner, slices))
            checks = run_data_checks(warehouse_path)
            return publish_summary(warehouse_path, run_id, counts, checks)
    except Exception as error:
        warehouse.finish_run(warehouse_path, run_id, "failed", counts, error=f"{type(error).__name__}: {error}")
        raise
    finally:
        run_lock.release()


# Stage counts recorded on every `runs` row, in the order a reader follows the flow.
RUN_COUNTS = (
    "inputs_discovered",
    "inputs_unchanged",
    "inputs_read",
    "inputs_rejected",
    "articles_read",
    "articles_duplicate",
    "articles_language_detected",
    "articles_ner",
    "articles_loaded",
    "articles_replaced",
    "lines_removed",
    "lines_repeated",
    "articles_gazetteer_matched",
    "mentions_loaded",
)
