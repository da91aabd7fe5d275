"""Which Melbourne calendar years a series covers: whole years, and at most one trailing
partial year that ends at the end of a Melbourne day (a source updated daily or monthly).

The years come from the data, never from code: the partitions of the pipeline are built
from a :class:`SourceYears` recorded when the source is ingested.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from victoria_demand.core.calendar import DECEMBER, HALF_HOUR, MELBOURNE


@dataclass(frozen=True)
class SourceYears:
    """The Melbourne years of a validated series.

    ``complete`` years hold every half-hour of January-December; ``partial`` is the trailing
    year whose data stops at the end of the day ``partial_through`` (before 31 December),
    or ``None``.
    """

    complete: tuple[int, ...]
    partial: int | None = None
    partial_through: dt.date | None = None

    @property
    def years(self) -> tuple[int, ...]:
        """Every year present, partial included."""
        return (*self.complete, self.partial) if self.partial else self.complete

    @property
    def december_years(self) -> tuple[int, ...]:
        """The years a December model can be fit and scored for."""
        return self.complete

    @property
    def outlook_years(self) -> tuple[int, ...]:
        """The years whose January-November is complete: what a December outlook is issued
        from, including a trailing year that ends on 30 November or during December."""
        through_november = (
            self.partial is not None
            and self.partial_through is not None
            and self.partial_through >= dt.date(self.partial, 11, 30)
        )
        return (*self.complete, self.partial) if through_november else self.complete

    def partial_note(self) -> str | None:
        """What a person is told about the trailing year, e.g. "2015: data ends 2015-07-31;
        no December yet"."""
        if self.partial is None or self.partial_through is None:
            return None
        december = (
            "December incomplete" if self.partial_through.month == DECEMBER else "no December yet"
        )
        return f"{self.partial}: data ends {self.partial_through:%Y-%m-%d}; {december}"

    def as_dict(self) -> dict:
        return {
            "complete": list(self.complete),
            "partial": self.partial,
            "partial_through": self.partial_through.isoformat() if self.partial_through else None,
        }

    @classmethod
    def from_dict(cls, data: dict) -> SourceYears:
        """Read back ``as_dict``, or the record of an earlier release, which named the
        partial year's last month (``partial_through_month``)."""
        partial = data.get("partial")
        through = data.get("partial_through")
        if through:
            through = dt.date.fromisoformat(through)
        elif partial and data.get("partial_through_month"):
            through = last_day_of_month(partial, int(data["partial_through_month"]))
        return cls(
            complete=tuple(int(year) for year in data["complete"]),
            partial=partial,
            partial_through=through,
        )


def last_day_of_month(year: int, month: int) -> dt.date:
    return (pd.Timestamp(year=year, month=month, day=1) + pd.offsets.MonthEnd(0)).date()


NO_YEARS = SourceYears(complete=())


def month_start(year: int, month: int) -> pd.Timestamp:
    """Midnight on the first of ``month`` (13 is next January), Melbourne time, as UTC."""
    year, month = (year + 1, 1) if month == 13 else (year, month)
    return pd.Timestamp(year=year, month=month, day=1, tz=MELBOURNE).tz_convert("UTC")


def day_end(day: dt.date) -> pd.Timestamp:
    """Midnight at the end of ``day``, Melbourne time, as UTC."""
    following = day + dt.timedelta(days=1)
    return pd.Timestamp(following, tz=MELBOURNE).tz_convert("UTC")


def expected_half_hours(year: int, through: dt.date | None = None) -> int:
    """Half-hours from 1 January of a Melbourne year to the end of the day ``through``
    (default 31 December): 17,520 for a whole year, or 17,568 in a leap year.

    DST moves wall clocks, not the count: the hour lost in October is the hour won back in
    April of the same calendar year.
    """
    end = day_end(through or dt.date(year, DECEMBER, 31))
    return int((end - month_start(year, 1)) / HALF_HOUR)


def covered_through(first: pd.Timestamp, end: pd.Timestamp) -> tuple[int, dt.date | None]:
    """The first year, and the last whole day if ``end`` is a Melbourne midnight (None if
    the series stops mid-day).

    ``first`` is the first instant of the series, ``end`` the instant after its last.
    """
    first_year = first.tz_convert(MELBOURNE).year
    local_end = end.tz_convert(MELBOURNE)
    if local_end != local_end.normalize():
        return first_year, None
    return first_year, (local_end - pd.Timedelta(days=1)).date()


def years_between(first_year: int, last_day: dt.date) -> SourceYears:
    """The years of a gap-free series from 1 January ``first_year`` to the end of
    ``last_day``."""
    if (last_day.month, last_day.day) == (DECEMBER, 31):
        return SourceYears(complete=tuple(range(first_year, last_day.year + 1)))
    return SourceYears(
        complete=tuple(range(first_year, last_day.year)),
        partial=last_day.year,
        partial_through=last_day,
    )


def source_years(time_utc: pd.Series) -> SourceYears:
    """The years of a series already validated by ``cleaning.check_series`` (no gaps)."""
    first_year, last_day = covered_through(time_utc.min(), time_utc.max() + HALF_HOUR)
    if last_day is None:
        raise ValueError("a validated series ends at the end of a Melbourne day")
    return years_between(first_year, last_day)
