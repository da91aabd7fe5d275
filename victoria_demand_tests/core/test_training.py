import numpy as np
import pandas as pd
import pytest

from victoria_demand.core.cleaning import clean_year
from victoria_demand.core.training import (
    december_forecast,
    fit_december_model,
    seasonal_naive_forecast,
    split_december,
)


@pytest.fixture(scope="module")
def models(raw_demand_frame):
    return {
        year: fit_december_model(clean_year(raw_demand_frame, year, source="vic.csv"))
        for year in (2012, 2013, 2014)
    }


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


def test_forecast_of_a_loaded_model_matches(raw_demand_frame, models):
    clean = clean_year(raw_demand_frame, 2014, source="vic.csv")
    again = december_forecast(models[2014].pipeline, clean)
    pd.testing.assert_frame_equal(again, models[2014].forecast)
