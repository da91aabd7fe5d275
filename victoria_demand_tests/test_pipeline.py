"""The whole pipeline, materialized for real: a temporary Dagster instance, MLflow on a
temporary SQLite store, Parquet files and the forecast database, as `make run` does.

`run` starts a process of its own where a fresh process is the point (the first run, the
rerun, an append, the final ordered run, the one-line error); the
other cases run the same command in this process, which spares an interpreter's imports."""

from __future__ import annotations

import json
import os
import re
import sqlite3
from pathlib import Path

import pytest
from dagster import AssetKey, AssetRecordsFilter, DagsterInstance
from mlflow.tracking import MlflowClient

from victoria_demand_tests.assertions import ORIGINAL_YEARS as YEARS
from victoria_demand_tests.assertions import PARTITIONED_ASSETS, all_checks_passed
from victoria_demand_tests.pipeline_runs import run_pipeline, run_pipeline_in_process
from victoria_demand_tests.state import MODEL, copy_home

pytestmark = pytest.mark.integration


def _instance(home: Path) -> DagsterInstance:
    os.environ["DAGSTER_HOME"] = str(home / "dagster")
    return DagsterInstance.get()


def _forecast_rows(home: Path) -> list[tuple]:
    with sqlite3.connect(home / "forecasts.db") as db:
        return db.execute(
            "select year, count(*), count(distinct time_utc), min(model_version) "
            "from december_forecast group by year order by year"
        ).fetchall()


def test_every_year_is_trained_registered_and_promoted(first_run):
    home, completed = first_run
    assert "average December MAPE" in completed.stdout
    client = MlflowClient(f"sqlite:///{home / 'mlflow.db'}")
    versions = sorted(client.search_model_versions(f"name='{MODEL}'"), key=lambda v: int(v.version))
    assert [v.tags["year"] for v in versions] == ["2012", "2013", "2014"]
    assert all(v.tags["feature_set_version"] for v in versions)
    runs = {client.get_run(v.run_id).info.run_name: client.get_run(v.run_id) for v in versions}
    assert sorted(runs) == ["december_model-2012", "december_model-2013", "december_model-2014"]
    for run in runs.values():
        assert run.info.status == "FINISHED"
        assert {
            "december_rmse",
            "december_mae",
            "december_mape",
            "december_band_coverage",
            "december_band_mean_width_mw",
            "december_band_pinball_mw",
            "december_peak_poe50_mw",
            "december_peak_poe10_mw",
            "december_actual_peak_mw",
            "seasonal_naive_december_rmse",
            "outlook_mape",
            "outlook_peak_poe10_mw",
        } <= set(run.data.metrics)
        assert 70.0 <= run.data.metrics["december_band_coverage"] <= 90.0
        assert run.data.params["algorithm"] == "LinearRegression"
        assert run.data.tags["dagster_run_id"]
        plots = {a.path for a in client.list_artifacts(run.info.run_id, "plots")}
        assert plots == {
            "plots/december_forecast.png",
            "plots/december_outlook.png",
            "plots/temperature_response.png",
        }
        logged = {a.path for a in client.list_artifacts(run.info.run_id)}
        assert {"december_forecast.csv", "band_residual_quantiles.json"} <= logged
    champion = client.get_model_version_by_alias(MODEL, "champion")
    decisions = {
        int(k.split(".")[1]): v
        for k, v in client.get_registered_model(MODEL).tags.items()
        if k.startswith("champion_decision.")
    }
    assert sorted(decisions) == list(YEARS)
    assert f'"version": "{champion.version}"' in decisions[2014].split('"winner"')[1]
    # artifacts are under the home, never in the working directory
    assert (home / "mlartifacts").is_dir() and not Path("mlruns").exists()


def test_every_partition_and_check_is_recorded(first_run):
    home, _ = first_run
    instance = _instance(home)
    for asset in PARTITIONED_ASSETS:
        materialized = instance.get_materialized_partitions(AssetKey(asset))
        assert materialized == {str(y) for y in YEARS}, asset
    event = instance.get_latest_materialization_event(AssetKey("december_score"))
    metadata = event.asset_materialization.metadata
    assert metadata["december_forecast_plot"].value.startswith("![December")
    assert metadata["mlflow_run"].value.startswith("http://127.0.0.1:5000/#/experiments/")
    assert all_checks_passed(instance, {str(y) for y in YEARS}) == {}


def test_a_new_year_is_made_in_one_run(first_run):
    """Nothing downstream of a new year's rows to keep: its cleaning joins the run that
    trains, decides and forecasts it."""
    home, completed = first_run
    for year in YEARS:
        assert re.search(
            rf"^december {year} +ok in [0-9.]+ s: clean_demand, training_demand, "
            "december_model, december_outlook, december_score, champion_model, "
            "december_forecast$",
            completed.stdout,
            re.MULTILINE,
        ), completed.stdout
    assert "clean 20" not in completed.stdout
    instance = _instance(home)
    for year in YEARS:
        runs = {
            record.run_id
            for asset in ("clean_demand", "december_model", "december_outlook", "december_forecast")
            for record in instance.fetch_materializations(
                AssetRecordsFilter(asset_key=AssetKey(asset), asset_partitions=[str(year)]),
                limit=10,
            ).records
        }
        assert len(runs) == 1, year


def test_forecasts_are_in_the_database(first_run):
    home, _ = first_run
    assert [(year, rows, distinct) for year, rows, distinct, _ in _forecast_rows(home)] == [
        (2012, 1488, 1488),
        (2013, 1488, 1488),
        (2014, 1488, 1488),
    ]


def test_a_rerun_with_nothing_changed_does_nothing(first_run, tmp_path, original_csv):
    home = copy_home(first_run[0], tmp_path / "home")
    client = MlflowClient(f"sqlite:///{home / 'mlflow.db'}")
    versions_before = len(client.search_model_versions(f"name='{MODEL}'"))
    alias_before = client.get_model_version_by_alias(MODEL, "champion").version
    rows_before = _forecast_rows(home)
    with sqlite3.connect(home / "forecasts.db") as db:
        writers_before = db.execute(
            "select distinct dagster_run_id from december_forecast"
        ).fetchall()
    completed = run_pipeline(home, original_csv)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "ingest          up to date" in completed.stdout
    for year in YEARS:
        assert f"{year}            up to date" in completed.stdout
    assert len(client.search_model_versions(f"name='{MODEL}'")) == versions_before
    assert client.get_model_version_by_alias(MODEL, "champion").version == alias_before
    assert _forecast_rows(home) == rows_before
    with sqlite3.connect(home / "forecasts.db") as db:
        writers = db.execute("select distinct dagster_run_id from december_forecast").fetchall()
    assert writers == writers_before  # no forecast row rewritten


def test_forcing_a_year_again_duplicates_nothing(first_run, tmp_path, original_csv):
    home = copy_home(first_run[0], tmp_path / "home")
    client = MlflowClient(f"sqlite:///{home / 'mlflow.db'}")
    alias_before = client.get_model_version_by_alias(MODEL, "champion").version
    completed = run_pipeline_in_process(home, original_csv, "--year", "2013", "--force")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    rows = _forecast_rows(home)
    assert [(year, count, distinct) for year, count, distinct, _ in rows] == [
        (2012, 1488, 1488),
        (2013, 1488, 1488),
        (2014, 1488, 1488),
    ]
    # a new version trained for 2013; the alias still names the 2014 decision's winner
    versions = client.search_model_versions(f"name='{MODEL}'")
    assert sorted(v.tags["year"] for v in versions) == ["2012", "2013", "2013", "2014"]
    assert client.get_model_version_by_alias(MODEL, "champion").version == alias_before


def test_a_new_model_code_version_trains_and_decides_every_year_again(
    first_run, tmp_path, original_csv, monkeypatch
):
    """A release whose models differ (here, another model format) retrains each year, and
    each year's champion and forecast follow from the new versions, 2012's included."""
    home = copy_home(first_run[0], tmp_path / "home")
    client = MlflowClient(f"sqlite:///{home / 'mlflow.db'}")
    old_versions = {str(v.version) for v in client.search_model_versions(f"name='{MODEL}'")}
    monkeypatch.setattr("victoria_demand.defs.assets.training.MODEL_FORMAT_VERSION", 99)
    completed = run_pipeline_in_process(home, original_csv)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    for year in YEARS:
        assert (
            f"december {year}   ok" in completed.stdout
            and f"{year}            up to date" not in completed.stdout
        )
    assert (
        completed.stdout.count(
            ": december_model, december_outlook, december_score, champion_model, december_forecast"
        )
        == 3
    )
    versions = client.search_model_versions(f"name='{MODEL}'")
    new_versions = {str(v.version) for v in versions} - old_versions
    assert len(new_versions) == len(YEARS)
    # every stored forecast comes from a model of the new release
    assert all(str(version) in new_versions for *_, version in _forecast_rows(home))
    assert str(client.get_model_version_by_alias(MODEL, "champion").version) in new_versions


def test_appending_a_year_runs_that_year_alone(first_run, tmp_path, original_csv):
    """2012-2014 (a copy of the first run), then the same years from a file without Holiday
    (AEMO's shape) plus 2015 and the first half of 2016: only 2015 and 2016 are ingested,
    only 2015 is trained and decided; 2016 is reported."""
    from victoria_demand_tests.synthetic_source import extended_source

    home = copy_home(first_run[0], tmp_path / "home")
    ceiling = {"VICTORIA_DEMAND_RMSE_CEILING_MW": "700"}  # synthetic Decembers are harder
    client = MlflowClient(f"sqlite:///{home / 'mlflow.db'}")
    before = {(v.version, v.tags["year"]) for v in client.search_model_versions(f"name='{MODEL}'")}
    longer = tmp_path / "longer.csv"
    extended_source(original_csv, 2016, through_month=6).to_csv(longer, index=False)
    completed = run_pipeline(home, longer, **ceiling)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "2016: data ends 2016-06-30; no December yet" in completed.stdout
    assert "december 2015   ok" in completed.stdout and "clean 2016      ok" in completed.stdout
    # the file changed, but not the older years' rows: not even ingested again
    assert "ingest          ok" in completed.stdout
    assert "raw_demand 2015-2016" in completed.stdout
    for year in YEARS:
        assert f"{year}            up to date" in completed.stdout
    after = {(v.version, v.tags["year"]) for v in client.search_model_versions(f"name='{MODEL}'")}
    assert before < after and {year for _, year in after - before} == {"2015"}
    assert [year for year, *_ in _forecast_rows(home)] == [2012, 2013, 2014, 2015]
    instance = _instance(home)
    assert instance.get_materialized_partitions(AssetKey("clean_demand")) == {
        "2012",
        "2013",
        "2014",
        "2015",
        "2016",
    }
    assert "2016" not in instance.get_materialized_partitions(AssetKey("december_model"))


def test_a_failed_blocking_check_stops_promotion(tmp_path, original_csv):
    # 2012's December misses by 316 MW RMSE: registered, never promoted, never served (a
    # later year's promotion waits for it: test_years_out_of_order_never_leave_the_alias_wrong)
    completed = run_pipeline_in_process(
        tmp_path, original_csv, "--year", "2012", VICTORIA_DEMAND_RMSE_CEILING_MW="250"
    )
    assert completed.returncode == 1
    assert "december 2012   FAILED" in completed.stdout
    assert "failed checks: december_score:rmse_under_ceiling" in completed.stdout
    client = MlflowClient(f"sqlite:///{tmp_path / 'mlflow.db'}")
    assert [v.tags["year"] for v in client.search_model_versions(f"name='{MODEL}'")] == ["2012"]
    with pytest.raises(Exception, match="alias"):
        client.get_model_version_by_alias(MODEL, "champion")
    assert not (tmp_path / "forecasts.db").exists() or _forecast_rows(tmp_path) == []


def test_years_out_of_order_never_leave_the_alias_wrong(tmp_path, original_csv):
    """2014 before 2013 before 2012: a year's champion is decided from the models of every
    year up to it (its inputs, through Dagster's lineage), so it fails cleanly while 2012's
    is missing; once the earlier years are decided, the alias names the winner of the
    latest year, as after an ordered run."""
    client = MlflowClient(f"sqlite:///{tmp_path / 'mlflow.db'}")
    for year in ("2014", "2013"):  # in this process: the last run starts one, as make run
        completed = run_pipeline_in_process(tmp_path, original_csv, "--year", year)
        assert completed.returncode == 1
        assert re.search(
            r"(clean_demand|december_score) 2012 has not been materialized", completed.stdout
        )
        with pytest.raises(Exception, match="alias"):
            client.get_model_version_by_alias(MODEL, "champion")
    completed = run_pipeline(tmp_path, original_csv)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    decisions = {
        int(key.split(".")[1]): json.loads(value)
        for key, value in client.get_registered_model(MODEL).tags.items()
        if key.startswith("champion_decision.")
    }
    assert sorted(decisions) == list(YEARS)
    champion = client.get_model_version_by_alias(MODEL, "champion")
    assert str(champion.version) == decisions[2014]["winner"]["version"]
    assert champion.tags["year"] == str(decisions[2014]["winner"]["trained_for_year"])


def test_a_missing_source_reads_as_one_line(tmp_path):
    completed = run_pipeline(tmp_path, tmp_path / "nope.csv")
    assert completed.returncode == 1
    report = completed.stdout.split("\n\n")[0].splitlines()
    assert report == [
        "ingest          FAILED: the source could not be read",
        f"  demand_source_file: {tmp_path / 'nope.csv'}: no such file "
        "(set VICTORIA_DEMAND_SOURCE to the CSV)",
    ]
    assert "Traceback" not in completed.stdout + completed.stderr
