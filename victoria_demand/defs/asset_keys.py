"""Every asset's key, named once: the assets, checks, jobs, the CLI and the tests refer to
these, never to a restated name."""

from dagster import AssetKey

SOURCE_FILE = AssetKey("demand_source_file")
RAW_DEMAND = AssetKey("raw_demand")
CLEAN_DEMAND = AssetKey("clean_demand")
DECEMBER_MODEL = AssetKey("december_model")
CHAMPION_MODEL = AssetKey("champion_model")
DECEMBER_FORECAST = AssetKey("december_forecast")

# A year's chain after ingestion, in the order its steps run.
YEARLY_ASSETS = (CLEAN_DEMAND, DECEMBER_MODEL, CHAMPION_MODEL, DECEMBER_FORECAST)
