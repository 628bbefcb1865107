# Two commands on a fresh machine: `make run` and `make test`. Everything else is a helper.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# The machine's pip may point at local mirrors that do not exist here; the PyPI index still answers.
PIP := $(BIN)/pip --disable-pip-version-check --quiet

.PHONY: run test serve server evaluate benchmark lock clean-warehouse help

help:
	@echo "make run    - set up .venv from requirements.lock and load seeds/ into warehouse/news.duckdb"
	@echo "make test   - set up .venv with the test tools and run the whole test suite"
	@echo "make server - start a local Prefect server on 127.0.0.1:4200 (for scheduled runs)"
	@echo "make serve  - serve the flow hourly against that server (PREFECT_API_URL)"
	@echo "make evaluate - accuracy figures on the labelled data in ../shared/datasets"
	@echo "make benchmark - end-to-end speed and memory on real corpora (not part of make test)"
	@echo "make lock   - re-resolve requirements*.lock from pyproject.toml (needs uv)"

$(VENV)/.runtime: requirements-pip.lock requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --require-hashes -r requirements-pip.lock
	$(PIP) install --require-hashes -r requirements.lock
	$(PIP) install --no-deps -e .
	@touch $@

$(VENV)/.test: $(VENV)/.runtime requirements-test.lock
	$(PIP) install --require-hashes -r requirements-test.lock
	@touch $@

run: $(VENV)/.runtime
	$(BIN)/news-etl run

test: $(VENV)/.test
	$(BIN)/python -m pytest

# A long-lived server keeps every flow run, task run and log unless told otherwise: Prefect's vacuum service then
# deletes the runs that ended more than 90 days ago (PREFECT_SERVER_SERVICES_DB_VACUUM_RETENTION_PERIOD, seconds)
# besides the old events it deletes by default. An hourly schedule adds about 9,000 runs a year. The server does not
# import the project, so the analytics that flows/settings.py turns off for runs are turned off here too (offline,
# the server logged a failed telemetry send).
server: $(VENV)/.runtime
	PREFECT_SERVER_ANALYTICS_ENABLED=$${PREFECT_SERVER_ANALYTICS_ENABLED:-false} \
	PREFECT_SERVER_SERVICES_DB_VACUUM_ENABLED=$${PREFECT_SERVER_SERVICES_DB_VACUUM_ENABLED:-events,flow_runs} \
		$(BIN)/prefect server start --host 127.0.0.1 --port 4200

serve: $(VENV)/.runtime
	PREFECT_API_URL=$${PREFECT_API_URL:-http://127.0.0.1:4200/api} $(BIN)/news-etl serve --cron "0 * * * *"

evaluate: $(VENV)/.runtime
	$(BIN)/news-etl evaluate boilerplate
	$(BIN)/news-etl evaluate language
	$(BIN)/news-etl evaluate ner
	$(BIN)/news-etl evaluate canonical
	$(BIN)/news-etl evaluate html

benchmark: $(VENV)/.runtime
	$(BIN)/python benchmarks/run_benchmark.py

lock:
	uv pip compile pyproject.toml --python-version 3.11 --generate-hashes -q -o requirements.lock --custom-compile-command "make lock"
	uv pip compile pyproject.toml --extra test --python-version 3.11 --generate-hashes -q -o requirements-test.lock --custom-compile-command "make lock"

clean-warehouse:
	rm -f warehouse/news.duckdb warehouse/news.duckdb.wal
