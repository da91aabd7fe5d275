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


@dataclass(frozen=True)
class BandErrors:
    """How an 80% band (P10-P90) around a forecast did."""

    coverage: float  # share of actuals inside the band, percent
    mean_width_mw: float
    pinball_mw: float  # mean pinball loss over P10, P50 and P90

    def as_dict(self, prefix: str = "") -> dict[str, float]:
        return {f"{prefix}{name}": value for name, value in asdict(self).items()}


def pinball_loss(actual, forecast, quantile: float) -> float:
    error = np.asarray(actual, dtype=float) - np.asarray(forecast, dtype=float)
    return float(np.mean(np.maximum(quantile * error, (quantile - 1.0) * error)))


def band_errors(actual, p10, p50, p90) -> BandErrors:
    actual = np.asarray(actual, dtype=float)
    p10, p90 = np.asarray(p10, dtype=float), np.asarray(p90, dtype=float)
    inside = (actual >= p10) & (actual <= p90)
    pinball = np.mean(
        [pinball_loss(actual, level, q) for level, q in ((p10, 0.1), (p50, 0.5), (p90, 0.9))]
    )
    return BandErrors(
        coverage=float(inside.mean() * 100.0),
        mean_width_mw=float(np.mean(p90 - p10)),
        pinball_mw=float(pinball),
    )
