"""The runs the product is made of: ingest the source, then one run per year.

A year's run spans two partition sets (``clean_demand`` has the trailing partial year, the
December assets do not), which one asset job cannot hold; it runs as a selection of the
implicit asset job, as the UI's "Materialize" does.
"""

from __future__ import annotations

from dagster import AssetKey, AssetSelection, define_asset_job

INGEST_JOB = "ingest"
YEARLY_ASSETS = tuple(
    AssetKey(name)
    for name in ("clean_demand", "december_model", "champion_model", "december_forecast")
)

ingest_job = define_asset_job(
    INGEST_JOB,
    selection=AssetSelection.assets("raw_demand"),
    description="Fetch and validate the CSV; record the years it holds.",
)
