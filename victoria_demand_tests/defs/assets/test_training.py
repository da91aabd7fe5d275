"""december_model as the first run made it: scores, figures and its MLflow version."""

from __future__ import annotations

import pytest

from victoria_demand.core.feature_set import FEATURE_SET
from victoria_demand.defs.asset_keys import DECEMBER_MODEL
from victoria_demand_tests.state import MODEL

MAPES = {"2012": 4.91, "2013": 4.41, "2014": 3.79}


def test_each_model_records_its_scores_figures_and_version(recorded):
    models = recorded(DECEMBER_MODEL)
    assert sorted(models) == sorted(MAPES)
    for year, (metadata, _) in models.items():
        assert metadata["mape_percent"] == pytest.approx(MAPES[year], abs=0.005)
        assert metadata["rmse_mw"] < metadata["seasonal_naive_rmse_mw"]
        assert metadata["peak_poe10_mw"] >= metadata["peak_poe50_mw"]
        assert metadata["feature_set_version"] == FEATURE_SET.version
        assert metadata["model_uri"] == f"models:/{MODEL}/{metadata['model_version']}"
        assert "#/experiments/" in metadata["mlflow_run"]
        for figure in ("december_forecast_plot", "temperature_response_plot"):
            assert (
                metadata[figure].startswith("![") and "data:image/png;base64," in metadata[figure]
            )
    # one version per year, in the order the years were trained
    assert [models[year][0]["model_version"] for year in sorted(models)] == ["1", "2", "3"]
