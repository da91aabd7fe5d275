"""One Melbourne calendar year of the half-hourly series, complete and in order."""

from __future__ import annotations

import hashlib

import pandas as pd

from victoria_demand.core.calendar import HALF_HOUR, MELBOURNE, melbourne_calendar
from victoria_demand.core.errors import DemandDataError
from victoria_demand.core.suspect_readings import SUSPECT_COLUMN, suspect_column
from victoria_demand.core.years import (
    SourceYears,
    covered_through,
    day_end,
    month_start,
    years_between,
)

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
    SUSPECT_COLUMN,
)


def check_series(rows: pd.DataFrame, *, source: str) -> SourceYears:
    """Every instant at most once, and every half-hour from 1 January of the first Melbourne
    year to the end of a Melbourne day: whole years, then at most one trailing partial year.

    ``rows`` carries ``time_utc``; its index is the data row number (0-based) in the source
    file, which errors turn into file lines. No repair is guessed for a demand series: a
    duplicate, a gap or a series that stops mid-day is an error.
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
    last = times.iloc[-1]
    first_year, last_day = covered_through(times.iloc[0], last + HALF_HOUR)
    # a series that stops mid-day is judged against its whole last day
    judged_through = last_day or last.tz_convert(MELBOURNE).date()
    expected = pd.date_range(
        month_start(first_year, 1),
        day_end(judged_through),
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
            + (
                f"; the series resumes at line {line}"
                if line
                else f"; {year} is incomplete: a series must end at the end of a Melbourne day"
            ),
            column="Time",
            line=line,
        )
    return years_between(first_year, judged_through)


def clean_year(raw: pd.DataFrame, year: int, *, source: str) -> pd.DataFrame:
    """The rows of Melbourne calendar year ``year``, every half-hour exactly once, in order
    (through the end of the data's last day, for a trailing partial year), with the
    column ``suspect`` saying which readings look stuck or spiked, and why
    (``suspect_readings.py``): they are kept as they are, and left out of every fit and score.

    ``raw`` is the output of :func:`victoria_demand.core.raw.parse_raw_demand` (index: the
    data row number in the source file).
    """
    rows = year_rows(raw, year)
    if rows.empty:
        raise DemandDataError(source, f"no rows fall in the Melbourne year {year}", column="Time")
    rows = rows.join(melbourne_calendar(rows["time_utc"]))
    check_series(rows, source=source)
    rows = rows.sort_values("time_utc", kind="stable").reset_index(drop=True)
    rows[SUSPECT_COLUMN] = suspect_column(rows)
    return rows.loc[:, list(CLEAN_COLUMNS)]


def year_rows(raw: pd.DataFrame, year: int) -> pd.DataFrame:
    """The rows of ``raw`` in Melbourne calendar year ``year``, in file order; found by the
    year's UTC bounds, so only the year's rows get a calendar."""
    time_utc = raw["time_utc"]
    in_year = (time_utc >= month_start(year, 1)) & (time_utc < month_start(year, 13))
    return raw.loc[in_year.to_numpy()]


def year_versions(raw: pd.DataFrame, years: tuple[int, ...]) -> dict[int, str]:
    """A version per year of a raw series: the hash of the year's rows in time order. A year
    whose rows did not change keeps its version when rows are appended or edited elsewhere,
    or the file is rewritten with other line endings or row order."""
    return {
        year: content_hash(year_rows(raw, year).sort_values("time_utc", kind="stable"))
        for year in years
    }


def _local(instant: pd.Timestamp) -> str:
    return instant.tz_convert(MELBOURNE).strftime("%Y-%m-%d %H:%M %Z")


def content_hash(frame: pd.DataFrame) -> str:
    """A digest of a frame's columns and values: equal rows give an equal hash, so an
    unchanged year keeps its data version when the source around it changes."""
    digest = hashlib.sha256(",".join(frame.columns).encode())
    digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()
