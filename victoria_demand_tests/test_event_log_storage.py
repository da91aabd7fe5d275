"""The embedded instance's event log: Dagster's SQLite files, one engine per database."""

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from dagster import DagsterInstance, job, op

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
