"""Suspect readings in a finished home, on edits of the real file made here: a 48-hour stuck
stretch and a one-half-hour spike are left out, named, and barely move the year's score; ten
stuck days hold the year back with nothing stored changed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from mlflow.tracking import MlflowClient

from victoria_demand.instance import embedded
from victoria_demand_tests.assertions import latest_check_results
from victoria_demand_tests.pipeline_runs import run_pipeline_in_process
from victoria_demand_tests.state import MODEL, copy_home, materializations

pytestmark = pytest.mark.integration

STUCK_FROM = "2013-06-09T14:00:00Z"  # 10 June 2013, 00:00 in Melbourne (AEST)
SPIKE_AT = "2013-06-20T04:00:00Z"


def _edited(lines: list[str], path: Path, *, stuck_half_hours: int, spike: bool) -> Path:
    """The original file with demand stuck at 5000.0 MW from 10 June 2013 for
    ``stuck_half_hours``, and optionally one half-hour 50% too high."""
    edited = [lines[0]]
    first = next(i for i, line in enumerate(lines) if line.startswith(STUCK_FROM))
    for number, line in enumerate(lines[1:], start=1):
        time, demand, rest = line.split(",", 2)
        if first <= number < first + stuck_half_hours:
            demand = "5000.0"
        elif spike and time == SPIKE_AT:
            demand = f"{float(demand) * 1.5}"
        edited.append(f"{time},{demand},{rest}")
    path.write_text("\n".join(edited) + "\n")
    return path


def _forecast_rows(home: Path) -> list[tuple]:
    with sqlite3.connect(home / "forecasts.db") as db:
        return db.execute("select * from december_forecast order by year, time_utc").fetchall()


def test_a_stuck_stretch_and_a_spike_are_left_out_and_named(
    first_run, tmp_path, original_lines, recorded_mape=4.415
):
    home = copy_home(first_run[0], tmp_path / "home")
    source = _edited(original_lines, tmp_path / "stuck.csv", stuck_half_hours=96, spike=True)
    completed = run_pipeline_in_process(home, source)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert (
        "2013: 97 suspect half-hours left out: "
        "demand stuck from 2013-06-09T14:00:00+00:00 for 96 half-hours; "
        "demand spike from 2013-06-20T04:00:00+00:00 for 1 half-hours"
    ) in completed.stdout
    client = MlflowClient(f"sqlite:///{home / 'mlflow.db'}")
    latest = max(client.search_model_versions(f"name='{MODEL}'"), key=lambda v: int(v.version))
    assert latest.tags["year"] == "2013"
    run = client.get_run(latest.run_id)
    assert run.data.params["suspect_half_hours_left_out"] == "97"
    # within 0.05 percentage points of the clean file's December MAPE
    assert run.data.metrics["december_mape"] == pytest.approx(recorded_mape, abs=0.05)
    # the check warned, and the blocking one passed
    instance = embedded.embedded_instance(home)
    assert latest_check_results(instance, "clean_demand", "suspect_readings")["2013"] is False
    assert latest_check_results(instance, "clean_demand", "suspect_readings_within_limits") == {
        year: True for year in ("2012", "2013", "2014")
    }
    again = run_pipeline_in_process(home, source)
    assert again.returncode == 0 and "2013            up to date" in again.stdout, again.stdout


def test_ten_stuck_days_hold_the_year_back_and_change_nothing_stored(
    first_run, tmp_path, original_lines, original_csv
):
    home = copy_home(first_run[0], tmp_path / "home")
    client = MlflowClient(f"sqlite:///{home / 'mlflow.db'}")
    versions = {v.version for v in client.search_model_versions(f"name='{MODEL}'")}
    alias = client.get_model_version_by_alias(MODEL, "champion").version
    forecasts = _forecast_rows(home)
    source = _edited(original_lines, tmp_path / "stuck.csv", stuck_half_hours=480, spike=False)
    first = run_pipeline_in_process(home, source)
    assert first.returncode == 1
    assert "failed checks: clean_demand:suspect_readings_within_limits" in first.stdout
    assert "2013: 480 suspect half-hours (over the limit: the year is held back)" in first.stdout
    before_again = materializations(home)
    again = run_pipeline_in_process(home, source)
    assert again.returncode == 1, again.stdout
    # the year and the later year's champion and outlook, which read it
    assert "december 2013   HELD BACK: training_demand, december_outlook" in again.stdout
    assert "december 2014   HELD BACK: december_outlook, champion_model" in again.stdout
    assert materializations(home) == before_again
    assert {v.version for v in client.search_model_versions(f"name='{MODEL}'")} == versions
    assert client.get_model_version_by_alias(MODEL, "champion").version == alias
    assert _forecast_rows(home) == forecasts
    # the source fixed: the year is cleaned again, to the rows its model was fit on, so no
    # model is fit again; what read the changed rows is made again, to the same numbers
    fixed = run_pipeline_in_process(home, original_csv)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "clean 2013      ok" in fixed.stdout and "december_model" not in fixed.stdout
    assert {v.version for v in client.search_model_versions(f"name='{MODEL}'")} == versions
    assert [row[:-1] for row in _forecast_rows(home)] == [row[:-1] for row in forecasts]
