"""The embedded instance: what its config gives the daemon, and homes from earlier releases."""

import inspect
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from dagster import AssetMaterialization, DagsterInstance
from dagster._core.instance.config import PoolGranularity
from dagster._daemon import backfill, controller
from mlflow import MlflowClient

from victoria_demand.instance import embedded
from victoria_demand_tests.state import copy_home, materializations


@pytest.fixture(autouse=True)
def _restore_dagster_home(monkeypatch):
    """prepare_home and state.materializations set DAGSTER_HOME: put it back afterwards."""
    monkeypatch.setenv("DAGSTER_HOME", "")


def test_the_daemon_of_the_embedded_instance_visits_backfills_every_three_seconds(
    first_run, tmp_path, monkeypatch
):
    monkeypatch.setattr(controller, "DEFAULT_DAEMON_INTERVAL_SECONDS", 30)
    instance = embedded.embedded_instance(copy_home(first_run[0], tmp_path / "home"))

    coordinator = instance.run_coordinator  # what the daemon builds before its daemons
    assert isinstance(coordinator, embedded.EmbeddedRunCoordinator)
    assert coordinator.dequeue_interval_seconds == 1
    assert controller.DEFAULT_DAEMON_INTERVAL_SECONDS == 3
    limits = instance.get_concurrency_config()
    assert limits.run_queue_config.max_concurrent_runs == 3
    assert limits.pool_config.default_pool_limit == 1
    # the pool is held by the champion's step, and two runs may wait for it already started
    assert limits.pool_config.pool_granularity == PoolGranularity.OP
    assert limits.run_queue_config.op_concurrency_slot_buffer == 2
    # Dagster's backfill loop still takes its interval from that constant, on every visit
    # (a Dagster release that moves it fails here, not silently in the UI)
    loop = inspect.getsource(backfill.execute_backfill_iteration_loop)
    assert "from dagster._daemon.controller import DEFAULT_DAEMON_INTERVAL_SECONDS" in loop
    assert "sleep_time = max(0, DEFAULT_DAEMON_INTERVAL_SECONDS - loop_duration)" in loop


def test_a_home_from_an_earlier_release_gets_this_instance_config_and_keeps_its_runs(
    first_run, tmp_path
):
    home = copy_home(first_run[0], tmp_path / "home")
    before = materializations(home)
    config = embedded.dagster_home(home) / "dagster.yaml"
    wanted = embedded.instance_config(embedded.dagster_home(home))
    config.write_text(wanted.split("run_coordinator:")[0])
    (home / ".prepared").write_text("embedded dagster==1.13.27 mlflow==3.17.2\n")

    embedded.embedded_instance(home)

    assert config.read_text() == wanted
    assert not config.with_suffix(".yaml.partial").exists()
    assert materializations(home) == before


def test_a_home_moved_to_another_folder_keeps_its_events_there(tmp_path):
    first, moved = tmp_path / "first", tmp_path / "moved"
    embedded.prepare_home(first)
    shutil.move(first, moved)

    instance = embedded.embedded_instance(moved)
    instance.report_runless_asset_event(AssetMaterialization("raw_demand"))

    assert materializations(moved) == {("raw_demand", None): 1}
    assert not first.exists()  # nothing written where the home was


def _mark(database: Path) -> None:
    # closed at once: Dagster's run storage is in WAL mode, and a copy is of the main file
    with closing(sqlite3.connect(database)) as db:
        db.execute("create table copied_from_the_cache (x)")


def _marked(database: Path) -> bool:
    with closing(sqlite3.connect(database)) as db:
        return bool(
            db.execute(
                "select 1 from sqlite_master where name = 'copied_from_the_cache'"
            ).fetchall()
        )


def _works(home: Path) -> None:
    """The prepared home's instance and MLflow store answer, and hold nothing yet."""
    with DagsterInstance.from_config(str(embedded.dagster_home(home))) as instance:
        assert instance.get_runs() == []
    client = MlflowClient(f"sqlite:///{home / 'mlflow.db'}")
    assert [e.name for e in client.search_experiments()] == [
        "victoria-demand-december",
        "Default",
    ]


def test_a_new_home_gets_copies_of_the_empty_stores_made_once(tmp_path, monkeypatch):
    monkeypatch.setenv("VICTORIA_DEMAND_CACHE", str(tmp_path / "cache"))
    embedded.prepare_home(tmp_path / "first")
    (empty,) = (tmp_path / "cache").iterdir()
    for store in (*embedded.DAGSTER_STORES, embedded.MLFLOW_STORE):
        _mark(empty / store)

    second = tmp_path / "second"
    embedded.prepare_home(second)

    assert list((tmp_path / "cache").iterdir()) == [empty]
    for store in (*embedded.DAGSTER_STORES, embedded.MLFLOW_STORE):
        assert _marked(second / store), store
    # new runs' event logs are copies of the cache's empty one
    assert (empty / embedded.RUN_SHARD).is_file()
    assert str(empty / embedded.RUN_SHARD) in (second / "dagster" / "dagster.yaml").read_text()
    assert not list(second.rglob("*.partial"))
    _works(second)


def test_without_a_usable_cache_a_home_creates_its_stores(tmp_path, monkeypatch):
    unusable = tmp_path / "cache"
    unusable.write_text("a file, not a folder")
    monkeypatch.setenv("VICTORIA_DEMAND_CACHE", str(unusable))
    home = tmp_path / "home"

    embedded.prepare_home(home)

    _works(home)
