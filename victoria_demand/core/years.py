"""Which Melbourne calendar years a series covers: whole years, and at most one trailing
partial year that ends at the end of a Melbourne month (a source updated monthly).

The years come from the data, never from code: the partitions of the pipeline are built
from a :class:`SourceYears` recorded when the source is ingested.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

from victoria_demand.core.calendar import DECEMBER, HALF_HOUR, MELBOURNE


@dataclass(frozen=True)
class SourceYears:
    """The Melbourne years of a validated series.

    ``complete`` years hold every half-hour of January-December; ``partial`` is the trailing
    year whose data stops at the end of ``partial_through_month`` (1-11), or ``None``.
    """

    complete: tuple[int, ...]
    partial: int | None = None
    partial_through_month: int | None = None

    @property
    def years(self) -> tuple[int, ...]:
        """Every year present, partial included."""
        return (*self.complete, self.partial) if self.partial else self.complete

    @property
    def december_years(self) -> tuple[int, ...]:
        """The years a December model can be fit and scored for."""
        return self.complete

    def partial_note(self) -> str | None:
        """What a person is told about the trailing year, e.g. "2015: data ends 2015-07-31;
        no December yet"."""
        if self.partial is None or self.partial_through_month is None:
            return None
        end = month_start(self.partial, self.partial_through_month + 1).tz_convert(MELBOURNE)
        last_day = end - pd.Timedelta(days=1)
        return f"{self.partial}: data ends {last_day:%Y-%m-%d}; no December yet"

    def as_dict(self) -> dict:
        return {**asdict(self), "complete": list(self.complete)}

    @classmethod
    def from_dict(cls, data: dict) -> SourceYears:
        return cls(
            complete=tuple(int(year) for year in data["complete"]),
            partial=data.get("partial"),
            partial_through_month=data.get("partial_through_month"),
        )


NO_YEARS = SourceYears(complete=())


def month_start(year: int, month: int) -> pd.Timestamp:
    """Midnight on the first of ``month`` (13 is next January), Melbourne time, as UTC."""
    year, month = (year + 1, 1) if month == 13 else (year, month)
    return pd.Timestamp(year=year, month=month, day=1, tz=MELBOURNE).tz_convert("UTC")


def expected_half_hours(year: int, through_month: int = DECEMBER) -> int:
    """Half-hours from 1 January to the end of ``through_month`` of a Melbourne year:
    17,520 for a whole year, or 17,568 in a leap year.

    DST moves wall clocks, not the count: the hour lost in October is the hour won back in
    April of the same calendar year.
    """
    return int((month_start(year, through_month + 1) - month_start(year, 1)) / HALF_HOUR)


def covered_through(first: pd.Timestamp, end: pd.Timestamp) -> tuple[int, int, int]:
    """The first year, and the (year, month) whose end ``end`` falls on, if it is the
    start of a Melbourne month; for another ``end`` the month is 0 (no month ends there).

    ``first`` is the first instant of the series, ``end`` the instant after its last.
    """
    first_year = first.tz_convert(MELBOURNE).year
    local_end = end.tz_convert(MELBOURNE)
    at_month_start = local_end == month_start(local_end.year, local_end.month)
    if not at_month_start:
        return first_year, local_end.year, 0
    if local_end.month == 1:
        return first_year, local_end.year - 1, DECEMBER
    return first_year, local_end.year, local_end.month - 1


def years_between(first_year: int, last_year: int, last_month: int) -> SourceYears:
    """The years of a gap-free series from 1 January ``first_year`` to the end of
    ``last_month`` of ``last_year``."""
    if last_month == DECEMBER:
        return SourceYears(complete=tuple(range(first_year, last_year + 1)))
    return SourceYears(
        complete=tuple(range(first_year, last_year)),
        partial=last_year,
        partial_through_month=last_month,
    )


def source_years(time_utc: pd.Series) -> SourceYears:
    """The years of a series already validated by ``cleaning.check_series`` (no gaps)."""
    return years_between(*covered_through(time_utc.min(), time_utc.max() + HALF_HOUR))
