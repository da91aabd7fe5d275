"""The December outlook's core: scenarios from the same time of year and never from
December onward, the model's own answer for each, POEs read from an ensemble, and an
outlook that depends on nothing after 30 November."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from victoria_demand.core.calendar import HALF_HOURS_PER_DAY, december_instants
from victoria_demand.core.cleaning import clean_year
from victoria_demand.core.forecaster import CONTEXT, HISTORY_HALF_HOURS
from victoria_demand.core.intervals import ResidualDays
from victoria_demand.core.outlook import (
    BLOCK_DAYS,
    SHIFT_DAYS,
    december_days,
    december_outcome,
    demand_ensemble,
    issue_outlook,
    nearest_days,
    scenario_forecasts,
    score_to_date,
    summarize,
    temperature_scenarios,
    weather_history,
)
from victoria_demand.core.training import fit_year, model_inputs

ISSUE_2013 = pd.Timestamp("2013-12-01", tz="Australia/Melbourne").tz_convert("UTC")


@pytest.fixture(scope="module")
def rows(raw_demand_frame) -> pd.DataFrame:
    return raw_demand_frame.loc[:, ["time_utc", "temperature_c", "holiday", "demand_mw"]]


@pytest.fixture(scope="module")
def fitted_2013(raw_demand_frame):
    return fit_year(clean_year(raw_demand_frame, 2013, source="vic.csv"))


@pytest.fixture(scope="module")
def issued_2013(fitted_2013, rows):
    return issue_outlook(fitted_2013.forecaster.pipeline, fitted_2013.peak_days, rows, 2013)


def _day_of_year_distance(dates: np.ndarray, targets: pd.DatetimeIndex) -> np.ndarray:
    source = pd.DatetimeIndex(dates.ravel()).dayofyear.to_numpy().reshape(dates.shape)
    target = np.broadcast_to(targets.dayofyear.to_numpy(), dates.shape)
    return np.abs((source - target + 182) % 365 - 182)


def test_scenarios_come_from_before_december_and_the_same_time_of_year(rows):
    history = weather_history(rows, ISSUE_2013)
    assert history.dates.max() < np.datetime64("2013-12-01")
    days = december_days(2013)
    scenarios = temperature_scenarios(history, days, scenarios=40)
    assert scenarios.temperatures.shape == (40, 31, HALF_HOURS_PER_DAY)
    assert scenarios.sources.max() < np.datetime64("2013-12-01")
    assert (
        _day_of_year_distance(scenarios.sources, days).max() <= SHIFT_DAYS + 1
    )  # +1: 2012 is a leap year
    # blocks of consecutive days, all but each scenario's last at least BLOCK_DAYS[0] long
    for sources in scenarios.sources:
        breaks = np.flatnonzero(np.diff(sources) != np.timedelta64(1, "D")) + 1
        runs = np.diff(np.concatenate([[0], breaks, [len(sources)]]))
        assert runs[:-1].min(initial=BLOCK_DAYS[0]) >= BLOCK_DAYS[0]
    # December 2012 is in the pool, and so are January and late November
    months = pd.DatetimeIndex(scenarios.sources.ravel()).month
    assert {12, 11, 1} <= set(months)


def test_the_first_year_of_a_file_borrows_late_november_and_january(rows):
    issue_2012 = pd.Timestamp("2012-12-01", tz="Australia/Melbourne").tz_convert("UTC")
    scenarios = temperature_scenarios(weather_history(rows, issue_2012), december_days(2012))
    sources = pd.DatetimeIndex(scenarios.sources.ravel())
    assert set(sources.month) <= {1, 2, 11} and sources.max() < pd.Timestamp("2012-12-01")
    # anomalies on December's own seasonal mean: no January warmth carried over
    december_mean = rows.loc[rows["time_utc"].dt.month == 12, "temperature_c"]
    january_2012 = rows.loc[rows["time_utc"] < "2012-02-01", "temperature_c"].mean()
    assert (
        abs(scenarios.temperatures.mean() - december_mean.mean())
        < abs(january_2012 - december_mean.mean()) + 1.0
    )


def test_each_scenario_gets_the_models_own_answer(fitted_2013, rows):
    known = rows.loc[rows["time_utc"] < ISSUE_2013]
    context = model_inputs(known.tail(HISTORY_HALF_HOURS))
    december = pd.DataFrame(
        {"time_utc": december_instants(2013), "temperature_c": np.nan, "holiday": False}
    )
    temperatures = np.stack([np.full((31, 48), 21.0), np.linspace(10, 35, 31 * 48).reshape(31, 48)])
    fast = scenario_forecasts(fitted_2013.forecaster.pipeline, context, december, temperatures)
    for scenario, answer in zip(temperatures, fast, strict=True):
        request = pd.concat(
            [
                context.assign(**{CONTEXT: True}),
                december.assign(temperature_c=scenario.ravel(), **{CONTEXT: False}),
            ],
            ignore_index=True,
        )
        expected = fitted_2013.forecaster.predict(request)["forecast_mw"].to_numpy()
        np.testing.assert_allclose(answer, expected, rtol=0, atol=1e-6)


def test_residual_days_are_drawn_from_the_days_nearest_in_temperature():
    pool_hottest = np.arange(10.0, 42.0, 2.0)  # 16 calibration days: k = 4 neighbours
    drawn = nearest_days(np.full(4000, 21.0), pool_hottest, np.random.default_rng(0))
    counts = np.bincount(drawn, minlength=len(pool_hottest))
    # 20 and 22 degrees (tied: the first in the pool ranks first), then 18 and 24; weights 1/j
    assert set(np.flatnonzero(counts)) == {5, 6, 4, 7}
    np.testing.assert_allclose(
        counts[[5, 6, 4, 7]] / 4000, [12, 6, 4, 3] / np.sum([12, 6, 4, 3]), atol=0.02
    )


def test_a_hot_scenario_day_gets_the_errors_of_hot_days():
    # calibration day i reached 10 + i degrees and its model erred by i MW all day
    residuals = np.repeat(np.arange(25.0)[:, None], HALF_HOURS_PER_DAY, axis=1)
    days = ResidualDays({False: residuals}, {False: 10.0 + np.arange(25.0)})
    forecasts = np.zeros((2, 2 * HALF_HOURS_PER_DAY))  # two scenarios of two days
    hottest = np.array([[12.0, 33.0], [33.0, 12.0]])
    members = demand_ensemble(forecasts, hottest, np.zeros(2, dtype=bool), days, draws=50)
    errors = members.reshape(2, 50, 2, HALF_HOURS_PER_DAY)[..., 0]  # (scenario, draw, day)
    # k = 5: a 12-degree day draws from days 0-4, a 33-degree day from days 21-24 and 20
    assert set(np.unique(errors[0, :, 0])) <= {0, 1, 2, 3, 4}
    assert set(np.unique(errors[0, :, 1])) <= {20, 21, 22, 23, 24}
    assert set(np.unique(errors[1, :, 0])) <= {20, 21, 22, 23, 24}


def test_quantiles_and_poes_of_a_known_ensemble():
    # 100 members of two days; member m is m MW everywhere, and its peak m + 0.5 on day 2
    members = np.repeat(np.arange(100, dtype=float)[:, None], 2 * HALF_HOURS_PER_DAY, axis=1)
    members[:, HALF_HOURS_PER_DAY + 5] += 0.5
    outlook = summarize(members)
    assert outlook.p50_mw[0] == pytest.approx(49.5)
    assert outlook.p10_mw[0] == pytest.approx(9.9) and outlook.p90_mw[0] == pytest.approx(89.1)
    # POE10 is exceeded by 10% of the members: the 90th percentile
    assert outlook.peak_poe_mw[10] == pytest.approx(89.6)
    assert outlook.peak_poe_mw[90] == pytest.approx(10.4)
    assert outlook.energy_poe_gwh[50] == pytest.approx(49.5 * 96 * 0.5 / 1000, rel=1e-3)
    assert outlook.daily_peak_poe50_mw.tolist() == pytest.approx([49.5, 50.0])


def test_scores_to_date_count_whole_days(issued_2013, rows):
    december = rows.loc[rows["time_utc"] >= ISSUE_2013, "demand_mw"].to_numpy()[: 3 * 48]
    scores = score_to_date(issued_2013.outlook, issued_2013.ensemble, december)
    assert scores.days == 3 and 0 <= scores.days_above_poe10 <= scores.days_above_poe50 <= 3
    assert scores.crps_mw > 0 and 0 <= scores.band_coverage <= 100
    with pytest.raises(ValueError, match="whole days"):
        score_to_date(issued_2013.outlook, issued_2013.ensemble, december[:50])


def test_the_outlook_is_seeded_and_sees_nothing_after_november(issued_2013, fitted_2013, rows):
    pipeline, days = fitted_2013.forecaster.pipeline, fitted_2013.peak_days
    again = issue_outlook(pipeline, days, rows, 2013)
    np.testing.assert_array_equal(again.ensemble, issued_2013.ensemble)
    # every demand and temperature from 1 December 2013 on replaced by other values
    altered = rows.copy()
    later = altered["time_utc"] >= ISSUE_2013
    altered.loc[later, "temperature_c"] = 40.0
    altered.loc[later, "demand_mw"] = 9_000.0
    np.testing.assert_array_equal(
        issue_outlook(pipeline, days, altered, 2013).ensemble, issued_2013.ensemble
    )
    # and a source cut at 30 November issues the same outlook
    cut = rows.loc[~later]
    np.testing.assert_array_equal(
        issue_outlook(pipeline, days, cut, 2013).ensemble, issued_2013.ensemble
    )
    assert issued_2013.issued_at == ISSUE_2013


def test_the_year_is_fit_on_january_to_november_alone(raw_demand_frame, fitted_2013):
    through_november = clean_year(raw_demand_frame, 2013, source="vic.csv")
    through_november = through_november.loc[through_november["time_utc"] < ISSUE_2013]
    alone = fit_year(through_november).forecaster.pipeline.named_steps["regression"]
    full = fitted_2013.forecaster.pipeline.named_steps["regression"]
    np.testing.assert_allclose(alone.coef_, full.coef_, rtol=1e-9, atol=1e-9)


def test_a_users_weather_forecast_replaces_the_history(fitted_2013, rows, issued_2013):
    forecast = np.full((1, 31, 48), 24.0)  # one scenario: a plain forecast
    issued = issue_outlook(
        fitted_2013.forecaster.pipeline, fitted_2013.peak_days, rows, 2013, weather=forecast
    )
    assert issued.scenarios.sources is None
    assert issued.ensemble.shape == (10, 31 * 48)  # its residual draws around one forecast
    assert not np.array_equal(issued.outlook.p50_mw, issued_2013.outlook.p50_mw)


def test_the_outcome_fills_in_december_as_it_arrives(issued_2013, rows):
    in_2013 = rows.loc[rows["time_utc"].dt.tz_convert("Australia/Melbourne").dt.year == 2013]
    before = in_2013.loc[in_2013["time_utc"] < ISSUE_2013]
    december = in_2013.loc[in_2013["time_utc"] >= ISSUE_2013]

    waiting = december_outcome(issued_2013, before)
    assert waiting.scores is None and waiting.days_observed == 0
    assert waiting.table["actual_mw"].isna().all() and "no December" in waiting.title()
    assert "p50_mape_percent" not in waiting.summary()
    assert set(waiting.mlflow_metrics()) == {
        f"outlook_{what}_poe{poe}_{unit}"
        for what, unit in (("peak", "mw"), ("energy", "gwh"))
        for poe in (10, 50, 90)
    }

    seen = 15 * HALF_HOURS_PER_DAY
    half = december_outcome(issued_2013, pd.concat([before, december.iloc[:seen]]))
    assert half.days_observed == 15 and not half.complete
    np.testing.assert_array_equal(
        half.table["actual_mw"].to_numpy()[:seen], december["demand_mw"].to_numpy()[:seen]
    )
    assert half.table["actual_mw"].iloc[seen:].isna().all()
    assert half.summary()["days_observed"] == 15 and "outlook_mape" not in half.mlflow_metrics()
    # the outlook itself never changes: only what it is compared with
    np.testing.assert_array_equal(half.table["p50_mw"], waiting.table["p50_mw"])

    whole = december_outcome(issued_2013, in_2013)
    metrics = whole.mlflow_metrics()
    assert whole.complete and metrics["outlook_mape"] == pytest.approx(whole.scores.p50_mape)
    peak = december["demand_mw"].max()
    assert metrics["outlook_peak_poe10_exceeded"] == float(
        peak > issued_2013.outlook.peak_poe_mw[10]
    )
    with pytest.raises(ValueError, match="not its first half-hours"):
        december_outcome(issued_2013, pd.concat([before, december.iloc[48:]]))


def test_days_with_a_suspect_temperature_are_no_weather_to_draw_from(rows):
    flagged = rows.assign(suspect="")
    stuck = flagged.index[flagged["time_utc"] >= pd.Timestamp("2013-06-09T14:00Z")][:24]
    flagged.loc[stuck, "suspect"] = "temperature stuck"  # half of 10 June, in Melbourne
    full, history = weather_history(rows, ISSUE_2013), weather_history(flagged, ISSUE_2013)
    assert set(full.dates) - set(history.dates) == {np.datetime64("2013-06-10")}


def test_suspect_half_hours_are_left_out_of_the_scores(issued_2013, rows):
    december = rows.loc[rows["time_utc"] >= ISSUE_2013, "demand_mw"].to_numpy()[: 2 * 48]
    broken = december.copy()
    broken[30] = 20_000.0  # a spike no outlook should be judged on
    scored = np.ones(len(broken), dtype=bool)
    scored[30] = False
    left_out = score_to_date(issued_2013.outlook, issued_2013.ensemble, broken, scored)
    clean = score_to_date(issued_2013.outlook, issued_2013.ensemble, december, scored)
    assert left_out == clean
    assert score_to_date(issued_2013.outlook, issued_2013.ensemble, broken).p50_mape > 10
