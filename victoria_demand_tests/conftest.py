"""Shared fixtures: the third-party data set (found by ``data_set.py``, never copied into
the repository) and small CSVs made from it."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from victoria_demand_tests.data_set import (
    TSIBBLE_NAME,
    MissingDataSet,
    data_folder,
    find_original_csv,
    write_melbourne_export,
)

_ORIGINAL_CSV: Path | None = None


def pytest_configure(config: pytest.Config) -> None:
    """Find (or fetch, once) the data set before anything runs: with none to be had, the
    session stops here with one line saying how to give it, not an error per test. Under
    pytest-xdist the controller fetches first and the workers find the cached copy."""
    global _ORIGINAL_CSV
    try:
        _ORIGINAL_CSV = find_original_csv()
    except MissingDataSet as missing:
        raise pytest.UsageError(str(missing)) from None


@pytest.fixture(scope="session")
def original_csv() -> Path:
    assert _ORIGINAL_CSV is not None
    return _ORIGINAL_CSV


@pytest.fixture(scope="session")
def tsibble_csv(original_csv: Path, tmp_path_factory) -> Path:
    """The tsibbledata export where it is at hand, else one built from the original."""
    folder = data_folder()
    if folder is not None and (folder / TSIBBLE_NAME).is_file():
        return folder / TSIBBLE_NAME
    return write_melbourne_export(original_csv, tmp_path_factory.mktemp("data") / TSIBBLE_NAME)


@pytest.fixture(scope="session")
def original_lines(original_csv: Path) -> list[str]:
    """The original CSV as lines (header first), for tests that break it on purpose."""
    return original_csv.read_text().splitlines()


@pytest.fixture(scope="session")
def raw_demand_frame(original_csv: Path):
    from victoria_demand.core.raw import read_raw_demand

    return read_raw_demand(original_csv)


@pytest.fixture(scope="session")
def december_models(raw_demand_frame):
    """Each December of the original file's model, fit once for every test that reads one."""
    from victoria_demand.core.cleaning import clean_year
    from victoria_demand.core.training import fit_december_model

    return {
        year: fit_december_model(clean_year(raw_demand_frame, year, source="vic.csv"))
        for year in (2012, 2013, 2014)
    }


@pytest.fixture(scope="session")
def first_run(tmp_path_factory, original_csv):
    """Every year of the original file through `run` on a fresh home: (home, completed).

    Tests read this home or work on a copy of it (`state.copy_home`), never change it: so
    the pytest-xdist workers share one, made by whichever worker asks first while the
    others wait for it (it is the suite's longest step)."""
    from filelock import FileLock

    from victoria_demand_tests.pipeline_runs import run_pipeline

    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the session's folder, above each worker's own
    home, outcome = shared / "first_run_home", shared / "first_run.json"
    with FileLock(shared / "first_run.lock"):
        if not outcome.is_file():
            completed = run_pipeline(home, original_csv)
            outcome.write_text(
                json.dumps(
                    [completed.args, completed.returncode, completed.stdout, completed.stderr]
                )
            )
    completed = subprocess.CompletedProcess(*json.loads(outcome.read_text()))
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return home, completed


@pytest.fixture
def use_mlflow_store(monkeypatch):
    """Point MLflow's process-wide tracking and registry URIs at a store for one test.

    ``mlflow.set_tracking_uri`` and ``set_registry_uri`` also export MLFLOW_TRACKING_URI and
    MLFLOW_REGISTRY_URI, and ``set_registry_uri(None)`` leaves the variable behind: every
    later `run` subprocess of the worker then registered into this test's store. Both the
    URIs and the variables are put back afterwards."""
    import mlflow

    from victoria_demand_tests.pipeline_runs import mlflow_process_state

    def use(uri: str) -> None:
        monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
        monkeypatch.setenv("MLFLOW_REGISTRY_URI", uri)
        mlflow.set_tracking_uri(uri)
        mlflow.set_registry_uri(uri)

    with mlflow_process_state():
        yield use
