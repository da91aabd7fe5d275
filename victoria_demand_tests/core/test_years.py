import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from victoria_demand.core.cleaning import check_series, clean_year
from victoria_demand.core.errors import DemandDataError
from victoria_demand.core.raw import read_raw_demand
from victoria_demand.core.years import SourceYears, expected_half_hours, source_years
from victoria_demand_tests.synthetic_source import extended_source, synthetic_source


def _rows(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"time_utc": pd.to_datetime(frame["Time"], utc=True).dt.as_unit("ns")})


def test_the_original_file_holds_three_whole_years(raw_demand_frame):
    assert check_series(raw_demand_frame, source="vic.csv") == SourceYears((2012, 2013, 2014))
    assert source_years(raw_demand_frame["time_utc"]).partial_note() is None


def test_any_span_of_whole_years(original_csv: Path):
    thirty = _rows(synthetic_source(original_csv, 1995, 2024))
    years = check_series(thirty, source="thirty.csv")
    assert years.years == years.december_years == tuple(range(1995, 2025))
    assert source_years(thirty["time_utc"]) == years


@pytest.mark.parametrize(("month", "last_day"), [(1, "01-31"), (2, "02-28"), (7, "07-31")])
def test_a_trailing_partial_year_ends_at_a_month_end(original_csv: Path, month, last_day):
    rows = _rows(extended_source(original_csv, 2015, through_month=month))
    years = check_series(rows, source="ext.csv")
    through = dt.date.fromisoformat(f"2015-{last_day}")
    assert years == SourceYears((2012, 2013, 2014), partial=2015, partial_through=through)
    assert years.years == (2012, 2013, 2014, 2015)
    assert years.december_years == years.outlook_years == (2012, 2013, 2014)
    assert years.partial_note() == f"2015: data ends 2015-{last_day}; no December yet"
    assert SourceYears.from_dict(years.as_dict()) == years
    # as an earlier release recorded it
    recorded = {"complete": [2012, 2013, 2014], "partial": 2015, "partial_through_month": month}
    assert SourceYears.from_dict(recorded) == years


@pytest.mark.parametrize(
    ("days_of_december", "note"),
    [
        (0, "2014: data ends 2014-11-30; no December yet"),
        (15, "2014: data ends 2014-12-15; December incomplete"),
    ],
)
def test_a_source_may_end_at_the_end_of_any_day(raw_demand_frame, days_of_december, note):
    """On 30 November (when an outlook is issued) or during December, day by day."""
    end = pd.Timestamp("2014-12-01", tz="Australia/Melbourne") + pd.Timedelta(days=days_of_december)
    rows = raw_demand_frame.loc[raw_demand_frame["time_utc"] < end]
    years = check_series(rows, source="cut.csv")
    assert years.complete == years.december_years == (2012, 2013)
    assert years.partial == 2014 and years.outlook_years == (2012, 2013, 2014)
    assert years.partial_note() == note
    assert len(clean_year(rows, 2014, source="cut.csv")) == expected_half_hours(
        2014, years.partial_through
    )


def test_the_partial_year_is_cleaned_through_its_last_month(original_csv: Path, tmp_path):
    path = tmp_path / "ext.csv"
    extended_source(original_csv, 2015, through_month=7).to_csv(path, index=False)
    clean = clean_year(read_raw_demand(path), 2015, source="ext.csv")
    assert len(clean) == expected_half_hours(2015, dt.date(2015, 7, 31))
    assert clean["time_local"].iloc[-1] == pd.Timestamp(
        "2015-07-31 23:30", tz="Australia/Melbourne"
    )


def test_a_series_that_stops_mid_day_is_an_error(original_csv: Path):
    rows = _rows(extended_source(original_csv, 2015, through_month=7)).iloc[:-10]
    with pytest.raises(
        DemandDataError,
        match=r"10 half-hour.s. missing.*2015 is incomplete: a series must end at the end of a "
        r"Melbourne day",
    ):
        check_series(rows, source="ext.csv")


def test_a_gap_before_the_last_year_names_its_line(original_csv: Path):
    rows = _rows(extended_source(original_csv, 2015, through_month=7))
    gap = rows.drop(index=range(60_000, 60_048)).reset_index(drop=True)
    with pytest.raises(DemandDataError) as caught:
        check_series(gap, source="ext.csv")
    assert caught.value.line == 60_002 and caught.value.column == "Time"


def test_a_series_must_start_on_1_january(original_csv: Path):
    rows = _rows(extended_source(original_csv, 2014)).iloc[48:].reset_index(drop=True)
    with pytest.raises(
        DemandDataError, match=r"48 half-hour.s. missing, the first at 2011-12-31T13"
    ):
        check_series(rows, source="late.csv")
