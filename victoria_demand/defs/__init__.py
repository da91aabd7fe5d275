"""Dagster wiring: assets, checks, automation, jobs, partitions and the source's observation.

:func:`build_definitions` assembles the code location for a set of years in one short
place: ``victoria_demand/definitions.py`` calls it for the years the instance records (what
Dagster and ``dg`` load), the CLI for the years it has just ingested."""

from __future__ import annotations

from dagster import Definitions

from victoria_demand import settings
from victoria_demand.core.years import SourceYears
from victoria_demand.defs.assets import (
    ingest_assets,
    outlook_assets,
    serving_assets,
    training_assets,
)
from victoria_demand.defs.automation import (
    automation_sensor,
    demand_source_changes,
    new_years_reload_sensor,
)
from victoria_demand.defs.checks import asset_checks
from victoria_demand.defs.jobs import ingest_job, run_executor
from victoria_demand.defs.partitions import year_partitions
from victoria_demand.resources import resources_for


def build_definitions(source_years: SourceYears) -> Definitions:
    partitions = year_partitions(source_years)
    return Definitions(
        assets=[
            *ingest_assets(partitions),
            *training_assets(partitions),
            *outlook_assets(partitions),
            *serving_assets(partitions),
        ],
        asset_checks=asset_checks(partitions),
        jobs=[ingest_job],
        executor=run_executor,
        sensors=[automation_sensor, demand_source_changes, new_years_reload_sensor(partitions)],
        resources=resources_for(settings.environment(), settings.home()),
    )
