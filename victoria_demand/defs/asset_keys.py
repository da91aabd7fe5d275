"""Every asset's key, named once: the assets, checks, jobs, the CLI and the tests refer to
these, never to a restated name."""

from dagster import AssetKey

SOURCE_FILE = AssetKey("demand_source_file")
RAW_DEMAND = AssetKey("raw_demand")
CLEAN_DEMAND = AssetKey("clean_demand")
TRAINING_DEMAND = AssetKey("training_demand")
DECEMBER_MODEL = AssetKey("december_model")
DECEMBER_OUTLOOK = AssetKey("december_outlook")
DECEMBER_SCORE = AssetKey("december_score")
CHAMPION_MODEL = AssetKey("champion_model")
DECEMBER_FORECAST = AssetKey("december_forecast")

# A year's chain after ingestion, in an order its steps can run in.
YEARLY_ASSETS = (
    CLEAN_DEMAND,
    TRAINING_DEMAND,
    DECEMBER_MODEL,
    DECEMBER_OUTLOOK,
    DECEMBER_SCORE,
    CHAMPION_MODEL,
    DECEMBER_FORECAST,
)
