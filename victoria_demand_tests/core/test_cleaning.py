import pandas as pd
import pytest

from victoria_demand.core.cleaning import clean_year, year_rows, year_versions
from victoria_demand.core.errors import DemandDataError
from victoria_demand.core.years import expected_half_hours


@pytest.mark.parametrize(("year", "rows"), [(2012, 17_568), (2013, 17_520), (2014, 17_520)])
def test_each_year_is_complete(raw_demand_frame, year, rows):
    clean = clean_year(raw_demand_frame, year, source="vic.csv")
    assert len(clean) == rows == expected_half_hours(year)
    assert (clean["time_utc"].diff().dropna() == pd.Timedelta(minutes=30)).all()
    assert (clean["year"] == year).all()
    local = clean["time_local"]
    assert local.iloc[0] == pd.Timestamp(f"{year}-01-01 00:00", tz="Australia/Melbourne")
    assert local.iloc[-1] == pd.Timestamp(f"{year}-12-31 23:30", tz="Australia/Melbourne")


@pytest.mark.parametrize(
    ("day", "half_hours"),
    [
        ("2012-04-01", 50),
        ("2013-04-07", 50),
        ("2014-04-06", 50),
        ("2012-10-07", 46),
        ("2013-10-06", 46),
        ("2014-10-05", 46),
    ],
)
def test_daylight_saving_days(raw_demand_frame, day, half_hours):
    clean = clean_year(raw_demand_frame, int(day[:4]), source="vic.csv")
    on_day = clean[clean["time_local"].dt.strftime("%Y-%m-%d") == day]
    assert len(on_day) == half_hours
    slots = on_day["half_hour"].value_counts()
    if half_hours == 50:  # 02:00 and 02:30 happen twice
        assert slots[4] == slots[5] == 2
    else:  # 02:00 and 02:30 do not happen
        assert 4 not in slots and 5 not in slots


def test_duplicate_instant_names_its_line(raw_demand_frame):
    doubled = pd.concat(
        [raw_demand_frame.iloc[:100], raw_demand_frame.iloc[[50]], raw_demand_frame.iloc[100:]]
    )
    doubled = doubled.reset_index(drop=True)
    with pytest.raises(
        DemandDataError, match=r"vic.csv, column 'Time', line 102: duplicate instant"
    ):
        clean_year(doubled, 2012, source="vic.csv")


def test_gap_of_a_day_names_where_the_series_resumes(raw_demand_frame):
    gap = raw_demand_frame.drop(index=range(1000, 1048)).reset_index(drop=True)
    with pytest.raises(DemandDataError) as caught:
        clean_year(gap, 2012, source="vic.csv")
    assert caught.value.line == 1002
    assert "48 half-hour(s) missing, the first at 2012-01-21T09:00:00+00:00" in str(caught.value)


def test_partial_december_is_an_error(raw_demand_frame):
    cut = raw_demand_frame[raw_demand_frame["time_utc"] < pd.Timestamp("2012-12-15", tz="UTC")]
    with pytest.raises(DemandDataError, match="2012 is incomplete"):
        clean_year(cut, 2012, source="vic.csv")


def test_year_without_rows(raw_demand_frame):
    with pytest.raises(DemandDataError, match="no rows fall in the Melbourne year 2015"):
        clean_year(raw_demand_frame, 2015, source="vic.csv")


def test_a_years_version_follows_its_rows_alone(raw_demand_frame):
    years = (2012, 2013, 2014)
    before = year_versions(raw_demand_frame, years)
    assert len(set(before.values())) == 3
    # the order of the file's lines is not content
    assert year_versions(raw_demand_frame.sample(frac=1, random_state=0), years) == before
    edited = raw_demand_frame.copy()
    edited.loc[year_rows(edited, 2013).index[100], "demand_mw"] += 1.0
    after = year_versions(edited, years)
    assert after[2013] != before[2013]
    assert (after[2012], after[2014]) == (before[2012], before[2014])
    # a file that ends a year earlier: the years it still holds keep their versions
    shorter = raw_demand_frame.drop(year_rows(raw_demand_frame, 2014).index)
    assert year_versions(shorter, (2012, 2013)) == {2012: before[2012], 2013: before[2013]}
