"""The two runs the product is made of: ingest once, then one run per year."""

from __future__ import annotations

from dagster import AssetSelection, define_asset_job

from victoria_demand.assets import (
    champion_model,
    clean_demand,
    december_forecast,
    december_model,
    raw_demand,
)

ingest_job = define_asset_job(
    "ingest", selection=AssetSelection.assets(raw_demand), description="Fetch and validate the CSV."
)
december_job = define_asset_job(
    "december",
    selection=AssetSelection.assets(
        clean_demand, december_model, champion_model, december_forecast
    ),
    description="Clean, train, promote and forecast one year, with every check.",
)
