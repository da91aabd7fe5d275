import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from dagster import AssetKey

from victoria_demand.core.years import NO_YEARS, SourceYears
from victoria_demand.defs import build_definitions
from victoria_demand.defs.asset_keys import CLEAN_DEMAND, RAW_DEMAND
from victoria_demand.defs.partitions import current_source_years, year_partitions, years_up_to
from victoria_demand.settings import PROJECT_ROOT
from victoria_demand_tests.state import copy_home, materializations

WITH_PARTIAL_YEAR = SourceYears(
    complete=(2012, 2013, 2014), partial=2015, partial_through=dt.date(2015, 7, 31)
)


def test_the_asset_graph():
    graph = build_definitions(WITH_PARTIAL_YEAR).resolve_asset_graph()
    parents = {
        key.to_user_string(): {p.to_user_string() for p in graph.get(key).parent_keys}
        for key in graph.get_all_asset_keys()
    }
    assert parents == {
        "demand_source_file": set(),
        "raw_demand": {"demand_source_file"},
        "clean_demand": {"raw_demand"},
        # the model reads January-November alone: December arriving does not retrain it
        "training_demand": {"clean_demand"},
        "december_model": {"training_demand"},
        "december_outlook": {"december_model", "clean_demand"},
        "december_score": {"december_model", "clean_demand"},
        "champion_model": {"december_score", "clean_demand"},  # no year waits for another
        "december_forecast": {"champion_model", "clean_demand"},
    }
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        assert node.description and node.group_name in {"ingest", "training", "outlook", "serving"}
        if key != AssetKey("demand_source_file"):
            assert node.code_version, key
            assert node.automation_condition is not None, key


def test_the_years_come_from_the_data():
    graph = build_definitions(WITH_PARTIAL_YEAR).resolve_asset_graph()
    for asset in ("demand_source_file", "raw_demand", "clean_demand"):
        keys = graph.get(AssetKey(asset)).partitions_def.get_partition_keys()
        assert keys == ["2012", "2013", "2014", "2015"], asset  # the partial year too
    # one backfill policy for all: a backfill runs each year's assets together (a policy
    # of its own would put an asset in a run, and a daemon tick, of its own)
    assert {graph.get(key).backfill_policy for key in graph.materializable_asset_keys} == {None}
    for asset in (
        "training_demand",
        "december_model",
        "december_outlook",
        "december_score",
        "champion_model",
        "december_forecast",
    ):
        keys = graph.get(AssetKey(asset)).partitions_def.get_partition_keys()
        assert keys == ["2012", "2013", "2014"], asset  # no December yet in 2015
    # a source that ends on 30 November: the year's model and outlook, no December yet
    november = SourceYears(complete=(2012,), partial=2013, partial_through=dt.date(2013, 11, 30))
    graph = build_definitions(november).resolve_asset_graph()
    for asset, years in {
        "december_model": ["2012", "2013"],
        "december_outlook": ["2012", "2013"],
        "december_score": ["2012"],
        "champion_model": ["2012"],
    }.items():
        assert graph.get(AssetKey(asset)).partitions_def.get_partition_keys() == years, asset
    thirty = build_definitions(SourceYears(complete=tuple(range(1995, 2025))))
    keys = thirty.resolve_asset_graph().get(AssetKey("december_model")).partitions_def
    assert keys.get_partition_keys() == [str(year) for year in range(1995, 2025)]
    empty = build_definitions(NO_YEARS).resolve_asset_graph()
    assert empty.get(AssetKey("clean_demand")).partitions_def.get_partition_keys() == []


def test_the_champion_after_a_year_reads_every_year_up_to_it():
    partitions = year_partitions(WITH_PARTIAL_YEAR)
    through_year = years_up_to(partitions)

    def upstream(year: str, upstream_years) -> list[str]:
        mapped = through_year.get_upstream_mapped_partitions_result_for_partitions(
            partitions.december.subset_with_partition_keys([year]),
            partitions.december,
            upstream_years,
        )
        return sorted(mapped.partitions_subset.get_partition_keys())

    assert upstream("2012", partitions.december) == ["2012"]
    assert upstream("2013", partitions.december) == ["2012", "2013"]
    assert upstream("2014", partitions.clean) == ["2012", "2013", "2014"]  # never 2015


def test_sensors_and_jobs_resolve():
    defs = build_definitions(WITH_PARTIAL_YEAR)
    assert defs.resolve_job_def("ingest").asset_layer.selected_asset_keys == {RAW_DEMAND}
    assert {sensor.name for sensor in defs.sensors} == {
        "automation",
        "demand_source_changes",
        "new_years_reload",
    }


def _venv_cli(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    """A console script of this environment, run from the project folder as a user would."""
    return subprocess.run(
        [str(Path(sys.executable).with_name(command[0])), *command[1:]],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_dagster_definitions_validate(tmp_path: Path):
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path), "VICTORIA_DEMAND_HOME": str(tmp_path)}
    completed = _venv_cli(
        ["dagster", "definitions", "validate", "-m", "victoria_demand.definitions"], env
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "Validation successful" in completed.stdout + completed.stderr


def test_no_years_before_the_home_exists(tmp_path: Path, monkeypatch):
    # a user who exported DAGSTER_HOME as `make dev` uses it, before the first run made it
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "not-yet" / "dagster"))
    assert current_source_years() == NO_YEARS


def test_what_dagster_loads_is_left_out_of_garbage_collection(tmp_path: Path):
    """The definitions, Dagster, MLflow and pandas stay for the process's life: frozen,
    Python's full collections and its teardown at exit skip them."""
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path), "VICTORIA_DEMAND_HOME": str(tmp_path)}
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import gc, victoria_demand.definitions; print(gc.get_freeze_count())",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr
    assert int(completed.stdout) > 100_000


def test_dg_launches_one_year_on_the_embedded_home(first_run, tmp_path: Path, original_csv):
    """Dagster's current CLI on the project as the README shows it: `dg launch` of one
    year's asset, recorded in the embedded home's instance."""
    home = copy_home(first_run[0], tmp_path / "home")
    before = materializations(home)[(CLEAN_DEMAND.to_user_string(), "2013")]
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home / "dagster"),
        "VICTORIA_DEMAND_HOME": str(home),
        "VICTORIA_DEMAND_SOURCE": str(original_csv),
    }
    completed = _venv_cli(
        ["dg", "launch", "--assets", CLEAN_DEMAND.to_user_string(), "--partition", "2013"], env
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "RUN_SUCCESS" in completed.stdout + completed.stderr
    assert materializations(home)[(CLEAN_DEMAND.to_user_string(), "2013")] == before + 1
