"""Does a batch's load cost more memory in a larger warehouse? The batch loop's warehouse work alone, measured.

Takes a warehouse a run made (say MasakhaNEWS, 20k articles), makes a copy of it and a copy COPIES times larger
(every per-article row copied under new ids, in SQL, in seconds instead of a 30-minute flow run), then appends the
same BATCHES batches of 2,000 articles to each the way a run does (`warehouse.known_article_ids`, then
`warehouse.load_batch` through one held connection, let go of at the end) and prints the peak RSS of each, sampled
every 20 ms, and their ratio. The batches are copies of the warehouse's own articles and rows under new ids.

    .venv/bin/python benchmarks/load_memory.py /tmp/masakhanews.duckdb --copies 10

Not part of `make test`; the end-to-end figures are `run_benchmark.py`'s."""

import argparse
import multiprocessing
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import duckdb

from flows import warehouse
from flows.memory import release_freed_memory

BATCH_ARTICLES = 2000
# Tables whose rows hang off an article, and the input tables: what a batch adds to and a copy multiplies.
PER_ARTICLE_TABLES = (
    "articles", "removed_lines", "related_headlines", "entity_mentions", "article_sources", "article_lines",
    "article_repeated_lines",
)  # fmt: skip


def rss_mib() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) // 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def enlarge(source: Path, target: Path, copies: int) -> int:
    """`target`: `source` with every per-article and input row there `copies` times, under new ids. Returns articles."""
    shutil.copy(source, target)
    with duckdb.connect(str(target)) as con:
        for table in (*PER_ARTICLE_TABLES, "input_files"):
            columns = {
                row[0]
                for row in con.execute(
                    "select column_name from duckdb_columns() where table_name = ?", [table]
                ).fetchall()
            }
            con.execute(f"create temp table original as select * from {table}")
            for copy in range(1, copies):
                renamed = [f"md5(article_id || '#{copy}') as article_id"] if "article_id" in columns else []
                renamed += [f"source_uri || '#{copy}' as source_uri"] if "source_uri" in columns else []
                con.execute(f"insert into {table} select * replace ({', '.join(renamed)}) from original")
            con.execute("drop table original")
        con.execute("checkpoint")
        return con.execute("select count(*) from articles").fetchone()[0]


def batches(path: Path, count: int) -> list[warehouse.LoadBatch]:
    """`count` batches of the warehouse's own articles (a fixed sample each), with their rows, under new ids."""
    made = []
    with duckdb.connect(str(path), read_only=True) as con:
        for number in range(count):
            con.execute(
                f"create or replace temp table pick as select article_id from articles using sample {BATCH_ARTICLES} rows (reservoir, {number})"
            )
            tag = f"'batch {number}'"
            new_id = f"md5(article_id || {tag}) as article_id"

            def rows(sql: str):
                return con.execute(sql).pl()

            made.append(
                warehouse.LoadBatch(
                    articles=rows(
                        f"select * replace ({new_id}, source_uri || {tag} as source_uri) from articles semi join pick using (article_id)"
                    ),
                    removed_lines=rows(
                        f"select * replace ({new_id}) from removed_lines semi join pick using (article_id)"
                    ),
                    related_headlines=rows(
                        f"select * replace ({new_id}) from related_headlines semi join pick using (article_id)"
                    ),
                    entity_mentions=rows(
                        f"select entity_mentions.* replace ({new_id}), entity_keys.entity_key from entity_mentions "
                        "inner join entity_keys on entity_keys.entity_id = entity_mentions.article_entity_id semi join pick using (article_id)"
                    ),
                    rejected_inputs=rows(
                        "select source_uri, reason, detail, content_hash from rejected_inputs limit 0"
                    ),
                    input_files=rows(
                        f"select source_uri || {tag} as source_uri, char_count as size_bytes, 0 as modified_at_ns, "
                        f"md5(source_uri || {tag}) as content_hash, 'loaded' as status from articles semi join pick using (article_id)"
                    ),
                    article_sources=rows(
                        f"select source_uri || {tag} as source_uri, source_uri || {tag} as input_uri, md5(source_uri || {tag}) as input_hash, "
                        f"{new_id} from articles semi join pick using (article_id)"
                    ),
                )
            )
    return made


def load_peak(path: str, count: int) -> tuple[int, int, float]:
    """In a fresh process: (RSS before, peak RSS while loading, seconds) of `count` batches appended to `path`."""
    made = batches(Path(path), count)
    release_freed_memory()
    peak, running = [0], [True]

    def sample() -> None:
        while running[0]:
            peak[0] = max(peak[0], rss_mib())
            time.sleep(0.02)

    before = rss_mib()
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start = time.perf_counter()
    warehouse.start_run(path, "load-memory", [path], "load-memory")
    with warehouse.hold(path):
        for batch in made:
            warehouse.known_article_ids(path, batch.articles["article_id"].to_list())
            warehouse.load_batch(path, "load-memory", "load-memory", batch)
            release_freed_memory()
    seconds = time.perf_counter() - start
    time.sleep(0.1)
    running[0] = False
    sampler.join()
    return before, peak[0], seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warehouse", type=Path, help="a warehouse a run made (it is copied, never changed)")
    parser.add_argument("--copies", type=int, default=10, help="how many times larger the large copy is (default 10)")
    parser.add_argument(
        "--batches", type=int, default=8, help=f"batches of {BATCH_ARTICLES} articles appended to each (default 8)"
    )
    args = parser.parse_args(argv)
    if not args.warehouse.exists():
        print(
            f"no warehouse at {args.warehouse}: run `news-etl run <corpus> -w {args.warehouse}` first", file=sys.stderr
        )
        return 2
    with tempfile.TemporaryDirectory(prefix="news-etl-load-memory-") as tmp:
        small, large = Path(tmp) / "small.duckdb", Path(tmp) / "large.duckdb"
        shutil.copy(args.warehouse, small)
        # The large copy is made from the small one once it has today's schema: neither load includes a migration.
        with warehouse.connect(small) as con:
            articles = {"small": con.execute("select count(*) from articles").fetchone()[0]}
        articles["large"] = enlarge(small, large, args.copies)
        results = {}
        spawn = multiprocessing.get_context("spawn")
        for name, path in (("small", small), ("large", large)):
            with spawn.Pool(1) as pool:
                results[name] = pool.apply(load_peak, (str(path), args.batches))
    for name in ("small", "large"):
        before, peak, seconds = results[name]
        print(
            f"{name}: {articles[name]:,} articles; {args.batches} batches of {BATCH_ARTICLES:,} in {seconds:.1f} s; RSS {before} MiB before, peak {peak} MiB (+{peak - before})"
        )
    print(f"peak ratio large / small: {results['large'][1] / results['small'][1]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
