"""The outlook's life on cuts of the real file made here: issued from a source that ends on
30 November 2013, scored to date as December arrives, final once the whole file is in; and
always the outlook the whole file gives."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from dagster import AssetCheckKey, AssetKey, DagsterInstance
from mlflow.tracking import MlflowClient

from victoria_demand_tests.pipeline_runs import run_pipeline_in_process
from victoria_demand_tests.state import MODEL

pytestmark = pytest.mark.integration

ISSUED = ["time_utc", "p10_mw", "p50_mw", "p90_mw", "issued_at", "model_version", "weather"]
SCORED = AssetCheckKey(AssetKey("december_outlook"), "outlook_scored_to_date")


def _cut(lines: list[str], end_utc: str, path: Path) -> Path:
    """The original file's rows before ``end_utc`` (its stamps sort as text)."""
    kept = [line for line in lines[1:] if line.split(",", 1)[0] < end_utc]
    path.write_text("\n".join([lines[0], *kept]) + "\n")
    return path


def _outlook(home: Path, year: int) -> pd.DataFrame:
    with sqlite3.connect(home / "forecasts.db") as connection:
        return pd.read_sql(
            "SELECT * FROM december_outlook WHERE year = ? ORDER BY time_utc",
            connection,
            params=(year,),
        )


def _versions(home: Path) -> dict[str, str]:
    client = MlflowClient(f"sqlite:///{home / 'mlflow.db'}")
    return {str(v.version): v.tags["year"] for v in client.search_model_versions(f"name='{MODEL}'")}


def _latest_check_metadata(home: Path, partition: str) -> dict:
    os.environ["DAGSTER_HOME"] = str(home / "dagster")
    history = DagsterInstance.get().event_log_storage.get_asset_check_execution_history(
        SCORED, limit=20
    )
    latest = next(record for record in history if record.partition == partition)
    evaluation = latest.event.dagster_event.event_specific_data
    return {name: value.value for name, value in evaluation.metadata.items()}


def test_the_outlook_is_issued_on_30_november_and_scored_as_december_arrives(
    tmp_path, original_lines, original_csv, first_run
):
    home = tmp_path / "home"
    november = _cut(original_lines, "2013-11-30T13:00:00Z", tmp_path / "november.csv")
    first = run_pipeline_in_process(home, november)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "2013: data ends 2013-11-30; no December yet" in first.stdout
    assert "outlook 2013    ok" in first.stdout and "december 2013" not in first.stdout
    assert "December not in the data yet" in first.stdout
    assert _versions(home) == {"1": "2012", "2": "2013"}
    client = MlflowClient(f"sqlite:///{home / 'mlflow.db'}")
    assert str(client.get_model_version_by_alias(MODEL, "champion").version) == "1"
    assert not any("2013" in tag for tag in client.get_registered_model(MODEL).tags)
    issued = _outlook(home, 2013)
    assert len(issued) == 31 * 48 and issued["actual_mw"].isna().all()
    # what the whole file issues for 2013, to the last digit: nothing of December was read
    pd.testing.assert_frame_equal(issued[ISSUED], _outlook(first_run[0], 2013)[ISSUED])

    fifteen_days = _cut(original_lines, "2013-12-15T13:00:00Z", tmp_path / "mid.csv")
    grown = run_pipeline_in_process(home, fifteen_days)
    assert grown.returncode == 0, grown.stdout + grown.stderr
    assert "(to date: 15 days)" in grown.stdout and "december_model" not in grown.stdout
    assert _versions(home) == {"1": "2012", "2": "2013"}  # nothing trained again
    scored = _outlook(home, 2013)
    pd.testing.assert_frame_equal(
        scored.drop(columns="actual_mw"), issued.drop(columns="actual_mw")
    )  # the rows as issued, by the run that issued them
    assert scored["actual_mw"].notna().sum() == 15 * 48
    assert scored["actual_mw"].notna().iloc[: 15 * 48].all()
    check = _latest_check_metadata(home, "2013")
    assert check["days_observed"] == 15 and 0 < check["p50_mape_percent"] < 10

    again = run_pipeline_in_process(home, fifteen_days)
    assert again.returncode == 0 and "2013            up to date" in again.stdout, again.stdout

    whole = run_pipeline_in_process(home, original_csv)
    assert whole.returncode == 0, whole.stdout + whole.stderr
    assert _versions(home) == {"1": "2012", "2": "2013", "3": "2014"}  # one version a year
    decided = {tag for tag in client.get_registered_model(MODEL).tags if "decision" in tag}
    assert decided == {f"champion_decision.{year}" for year in (2012, 2013, 2014)}
    final = _outlook(home, 2013)
    pd.testing.assert_frame_equal(final[ISSUED], issued[ISSUED])
    assert final["actual_mw"].notna().all()
    assert _latest_check_metadata(home, "2013")["days_observed"] == 31
