"""Everything Dagster loads, in one short place."""

from __future__ import annotations

from dagster import Definitions, load_asset_checks_from_modules

from victoria_demand import checks, settings
from victoria_demand.assets import (
    champion_model,
    clean_demand,
    december_forecast,
    december_model,
    raw_demand,
)
from victoria_demand.jobs import december_job, ingest_job
from victoria_demand.resources import resources_for

defs = Definitions(
    assets=[raw_demand, clean_demand, december_model, champion_model, december_forecast],
    asset_checks=load_asset_checks_from_modules([checks]),
    jobs=[ingest_job, december_job],
    resources=resources_for(settings.environment(), settings.home()),
)
