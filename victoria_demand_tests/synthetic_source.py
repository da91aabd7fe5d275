"""Longer sources made from the real data, for tests and bench/scale.py.

Each Melbourne day of a target year takes the values of a day of the real series (2012-2014)
with the same weekday, at most three days from the same calendar date, slot by slot in
wall-clock time; the series stays regular in UTC. The written CSV has no ``Holiday`` (nor
``Date``) column, as AEMO's files: the product derives the flags from the holidays library.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from victoria_demand.core.calendar import MELBOURNE
from victoria_demand.core.raw import read_raw_demand
from victoria_demand.core.years import month_start

REAL_YEARS = (2012, 2013, 2014)


def _by_day_and_slot(raw: pd.DataFrame) -> pd.DataFrame:
    local = raw["time_utc"].dt.tz_convert(MELBOURNE)
    frame = pd.DataFrame(
        {
            "day": local.dt.tz_localize(None).dt.normalize(),
            "slot": local.dt.hour * 2 + local.dt.minute // 30,
            "demand": raw["demand_mw"].to_numpy(),
            "temperature": raw["temperature_c"].to_numpy(),
        }
    )
    # a repeated DST slot keeps its first value; a missing one takes the slot before it
    table = frame.groupby(["day", "slot"]).first().unstack("slot")
    return table.ffill(axis=1).bfill(axis=1)


def synthetic_source(
    real_csv: Path, first_year: int, last_year: int, through_month: int = 12
) -> pd.DataFrame:
    """Time (UTC, ``Z``), Demand and Temperature from 1 January ``first_year`` to the end of
    ``through_month`` of ``last_year``."""
    table = _by_day_and_slot(read_raw_demand(real_csv))
    instants = pd.date_range(
        month_start(first_year, 1),
        month_start(last_year, through_month + 1),
        freq="30min",
        inclusive="left",
    )
    local = instants.tz_convert(MELBOURNE)
    days = local.tz_localize(None).normalize()
    slots = np.asarray(local.hour * 2 + local.minute // 30)
    unique_days = days.unique()
    source_year = np.asarray(REAL_YEARS)[(unique_days.year - first_year) % len(REAL_YEARS)]
    same_date = pd.to_datetime(
        {"year": source_year, "month": unique_days.month, "day": np.minimum(unique_days.day, 28)}
    ) + pd.to_timedelta(np.where(unique_days.day > 28, unique_days.day - 28, 0), unit="D")
    weekday_shift = (unique_days.dayofweek - same_date.dt.dayofweek + 3) % 7 - 3
    source_day = same_date + pd.to_timedelta(weekday_shift, unit="D")
    first_real, last_real = table.index.min(), table.index.max()
    source_day = source_day.where(source_day >= first_real, source_day + pd.Timedelta(days=7))
    source_day = source_day.where(source_day <= last_real, source_day - pd.Timedelta(days=7))
    day_map = pd.Series(source_day.to_numpy(), index=unique_days)
    rows = table.index.get_indexer(day_map.loc[days].to_numpy())
    return pd.DataFrame(
        {
            "Time": instants.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Demand": table["demand"].to_numpy()[rows, slots].round(3),
            "Temperature": table["temperature"].to_numpy()[rows, slots],
        }
    )


def extended_source(real_csv: Path, last_year: int, through_month: int = 12) -> pd.DataFrame:
    """The real series as it is (2012-2014), then synthetic years through ``through_month``
    of ``last_year``; only Time, Demand and Temperature, as AEMO's files."""
    real = pd.read_csv(real_csv, dtype=str)[["Time", "Demand", "Temperature"]]
    if last_year <= REAL_YEARS[-1]:
        return real
    later = synthetic_source(real_csv, REAL_YEARS[-1] + 1, last_year, through_month)
    return pd.concat([real, later.astype(str)], ignore_index=True)


def write_synthetic_source(
    real_csv: Path, target: Path, first_year: int, last_year: int, through_month: int = 12
) -> Path:
    synthetic_source(real_csv, first_year, last_year, through_month).to_csv(target, index=False)
    return target
