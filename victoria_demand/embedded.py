"""The embedded deployment's Dagster instance: SQLite storage under the product's home."""

from __future__ import annotations

import os
from pathlib import Path

from dagster import DagsterInstance

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
"""


def dagster_home(home: Path) -> Path:
    return home / "dagster"


def prepare_home(home: Path) -> Path:
    """Create the home folder and its Dagster instance config; point DAGSTER_HOME at it."""
    instance_dir = dagster_home(home)
    instance_dir.mkdir(parents=True, exist_ok=True)
    config = instance_dir / "dagster.yaml"
    if not config.exists():
        config.write_text(INSTANCE_CONFIG)
    os.environ["DAGSTER_HOME"] = str(instance_dir)
    return instance_dir


def embedded_instance(home: Path) -> DagsterInstance:
    prepare_home(home)
    return DagsterInstance.get()
