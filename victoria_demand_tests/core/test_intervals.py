import numpy as np
import pandas as pd
import pytest

from victoria_demand.core.intervals import (
    ResidualQuantiles,
    peak_forecast,
    residual_days,
    residual_quantiles,
)


def _residuals(days: int, scale: dict[bool, float]) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    rows = []
    for day in range(days):
        day_off = day % 7 >= 5
        for half_hour in range(48):
            rows.append(
                {
                    "date": pd.Timestamp("2013-09-01") + pd.Timedelta(days=day),
                    "half_hour": half_hour,
                    "block": half_hour // 8,
                    "day_off": day_off,
                    "residual": rng.normal(0.0, scale[day_off]),
                }
            )
    return pd.DataFrame(rows)


def test_quantiles_follow_each_group():
    quantiles = residual_quantiles(_residuals(140, {False: 100.0, True: 300.0}))
    workday_width = np.subtract(quantiles.p90[0], quantiles.p10[0])
    day_off_width = np.subtract(quantiles.p90[1], quantiles.p10[1])
    # a normal's 10-90% range is 2.563 standard deviations
    np.testing.assert_allclose(workday_width, 256.3, rtol=0.2)
    np.testing.assert_allclose(day_off_width, 768.9, rtol=0.25)
    low, high = quantiles.offsets(np.array([False, True]), np.array([0, 5]))
    assert low[0] == quantiles.p10[0][0] and high[1] == quantiles.p90[1][5]
    assert ResidualQuantiles.from_dict(quantiles.as_dict()) == quantiles


def test_peak_of_a_flat_forecast_with_known_days():
    days = {False: np.zeros((3, 48)), True: np.zeros((3, 48))}
    days[False][0, 10] = 500.0  # one workday in three carries a 500 MW spike
    forecast = np.full((31, 48), 1000.0)
    peak = peak_forecast(forecast, np.zeros(31, dtype=bool), days, simulations=500)
    # with 31 draws, a month without the spiky day has probability (2/3)^31: the peak is
    # 1500 MW at both levels
    assert peak.point_mw == 1000.0
    assert peak.poe50_mw == pytest.approx(1500.0) and peak.poe10_mw == pytest.approx(1500.0)


def test_days_of_a_clock_change_are_left_out():
    residuals = _residuals(7, {False: 1.0, True: 1.0})
    short_day = residuals["date"] == residuals["date"].iloc[0]
    days = residual_days(residuals.loc[~short_day | (residuals["half_hour"] < 46)])
    assert sum(len(pool) for pool in days.values()) == 6
