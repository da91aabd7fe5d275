"""Dagster's SQLite event log, with one SQLAlchemy engine per database for the process.

``SqliteEventLogStorage`` builds a new engine for every connection it opens and disposes
of it after: every event a run writes, and every read of the event log, pays for a new
engine and its dialect's first-connect setup. A headless run of every year opens 780 such
connections; under cProfile they took 2.05 s with an engine each, 1.41 s with one engine per
database. The databases, their schema and the sharding (one file per run beside the index)
are Dagster's, untouched: the UI, the daemon and ``dagster`` commands read the same files.

A run's new database can also be a copy of an empty one Dagster made (``run_shard_template``):
Dagster creates each with its schema and stamps it with alembic, which reads every migration
script of the event log twice, 58 ms a run, for the same empty file every time.
"""

from __future__ import annotations

import os
import shutil
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

from dagster import Field, StringSource
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    INDEX_SHARD_NAME,
    SQLITE_BUSY_TIMEOUT_SECONDS,
    SqliteEventLogStorage,
)
from dagster._serdes import ConfigurableClassData
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool

# the webserver reads the logs of many runs; engines of runs read long ago are let go
KEPT_ENGINES = 32


class EngineKeepingSqliteEventLogStorage(SqliteEventLogStorage):
    """``SqliteEventLogStorage`` that keeps the engine of each database it connects to.

    Connections are still opened per use and closed after (``NullPool``, as Dagster's own):
    closing the last connection to a database checkpoints its write-ahead log into the
    ``.db`` file, whose change is what the webserver's watcher of a run's log waits for.
    What is kept is the engine, whose creation cost more than the statement it ran.
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
            engine = create_engine(
                self.conn_string_for_shard(shard),
                poolclass=NullPool,
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS},
            )
            self._engines[shard] = engine
            if len(self._engines) > KEPT_ENGINES:
                self._engines.popitem(last=False)[1].dispose()
        else:
            self._engines.move_to_end(shard)
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        # Dagster's _connect, with the engine kept rather than built and disposed of
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                if not self._copied_template(shard):
                    self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as connection, connection.begin():
                yield connection

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

    def dispose(self) -> None:
        super().dispose()
        with self._db_lock:
            for engine in self._engines.values():
                engine.dispose()
            self._engines.clear()
