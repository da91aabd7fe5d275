"""The resources of each deployment, chosen in one place by ``VICTORIA_DEMAND_ENV``.

Assets never know where data lives: moving from the embedded default to the stack changes
this mapping, not an asset.
"""

from __future__ import annotations

from pathlib import Path

from dagster import EnvVar

from victoria_demand import settings
from victoria_demand.resources.demand_source import DemandSource
from victoria_demand.resources.forecast_database import ForecastDatabase
from victoria_demand.resources.mlflow_registry import MlflowRegistry
from victoria_demand.resources.model_quality import ModelQualityPolicy
from victoria_demand.resources.parquet_io_manager import (
    LocalParquetIOManager,
    S3ParquetIOManager,
)
from victoria_demand.resources.weather_forecast import WeatherForecast


def demand_source(home: Path) -> DemandSource:
    """The configured source (``VICTORIA_DEMAND_SOURCE``, else the pinned download)."""
    location = settings.source_location()
    return DemandSource(
        location=location,
        sha256=settings.source_sha256(location),
        cache_dir=str(settings.source_cache_dir(home)),
    )


def _shared_resources(home: Path) -> dict[str, object]:
    return {
        "demand_source": demand_source(home),
        "model_quality": ModelQualityPolicy(rmse_ceiling_mw=settings.rmse_ceiling_mw()),
        "weather_forecast": WeatherForecast(location=settings.weather_location()),
    }


def embedded_resources(home: Path) -> dict[str, object]:
    """No servers: Parquet files, SQLite for MLflow and the forecasts, all under ``home``."""
    return {
        **_shared_resources(home),
        "io_manager": LocalParquetIOManager(base_dir=str(home / "storage")),
        "mlflow_registry": MlflowRegistry(
            tracking_uri=f"sqlite:///{home / 'mlflow.db'}",
            artifact_location=(home / "mlartifacts").as_uri(),
        ),
        "forecast_database": ForecastDatabase(url=f"sqlite:///{home / 'forecasts.db'}"),
    }


def stack_resources(home: Path) -> dict[str, object]:
    """The docker-compose stack: MinIO, the MLflow server and Postgres, from the environment."""
    return {
        **_shared_resources(home),
        "io_manager": S3ParquetIOManager(
            bucket=EnvVar("VICTORIA_DEMAND_S3_BUCKET"),
            prefix="victoria-demand",
            endpoint_url=EnvVar("VICTORIA_DEMAND_S3_ENDPOINT_URL"),
        ),
        "mlflow_registry": MlflowRegistry(
            tracking_uri=EnvVar("MLFLOW_TRACKING_URI"),
            ui_url=EnvVar("VICTORIA_DEMAND_MLFLOW_UI_URL"),
        ),
        "forecast_database": ForecastDatabase(url=EnvVar("VICTORIA_DEMAND_FORECAST_DB_URL")),
    }


def resources_for(environment: str, home: Path) -> dict[str, object]:
    builders = {"embedded": embedded_resources, "stack": stack_resources}
    return builders[environment](home)
