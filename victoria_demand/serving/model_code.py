"""MLflow's entry point to the December model (logged as code: loading runs this file)."""

from mlflow.models import set_model

from victoria_demand.serving.pyfunc_model import DecemberDemandModel

set_model(DecemberDemandModel())
