"""The news ETL flow: discover -> read and decode -> clean -> detect language -> extract entities -> load ->
check -> publish. Tasks are thin wrappers; the logic lives in `transforms/` and `sql/`."""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import polars as pl
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from flows import corpus, progress, runners, warehouse
from flows.models import ner_pipelines, sentence_splitter
from flows.settings import DEFAULT_BATCH_SIZE, DEFAULT_SOURCES, DEFAULT_WAREHOUSE, DEFAULT_WORKERS, PIPELINE_VERSION
from transforms import records
from transforms.articles import PreparedArticles, prepare_articles
from transforms.decoding import DEFAULT_MAX_ARTICLE_BYTES
from transforms.entities import (
    canonicalize_mentions,
    find_mentions,
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

# Articles the gazetteer reads per chunk: bounded memory, and matching is fast (Aho-Corasick), so chunks are big.
GAZETTEER_CHUNK = 5000
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


@task(**TASK_OPTIONS)
def discover_inputs(source_list: list[str]) -> list[corpus.InputFile]:
    found = corpus.discover_inputs(source_list)
    get_run_logger().info("discovered %d input files under %s", len(found), ", ".join(source_list))
    return found


@task(**TASK_OPTIONS)
def skip_unchanged_inputs(warehouse_path: str, inputs: list[corpus.InputFile]) -> list[corpus.InputFile]:
    """Inputs whose path, size and modification time match the manifest are not read again."""
    known = warehouse.known_inputs(warehouse_path, [item.source_uri for item in inputs])
    seen = set(known.select("source_uri", "size_bytes", "modified_at_ns").iter_rows())
    return [item for item in inputs if (item.source_uri, item.size_bytes, item.modified_at_ns) not in seen]


@task(**TASK_OPTIONS)
def open_corpus(
    warehouse_path: str, inputs: list[corpus.InputFile], max_article_bytes: int, fields: dict[str, str] | None
) -> corpus.CorpusReader:
    """A reader over the inputs to read, knowing which content the manifest already holds."""
    known = warehouse.known_inputs(warehouse_path, [item.source_uri for item in inputs])
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
    )


def read_batches(reader: corpus.CorpusReader, batch_size: int) -> Iterator[ReadBatch]:
    """Batches of about `batch_size` articles: a big structured file spans several, small files share one."""
    while (read := read_batch(reader, batch_size)) is not None:
        yield read


@task(**TASK_OPTIONS)
def clean(docs: pl.DataFrame) -> PreparedArticles:
    return prepare_articles(docs)


@task(**TASK_OPTIONS)
def drop_known_articles(warehouse_path: str, articles: pl.DataFrame) -> pl.DataFrame:
    """Content already in the warehouse is not detected or tagged again."""
    known = warehouse.known_article_ids(warehouse_path, articles["article_id"].to_list())
    return articles.filter(~pl.col("article_id").is_in(sorted(known)))


@task(**TASK_OPTIONS)
def detect_languages(articles: pl.DataFrame) -> pl.DataFrame:
    return articles.with_columns(detect_language(pl.col("body_clean")).alias("detected")).unnest("detected")


@task(**TASK_OPTIONS)
def extract_entities(articles: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Returns the articles with their `ner_method` and the canonical mentions."""
    pipelines = ner_pipelines()
    mentions = number_sentences(canonicalize_mentions(find_mentions(articles, pipelines)), articles)
    return articles.with_columns(ner_methods(pl.col("language"), pl.col("body_clean"), pipelines).alias("ner_method")), mentions


def annotate(runner: runners.TaskRunner, articles: pl.DataFrame, workers: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Language and entities of `articles`, in their order: a small batch in this process, a large one split
    over the runner's workers (each loads its models once and keeps them for the run)."""
    parts = runners.split_for_workers(articles, workers)
    if len(parts) == 1:
        return extract_entities(detect_languages(articles))
    with_language = [runner.submit(detect_languages, {"articles": part}) for part in parts]
    # Every slice is submitted before any result is awaited, so the workers tag their slices at the same time.
    futures = [runner.submit(extract_entities, {"articles": future}) for future in with_language]
    tagged = [future.result() for future in futures]
    return pl.concat([articles for articles, _ in tagged]), pl.concat([mentions for _, mentions in tagged])


def number_sentences(mentions: pl.DataFrame, articles: pl.DataFrame) -> pl.DataFrame:
    """`mentions` with the sentence each starts in; only articles with mentions are split into sentences."""
    mentioned = articles.join(mentions.select("article_id").unique(), on="article_id", how="semi")
    return with_sentence_numbers(mentions, sentence_starts(mentioned, sentence_splitter))


@task(**TASK_OPTIONS)
def load(warehouse_path: str, run_id: str, batch: warehouse.LoadBatch) -> int:
    return warehouse.load_batch(warehouse_path, run_id, PIPELINE_VERSION, batch)


@task(**TASK_OPTIONS)
def count_replaced_articles(warehouse_path: str, run_id: str) -> int:
    return warehouse.replaced_article_count(warehouse_path, run_id)


@task(**TASK_OPTIONS)
def match_gazetteer(warehouse_path: str) -> int:
    """Find the names models found elsewhere in the articles no model reads; returns how many mentions that gives.

    Done over the whole warehouse after loading, not per batch, so an article's gazetteer mentions depend on
    what is loaded and never on which batch or run brought the English article that named the entity."""
    known = warehouse.known_names(warehouse_path)
    found = [
        number_sentences(match_known_entities(chunk, known), chunk)
        for chunk in warehouse.gazetteer_articles(warehouse_path, GAZETTEER_CHUNK)
    ]
    if not found:
        nothing = pl.DataFrame(schema=GAZETTEER_ARTICLE_SCHEMA)
        found = [number_sentences(match_known_entities(nothing, known), nothing)]
    mentions = pl.concat(found)
    warehouse.replace_gazetteer_mentions(warehouse_path, mentions)
    get_run_logger().info("gazetteer: %d names, %d mentions", known.height, mentions.height)
    return mentions.height


@task(**TASK_OPTIONS)
def rebuild_entities(warehouse_path: str) -> None:
    warehouse.refresh_entities(warehouse_path)


@task(**TASK_OPTIONS)
def run_data_checks(warehouse_path: str) -> dict[str, int]:
    results = warehouse.run_checks(warehouse_path)
    failed = {name: rows for name, rows in results.items() if rows}
    if failed:
        get_run_logger().error("data checks failed: %s", failed)
    return results


@task(**TASK_OPTIONS)
def publish_summary(warehouse_path: str, run_id: str, counts: Counter, checks: dict[str, int]) -> dict:
    failed_checks = sorted(name for name, rows in checks.items() if rows)
    status = "completed" if not failed_checks else "failed_checks"
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
        warehouse.start_run(warehouse_path, run_id, source_list, PIPELINE_VERSION)
        inputs = discover_inputs(source_list)
        pending = skip_unchanged_inputs(warehouse_path, inputs)
        counts.update(inputs_discovered=len(inputs), inputs_unchanged=len(inputs) - len(pending))
        reader = open_corpus(warehouse_path, pending, max_article_bytes, fields)
        parallel_workers = 1 if task_runner == "local" else workers
        with runners.heavy_stage_runner(task_runner, workers, dask_address) as runner:
            for read in read_batches(reader, batch_size):
                prepared = clean(read.docs)
                new_articles = drop_known_articles(warehouse_path, prepared.articles)
                tagged, mentions = annotate(runner, new_articles, parallel_workers)
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
                progress.report(reader.inputs_done, len(pending))
        counts.update(articles_replaced=count_replaced_articles(warehouse_path, run_id))
        match_gazetteer(warehouse_path)
        rebuild_entities(warehouse_path)
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
    "mentions_loaded",
)
