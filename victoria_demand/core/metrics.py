"""Forecast error measures, in the units people quote them in."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np


@dataclass(frozen=True)
class ForecastErrors:
    rmse: float  # MW
    mae: float  # MW
    mape: float  # percent

    def as_dict(self, prefix: str = "") -> dict[str, float]:
        return {f"{prefix}{name}": value for name, value in asdict(self).items()}


def forecast_errors(actual, forecast) -> ForecastErrors:
    actual = np.asarray(actual, dtype=float)
    forecast = np.asarray(forecast, dtype=float)
    if actual.size == 0 or actual.shape != forecast.shape:
        raise ValueError(
            f"need matching, non-empty actual and forecast (got {actual.shape}, {forecast.shape})"
        )
    error = forecast - actual
    return ForecastErrors(
        rmse=float(np.sqrt(np.mean(error**2))),
        mae=float(np.mean(np.abs(error))),
        mape=float(np.mean(np.abs(error) / np.abs(actual)) * 100.0),
    )
