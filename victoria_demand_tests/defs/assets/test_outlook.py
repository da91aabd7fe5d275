"""december_outlook as the first run made it: each year issued on 30 November, scored on its
whole December, in the database, its metadata and the model's MLflow run."""

from __future__ import annotations

import hashlib
import sqlite3

import pandas as pd
import pytest
from mlflow.tracking import MlflowClient

from victoria_demand.cli.pipeline import Pipeline
from victoria_demand.core.calendar import december_instants
from victoria_demand.core.outlook import METHOD
from victoria_demand.defs.asset_keys import DECEMBER_MODEL, DECEMBER_OUTLOOK
from victoria_demand_tests.state import MODEL, copy_home

# bench/outlook.py's backtest of the same file
OUTLOOK_MAPES = {"2012": 6.19, "2013": 5.61, "2014": 4.91}


def test_each_outlook_is_issued_scored_and_recorded(recorded, first_run):
    outlooks, models = recorded(DECEMBER_OUTLOOK), recorded(DECEMBER_MODEL)
    assert sorted(outlooks) == sorted(OUTLOOK_MAPES)
    client = MlflowClient(f"sqlite:///{first_run[0] / 'mlflow.db'}")
    for year, (metadata, _) in outlooks.items():
        assert metadata["p50_mape_percent"] == pytest.approx(OUTLOOK_MAPES[year], abs=0.005)
        assert metadata["days_observed"] == 31
        assert metadata["peak_poe90_mw"] < metadata["peak_poe50_mw"] < metadata["peak_poe10_mw"]
        assert metadata["energy_poe90_gwh"] < metadata["energy_poe10_gwh"]
        assert metadata["weather"] == METHOD and metadata["written"] == "issued"
        assert metadata["issued_at"] == f"{year}-11-30T13:00:00+00:00"  # midnight, AEDT
        assert "data:image/png;base64," in metadata["december_outlook_plot"]
        version = models[year][0]["model_version"]
        run = client.get_run(client.get_model_version(MODEL, version).run_id)
        assert run.data.metrics["outlook_mape"] == pytest.approx(metadata["p50_mape_percent"])
        assert run.data.metrics["outlook_peak_poe10_mw"] == metadata["peak_poe10_mw"]
        assert {"outlook_crps_mw", "outlook_pinball_mw", "outlook_band_coverage"} <= set(
            run.data.metrics
        )
        assert "plots/december_outlook.png" in {
            artifact.path for artifact in client.list_artifacts(run.info.run_id, "plots")
        }


def test_the_outlook_table_holds_every_half_hour_with_its_actual(first_run):
    with sqlite3.connect(first_run[0] / "forecasts.db") as connection:
        rows = connection.execute(
            "SELECT year, count(*), count(actual_mw), min(time_local), max(time_local),"
            " sum(p10_mw <= p50_mw AND p50_mw <= p90_mw), min(issued_at), max(issued_at)"
            " FROM december_outlook GROUP BY year ORDER BY year"
        ).fetchall()
    assert [row[0] for row in rows] == [2012, 2013, 2014]
    for year, count, actuals, first, last, ordered, issued_first, issued_last in rows:
        assert count == actuals == ordered == 31 * 48
        assert first == f"{year}-12-01T00:00:00+11:00" and last == f"{year}-12-31T23:30:00+11:00"
        assert issued_first == issued_last == f"{year}-11-30 13:00:00.000000"


def _outlook_rows(home, year: int) -> pd.DataFrame:
    with sqlite3.connect(home / "forecasts.db") as connection:
        return pd.read_sql(
            "SELECT * FROM december_outlook WHERE year = ? ORDER BY time_utc",
            connection,
            params=(year,),
        )


def test_a_users_weather_forecast_drives_its_december_and_a_bad_one_changes_nothing(
    first_run, tmp_path, original_csv, monkeypatch, use_mlflow_store
):
    home = copy_home(first_run[0], tmp_path / "home")
    monkeypatch.setenv("VICTORIA_DEMAND_HOME", str(home))
    monkeypatch.setenv("VICTORIA_DEMAND_SOURCE", str(original_csv))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    use_mlflow_store(f"sqlite:///{home / 'mlflow.db'}")
    before = {year: _outlook_rows(home, year) for year in (2013, 2014)}
    stamps = december_instants(2013).dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    lines = ["scenario,time,temperature_c", *(f"heatwave,{stamp},38.0" for stamp in stamps)]

    bad = tmp_path / "bad_weather.csv"
    bad.write_text("\n".join([*lines[:3], "heatwave,2013-12-01T00:00:00Z,hot", *lines[3:]]) + "\n")
    monkeypatch.setenv("VICTORIA_DEMAND_WEATHER", str(bad))
    failed = Pipeline().execute("outlook", [DECEMBER_OUTLOOK], "2013")
    assert not failed.success
    pd.testing.assert_frame_equal(_outlook_rows(home, 2013), before[2013])

    good = tmp_path / "weather.csv"
    good.write_text("\n".join(lines) + "\n")
    monkeypatch.setenv("VICTORIA_DEMAND_WEATHER", str(good))
    pipeline = Pipeline()
    assert pipeline.execute("outlook", [DECEMBER_OUTLOOK], "2013").success
    driven = _outlook_rows(home, 2013)
    sha256 = hashlib.sha256(good.read_bytes()).hexdigest()
    assert set(driven["weather"]) == {f"file sha256 {sha256}"}
    assert (driven["p50_mw"] > before[2013]["p50_mw"]).mean() > 0.9  # a heatwave every day
    assert driven["issued_at"].equals(before[2013]["issued_at"])
    assert driven["actual_mw"].equals(before[2013]["actual_mw"])
    # the file covers December 2013: 2014's outlook keeps the history's scenarios
    assert pipeline.execute("outlook", [DECEMBER_OUTLOOK], "2014").success
    pd.testing.assert_frame_equal(_outlook_rows(home, 2014), before[2014])
