"""training_demand, december_model and december_score as the first run made them."""

from __future__ import annotations

import pytest
from mlflow.tracking import MlflowClient

from victoria_demand.core.feature_set import FEATURE_SET
from victoria_demand.defs.asset_keys import (
    CLEAN_DEMAND,
    DECEMBER_MODEL,
    DECEMBER_SCORE,
    TRAINING_DEMAND,
)
from victoria_demand_tests.state import MODEL

MAPES = {"2012": 4.91, "2013": 4.41, "2014": 3.79}
# January-November: 334 days (335 in 2012), each of 48 half-hours, DST in and out
TRAIN_ROWS = {"2012": 335 * 48, "2013": 334 * 48, "2014": 334 * 48}


def test_each_model_is_fit_on_january_to_november_and_registered(recorded):
    models, training = recorded(DECEMBER_MODEL), recorded(TRAINING_DEMAND)
    clean = recorded(CLEAN_DEMAND)
    assert sorted(models) == sorted(training) == sorted(MAPES)
    for year, (metadata, _) in models.items():
        assert metadata["train_rows"] == training[year][0]["rows"] == TRAIN_ROWS[year]
        # the rows' own hash, not the clean year's: December does not reach the model
        assert training[year][1] != clean[year][1]
        assert metadata["feature_set_version"] == FEATURE_SET.version
        assert metadata["model_uri"] == f"models:/{MODEL}/{metadata['model_version']}"
        assert "#/experiments/" in metadata["mlflow_run"]
        assert metadata["temperature_response_plot"].startswith("![")
    # one version per year, in the order the years were trained
    assert [models[year][0]["model_version"] for year in sorted(models)] == ["1", "2", "3"]


def test_each_december_is_scored_and_logged_to_its_models_run(recorded, first_run):
    scores, models = recorded(DECEMBER_SCORE), recorded(DECEMBER_MODEL)
    client = MlflowClient(f"sqlite:///{first_run[0] / 'mlflow.db'}")
    for year, (metadata, _) in scores.items():
        assert metadata["mape_percent"] == pytest.approx(MAPES[year], abs=0.005)
        assert metadata["rmse_mw"] < metadata["seasonal_naive_rmse_mw"]
        assert metadata["peak_poe10_mw"] >= metadata["peak_poe50_mw"]
        assert metadata["model_version"] == models[year][0]["model_version"]
        assert "data:image/png;base64," in metadata["december_forecast_plot"]
        run_id = client.get_model_version(MODEL, metadata["model_version"]).run_id
        run = client.get_run(run_id)
        assert run.data.metrics["december_rmse"] == pytest.approx(metadata["rmse_mw"])
        logged = {artifact.path for artifact in client.list_artifacts(run_id)}
        assert {"december_forecast.csv", "peak_residual_days.json", "plots"} <= logged
