"""What `make run` decides to run is what the daemon's automation condition requests: on a
finished home nothing; an edited year's rows, that year alone; a year whose input failed a
blocking check, held back and said so."""

from __future__ import annotations

from pathlib import Path

import pytest

from victoria_demand.cli.pipeline import Pipeline
from victoria_demand.cli.plan import plan, saved_cursor
from victoria_demand.cli.run import _observe_source
from victoria_demand.defs.asset_keys import CLEAN_DEMAND, RAW_DEMAND
from victoria_demand_tests.pipeline_runs import run_pipeline_in_process
from victoria_demand_tests.state import copy_home


@pytest.fixture
def finished_home(first_run, tmp_path, original_csv, monkeypatch) -> Path:
    home = copy_home(first_run[0], tmp_path / "home")
    monkeypatch.setenv("VICTORIA_DEMAND_HOME", str(home))
    monkeypatch.setenv("VICTORIA_DEMAND_SOURCE", str(original_csv))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    return home


def test_a_finished_home_plans_nothing(finished_home):
    pipeline = Pipeline()
    cursor = saved_cursor(pipeline.instance)
    assert cursor is not None  # saved by the first run, which ran everything it asked for
    assert not plan(pipeline.instance, pipeline.defs, cursor)


def test_an_edited_year_is_requested_alone(finished_home, original_lines, tmp_path, monkeypatch):
    # one half-hour of June 2013 edited: the observation gives 2013 a new data version
    edited = tmp_path / "edited.csv"
    lines = list(original_lines)
    row = next(i for i, line in enumerate(lines) if line.startswith("2013-06-10T02:00:00Z"))
    time, demand, rest = lines[row].split(",", 2)
    lines[row] = f"{time},{float(demand) + 1.0},{rest}"
    edited.write_text("\n".join(lines) + "\n")
    monkeypatch.setenv("VICTORIA_DEMAND_SOURCE", str(edited))
    pipeline = Pipeline()
    cursor = saved_cursor(pipeline.instance)
    _observe_source(pipeline)
    first = plan(pipeline.instance, pipeline.defs, cursor)
    assert dict(first.requested) == {RAW_DEMAND: {"2013"}}
    assert pipeline.execute("ingest", [RAW_DEMAND], "2013").success
    second = plan(pipeline.instance, pipeline.defs, first.cursor)
    assert dict(second.requested) == {CLEAN_DEMAND: {"2013"}}


def test_a_failed_blocking_check_holds_the_year_back_on_every_run(tmp_path, original_csv):
    ceiling = {"VICTORIA_DEMAND_RMSE_CEILING_MW": "250"}  # 2012's December misses by 316 MW
    first = run_pipeline_in_process(tmp_path, original_csv, "--year", "2012", **ceiling)
    assert first.returncode == 1 and "failed checks: december_score:rmse_under_ceiling" in (
        first.stdout
    )
    again = run_pipeline_in_process(tmp_path, original_csv, "--year", "2012", **ceiling)
    assert again.returncode == 1, again.stdout
    # the champion is ready but for the check; the forecast waits for the champion
    assert "december 2012   HELD BACK: champion_model waits" in again.stdout
    assert "december 2012   ok" not in again.stdout  # the model is not trained again
