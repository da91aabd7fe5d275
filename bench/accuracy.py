"""December accuracy per year: our model, the seasonal-naive baseline and a gradient-boosting
reference, on the same split (fit January-November, score December, Melbourne time).

    .venv/bin/python bench/accuracy.py [path/to/vic_electricity.csv]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingRegressor

from victoria_demand.core.cleaning import clean_year
from victoria_demand.core.metrics import ForecastErrors, forecast_errors
from victoria_demand.core.raw import read_raw_demand
from victoria_demand.core.training import (
    TARGET,
    fit_december_model,
    seasonal_naive_forecast,
    split_december,
)
from victoria_demand.core.years import source_years
from victoria_demand.settings import PROJECT_ROOT

DEFAULT_CSV = PROJECT_ROOT.parent / "shared" / "data" / "vic_electricity.csv"


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


def main() -> None:
    csv = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CSV
    raw = read_raw_demand(csv)
    rows = []
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
    ours = means.loc["linear regression (ours)", "mape"]
    print(f"\ngoal: mean MAPE <= 5.0 % -> {ours:.2f} % ({'met' if ours <= 5.0 else 'NOT met'})")
    sys.exit(0 if np.isfinite(ours) and ours <= 5.0 else 1)


if __name__ == "__main__":
    main()
