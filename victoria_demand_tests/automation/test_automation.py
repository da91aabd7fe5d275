"""By itself, under the daemon: `dagster dev` with automation on (as `make dev` starts it),
the source replaced by a longer file that ends on 30 November, and nothing launched by the
test. The sensor notices the new sha256 and observes the new years, the code location
reloads with them, and the automation ingests, trains, decides and forecasts the new whole
year, and issues the outlook of the year that ends on 30 November: the older years' rows
did not change, so they are not even ingested again and keep their model versions."""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from pathlib import Path

import pytest
from dagster import AssetKey, AssetRecordsFilter, DagsterInstance, RunsFilter
from mlflow.tracking import MlflowClient

from victoria_demand_tests.pipeline_runs import run_pipeline
from victoria_demand_tests.services import dagster_dev
from victoria_demand_tests.state import MODEL
from victoria_demand_tests.synthetic_source import extended_source

pytestmark = pytest.mark.automation

CEILING = {"VICTORIA_DEMAND_RMSE_CEILING_MW": "700"}  # the synthetic December is harder
TIMEOUT_S = 600


def _versions(home: Path) -> set[tuple[str, str]]:
    client = MlflowClient(f"sqlite:///{home / 'mlflow.db'}")
    return {(v.version, v.tags["year"]) for v in client.search_model_versions(f"name='{MODEL}'")}


def _materialized_years(instance: DagsterInstance) -> list[tuple[str, str]]:
    """Every materialization of the ingest assets, as (asset, year)."""
    return sorted(
        (asset, record.partition_key)
        for asset in ("raw_demand", "clean_demand")
        for record in instance.fetch_materializations(
            AssetRecordsFilter(asset_key=AssetKey(asset)), limit=1000
        ).records
    )


def _wait_for(instance: DagsterInstance, asset: str, partition: str) -> None:
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        if partition in instance.get_materialized_partitions(AssetKey(asset)):
            return
        time.sleep(3)
    raise TimeoutError(f"{asset} {partition} was not materialized within {TIMEOUT_S} s")


def test_a_longer_source_flows_through_by_itself(tmp_path: Path, original_csv: Path):
    home, source = tmp_path / "home", tmp_path / "source.csv"
    shutil.copy(original_csv, source)
    assert run_pipeline(home, source, **CEILING).returncode == 0
    before = _versions(home)
    with dagster_dev(home, source, tmp_path, automation=True, **CEILING):
        instance = DagsterInstance.from_config(str(home / "dagster"))
        runs_before = {run.run_id for run in instance.get_runs()}
        ingested_before = _materialized_years(instance)
        longer = tmp_path / "longer.csv"
        extended_source(original_csv, 2016, through_month=11).to_csv(longer, index=False)
        os.replace(longer, source)  # a new version of the source at the same path
        _wait_for(instance, "champion_model", "2015")
        _wait_for(instance, "december_forecast", "2015")
        _wait_for(instance, "december_outlook", "2016")
        new_runs = [
            run
            for run in instance.get_runs(filters=RunsFilter(statuses=None))
            if run.run_id not in runs_before
        ]
        ingested_after = _materialized_years(instance)
    # every run since the replacement was the automation's, none a launch from here
    assert new_runs and all(
        run.tags.get("dagster/from_automation_condition") == "true"
        or "dagster/backfill" in run.tags
        for run in new_runs
    ), [run.tags for run in new_runs]
    assert sorted(set(ingested_after) - set(ingested_before)) == [
        ("clean_demand", "2015"),
        ("clean_demand", "2016"),
        ("raw_demand", "2015"),
        ("raw_demand", "2016"),
    ]
    assert len(ingested_after) == len(ingested_before) + 4
    after = _versions(home)
    assert before < after and sorted(year for _, year in after - before) == ["2015", "2016"]
    client = MlflowClient(f"sqlite:///{home / 'mlflow.db'}")
    tags = client.get_registered_model(MODEL).tags
    assert "champion_decision.2015" in tags and "champion_decision.2016" not in tags
    with sqlite3.connect(home / "forecasts.db") as db:
        counts = db.execute(
            "select year, count(*) from december_forecast group by year order by year"
        ).fetchall()
        outlooks = db.execute(
            "select year, count(*), count(actual_mw) from december_outlook "
            "group by year order by year"
        ).fetchall()
    assert counts == [(2012, 1488), (2013, 1488), (2014, 1488), (2015, 1488)]
    # issued for the year that ends on 30 November: no December to compare with yet
    assert outlooks[-1] == (2016, 1488, 0) and len(outlooks) == 5
