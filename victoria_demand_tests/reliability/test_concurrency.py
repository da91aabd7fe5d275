"""Several runs at once: a backfill of every year through the daemon (run queue of three,
the multiprocess executor), then two backfills of the same years launched together. The
champion chain, the alias and the forecasts end exactly as after a sequential run. And two
processes making a fresh home at once."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from mlflow.tracking import MlflowClient

from victoria_demand_tests.assertions import ORIGINAL_YEARS as YEARS
from victoria_demand_tests.assertions import PARTITIONED_ASSETS
from victoria_demand_tests.dagster_graphql import DagsterGraphQL
from victoria_demand_tests.pipeline_runs import run_pipeline
from victoria_demand_tests.services import dagster_dev
from victoria_demand_tests.state import MODEL

pytestmark = pytest.mark.reliability

ASSETS = ["raw_demand", *PARTITIONED_ASSETS]
PARTITIONS = [str(year) for year in YEARS]


def end_state(home: Path) -> dict:
    """What must not depend on scheduling: each year's decision (by the years the
    contenders were trained for, and their RMSEs), the alias's year, the forecasts."""
    client = MlflowClient(f"sqlite:///{home / 'mlflow.db'}")
    tags = client.get_registered_model(MODEL).tags
    decisions = {}
    for year in YEARS:
        decision = json.loads(tags[f"champion_decision.{year}"])
        incumbent = decision["incumbent"]
        decisions[year] = {
            "winner": decision["winner"]["trained_for_year"],
            "challenger_rmse": round(decision["challenger"]["december_rmse"], 6),
            "incumbent": incumbent
            and (
                incumbent["trained_for_year"],
                round(incumbent["december_rmse"], 6),
            ),
        }
    champion = client.get_model_version_by_alias(MODEL, "champion")
    with sqlite3.connect(home / "forecasts.db") as db:
        rows = db.execute(
            "select year, count(*), count(distinct time_utc), round(sum(forecast_mw), 3) "
            "from december_forecast group by year order by year"
        ).fetchall()
    return {"decisions": decisions, "alias_year": champion.tags["year"], "forecasts": rows}


@pytest.fixture(scope="module")
def sequential(tmp_path_factory, original_csv) -> dict:
    home = tmp_path_factory.mktemp("sequential")
    completed = run_pipeline(home, original_csv)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return end_state(home)


def test_concurrent_backfills_end_as_a_sequential_run(tmp_path, original_csv, sequential):
    home = tmp_path / "home"
    home.mkdir()
    multiprocess = {"execution": {"config": {"multiprocess": {"max_concurrent": 2}}}}
    with dagster_dev(home, original_csv, tmp_path) as url:
        graphql = DagsterGraphQL(url)
        first = graphql.launch_asset_backfill(ASSETS, PARTITIONS, run_config=multiprocess)
        assert graphql.wait_for_backfill(first) in {"COMPLETED", "COMPLETED_SUCCESS"}
        assert end_state(home) == sequential

        # the same years twice, at once
        again = [
            graphql.launch_asset_backfill(ASSETS[1:], PARTITIONS, run_config=multiprocess)
            for _ in range(2)
        ]
        statuses = [graphql.wait_for_backfill(backfill) for backfill in again]
        assert set(statuses) <= {"COMPLETED", "COMPLETED_SUCCESS"}, statuses
        runs = [run for backfill in again for run in graphql.backfill_runs(backfill)]
        assert runs and all(run["status"] == "SUCCESS" for run in runs)
    assert end_state(home) == sequential


def test_two_first_uses_at_once_leave_a_working_home(tmp_path, original_csv):
    """Two processes on a fresh home together (two terminals, or `make dev` beside `make
    run`): both succeed, and the home keeps working."""
    env = {
        **os.environ,
        "VICTORIA_DEMAND_HOME": str(tmp_path),
        "VICTORIA_DEMAND_SOURCE": str(original_csv),
    }
    env.pop("DAGSTER_HOME", None)
    command = [sys.executable, "-m", "victoria_demand", "ingest"]
    both = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=300)[0].decode() for process in both]
    assert [process.returncode for process in both] == [0, 0], outputs
    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "ingest          up to date" in again.stdout
