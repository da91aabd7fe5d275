# Two commands for a newcomer: `make run` (the whole pipeline, embedded) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed-$(shell cat requirements-dev.lock pyproject.toml | sha256sum | cut -c1-12)
UV_VERSION := 0.13.9

.PHONY: run data dev summary mlflow-ui serve test test-stack test-ui test-reliability test-automation lint format lock bench clean-state

$(INSTALLED): requirements-dev.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(VENV)/bin/uv pip sync --quiet --python $(PY) --compile-bytecode requirements-dev.lock
	$(VENV)/bin/uv pip install --quiet --python $(PY) --no-deps --compile-bytecode -e .
	@rm -f $(VENV)/.installed-* && touch $@

## run: materialize every asset and check for every year, headless, and print the summary
run: $(INSTALLED)
	$(PY) -m victoria_demand run

## data: fetch the source (VICTORIA_DEMAND_SOURCE, or the pinned download) into the cache,
##       checksum-verified, and print where it is
data: $(INSTALLED)
	@$(PY) -m victoria_demand data

## summary: print the per-year summary of what the embedded state holds
summary: $(INSTALLED)
	$(PY) -m victoria_demand summary

## dev: ingest the source, then the Dagster UI (webserver, daemon, automation) on the embedded
##      state, http://127.0.0.1:3000
dev: $(INSTALLED)
	export DAGSTER_HOME="$$($(PY) -m victoria_demand prepare)" \
	  && $(PY) -m victoria_demand ingest \
	  && VICTORIA_DEMAND_DAGSTER_URL=http://127.0.0.1:3000 \
	  $(VENV)/bin/dagster dev -m victoria_demand.definitions -h 127.0.0.1 -p 3000

## mlflow-ui: the MLflow UI on the embedded store, http://127.0.0.1:5000
mlflow-ui: $(INSTALLED)
	MLFLOW_SERVER_ENABLE_JOB_EXECUTION=false $(VENV)/bin/mlflow server --workers 1 \
	  --host 127.0.0.1 --port 5000 \
	  --backend-store-uri "sqlite:///$$($(PY) -c 'from victoria_demand import settings; print(settings.home())')/mlflow.db"

## serve: the registered champion over MLflow's REST server, http://127.0.0.1:5001/invocations
serve: $(INSTALLED)
	PATH="$(abspath $(VENV))/bin:$$PATH" MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR=false \
	  MLFLOW_TRACKING_URI="sqlite:///$$($(PY) -c 'from victoria_demand import settings; print(settings.home())')/mlflow.db" \
	  $(VENV)/bin/mlflow models serve -m models:/victoria_demand_december@champion \
	  --env-manager local --host 127.0.0.1 --port 5001 --workers 1

## test: the test suite (unit and integration)
test: $(INSTALLED)
	$(PY) -m pytest -q --numprocesses auto --dist worksteal --durations=15

## test-stack: the production topology as local processes (needs PostgreSQL installed)
test-stack: $(INSTALLED)
	$(PY) -m pytest -q -m stack -s victoria_demand_tests/stack

## test-ui: the users' flows in the Dagster and MLflow UIs, in Debian's Chromium
test-ui: $(INSTALLED)
	$(PY) -m pytest -q -m ui -s victoria_demand_tests/ui

## test-reliability: MLflow, S3 and the database going away, runs killed mid-way
test-reliability: $(INSTALLED)
	$(PY) -m pytest -q -m reliability victoria_demand_tests/reliability

## test-automation: a longer source replaced under `dagster dev`, materialized with no click
test-automation: $(INSTALLED)
	$(PY) -m pytest -q -m automation -s victoria_demand_tests/automation

lint: $(INSTALLED)
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

format: $(INSTALLED)
	$(VENV)/bin/ruff format . && $(VENV)/bin/ruff check --fix .

## lock: re-resolve the lock files from pyproject.toml (image: runtime + stack; dev: all)
lock:
	$(VENV)/bin/uv pip compile --quiet --python-version 3.11 --extra stack pyproject.toml -o requirements.lock
	$(VENV)/bin/uv pip compile --quiet --python-version 3.11 --extra stack --extra dev pyproject.toml -o requirements-dev.lock

bench: $(INSTALLED)
	$(PY) bench/accuracy.py && $(PY) bench/pipeline.py

## clean-state: delete the embedded state (runs, models, forecasts) to start over
clean-state:
	rm -rf "$${VICTORIA_DEMAND_HOME:-.victoria_demand}"
