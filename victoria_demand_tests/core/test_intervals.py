import numpy as np
import pandas as pd
import pytest

from victoria_demand.core.intervals import (
    ResidualDays,
    ResidualQuantiles,
    peak_forecast,
    residual_days,
    residual_quantiles,
)
from victoria_demand.core.model_format import OutdatedModelError


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
                    "temperature_c": 15.0 + day + half_hour / 10,
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
    residuals = {False: np.zeros((3, 48)), True: np.zeros((3, 48))}
    residuals[False][0, 10] = 500.0  # one workday in three carries a 500 MW spike
    days = ResidualDays(residuals, {False: np.zeros(3), True: np.zeros(3)})
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
    assert sum(len(pool) for pool in days.residuals.values()) == 6


def test_each_residual_day_carries_its_highest_temperature_through_the_run():
    days = residual_days(_residuals(14, {False: 1.0, True: 1.0}))
    # day d's temperatures run from 15 + d to 15 + d + 4.7: days 5, 6, 12, 13 are days off
    assert days.max_temperature_c[True].tolist() == pytest.approx([24.7, 25.7, 31.7, 32.7])
    assert days.max_temperature_c[False][0] == pytest.approx(19.7)
    recorded = days.as_dict()
    again = ResidualDays.from_dict(recorded, "run x")
    for off in (False, True):
        np.testing.assert_array_equal(again.residuals[off], days.residuals[off])
        np.testing.assert_array_equal(again.max_temperature_c[off], days.max_temperature_c[off])
    # what an earlier release logged: residuals without temperatures
    earlier = {name: rows for name, rows in recorded.items() if "temperature" not in name}
    with pytest.raises(OutdatedModelError, match=r"run x: .*earlier release.*--force"):
        ResidualDays.from_dict(earlier, "run x")
