"""The embedded deployment's Dagster instance: SQLite storage under the product's home."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any, Self

from dagster import DagsterInstance, Field, IntSource, QueuedRunCoordinator

from victoria_demand import settings

_INSTANCE_CONFIG = """\
# Written by victoria_demand: the embedded instance (SQLite storage in this folder).
event_log_storage:
  # Dagster's SQLite event log (the same files), with one connection kept per database
  # and new runs' databases copied from an empty one (victoria_demand/event_log_storage.py)
  module: victoria_demand.instance.event_log_storage
  class: EngineKeepingSqliteEventLogStorage
  config:
    base_dir: {event_log_dir}{run_shard_template}
telemetry:
  enabled: false
nux:
  enabled: false
concurrency:
  pools:
    # The only pool is champion_promotion: one alias move at a time.
    default_limit: 1
    # Held by the step, not the run: the next champion's run starts its process while
    # another run holds the slot, and its step waits for the slot (two such runs at most).
    granularity: op
    op_granularity_run_buffer: 2
  runs:
    max_concurrent_runs: 3
run_coordinator:
  module: victoria_demand.instance.embedded
  class: EmbeddedRunCoordinator
  config:
    # The daemon looks at the queue every second, not every five: each wave of a backfill
    # (and each run launched from the UI) starts sooner.
    dequeue_interval_seconds: 1
    # ...and at backfills every three seconds, not every thirty: a backfill takes three of
    # its visits (two waves of runs, then the mark that it is done).
    backfill_interval_seconds: 3
run_monitoring:
  # With the daemon (`make dev`): hand back the pool slots a run still held when it
  # ended, such as one terminated from the UI after its process died.
  enabled: true
  free_slots_after_run_end_seconds: 30
"""


class EmbeddedRunCoordinator(QueuedRunCoordinator):
    """Dagster's run queue, plus how often the daemon that loads it comes round to backfills.

    Dagster 1.13 has no setting for the backfill daemon's interval: its loop sleeps for
    ``dagster._daemon.controller.DEFAULT_DAEMON_INTERVAL_SECONDS`` (30 s), read from that
    module on every visit. The daemon builds the instance's run coordinator before it starts
    its daemons, so this class sets that constant there, from the instance's config. The
    same constant is the fallback interval of auto-materialization without sensors, which
    this project does not use. Every other process that loads the instance (the webserver,
    a run) runs no daemon loop, so the value changes nothing there.
    """

    @classmethod
    def config_type(cls) -> dict:
        return {
            **super().config_type(),
            "backfill_interval_seconds": Field(
                IntSource,
                is_required=False,
                description="How often the daemon submits the next runs of a backfill.",
            ),
        }

    @classmethod
    def from_config_value(cls, inst_data, config_value: Mapping[str, Any]) -> Self:
        queue_config = dict(config_value)
        backfill_interval = queue_config.pop("backfill_interval_seconds", None)
        if backfill_interval is not None:
            from dagster._daemon import controller  # the daemon has it loaded; others need not

            controller.DEFAULT_DAEMON_INTERVAL_SECONDS = backfill_interval
        return super().from_config_value(inst_data, queue_config)


def dagster_home(home: Path) -> Path:
    return home / "dagster"


def instance_config(instance_dir: Path) -> str:
    """The embedded instance's dagster.yaml, for the instance in ``instance_dir``: its event
    log is where Dagster's default SQLite storage keeps it (history/runs), and new runs'
    databases are copies of the cached empty one, if there is a cache."""
    # a JSON string is a YAML string too, whatever the folder's name holds
    event_log_dir = instance_dir.absolute() / "history" / "runs"
    try:
        template = json.dumps(str(_empty_stores_folder() / RUN_SHARD))
    except OSError:
        template_line = ""
    else:
        template_line = f"\n    run_shard_template: {template}"
    return _INSTANCE_CONFIG.format(
        event_log_dir=json.dumps(str(event_log_dir)), run_shard_template=template_line
    )


@contextmanager
def _exclusive(lock_file: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``lock_file``; other processes wait for it."""
    with lock_file.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _schema_versions() -> str:
    """The versions that decide what the stores' schemas are."""
    packages = " ".join(
        f"{name}=={metadata.version(name)}"
        for name in ("dagster", "mlflow", "sqlalchemy", "alembic")
    )
    return f"{packages} sqlite=={sqlite3.sqlite_version}"


def _prepared_marker(home: Path) -> tuple[Path, str]:
    """Where a prepared home says so, and what it says: the versions that made its schemas
    and the instance config it was given (another version or config prepares it again)."""
    config = hashlib.sha256(instance_config(dagster_home(home)).encode()).hexdigest()[:12]
    return home / ".prepared", f"{settings.environment()} {_schema_versions()} config={config}\n"


def prepare_home(home: Path) -> Path:
    """Create the home folder, its Dagster instance (config and SQLite storages) and the
    MLflow and forecast stores; point DAGSTER_HOME at the instance.

    Everything is created here, once, under a lock on the home: two processes that start
    on a fresh home together (two `make run`, or `make dev` beside `make run`) would
    otherwise both stamp the SQLite schemas, which leaves alembic with two heads and the
    home unusable; and runs of a backfill would race to create mlflow.db's schema. A home
    prepared already (its marker names these versions and this config) costs a file read;
    one prepared by an earlier release, or moved from another folder, gets this release's
    instance config for where it is.
    """
    instance_dir = dagster_home(home)
    os.environ["DAGSTER_HOME"] = str(instance_dir)
    marker, prepared_by = _prepared_marker(home)
    config = instance_dir / "dagster.yaml"
    if config.is_file() and marker.is_file() and marker.read_text() == prepared_by:
        return instance_dir
    instance_dir.mkdir(parents=True, exist_ok=True)
    with _exclusive(home / ".prepare.lock"):
        wanted = instance_config(instance_dir)
        if not config.is_file() or config.read_text() != wanted:
            # a new file renamed into place: a process starting now reads old or new, whole
            written = config.with_suffix(".yaml.partial")
            written.write_text(wanted)
            os.replace(written, config)
        embedded = settings.environment() == "embedded"  # the stack's servers own theirs
        copied = _copy_empty_stores(home, with_mlflow=embedded)
        if not copied.issuperset(DAGSTER_STORES):  # stores of its own, or no cache to copy
            _initialize_instance_storage(instance_dir)
        if embedded:
            _initialize_stores(home)
        marker.write_text(prepared_by)
    return instance_dir


# The SQLite stores as Dagster and MLflow create them, relative to a home.
DAGSTER_STORES = (
    "dagster/history/runs.db",
    "dagster/history/runs/index.db",
    "dagster/schedules/schedules.db",
)
MLFLOW_STORE = "mlflow.db"
# An empty run database of the event log, as Dagster makes one for each run.
RUN_SHARD = "dagster/history/runs/empty-run.db"


def _copy_empty_stores(home: Path, *, with_mlflow: bool) -> set[str]:
    """Give a new home copies of the empty stores made for these versions, where it has
    none: creating the schemas takes two seconds (MLflow's alembic migrations, 1.2 s), a
    copy milliseconds. Returns the stores copied; without a usable cache, none (they are
    created in place)."""
    try:
        empty = _empty_stores()
    except OSError:
        return set()
    copied = set()
    for name in (*DAGSTER_STORES, *([MLFLOW_STORE] if with_mlflow else [])):
        target = home / name
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f"{target.name}.partial")
            shutil.copyfile(empty / name, partial)
            os.replace(partial, target)
            copied.add(name)
    return copied


def _empty_stores_folder() -> Path:
    """Where the empty stores for these schema versions are (or will be) kept: under the
    user's cache folder. OSError if there is none."""
    cache = settings.cache_folder()
    # a release that keeps other stores there gets a folder of its own
    held = " ".join((*DAGSTER_STORES, RUN_SHARD, MLFLOW_STORE))
    digest = hashlib.sha256(f"{_schema_versions()} {held}".encode()).hexdigest()[:12]
    return cache / f"empty-stores-{digest}"


def _empty_stores() -> Path:
    """Empty Dagster and MLflow stores (their schemas, MLflow's Default experiment, an empty
    run database), made once per set of schema versions."""
    stores = _empty_stores_folder()
    if stores.is_dir():
        return stores
    cache = stores.parent
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache, prefix=".building-") as scratch:
        built = Path(scratch) / "stores"
        instance_dir = dagster_home(built)
        instance_dir.mkdir(parents=True)
        (instance_dir / "dagster.yaml").write_text(instance_config(instance_dir))
        _initialize_instance_storage(instance_dir, run_shard=Path(RUN_SHARD).stem)
        from mlflow import MlflowClient

        # creates the schema (and MLflow's Default experiment, as on any new store)
        MlflowClient(f"sqlite:///{built / MLFLOW_STORE}").search_experiments(max_results=1)
        for name in (*DAGSTER_STORES, RUN_SHARD, MLFLOW_STORE):
            # the run storage is in WAL mode: a copy takes the main file alone
            with closing(sqlite3.connect(built / name)) as store:
                store.execute("pragma wal_checkpoint(truncate)")
        try:
            built.rename(stores)  # whole or not at all; another process may have won
        except OSError:
            if not stores.is_dir():
                raise
    return stores


def _initialize_instance_storage(instance_dir: Path, run_shard: str | None = None) -> None:
    """Touch every SQLite storage of the instance so that each schema exists, and the event
    log of ``run_shard`` (an empty database as Dagster makes one for each run), if named."""
    from victoria_demand.defs.asset_keys import RAW_DEMAND

    with DagsterInstance.from_config(str(instance_dir)) as instance:
        instance.get_runs(limit=1)
        instance.all_instigator_state()
        instance.get_latest_materialization_event(RAW_DEMAND)
        if run_shard:
            instance.all_logs(run_shard)


def _initialize_stores(home: Path) -> None:
    from victoria_demand.resources import embedded_resources
    from victoria_demand.resources.forecast_store import ensure_table

    resources = embedded_resources(home)
    # creates the experiment (and mlflow.db, if not copied)
    resources["mlflow_registry"].experiment_id()
    ensure_table(resources["forecast_database"].engine)


def embedded_instance(home: Path) -> DagsterInstance:
    prepare_home(home)
    return DagsterInstance.get()
