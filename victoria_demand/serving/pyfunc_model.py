"""The December model as an MLflow pyfunc: the request contract of ``core.forecaster``
behind MLflow's loader and REST server.

The model is logged as code (MLflow's "models from code", no pickle): ``model_code.py``
names this class, and the fitted pipeline travels as a JSON document of its feature set and
coefficients (``core.model_format``), read the same way the pipeline's own steps read it.
"""

from __future__ import annotations

import json
from pathlib import Path

import mlflow.pyfunc
import pandas as pd
from mlflow.exceptions import MlflowException
from mlflow.models import ModelSignature
from mlflow.protos.databricks_pb2 import INVALID_PARAMETER_VALUE
from mlflow.types.schema import ColSpec, Schema

from victoria_demand.core.forecaster import (
    CONTEXT,
    UTC_STAMP,
    DemandForecaster,
    ForecastRequestError,
)
from victoria_demand.core.intervals import ResidualQuantiles
from victoria_demand.core.model_format import read_pipeline

PIPELINE_ARTIFACT = "pipeline"  # the fitted scikit-learn Pipeline, as JSON
RESIDUALS_ARTIFACT = "residuals"  # the band's offsets, JSON
CODE_FILE = Path(__file__).with_name("model_code.py")

# Time stamps travel as ISO 8601 text: MLflow's datetime type refuses time zones, and the
# source's own format is "2014-12-01T00:00:00Z".
SIGNATURE = ModelSignature(
    inputs=Schema(
        [
            ColSpec("string", "time_utc"),
            ColSpec("double", "temperature_c"),
            ColSpec("boolean", "holiday"),
            ColSpec("boolean", CONTEXT, required=False),
        ]
    ),
    outputs=Schema(
        [
            ColSpec("string", "time_utc"),
            ColSpec("double", "forecast_mw"),
            ColSpec("double", "p10_mw"),
            ColSpec("double", "p90_mw"),
        ]
    ),
)


def load_forecaster(pipeline_file: Path, residuals_file: Path, label: str) -> DemandForecaster:
    return DemandForecaster(
        pipeline=read_pipeline(pipeline_file, label),
        residuals=ResidualQuantiles.from_dict(json.loads(residuals_file.read_text())),
    )


def served_answer(forecast: pd.DataFrame) -> pd.DataFrame:
    """The forecaster's answer as JSON-friendly columns (UTC stamps with ``Z``)."""
    return forecast.assign(time_utc=forecast["time_utc"].dt.strftime(UTC_STAMP))


def request_from_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A request in the signature's types, from model inputs with UTC time stamps."""
    return frame.assign(time_utc=served_answer(frame)["time_utc"])


class DecemberDemandModel(mlflow.pyfunc.PythonModel):
    """P50 with its 80% band for every non-context instant of a request."""

    def load_context(self, context) -> None:
        self.forecaster = load_forecaster(
            Path(context.artifacts[PIPELINE_ARTIFACT]),
            Path(context.artifacts[RESIDUALS_ARTIFACT]),
            "the December model",
        )

    def predict(self, context, model_input: pd.DataFrame, params=None) -> pd.DataFrame:
        try:
            return served_answer(self.forecaster.predict(model_input))
        except ForecastRequestError as error:
            # a 400 naming the row and column, not a 500 with a traceback
            raise MlflowException(str(error), error_code=INVALID_PARAMETER_VALUE) from None
