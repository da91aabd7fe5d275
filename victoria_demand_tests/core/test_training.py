import numpy as np
import pandas as pd
import pytest
from threadpoolctl import threadpool_info

from victoria_demand.core import training
from victoria_demand.core.cleaning import clean_year
from victoria_demand.core.forecaster import DemandForecaster
from victoria_demand.core.model_format import read_pipeline, write_pipeline
from victoria_demand.core.training import (
    calibration_residuals,
    december_forecast,
    fit_december_model,
    model_inputs,
    score_december,
    seasonal_naive_forecast,
    split_december,
    year_design,
)


@pytest.fixture(scope="module")
def models(december_models):
    return december_models


def test_split_is_by_melbourne_month(raw_demand_frame):
    split = split_december(clean_year(raw_demand_frame, 2013, source="vic.csv"))
    # December starts at midnight in Melbourne: 13:00 UTC on 30 November (AEDT, +11)
    assert split.december["time_utc"].iloc[0] == pd.Timestamp("2013-11-30T13:00:00Z")
    assert split.train["time_utc"].iloc[-1] == pd.Timestamp("2013-11-30T12:30:00Z")
    assert len(split.december) == 31 * 48
    assert len(split.train) + len(split.december) == 17_520


def test_seasonal_naive_repeats_the_last_week():
    history = pd.DataFrame({"demand_mw": np.arange(1000, dtype=float)})
    forecast = seasonal_naive_forecast(history, 700)
    assert forecast[0] == 1000 - 336 and forecast[336] == forecast[0] and len(forecast) == 700


def test_december_demand_never_reaches_the_model(raw_demand_frame, models):
    clean = clean_year(raw_demand_frame, 2013, source="vic.csv")
    scrambled = clean.copy()
    in_december = scrambled["time_local"].dt.month == 12
    scrambled.loc[in_december, "demand_mw"] = 1.0
    refit = fit_december_model(scrambled)
    np.testing.assert_allclose(refit.forecast["forecast_mw"], models[2013].forecast["forecast_mw"])


def test_accuracy_goal(models):
    mapes = [model.errors.mape for model in models.values()]
    assert np.mean(mapes) <= 5.0, mapes
    for model in models.values():
        assert model.errors.rmse < model.seasonal_naive_errors.rmse
        assert model.train_rows > 16_000


def test_forecast_of_a_loaded_model_matches(raw_demand_frame, models, tmp_path):
    """The model as it is stored (its JSON document) and read back forecasts December as
    the fitted one did."""
    stored = tmp_path / "pipeline.json"
    write_pipeline(models[2014].pipeline, stored)
    loaded = DemandForecaster(read_pipeline(stored, "2014"), models[2014].forecaster.residuals)
    assert loaded.pipeline is not models[2014].pipeline
    clean = clean_year(raw_demand_frame, 2014, source="vic.csv")
    again = december_forecast(loaded, clean)
    pd.testing.assert_frame_equal(again, models[2014].forecast)


def test_december_sees_late_november(raw_demand_frame, models):
    """The first day of December is forecast from the temperatures before it, as a request
    with 48 hours of context gets it, not from December's rows alone."""
    clean = clean_year(raw_demand_frame, 2014, source="vic.csv")
    split = split_december(clean)
    pipeline = models[2014].pipeline
    alone = pipeline.predict(model_inputs(split.december))
    with_history = models[2014].forecast["forecast_mw"].to_numpy()
    assert np.abs(alone[:48] - with_history[:48]).max() > 10.0  # history matters on day one
    np.testing.assert_allclose(alone[96:], with_history[96:])  # and only for 48 hours


def test_48_hours_of_context_forecast_as_the_whole_year_does(raw_demand_frame, models):
    """The stored forecasts send only the history the features look back on; the whole
    year as context gives the same numbers."""
    clean = clean_year(raw_demand_frame, 2013, source="vic.csv")
    in_december = (clean["time_local"].dt.month == 12).to_numpy()
    whole_year = models[2013].forecaster.predict(model_inputs(clean).assign(context=~in_december))
    pd.testing.assert_frame_equal(
        whole_year, models[2013].forecast.drop(columns=["actual_mw", "suspect"]), rtol=1e-9
    )


def test_accuracy_goal_of_the_serving_issue(models):
    assert np.mean([model.errors.mape for model in models.values()]) <= 4.4


def test_bands_and_peak(models):
    for year, model in models.items():
        forecast = model.forecast
        assert (forecast["p10_mw"] < forecast["forecast_mw"]).all()
        assert (forecast["forecast_mw"] < forecast["p90_mw"]).all()
        assert 70.0 <= model.band.coverage <= 90.0, year
        assert model.peak.poe50_mw < model.peak.poe10_mw
        # within a few hundred MW of the point forecast's peak: days, not blown-up fits
        assert abs(model.peak.poe50_mw - model.peak.point_mw) < 600, year


def test_calibration_is_out_of_sample(raw_demand_frame):
    """A calibration month's residuals never come from a model that saw that month."""
    clean = clean_year(raw_demand_frame, 2013, source="vic.csv")
    residuals = calibration_residuals(year_design(clean))
    scrambled = clean.copy()
    november = scrambled["time_local"].dt.month == 11
    scrambled.loc[november, "demand_mw"] += 1000.0
    shifted = calibration_residuals(year_design(scrambled))
    in_november = residuals["month"] == 11
    # November's demand moved by 1000 MW: its residuals move by exactly that, so the model
    # scoring November did not learn from it; earlier months' residuals do not move at all
    np.testing.assert_allclose(
        shifted.loc[in_november, "residual"], residuals.loc[in_november, "residual"] + 1000.0
    )
    np.testing.assert_allclose(
        shifted.loc[~in_november, "residual"], residuals.loc[~in_november, "residual"]
    )


def _blas_threads() -> set[int]:
    return {pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"}


def test_the_regressions_run_on_one_blas_thread(raw_demand_frame, monkeypatch):
    """Two BLAS threads made the calibration's small systems slower, not faster."""
    threads = []

    def recorded(design):
        threads.append(_blas_threads())
        return calibration_residuals(design)

    monkeypatch.setattr(training, "calibration_residuals", recorded)
    before = _blas_threads()
    fit_december_model(clean_year(raw_demand_frame, 2013, source="vic.csv"))

    assert threads == [{1}]
    assert _blas_threads() == before  # the process's own setting, once the fit is done


def test_a_december_is_scored_whole_or_not_at_all(raw_demand_frame, models):
    clean = clean_year(raw_demand_frame, 2013, source="vic.csv")
    fitted = models[2013]
    with pytest.raises(ValueError, match="720 of its 1488 half-hours"):
        score_december(fitted.forecaster, {False: np.zeros((1, 48))}, clean.iloc[: -16 * 48])
