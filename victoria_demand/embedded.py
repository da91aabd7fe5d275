"""The embedded deployment's Dagster instance: SQLite storage under the product's home."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path

from dagster import AssetKey, DagsterInstance

from victoria_demand import settings

INSTANCE_CONFIG = """\
# Written by victoria_demand: the embedded instance (SQLite storage in this folder).
telemetry:
  enabled: false
nux:
  enabled: false
concurrency:
  pools:
    # The only pool is champion_promotion: one alias move at a time.
    default_limit: 1
  runs:
    max_concurrent_runs: 3
run_queue:
  # The daemon looks at the queue every second, not every five: each wave of a backfill
  # (and each run launched from the UI) starts sooner.
  dequeue_interval_seconds: 1
run_monitoring:
  # With the daemon (`make dev`): hand back the pool slots a run still held when it
  # ended, such as one terminated from the UI after its process died.
  enabled: true
  free_slots_after_run_end_seconds: 30
"""


def dagster_home(home: Path) -> Path:
    return home / "dagster"


@contextmanager
def _exclusive(lock_file: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``lock_file``; other processes wait for it."""
    with lock_file.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _prepared_marker(home: Path) -> tuple[Path, str]:
    """Where a prepared home says so, and what it says: the versions that made its schemas
    (another version prepares the home again)."""
    versions = " ".join(f"{name}=={metadata.version(name)}" for name in ("dagster", "mlflow"))
    return home / ".prepared", f"{settings.environment()} {versions}\n"


def prepare_home(home: Path) -> Path:
    """Create the home folder, its Dagster instance (config and SQLite storages) and the
    MLflow and forecast stores; point DAGSTER_HOME at the instance.

    Everything is created here, once, under a lock on the home: two processes that start
    on a fresh home together (two `make run`, or `make dev` beside `make run`) would
    otherwise both stamp the SQLite schemas, which leaves alembic with two heads and the
    home unusable; and runs of a backfill would race to create mlflow.db's schema. A home
    prepared already (its marker names these versions) costs a file read.
    """
    instance_dir = dagster_home(home)
    os.environ["DAGSTER_HOME"] = str(instance_dir)
    marker, prepared_by = _prepared_marker(home)
    config = instance_dir / "dagster.yaml"
    if config.is_file() and marker.is_file() and marker.read_text() == prepared_by:
        return instance_dir
    instance_dir.mkdir(parents=True, exist_ok=True)
    with _exclusive(home / ".prepare.lock"):
        if not config.exists():
            config.write_text(INSTANCE_CONFIG)
        _initialize_instance_storage()
        if settings.environment() == "embedded":  # the stack's servers own their schemas
            _initialize_stores(home)
        marker.write_text(prepared_by)
    return instance_dir


def _initialize_instance_storage() -> None:
    """Touch every SQLite storage of the instance so that each schema exists."""
    instance = DagsterInstance.get()
    instance.get_runs(limit=1)
    instance.all_instigator_state()
    instance.get_latest_materialization_event(AssetKey("raw_demand"))


def _initialize_stores(home: Path) -> None:
    from victoria_demand.core.forecast_store import ensure_table
    from victoria_demand.resources import embedded_resources

    resources = embedded_resources(home)
    resources["mlflow"].experiment_id()  # creates mlflow.db, its schema and the experiment
    ensure_table(resources["forecast_database"].engine)


def embedded_instance(home: Path) -> DagsterInstance:
    prepare_home(home)
    return DagsterInstance.get()
