"""One Melbourne calendar year of the half-hourly series, complete and in order."""

from __future__ import annotations

import pandas as pd

from victoria_demand.core.calendar import melbourne_calendar
from victoria_demand.core.errors import DemandDataError

HALF_HOUR = pd.Timedelta(minutes=30)
CLEAN_COLUMNS = (
    "time_utc",
    "demand_mw",
    "temperature_c",
    "holiday",
    "time_local",
    "year",
    "month",
    "day",
    "day_of_week",
    "half_hour",
)


def expected_half_hours(year: int) -> int:
    """Half-hours in a Melbourne calendar year: 17,520, or 17,568 in a leap year.

    DST moves wall clocks, not the count: the hour lost in October is the hour won back in
    April of the same calendar year.
    """
    start = pd.Timestamp(year=year, month=1, day=1, tz="Australia/Melbourne")
    end = pd.Timestamp(year=year + 1, month=1, day=1, tz="Australia/Melbourne")
    return int((end - start) / HALF_HOUR)


def clean_year(raw: pd.DataFrame, year: int, *, source: str) -> pd.DataFrame:
    """The rows of Melbourne calendar year ``year``, every half-hour present exactly once.

    ``raw`` is the output of :func:`victoria_demand.core.raw.parse_raw_demand`, in file
    order; its index is the data row number (0-based), which errors turn into file lines.
    Duplicate instants and gaps are errors: no repair is guessed for a demand series.
    """
    calendar = melbourne_calendar(raw["time_utc"])
    in_year = calendar["year"].to_numpy() == year
    if not in_year.any():
        raise DemandDataError(source, f"no rows fall in the Melbourne year {year}", column="Time")
    rows = raw.loc[in_year].join(calendar.loc[in_year])
    rows = rows.sort_values("time_utc", kind="stable")

    duplicated = rows["time_utc"].duplicated(keep="first")
    if duplicated.any():
        row = int(rows.index[duplicated.to_numpy()][0])
        instant = rows.loc[row, "time_utc"]
        raise DemandDataError(
            source,
            f"duplicate instant {instant.isoformat()} ({_local(instant)}) appears again",
            column="Time",
            line=row + 2,
        )

    start = pd.Timestamp(year=year, month=1, day=1, tz="Australia/Melbourne").tz_convert("UTC")
    end = pd.Timestamp(year=year + 1, month=1, day=1, tz="Australia/Melbourne").tz_convert("UTC")
    expected = pd.date_range(start, end, freq=HALF_HOUR, inclusive="left", unit="ns")
    missing = expected.difference(pd.DatetimeIndex(rows["time_utc"]))
    if len(missing):
        first = missing[0]
        resumes = rows.index[(rows["time_utc"] > first).to_numpy()]
        line = int(resumes[0]) + 2 if len(resumes) else None
        raise DemandDataError(
            source,
            f"{len(missing)} half-hour(s) of {year} missing, the first at "
            f"{first.isoformat()} ({_local(first)})"
            + (f"; the series resumes at line {line}" if line else ", up to the end of the year"),
            column="Time",
            line=line,
        )
    return rows.loc[:, list(CLEAN_COLUMNS)].reset_index(drop=True)


def _local(instant: pd.Timestamp) -> str:
    return instant.tz_convert("Australia/Melbourne").strftime("%Y-%m-%d %H:%M %Z")
