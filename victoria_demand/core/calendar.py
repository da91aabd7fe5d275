"""Melbourne time: calendar fields and the sun's position.

The series is regular in UTC. Everything people and the grid care about (the working day,
the evening peak, daylight) follows Melbourne wall-clock time and the sun, so both are
derived here from the UTC instant, in one place, for cleaning and for the model alike.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

MELBOURNE = "Australia/Melbourne"
MELBOURNE_LATITUDE = -37.8136
MELBOURNE_LONGITUDE = 144.9631
HALF_HOURS_PER_DAY = 48
HALF_HOUR = pd.Timedelta(minutes=30)
DECEMBER = 12
DECEMBER_DAYS = 31
# Melbourne keeps one UTC offset all December: its days are all 48 half-hours long
DECEMBER_HALF_HOURS = DECEMBER_DAYS * HALF_HOURS_PER_DAY


def december_instants(year: int) -> pd.Series:
    """Every half-hour of December ``year`` in Melbourne, as UTC."""
    start = pd.Timestamp(year=year, month=DECEMBER, day=1, tz=MELBOURNE)
    local = pd.date_range(start, periods=DECEMBER_HALF_HOURS, freq=HALF_HOUR)
    return pd.Series(local.tz_convert("UTC"), name="time_utc")


def as_utc(time: pd.Series) -> pd.Series:
    """Datetimes as UTC; naive ones are read as UTC (as MLflow's schema may hand them)."""
    return time.dt.tz_localize("UTC") if time.dt.tz is None else time.dt.tz_convert("UTC")


def to_melbourne(time_utc: pd.Series) -> pd.Series:
    return time_utc.dt.tz_convert(MELBOURNE)


def melbourne_calendar(time_utc: pd.Series) -> pd.DataFrame:
    """Wall-clock calendar fields of each instant, in Melbourne local time.

    ``half_hour`` is the wall-clock slot 0-47. On the day daylight saving ends, slots 4 and 5
    (02:00 and 02:30) occur twice; on the day it starts they do not occur at all.
    """
    local = to_melbourne(time_utc)
    return pd.DataFrame(
        {
            "time_local": local,
            "year": local.dt.year,
            "month": local.dt.month,
            "day": local.dt.day,
            "day_of_week": local.dt.dayofweek,
            "half_hour": local.dt.hour * 2 + local.dt.minute // 30,
        },
        index=time_utc.index,
    )


def solar_elevation_degrees(
    time_utc: pd.Series,
    latitude: float = MELBOURNE_LATITUDE,
    longitude: float = MELBOURNE_LONGITUDE,
) -> np.ndarray:
    """Apparent elevation of the sun's centre above the horizon (refraction included), in
    degrees: what decides whether people see daylight, from pvlib's solar position (NREL's
    SPA, the energy field's reference algorithm)."""
    # pvlib takes most of a second to import: only the steps that compute features pay it
    from pvlib.solarposition import get_solarposition

    position = get_solarposition(
        pd.DatetimeIndex(time_utc), latitude, longitude, method="nrel_numpy"
    )
    return position["apparent_elevation"].to_numpy()
