"""The December model: fit on January-November, score on December, Melbourne time."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.linear_model import LinearRegression
from sklearn.pipeline import Pipeline

from victoria_demand.core.calendar import MELBOURNE
from victoria_demand.core.features import (
    FEATURE_SET,
    MODEL_INPUTS,
    Daylight,
    DemandRegressors,
    FeatureSet,
    MelbourneCalendarFeatures,
    TemperatureHistory,
)
from victoria_demand.core.metrics import ForecastErrors, forecast_errors

TARGET = "demand_mw"
DECEMBER = 12
SEASONAL_NAIVE_PERIOD = 7 * 48  # one week of half-hours


@dataclass(frozen=True)
class DecemberSplit:
    train: pd.DataFrame  # January-November
    december: pd.DataFrame


@dataclass(frozen=True)
class DecemberModel:
    pipeline: Pipeline
    errors: ForecastErrors
    seasonal_naive_errors: ForecastErrors
    forecast: pd.DataFrame  # time_utc, forecast_mw, actual_mw for December
    train_rows: int


def split_december(clean: pd.DataFrame) -> DecemberSplit:
    """January-November vs December of one year, by the Melbourne calendar month."""
    month = clean["time_utc"].dt.tz_convert(MELBOURNE).dt.month
    is_december = (month == DECEMBER).to_numpy()
    if not is_december.any() or is_december.all():
        raise ValueError("a year needs both January-November and December rows to be split")
    return DecemberSplit(
        train=clean.loc[~is_december].reset_index(drop=True),
        december=clean.loc[is_december].reset_index(drop=True),
    )


def build_pipeline(feature_set: FeatureSet = FEATURE_SET) -> Pipeline:
    """The one model shape: raw inputs -> declared features -> linear regression."""
    return Pipeline(
        [
            ("calendar", MelbourneCalendarFeatures(summer_break=feature_set.summer_break)),
            ("temperature_history", TemperatureHistory(windows=feature_set.temperature_windows)),
            ("daylight", Daylight(twilight_depth_degrees=feature_set.twilight_depth_degrees)),
            ("regressors", DemandRegressors(feature_set=feature_set)),
            ("regression", LinearRegression()),
        ]
    )


def model_inputs(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.loc[:, list(MODEL_INPUTS)]


def seasonal_naive_forecast(history: pd.DataFrame, horizon: int) -> np.ndarray:
    """Repeat the last week of ``history`` over the next ``horizon`` half-hours.

    Late November and December keep one UTC offset, so a week of UTC steps is a week of
    Melbourne wall-clock slots here.
    """
    last_week = history[TARGET].to_numpy()[-SEASONAL_NAIVE_PERIOD:]
    if len(last_week) < SEASONAL_NAIVE_PERIOD:
        raise ValueError("the seasonal-naive forecast needs a full week of history")
    return np.resize(last_week, horizon)


def fit_december_model(clean: pd.DataFrame, feature_set: FeatureSet = FEATURE_SET) -> DecemberModel:
    split = split_december(clean)
    pipeline = build_pipeline(feature_set)
    pipeline.fit(model_inputs(split.train), split.train[TARGET])
    forecast = december_forecast(pipeline, clean)
    naive = seasonal_naive_forecast(split.train, len(forecast))
    return DecemberModel(
        pipeline=pipeline,
        errors=forecast_errors(forecast["actual_mw"], forecast["forecast_mw"]),
        seasonal_naive_errors=forecast_errors(forecast["actual_mw"], naive),
        forecast=forecast,
        train_rows=len(split.train),
    )


def december_forecast(pipeline: Pipeline, clean: pd.DataFrame) -> pd.DataFrame:
    """Any fitted model's half-hourly forecast of one year's December, beside the actuals."""
    december = split_december(clean).december
    return pd.DataFrame(
        {
            "time_utc": december["time_utc"],
            "forecast_mw": pipeline.predict(model_inputs(december)),
            "actual_mw": december[TARGET].to_numpy(),
        }
    )
