"""One Melbourne calendar year of the half-hourly series, complete and in order."""

from __future__ import annotations

import pandas as pd

from victoria_demand.core.calendar import MELBOURNE, melbourne_calendar
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
    return int((_year_start_utc(year + 1) - _year_start_utc(year)) / HALF_HOUR)


def _year_start_utc(year: int) -> pd.Timestamp:
    return pd.Timestamp(year=year, month=1, day=1, tz=MELBOURNE).tz_convert("UTC")


def check_complete_years(rows: pd.DataFrame, *, source: str) -> None:
    """Every instant at most once, and every half-hour of each Melbourne year it touches.

    ``rows`` carries ``time_utc``; its index is the data row number (0-based) in the source
    file, which errors turn into file lines. No repair is guessed for a demand series: a
    duplicate or a gap is an error, and a file must hold whole years.
    """
    times = rows["time_utc"].sort_values(kind="stable")
    duplicated = times.duplicated(keep="first")
    if duplicated.any():
        row = int(times.index[duplicated.to_numpy()][0])
        instant = times.loc[row]
        raise DemandDataError(
            source,
            f"duplicate instant {instant.isoformat()} ({_local(instant)}) appears again",
            column="Time",
            line=row + 2,
        )
    local_years = times.iloc[[0, -1]].dt.tz_convert(MELBOURNE).dt.year
    expected = pd.date_range(
        _year_start_utc(int(local_years.iloc[0])),
        _year_start_utc(int(local_years.iloc[1]) + 1),
        freq=HALF_HOUR,
        inclusive="left",
        unit="ns",
    )
    missing = expected.difference(pd.DatetimeIndex(times))
    if len(missing):
        first = missing[0]
        resumes = times.index[(times > first).to_numpy()]
        line = int(resumes[0]) + 2 if len(resumes) else None
        year = first.tz_convert(MELBOURNE).year
        raise DemandDataError(
            source,
            f"{len(missing)} half-hour(s) missing, the first at {first.isoformat()} "
            f"({_local(first)})"
            + (f"; the series resumes at line {line}" if line else f"; {year} is incomplete"),
            column="Time",
            line=line,
        )


def clean_year(raw: pd.DataFrame, year: int, *, source: str) -> pd.DataFrame:
    """The rows of Melbourne calendar year ``year``, every half-hour exactly once, in order.

    ``raw`` is the output of :func:`victoria_demand.core.raw.parse_raw_demand` (index: the
    data row number in the source file).
    """
    calendar = melbourne_calendar(raw["time_utc"])
    in_year = calendar["year"].to_numpy() == year
    if not in_year.any():
        raise DemandDataError(source, f"no rows fall in the Melbourne year {year}", column="Time")
    rows = raw.loc[in_year].join(calendar.loc[in_year])
    check_complete_years(rows, source=source)
    rows = rows.sort_values("time_utc", kind="stable")
    return rows.loc[:, list(CLEAN_COLUMNS)].reset_index(drop=True)


def _local(instant: pd.Timestamp) -> str:
    return instant.tz_convert(MELBOURNE).strftime("%Y-%m-%d %H:%M %Z")
