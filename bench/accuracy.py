"""December accuracy per year: our model, the seasonal-naive baseline and a gradient-boosting
reference, on the same split (fit January-November, score December, Melbourne time); and
the 80% bands: ours (split conformal, see core/intervals.py) beside a naive band (the
seasonal-naive forecast with the 10% and 90% quantiles of its own November errors).

    .venv/bin/python bench/accuracy.py [path/to/vic_electricity.csv]

Without a path, the data set is found as the tests find it (victoria_demand_tests/data_set.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingRegressor

from victoria_demand.core.cleaning import clean_year
from victoria_demand.core.metrics import ForecastErrors, band_errors, forecast_errors
from victoria_demand.core.raw import read_raw_demand
from victoria_demand.core.training import (
    TARGET,
    fit_december_model,
    seasonal_naive_forecast,
    split_december,
)
from victoria_demand.core.years import source_years
from victoria_demand_tests.data_set import find_original_csv


def raw_calendar_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """What a tree model gets: raw calendar fields and temperature, no engineered features."""
    return pd.DataFrame(
        {
            "half_hour": frame["half_hour"],
            "day_of_week": frame["day_of_week"],
            "holiday": frame["holiday"].astype(int),
            "temperature_c": frame["temperature_c"],
        }
    )


def gradient_boosting_errors(clean: pd.DataFrame) -> ForecastErrors:
    split = split_december(clean)
    model = HistGradientBoostingRegressor(random_state=0, max_iter=500, learning_rate=0.05)
    model.fit(raw_calendar_columns(split.train), split.train[TARGET])
    forecast = model.predict(raw_calendar_columns(split.december))
    return forecast_errors(split.december[TARGET], forecast)


def naive_band(clean: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """P10, P50, P90 of the seasonal-naive forecast of December; its band comes from its own
    errors on November, forecast the same way from the last week of October."""
    split = split_december(clean)
    month = split.train["time_local"].dt.month
    november = split.train.loc[month == 11]
    before_november = split.train.loc[month < 11]
    november_errors = november[TARGET].to_numpy() - seasonal_naive_forecast(
        before_november, len(november)
    )
    low, high = np.quantile(november_errors, [0.1, 0.9])
    p50 = seasonal_naive_forecast(split.train, len(split.december))
    return p50 + low, p50, p50 + high


def main() -> None:
    csv = Path(sys.argv[1]) if len(sys.argv) > 1 else find_original_csv()
    raw = read_raw_demand(csv)
    rows, bands = [], []
    for year in source_years(raw["time_utc"]).december_years:
        clean = clean_year(raw, year, source=str(csv))
        model = fit_december_model(clean)
        split = split_december(clean)
        naive = forecast_errors(
            split.december[TARGET], seasonal_naive_forecast(split.train, len(split.december))
        )
        for name, errors in (
            ("linear regression (ours)", model.errors),
            ("seasonal naive", naive),
            ("gradient boosting (raw columns)", gradient_boosting_errors(clean)),
        ):
            rows.append({"year": year, "model": name, **errors.as_dict()})
        actual = split.december[TARGET].to_numpy()
        forecast = model.forecast
        for name, band in (
            ("ours", band_errors(actual, *forecast[["p10_mw", "forecast_mw", "p90_mw"]].T.values)),
            ("naive", band_errors(actual, *naive_band(clean))),
        ):
            bands.append({"year": year, "band": name, **band.as_dict()})
        print(
            f"{year}: peak forecast {model.peak.point_mw:.0f} MW, 50% POE "
            f"{model.peak.poe50_mw:.0f} MW, 10% POE {model.peak.poe10_mw:.0f} MW; "
            f"actual {model.actual_peak_mw:.0f} MW",
            flush=True,
        )
    table = pd.DataFrame(rows)
    print(f"December accuracy, fit on January-November of the same year ({csv.name})\n")
    print(
        table.to_string(
            index=False,
            formatters={c: "{:.1f}".format for c in ("rmse", "mae")} | {"mape": "{:.2f}".format},
        )
    )
    print("\nmean over the years:")
    means = table.groupby("model", sort=False)[["rmse", "mae", "mape"]].mean()
    print(means.to_string(float_format=lambda v: f"{v:.2f}"))
    band_table = pd.DataFrame(bands)
    print("\n80% bands (coverage %, mean width MW, pinball loss MW over P10/P50/P90):\n")
    print(band_table.to_string(index=False, float_format=lambda v: f"{v:.1f}"))
    ours = means.loc["linear regression (ours)", "mape"]
    coverage = band_table.loc[band_table["band"] == "ours", "coverage"]
    calibrated = bool(coverage.between(70.0, 90.0).all())
    print(f"\ngoal: mean MAPE <= 4.4 % -> {ours:.2f} % ({'met' if ours <= 4.4 else 'NOT met'})")
    print(f"goal: coverage of each December 70-90 % -> {'met' if calibrated else 'NOT met'}")
    sys.exit(0 if np.isfinite(ours) and ours <= 4.4 and calibrated else 1)


if __name__ == "__main__":
    main()
