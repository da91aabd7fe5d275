from victoria_demand.assets.ingest import ingest_assets
from victoria_demand.assets.serving import serving_assets
from victoria_demand.assets.training import training_assets

__all__ = ["ingest_assets", "serving_assets", "training_assets"]
