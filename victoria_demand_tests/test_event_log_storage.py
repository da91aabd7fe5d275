"""The embedded instance's event log: Dagster's SQLite files, one engine per database, new
runs' databases copied from an empty one Dagster made."""

import json
import os
import sqlite3
from contextlib import closing
from pathlib import Path
from unittest.mock import patch

import pytest
from dagster import DagsterInstance, job, op
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from victoria_demand import embedded, event_log_storage


@op
def first() -> int:
    return 1


@op
def second(value: int) -> int:
    return value + 1


@job
def two_steps():
    second(first())


@pytest.fixture
def instance(tmp_path):
    instance_dir = tmp_path / "dagster"
    instance_dir.mkdir()
    (instance_dir / "dagster.yaml").write_text(embedded.instance_config(instance_dir))
    with DagsterInstance.from_config(str(instance_dir)) as opened:
        yield opened


def test_a_run_builds_one_engine_per_database_it_writes(instance, monkeypatch):
    built = []
    create_engine = event_log_storage.create_engine

    def counted(url, **kwargs):
        built.append(str(url))
        return create_engine(url, **kwargs)

    monkeypatch.setattr(event_log_storage, "create_engine", counted)
    result = two_steps.execute_in_process(instance=instance)

    assert isinstance(
        instance.event_log_storage, event_log_storage.EngineKeepingSqliteEventLogStorage
    )
    events = instance.all_logs(result.run_id)
    assert len(events) > 15  # each written on a connection of its own
    databases = [Path(url).name for url in built]
    assert f"{result.run_id}.db" in databases
    assert len(databases) == len(set(databases))


def test_every_event_is_in_the_run_file_itself_when_written(instance):
    """The webserver follows a run's log by watching its .db file change, so each commit
    must reach that file (a connection left open would keep events in the -wal file)."""
    result = two_steps.execute_in_process(instance=instance)

    shard = Path(instance.event_log_storage.path_for_shard(result.run_id))
    # immutable: read the .db file alone, never a write-ahead log beside it
    with closing(sqlite3.connect(f"{shard.as_uri()}?immutable=1", uri=True)) as db:
        (stored,) = db.execute("select count(*) from event_logs").fetchone()
    assert stored == len(instance.all_logs(result.run_id))


def _schema(database: Path) -> list[tuple]:
    with closing(sqlite3.connect(database)) as db:
        return [
            *db.execute("select type, name, sql from sqlite_master order by name"),
            *db.execute("select version_num from alembic_version"),
            db.execute("pragma journal_mode").fetchone(),
        ]


@pytest.fixture
def made_by_dagster(tmp_path) -> Path:
    """An empty run database as Dagster's own SQLite event log makes one."""
    storage = SqliteEventLogStorage(str(tmp_path / "dagster-made"))
    storage.get_logs_for_run("empty-run")
    return Path(storage.path_for_shard("empty-run"))


def _instance_with_template(instance_dir: Path, template: Path) -> DagsterInstance:
    instance_dir.mkdir()
    config = embedded.instance_config(instance_dir)
    line = next(line for line in config.splitlines() if "run_shard_template" in line)
    (instance_dir / "dagster.yaml").write_text(
        config.replace(line, f"    run_shard_template: {json.dumps(str(template))}")
    )
    return DagsterInstance.from_config(str(instance_dir))


def test_a_new_run_database_is_a_copy_of_the_template_with_dagster_schema(
    tmp_path, made_by_dagster, monkeypatch
):
    stamped = []
    initdb = SqliteEventLogStorage._initdb
    monkeypatch.setattr(
        SqliteEventLogStorage,
        "_initdb",
        lambda self, engine, **kwargs: (
            stamped.append(engine.url.database) or initdb(self, engine, **kwargs)
        ),
    )
    with _instance_with_template(tmp_path / "dagster", made_by_dagster) as instance:
        result = two_steps.execute_in_process(instance=instance)
        shard = Path(instance.event_log_storage.path_for_shard(result.run_id))
        assert len(instance.all_logs(result.run_id)) > 15

    assert str(shard) not in stamped  # copied, not created and stamped by alembic
    assert _schema(shard) == _schema(made_by_dagster)
    assert not list(shard.parent.glob("*.partial"))


def test_without_its_template_dagster_makes_the_run_database(tmp_path, made_by_dagster):
    with _instance_with_template(tmp_path / "dagster", tmp_path / "missing.db") as instance:
        result = two_steps.execute_in_process(instance=instance)
        shard = Path(instance.event_log_storage.path_for_shard(result.run_id))
        assert result.success

    assert _schema(shard) == _schema(made_by_dagster)
    assert not list(shard.parent.glob("*.partial"))


def test_a_run_database_made_meanwhile_elsewhere_is_kept(tmp_path, made_by_dagster):
    """Another process (the webserver, a run beside this one) may create the run's
    database between the check and the copy: the copy never replaces it."""
    storage = event_log_storage.EngineKeepingSqliteEventLogStorage(
        str(tmp_path / "runs"), run_shard_template=str(made_by_dagster)
    )
    shard = Path(storage.path_for_shard("a-run"))
    real_link = os.link

    def made_meanwhile(source, target):
        shard.write_bytes(b"made by another process")
        real_link(source, target)

    with patch.object(event_log_storage.os, "link", made_meanwhile):
        assert not storage._copied_template("a-run")

    assert shard.read_bytes() == b"made by another process"
    assert not list(shard.parent.glob("*.partial"))
