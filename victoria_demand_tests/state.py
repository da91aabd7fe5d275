"""A fingerprint of everything the embedded deployment has stored, to prove that a failed
run changed nothing (or that two runs ended alike)."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from pathlib import Path

from dagster import AssetKey, AssetRecordsFilter, DagsterInstance
from mlflow.tracking import MlflowClient

from victoria_demand.defs.asset_keys import RAW_DEMAND, YEARLY_ASSETS
from victoria_demand.instance import embedded
from victoria_demand.resources.mlflow_registry import MlflowRegistry

MODEL = MlflowRegistry.model_fields["registered_model_name"].default
ASSETS = tuple(key.to_user_string() for key in (RAW_DEMAND, *YEARLY_ASSETS))


# Where mlflow.db records absolute artifact locations (the stored assets and the forecast
# database are found from the home alone; the instance's dagster.yaml names its folder).
_MLFLOW_LOCATIONS = {
    "experiments": "artifact_location",
    "runs": "artifact_uri",
    "logged_models": "artifact_location",
    "model_versions": "storage_location",
}


def copy_home(source: Path, target: Path) -> Path:
    """A copy of a home that works on its own: what a test would otherwise rebuild with a
    whole pipeline run. MLflow's locations are moved to the copy's own artifact folder, so
    runs made in the copy never write into the original."""
    # Homes copied are finished (no writer): a -wal or -shm file there belongs to a reader
    # in another worker, empty, and may vanish mid-copy
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("*.db-wal", "*.db-shm"))
    # the instance config for the copy's folder, as prepare_home would write it on first use
    instance_dir = embedded.dagster_home(target)
    (instance_dir / "dagster.yaml").write_text(embedded.instance_config(instance_dir))
    marker, prepared_by = embedded._prepared_marker(target)
    marker.write_text(prepared_by)
    old, new = f"{source.as_uri()}/", f"{target.as_uri()}/"
    with sqlite3.connect(target / "mlflow.db") as db:
        for table, column in _MLFLOW_LOCATIONS.items():
            db.execute(
                f"update {table} set {column} = ? || substr({column}, ?) where {column} like ?",
                (new, len(old) + 1, old + "%"),
            )
    return target


def stored_files(home: Path) -> dict[str, str]:
    storage = home / "storage"
    return {
        str(path.relative_to(storage)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(storage.rglob("*"))
        if path.is_file()
    }


def registry(home: Path) -> dict:
    client = MlflowClient(f"sqlite:///{home / 'mlflow.db'}")
    versions = client.search_model_versions(f"name='{MODEL}'")
    try:
        alias = client.get_model_version_by_alias(MODEL, "champion").version
    except Exception:
        alias = None
    return {
        "versions": sorted((v.version, v.tags.get("year")) for v in versions),
        "alias": alias,
        "tags": dict(client.get_registered_model(MODEL).tags) if versions else {},
    }


def forecast_rows(home: Path) -> list[tuple]:
    database = home / "forecasts.db"
    if not database.exists():
        return []
    with sqlite3.connect(database) as db:
        tables = {row[0] for row in db.execute("select name from sqlite_master")}
        if "december_forecast" not in tables:
            return []
        return db.execute(
            "select year, time_utc, forecast_mw, model_version from december_forecast "
            "order by year, time_utc"
        ).fetchall()


def materializations(home: Path) -> dict[tuple[str, str | None], int]:
    os.environ["DAGSTER_HOME"] = str(home / "dagster")
    instance = DagsterInstance.get()
    counts: dict[tuple[str, str | None], int] = {}
    for asset in ASSETS:
        records = instance.fetch_materializations(
            AssetRecordsFilter(asset_key=AssetKey(asset)), limit=10_000
        ).records
        for record in records:
            key = (asset, record.partition_key)
            counts[key] = counts.get(key, 0) + 1
    return counts


def fingerprint(home: Path) -> dict:
    return {
        "files": stored_files(home),
        "registry": registry(home),
        "forecasts": forecast_rows(home),
        "materializations": materializations(home),
    }
