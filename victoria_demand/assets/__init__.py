from victoria_demand.assets.ingest import clean_demand, raw_demand
from victoria_demand.assets.serving import champion_model, december_forecast
from victoria_demand.assets.training import december_model

__all__ = ["champion_model", "clean_demand", "december_forecast", "december_model", "raw_demand"]
