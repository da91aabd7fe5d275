"""The embedded deployment's Dagster instance: SQLite storage under the product's home."""

from __future__ import annotations

import os
from pathlib import Path

from dagster import DagsterInstance

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
run_monitoring:
  # With the daemon (`make dev`): hand back the pool slots a run still held when it
  # ended, such as one terminated from the UI after its process died.
  enabled: true
  free_slots_after_run_end_seconds: 30
"""


def dagster_home(home: Path) -> Path:
    return home / "dagster"


def prepare_home(home: Path) -> Path:
    """Create the home folder, its Dagster instance config and the SQLite stores; point
    DAGSTER_HOME at the instance.

    The stores are created here, once, because runs of a backfill start together: each
    would otherwise race to create mlflow.db's schema and the forecast table.
    """
    instance_dir = dagster_home(home)
    instance_dir.mkdir(parents=True, exist_ok=True)
    config = instance_dir / "dagster.yaml"
    if not config.exists():
        config.write_text(INSTANCE_CONFIG)
    os.environ["DAGSTER_HOME"] = str(instance_dir)
    if settings.environment() == "embedded":  # the stack's servers own their schemas
        _initialize_stores(home)
    return instance_dir


def _initialize_stores(home: Path) -> None:
    from victoria_demand.core.forecast_store import ensure_table
    from victoria_demand.resources import embedded_resources

    resources = embedded_resources(home)
    resources["mlflow"].experiment_id()  # creates mlflow.db, its schema and the experiment
    ensure_table(resources["forecast_database"].engine)


def embedded_instance(home: Path) -> DagsterInstance:
    prepare_home(home)
    return DagsterInstance.get()
