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
    """Elevation of the sun's centre above the horizon, in degrees.

    The low-precision almanac formulas (accurate to about 0.1 degree for 1950-2050): plenty
    for telling daylight from twilight and darkness, with no ephemeris package needed.
    """
    seconds = time_utc.astype("int64").to_numpy() / 1e9
    days_since_j2000 = seconds / 86_400.0 - 10_957.5
    mean_longitude = np.radians((280.460 + 0.9856474 * days_since_j2000) % 360.0)
    mean_anomaly = np.radians((357.528 + 0.9856003 * days_since_j2000) % 360.0)
    ecliptic_longitude = (
        mean_longitude
        + np.radians(1.915) * np.sin(mean_anomaly)
        + np.radians(0.020) * np.sin(2.0 * mean_anomaly)
    )
    obliquity = np.radians(23.439 - 0.0000004 * days_since_j2000)
    declination = np.arcsin(np.sin(obliquity) * np.sin(ecliptic_longitude))
    right_ascension = np.arctan2(
        np.cos(obliquity) * np.sin(ecliptic_longitude), np.cos(ecliptic_longitude)
    )
    sidereal_hours = (18.697374558 + 24.06570982441908 * days_since_j2000) % 24.0
    local_sidereal = np.radians((sidereal_hours * 15.0 + longitude) % 360.0)
    hour_angle = local_sidereal - right_ascension
    lat = np.radians(latitude)
    elevation = np.arcsin(
        np.sin(lat) * np.sin(declination) + np.cos(lat) * np.cos(declination) * np.cos(hour_angle)
    )
    return np.degrees(elevation)
