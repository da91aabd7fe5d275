"""Dagster's SQLite event log, with one open connection per database for the process.

``SqliteEventLogStorage`` builds a new engine for every connection it opens, and disposes of
both after: every event a run writes, and every read of the event log, opens the database
file, reads its schema, and on closing (the last connection) merges the write-ahead log into
the file and deletes it. A headless run of every year opened 1,368 such connections. The
databases, their schema and the sharding (one file per run beside the index) are Dagster's,
untouched: the UI, the daemon and ``dagster`` commands read the same files.

What the webserver needs from a run's database is that its ``.db`` file changes with each
event: its watcher of a run's log (watchdog) waits for that file, not for the log beside it.
Closing the last connection did that as a side effect; here each write to a run's database
is followed by a checkpoint that copies it into the file, and the run's connection is closed
when the run ends (which also removes its write-ahead log file).

A run's new database can also be a copy of an empty one Dagster made (``run_shard_template``):
Dagster creates each with its schema and stamps it with alembic, which reads every migration
script of the event log twice, 58 ms a run, for the same empty file every time.
"""

from __future__ import annotations

import os
import shutil
import time
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

from dagster import DagsterEventType, Field, StringSource
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    INDEX_SHARD_NAME,
    SQLITE_BUSY_TIMEOUT_SECONDS,
    SqliteEventLogStorage,
)
from dagster._serdes import ConfigurableClassData
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool, Pool, QueuePool

# the webserver reads the logs of many runs; connections to runs read long ago are let go
KEPT_ENGINES = 32
RUN_END_EVENTS = frozenset(
    {DagsterEventType.RUN_SUCCESS, DagsterEventType.RUN_FAILURE, DagsterEventType.RUN_CANCELED}
)
# A reader that began before a write keeps the checkpoint from copying it until the reader
# is done: the webserver's reads take milliseconds.
CHECKPOINT_ATTEMPTS = 20
CHECKPOINT_RETRY_SECONDS = 0.005


class EngineKeepingSqliteEventLogStorage(SqliteEventLogStorage):
    """``SqliteEventLogStorage`` that keeps an engine, and its one connection, per database.

    After each transaction that wrote to a database, its write-ahead log is checkpointed into
    the ``.db`` file (``PRAGMA wal_checkpoint(PASSIVE)``), as closing every connection after
    use did: the webserver's watcher sees each event of a run as it is written, and the files
    hold everything written whether or not the process closes its connections before it
    ends (``python -m victoria_demand`` leaves with ``os._exit``).
    """

    def __init__(
        self,
        base_dir: str,
        inst_data: ConfigurableClassData | None = None,
        run_shard_template: str | None = None,
    ):
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._run_shard_template = run_shard_template
        super().__init__(base_dir, inst_data)

    @classmethod
    def config_type(cls) -> dict:
        return {
            **super().config_type(),
            "run_shard_template": Field(
                StringSource,
                is_required=False,
                description="An empty run database made by this Dagster version, copied for "
                "each new run instead of creating and stamping the schema again.",
            ),
        }

    @classmethod
    def from_config_value(
        cls, inst_data: ConfigurableClassData | None, config_value: Mapping[str, Any]
    ) -> Self:
        return cls(inst_data=inst_data, **config_value)

    def _engine(self, shard: str) -> Engine:
        engine = self._engines.get(shard)
        if engine is None:
            # one connection: Dagster's _db_lock lets one use it at a time
            engine = self._new_engine(shard, QueuePool, pool_size=1)
            self._engines[shard] = engine
            if len(self._engines) > KEPT_ENGINES:
                self._engines.popitem(last=False)[1].dispose()
        else:
            self._engines.move_to_end(shard)
        return engine

    def _new_engine(self, shard: str, poolclass: type[Pool], **pool_options: int) -> Engine:
        return create_engine(
            self.conn_string_for_shard(shard),
            poolclass=poolclass,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS},
            **pool_options,
        )

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        # Dagster's _connect, with the engine and its connection kept
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                if not self._copied_template(shard):
                    # as Dagster does it: on an engine whose connections close after use
                    self._initdb(self._new_engine(shard, NullPool))
                self._initialized_dbs.add(shard)
            with engine.connect() as connection:
                database = connection.connection.dbapi_connection
                changes = database.total_changes
                with connection.begin():
                    yield connection
                if database.total_changes != changes:
                    # only the watcher of a run's log waits for its file; the index is
                    # brought up to date as readers allow
                    _checkpoint(connection, CHECKPOINT_ATTEMPTS if shard != INDEX_SHARD_NAME else 1)

    def store_event(self, event: EventLogEntry) -> None:
        super().store_event(event)
        if event.dagster_event_type in RUN_END_EVENTS and event.run_id:
            # the run writes no more: close its database, which also removes its
            # write-ahead log file (the last connection to close merges and deletes it)
            with self._db_lock:
                engine = self._engines.pop(event.run_id, None)
                if engine is not None:
                    engine.dispose()

    def _copied_template(self, shard: str) -> bool:
        """Create a new run's database as a copy of the template; False if there is no
        template or the database exists, to be checked (or made) by Dagster as ever."""
        target = Path(self.path_for_shard(shard))
        if self._run_shard_template is None or shard == INDEX_SHARD_NAME or target.exists():
            return False
        # copied under another name, then linked into place: a database another process
        # (the webserver, a run beside this one) creates meanwhile is never overwritten, and
        # none is ever seen half-copied. The name does not end in .db, which Dagster lists.
        partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
        try:
            shutil.copyfile(self._run_shard_template, partial)
        except OSError:  # no template (the cache was cleared, say): Dagster makes it
            partial.unlink(missing_ok=True)
            return False
        try:
            os.link(partial, target)
        except FileExistsError:
            return False
        finally:
            partial.unlink()
        return True

    def wipe(self) -> None:
        self._close_databases()  # before Dagster deletes the runs' files
        super().wipe()

    def dispose(self) -> None:
        super().dispose()
        self._close_databases()

    def _close_databases(self) -> None:
        with self._db_lock:
            for engine in self._engines.values():
                engine.dispose()
            self._engines.clear()


def _checkpoint(connection: Connection, attempts: int) -> None:
    """Copy what the write-ahead log holds into the database file, waiting a little for
    readers that began before the last write; what they hold back is copied next time."""
    for attempt in range(attempts):
        if attempt:
            time.sleep(CHECKPOINT_RETRY_SECONDS)
        busy, logged, copied = connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()
        if not busy and copied == logged:
            return
