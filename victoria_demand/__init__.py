"""victoria-demand: each December's half-hourly electricity demand in Victoria, forecast
from January-November, as Dagster assets tracked in MLflow."""
