"""Each check function on both sides: what passes, and each way it fails."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from dagster import AssetCheckSeverity

from victoria_demand.core.champion import ChampionDecision, Contender
from victoria_demand.core.cleaning import clean_year
from victoria_demand.defs.checks import (
    band_coverage,
    beats_seasonal_naive,
    champion_consistency,
    every_half_hour_once,
    no_nulls,
    outlook_scored_to_date,
    physical_ranges,
    rmse_under_ceiling,
    suspect_readings,
    suspect_readings_within_limits,
)
from victoria_demand.resources.model_quality import ModelQualityPolicy


@pytest.fixture(scope="module")
def clean_2013(raw_demand_frame) -> pd.DataFrame:
    return clean_year(raw_demand_frame, 2013, source="vic.csv")


def _model(rmse: float = 266.6, naive: float = 630.7, coverage: float = 80.2) -> dict:
    return {
        "version": "2",
        "metrics": {
            "december_rmse": rmse,
            "seasonal_naive_december_rmse": naive,
            "december_band_coverage": coverage,
            "december_band_mean_width_mw": 610.0,
        },
    }


def test_the_real_year_passes_every_data_check(clean_2013):
    for check in (every_half_hour_once, no_nulls, physical_ranges):
        result = check(clean_2013)
        assert result.passed, (check.__name__, result.metadata)
        assert result.severity == AssetCheckSeverity.ERROR


@pytest.mark.parametrize(
    "break_it, failing",
    [
        (lambda frame: frame.drop(index=frame.index[100]), "rows"),
        (lambda frame: pd.concat([frame.iloc[:101], frame.iloc[100:]]), "duplicate_instants"),
    ],
    ids=["a half-hour missing", "a half-hour twice"],
)
def test_every_half_hour_once_fails(clean_2013, break_it, failing):
    result = every_half_hour_once(break_it(clean_2013).reset_index(drop=True))
    assert not result.passed
    metadata = {key: value.value for key, value in result.metadata.items()}
    if failing == "rows":
        assert metadata["rows"] == metadata["expected_rows"] - 1
    else:
        assert metadata["duplicate_instants"] == 1


def test_no_nulls_fails_and_names_the_column(clean_2013):
    broken = clean_2013.copy()
    broken.loc[broken.index[:3], "temperature_c"] = np.nan
    result = no_nulls(broken)
    assert not result.passed
    assert result.metadata["null_cells"].value == 3
    assert result.metadata["nulls_temperature_c"].value == 3


@pytest.mark.parametrize(
    "column, value", [("demand_mw", 20_000.0), ("temperature_c", -30.0)], ids=str
)
def test_physical_ranges_fail(clean_2013, column, value):
    broken = clean_2013.copy()
    broken.loc[broken.index[5], column] = value
    result = physical_ranges(broken)
    assert not result.passed
    assert result.metadata["rows_outside"].value == 1


def test_rmse_ceiling():
    policy = ModelQualityPolicy(rmse_ceiling_mw=450.0)
    assert rmse_under_ceiling(_model(rmse=449.0), policy).passed
    failed = rmse_under_ceiling(_model(rmse=451.0), policy)
    assert not failed.passed and failed.severity == AssetCheckSeverity.ERROR


def test_beats_seasonal_naive():
    assert beats_seasonal_naive(_model(rmse=266.6, naive=630.7)).passed
    assert not beats_seasonal_naive(_model(rmse=630.7, naive=630.7)).passed  # a tie is no skill


@pytest.mark.parametrize("coverage, passed", [(80.0, True), (69.9, False), (90.1, False)])
def test_band_coverage_warns_outside_70_to_90(coverage, passed):
    result = band_coverage(_model(coverage=coverage))
    assert result.passed is passed
    assert result.severity == AssetCheckSeverity.WARN


V1, V2 = Contender("1", 2012, 300.0), Contender("2", 2013, 250.0)
DECIDED_2013 = ChampionDecision(year=2013, challenger=V2, incumbent=V1, winner=V2)


def test_champion_consistency_holds_for_a_recorded_decision_and_its_alias():
    assert champion_consistency(DECIDED_2013, {2013: DECIDED_2013}, alias="2").passed


@pytest.mark.parametrize(
    "decision, recorded, alias",
    [
        # the winner does not have the lower RMSE
        (ChampionDecision(2013, V2, V1, V1), None, "1"),
        # MLflow records another decision for the year
        (DECIDED_2013, {2013: ChampionDecision(2013, V2, V1, V1)}, "2"),
        # the alias names another version, or none
        (DECIDED_2013, None, "1"),
        (DECIDED_2013, None, None),
    ],
    ids=["wrong winner", "recorded differently", "alias elsewhere", "alias unset"],
)
def test_champion_consistency_fails(decision, recorded, alias):
    recorded = recorded if recorded is not None else {2013: decision}
    result = champion_consistency(decision, recorded, alias)
    assert not result.passed


def _outlook(days: int, coverage: float | None = None) -> dict:
    scored = (
        {}
        if coverage is None
        else {
            "p50_mape_percent": 5.0,
            "band_coverage_percent": coverage,
            "pinball_loss_mw": 90.0,
            "crps_mw": 150.0,
            "days_above_poe10": 1,
            "actual_peak_mw": 7000.0,
        }
    )
    return {
        "days_observed": days,
        "issued_at": "2013-11-30T13:00:00+00:00",
        "peak_poe50_mw": 8000.0,
        "peak_poe10_mw": 8600.0,
        **scored,
    }


@pytest.mark.parametrize(
    ("days", "coverage", "passed"),
    [(0, None, True), (6, 20.0, True), (7, 59.9, False), (7, 60.0, True), (31, 85.0, True)],
)
def test_the_outlook_warns_when_its_band_misses_after_a_week(days, coverage, passed):
    result = outlook_scored_to_date(_outlook(days, coverage))
    assert result.passed is passed and result.severity == AssetCheckSeverity.WARN
    assert result.metadata["days_observed"].value == days
    if coverage is not None:
        assert result.metadata["band_coverage_percent"].value == coverage


def test_suspect_readings_warn_when_any_and_block_beyond_the_limits(clean_2013):
    assert suspect_readings(clean_2013).passed and suspect_readings_within_limits(clean_2013).passed
    stuck = clean_2013.copy()
    june = stuck.index[stuck["time_utc"] >= pd.Timestamp("2013-06-09T14:00Z")][:96]
    stuck.loc[june, "suspect"] = "demand stuck"
    warned = suspect_readings(stuck)
    assert not warned.passed and warned.severity == AssetCheckSeverity.WARN
    assert warned.metadata["suspect_half_hours"].value == 96
    assert "demand stuck from 2013-06-09T14:00:00+00:00 for 96 half-hours" in (
        warned.metadata["suspect_stretches"].value
    )
    assert suspect_readings_within_limits(stuck).passed  # 0.55% of the year
    ten_days = clean_2013.copy()
    ten_days.loc[ten_days.index[4000:4480], "suspect"] = "demand stuck"  # 2.7% of the year
    blocked = suspect_readings_within_limits(ten_days)
    assert not blocked.passed and blocked.severity == AssetCheckSeverity.ERROR
    december = clean_2013.copy()
    december.loc[december.index[-49:], "suspect"] = "temperature stuck"  # a day and a half-hour
    assert not suspect_readings_within_limits(december).passed
    december.loc[december.index[-49], "suspect"] = ""
    assert suspect_readings_within_limits(december).passed
