"""The suspect-reading detectors: stuck demand (4 half-hours), stuck temperature (24), and a
single half-hour of demand 20% off both neighbours; at a year's edges and across a
daylight-saving change; and none at all in the real file."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from victoria_demand.core.cleaning import clean_year
from victoria_demand.core.suspect_readings import (
    is_suspect,
    repeated_runs,
    single_spikes,
    suspect_column,
    suspect_stretches,
)


def test_a_run_is_flagged_from_its_threshold_on():
    values = np.array([1, 2, 2, 2, 3, 4, 4, 4, 4, 5], dtype=float)
    assert repeated_runs(values, 4).tolist() == [False] * 5 + [True] * 4 + [False]
    assert repeated_runs(values, 3).sum() == 7
    assert repeated_runs(np.array([]), 4).tolist() == []


def test_runs_at_the_edges_of_the_rows_are_flagged():
    values = np.array([7, 7, 7, 7, 1, 2, 3, 9, 9, 9, 9], dtype=float)
    flagged = repeated_runs(values, 4)
    assert flagged[:4].all() and flagged[-4:].all() and not flagged[4:7].any()


@pytest.mark.parametrize(
    ("middle", "flagged"),
    [(120.0, True), (119.0, False), (80.0, True), (81.0, False), (100.0, False)],
)
def test_a_spike_is_twenty_percent_off_both_neighbours(middle, flagged):
    assert single_spikes(np.array([100.0, 100.0, middle, 100.0, 100.0]))[2] is np.bool_(flagged)


def test_a_step_is_no_spike_and_the_ends_are_never_spikes():
    assert not single_spikes(np.array([100.0, 100.0, 150.0, 150.0])).any()  # a level shift
    assert not single_spikes(np.array([300.0, 100.0, 100.0, 300.0])).any()  # one neighbour


def _year_rows(year: int = 2013) -> pd.DataFrame:
    time_utc = pd.date_range(
        pd.Timestamp(f"{year}-01-01", tz="Australia/Melbourne").tz_convert("UTC"),
        pd.Timestamp(f"{year + 1}-01-01", tz="Australia/Melbourne").tz_convert("UTC"),
        freq="30min",
        inclusive="left",
    )
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "time_utc": time_utc,
            "demand_mw": 5000 + rng.normal(0, 50, len(time_utc)),
            "temperature_c": 15 + rng.normal(0, 3, len(time_utc)).round(1),
        }
    )


def test_stuck_stretches_across_the_daylight_saving_change_and_at_the_years_edges():
    rows = _year_rows()
    # 7 April 2013, 03:00 AEDT -> 02:00 AEST: eight half-hours on either side of the change
    change = rows.index[rows["time_utc"] == pd.Timestamp("2013-04-06T16:00Z")][0]
    rows.loc[change - 4 : change + 3, "demand_mw"] = 4321.0
    rows.loc[:2, "demand_mw"] = 4000.0  # three at the year's start: not stuck
    rows.loc[len(rows) - 24 :, "temperature_c"] = 30.0  # the year's last 12 hours
    rows["suspect"] = suspect_column(rows)
    stretches = suspect_stretches(rows)
    assert [(s.first_utc.isoformat(), s.half_hours, s.reason) for s in stretches] == [
        ("2013-04-06T14:00:00+00:00", 8, "demand stuck"),
        ("2013-12-31T01:00:00+00:00", 24, "temperature stuck"),
    ]
    assert is_suspect(rows).sum() == 32
    assert stretches[0].describe() == (
        "demand stuck from 2013-04-06T14:00:00+00:00 for 8 half-hours"
    )


def test_one_row_can_be_suspect_for_two_reasons():
    rows = _year_rows()
    rows.loc[100:123, "temperature_c"] = 21.0
    rows.loc[110, "demand_mw"] = 9000.0
    column = suspect_column(rows)
    assert column[110] == "temperature stuck+demand spike"
    assert (column[100:124] != "").all() and (column[:100] == "").all()


def test_the_real_file_has_no_suspect_reading(raw_demand_frame):
    for year in (2012, 2013, 2014):
        clean = clean_year(raw_demand_frame, year, source="vic.csv")
        assert (clean["suspect"] == "").all(), year
