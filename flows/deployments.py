"""Scheduled runs: the flow served on a cron or interval schedule against a running Prefect server."""

from prefect.settings import get_current_settings

from flows.pipeline import news_etl
from flows.settings import DEFAULT_WAREHOUSE

DEFAULT_DEPLOYMENT_NAME = "news-etl-scheduled"

# Hourly: a news feed folder fills through the day, and an unchanged corpus costs a stat() per file.
DEFAULT_CRON = "0 * * * *"


class NoPrefectServer(RuntimeError):
    """Schedules only fire on a real Prefect server; the temporary one a plain run starts has no scheduler."""


def schedule_kwargs(cron: str | None, interval_seconds: float | None) -> dict:
    if cron and interval_seconds:
        raise ValueError("give either a cron expression or an interval, not both")
    if interval_seconds:
        return {"interval": interval_seconds}
    return {"cron": cron or DEFAULT_CRON}


def deployment_options(
    sources: list[str] | None,
    warehouse_path: str,
    cron: str | None,
    interval_seconds: float | None,
    name: str,
) -> dict:
    """What `serve` and `to_deployment` both take: name, flow parameters, description and schedule."""
    return {
        "name": name,
        "parameters": {"sources": sources, "warehouse_path": warehouse_path},
        "description": "Load new and changed news articles into the DuckDB warehouse on a schedule.",
        **schedule_kwargs(cron, interval_seconds),
    }


def build_deployment(
    sources: list[str] | None = None,
    warehouse_path: str = DEFAULT_WAREHOUSE,
    cron: str | None = None,
    interval_seconds: float | None = None,
    name: str = DEFAULT_DEPLOYMENT_NAME,
):
    """The deployment `serve` registers; built offline, so its schedule can be checked without a server."""
    return news_etl.to_deployment(**deployment_options(sources, warehouse_path, cron, interval_seconds, name))


def require_server() -> str:
    api_url = get_current_settings().api.url
    if not api_url:
        raise NoPrefectServer(
            "scheduled runs need a Prefect server: start one with `prefect server start --host 127.0.0.1` "
            "(or `make server`) and set PREFECT_API_URL=http://127.0.0.1:4200/api"
        )
    return api_url


def serve(
    sources: list[str] | None = None,
    warehouse_path: str = DEFAULT_WAREHOUSE,
    cron: str | None = None,
    interval_seconds: float | None = None,
    name: str = DEFAULT_DEPLOYMENT_NAME,
) -> None:
    """Register the deployment and run its scheduled flow runs in this process until interrupted."""
    require_server()
    # One run at a time: a slow run is never overlapped by the next scheduled one on the same warehouse.
    news_etl.serve(limit=1, **deployment_options(sources, warehouse_path, cron, interval_seconds, name))
