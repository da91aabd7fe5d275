from victoria_demand.defs.assets.champion_and_forecast import serving_assets
from victoria_demand.defs.assets.ingest import ingest_assets
from victoria_demand.defs.assets.outlook import outlook_assets
from victoria_demand.defs.assets.training import training_assets

__all__ = ["ingest_assets", "outlook_assets", "serving_assets", "training_assets"]
