"""The embedded instance's event log: Dagster's SQLite files, one connection kept per
database and checkpointed after writes, new runs' databases copied from an empty one Dagster
made."""

import json
import logging
import os
import queue
import sqlite3
import time
from contextlib import closing
from pathlib import Path
from types import SimpleNamespace
from unittest.mock import patch

import pytest
from dagster import DagsterInstance, job, op
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from victoria_demand.instance import embedded, event_log_storage


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


@pytest.fixture
def instance(tmp_path, made_by_dagster):
    """The embedded instance's config, with a template of its own (not the user's cache)."""
    with _instance_with_template(tmp_path / "dagster", made_by_dagster) as opened:
        yield opened


def test_a_run_writes_its_events_on_one_connection_closed_when_it_ends(instance, monkeypatch):
    opened = []
    connect = sqlite3.connect

    def counted(database, *args, **kwargs):
        opened.append(Path(database).name)
        return connect(database, *args, **kwargs)

    monkeypatch.setattr(sqlite3.dbapi2, "connect", counted)  # what SQLAlchemy calls
    result = two_steps.execute_in_process(instance=instance)
    monkeypatch.undo()

    assert isinstance(
        instance.event_log_storage, event_log_storage.EngineKeepingSqliteEventLogStorage
    )
    assert opened.count(f"{result.run_id}.db") == 1
    # closed at the run's end, which merged its write-ahead log into the file and removed it
    shard = Path(instance.event_log_storage.path_for_shard(result.run_id))
    assert not shard.with_name(f"{shard.name}-wal").exists()
    assert len(instance.all_logs(result.run_id)) > 15


def _message(run_id: str, message: str) -> EventLogEntry:
    return EventLogEntry(
        error_info=None,
        level=logging.INFO,
        user_message=message,
        run_id=run_id,
        timestamp=time.time(),
    )


def test_the_webservers_watcher_of_a_run_sees_each_event_as_it_is_written(tmp_path):
    """The webserver follows a run's log with Dagster's watcher, which waits for the run's
    .db file to change: each event must reach that file, not only the write-ahead log beside
    it, while the run's connection stays open."""
    storage = event_log_storage.EngineKeepingSqliteEventLogStorage(str(tmp_path / "runs"))
    storage.store_event(_message("a-run", "the run starts"))  # its database, in WAL mode
    seen = queue.Queue()
    storage.watch("a-run", None, lambda entry, cursor: seen.put(entry.user_message))
    try:
        for number in range(3):
            storage.store_event(_message("a-run", f"event {number}"))
            while seen.get(timeout=10) != f"event {number}":
                pass
    finally:
        storage.dispose()


def test_an_event_reaches_the_run_file_once_a_reader_that_began_before_it_is_done(
    tmp_path, monkeypatch
):
    """A reader's snapshot from before a write holds the checkpoint back (the webserver
    reading the log as the run writes): the write waits for it, briefly."""
    storage = event_log_storage.EngineKeepingSqliteEventLogStorage(str(tmp_path / "runs"))
    storage.store_event(_message("a-run", "the run starts"))
    shard = Path(storage.path_for_shard("a-run"))
    reader = sqlite3.connect(shard, isolation_level=None)
    reader.execute("begin")
    reader.execute("select count(*) from event_logs").fetchone()
    waits = []

    def reader_done_meanwhile(seconds: float) -> None:
        waits.append(seconds)
        if reader.in_transaction:
            reader.execute("commit")

    monkeypatch.setattr(event_log_storage, "time", SimpleNamespace(sleep=reader_done_meanwhile))
    try:
        storage.store_event(_message("a-run", "written while the reader reads"))
        # the run's connection still open: what is in the file is what the checkpoint copied
        with closing(sqlite3.connect(f"{shard.as_uri()}?immutable=1", uri=True)) as db:
            (in_file,) = db.execute("select count(*) from event_logs").fetchone()
    finally:
        reader.close()
        storage.dispose()
    assert waits == [event_log_storage.CHECKPOINT_RETRY_SECONDS]
    assert in_file == 2


def _schema(database: Path) -> list[tuple]:
    with closing(sqlite3.connect(database)) as db:
        return [
            *db.execute("select type, name, sql from sqlite_master order by name"),
            *db.execute("select version_num from alembic_version"),
            db.execute("pragma journal_mode").fetchone(),
        ]


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
