"""Shared fixtures: a Prefect test server for the session, and warehouses built by real flow runs."""

import atexit
import json
import os
import shutil
import tempfile
from pathlib import Path

# Prefect must not write into the project or the user's home while tests run; set before it is imported. The
# folder goes when the process that made it exits: every test session used to leave one behind in /tmp.
PREFECT_HOME = tempfile.mkdtemp(prefix="news-etl-test-prefect-")
os.environ["PREFECT_HOME"] = PREFECT_HOME
atexit.register(shutil.rmtree, PREFECT_HOME, ignore_errors=True)
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

import flows  # noqa: E402,F401  (applies the offline Prefect defaults)
import pytest  # noqa: E402
from prefect.testing.utilities import prefect_test_harness  # noqa: E402

from flows.settings import PROJECT_ROOT  # noqa: E402

SEEDS_DIR = PROJECT_ROOT / "seeds"
FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"
SHARED_DIR = Path(os.environ.get("NEWS_ETL_SHARED", PROJECT_ROOT.parent / "shared"))
GOLDEN_SEED = SHARED_DIR / "seed" / "000_a697c9b57ae07172.txt"

requires_golden_seed = pytest.mark.skipif(
    not GOLDEN_SEED.exists(), reason=f"the user's example article is not at {GOLDEN_SEED} (../shared absent)"
)


@pytest.fixture(scope="session")
def prefect_server():
    # The temporary server takes 10-20 s to start, longer on a loaded 2-core machine.
    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def seeds_expected() -> dict:
    return json.loads((FIXTURES_DIR / "seeds_expected.json").read_text(encoding="utf-8"))


def run_flow(sources: list[str], warehouse_path: Path, **options) -> dict:
    from flows.pipeline import news_etl

    return news_etl(sources=[str(source) for source in sources], warehouse_path=str(warehouse_path), **options)


@pytest.fixture(scope="session")
def seeds_warehouse(prefect_server, tmp_path_factory) -> tuple[Path, dict]:
    """seeds/ loaded into a fresh warehouse by one real flow run; tests only read it."""
    path = tmp_path_factory.mktemp("seeds") / "news.duckdb"
    return path, run_flow([SEEDS_DIR], path)


@pytest.fixture(scope="session")
def golden_warehouse(prefect_server, tmp_path_factory) -> tuple[Path, dict]:
    """The user's example article loaded alone, as `news-etl run ../shared/seed/` does."""
    if not GOLDEN_SEED.exists():
        pytest.skip(f"the user's example article is not at {GOLDEN_SEED} (../shared absent)")
    path = tmp_path_factory.mktemp("golden") / "news.duckdb"
    return path, run_flow([GOLDEN_SEED.parent], path)
