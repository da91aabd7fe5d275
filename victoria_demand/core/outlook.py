"""The December outlook issued on 30 November: the year's model driven by weather scenarios
built from what was known then, with the model's own error, as a range and as the peak's
probability of exceedance (POE), the way AEMO publishes demand.

The method:

* **Weather scenarios**: the seasonal block bootstrap of Hyndman & Fan (2010, "Density
  forecasting for long-term peak electricity demand", IEEE Trans. Power Systems 25(2), the
  model AEMO used), with the paper's own blocks: December is filled with blocks of 20 +- 5
  consecutive historical days (the length drawn for each block), each starting within
  +-5 days of its target's day of year in a random earlier year. Where the history has no
  such start (the first year of a file, whose December days come from late November and
  January), the window widens 5 days at a time until it has one. The days are resampled
  as anomalies from the annual temperature cycle fitted to the history (two harmonics, as
  in the seasonal mean of Magnano & Boland, 2007, "Generation of synthetic sequences of
  electricity demand: application in South Australia", Energy 32(11)) and put back on
  December's own seasonal mean, so that a January day does not bring January's warmth
  into December. Scenario temperatures are kept within the range the model was fit on:
  the learned response is not extrapolated.
* **The model's own error**: whole days of its out-of-sample residuals at a month-ahead
  horizon (the calibration days the December peak already draws from, ``intervals.py``),
  added to each scenario's forecast day by day, of the same day type, each drawn from the
  calibration days whose highest temperature is nearest the scenario day's: the
  nearest-neighbour bootstrap of Lall & Sharma (1996, "A nearest neighbor bootstrap for
  resampling hydrologic time series", Water Resources Research 32(3)), with its k =
  sqrt(n) neighbours weighted 1/j. The model errs differently in heat than in mild
  weather, and a hot scenario day gets the errors of hot days.
* **The answer**: quantiles of the ensemble per half-hour (P10, P50, P90), and the POEs of
  December's peak, of its energy and of each day's peak from the ensemble's members.

Everything is seeded: the same history gives the same outlook to the last digit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from victoria_demand.core.calendar import (
    DECEMBER,
    HALF_HOUR,
    HALF_HOURS_PER_DAY,
    december_instants,
    to_melbourne,
)
from victoria_demand.core.feature_set import MODEL_INPUTS
from victoria_demand.core.forecaster import HISTORY_HALF_HOURS
from victoria_demand.core.intervals import ResidualDays
from victoria_demand.core.metrics import band_errors, forecast_errors
from victoria_demand.core.public_holidays import holiday_flags
from victoria_demand.core.suspect_readings import (
    SUSPECT_COLUMN,
    is_suspect,
    temperature_is_suspect,
)
from victoria_demand.core.years import month_start

SHIFT_DAYS = 5  # a block starts within +-5 days of its target's day of year (H&F 2010)
BLOCK_DAYS = (15, 25)  # each block's length, drawn uniformly: 20 +- 5 days (H&F 2010)
WIDEN_DAYS = 5  # the window grows by this much while the history has no block for a date
HARMONICS = 2
WEATHER_SCENARIOS = 60
RESIDUAL_DRAWS = 10
RANDOM_STATE = 0
METHOD = (
    f"seasonal block bootstrap of temperature anomalies (Hyndman & Fan 2010), blocks of "
    f"{BLOCK_DAYS[0]}-{BLOCK_DAYS[1]} days shifted up to +-{SHIFT_DAYS} days, "
    f"{WEATHER_SCENARIOS} scenarios x {RESIDUAL_DRAWS} residual days nearest in highest "
    f"temperature (Lall & Sharma 1996)"
)
# The model steps whose output depends on time alone: computed once for every scenario.
TIME_ONLY_STEPS = ("calendar", "daylight")
# Scenarios whose weather features are computed together (10 x 1,584 rows at a time).
SCENARIOS_PER_BATCH = 10
# Between two scenarios' copies of the rows: more than the longest history window (48 h).
SCENARIO_SEPARATION = pd.Timedelta(days=7)


@dataclass(frozen=True)
class WeatherHistory:
    """Whole Melbourne days of half-hourly temperature known at the issue instant."""

    dates: np.ndarray  # datetime64[D], one per day
    day_of_year: np.ndarray
    temperatures: np.ndarray  # (days, 48), degrees C


def weather_history(rows: pd.DataFrame, issued_at: pd.Timestamp) -> WeatherHistory:
    """The whole days of ``rows`` (``time_utc``, ``temperature_c``) before ``issued_at``;
    days of a daylight-saving change (46 or 50 half-hours), and days with a suspect
    temperature (if ``rows`` has the clean rows' ``suspect`` column), are left out."""
    known = rows.loc[rows["time_utc"] < issued_at]
    if SUSPECT_COLUMN in known:  # a stuck thermometer's days are no weather to draw from
        known = known.loc[~temperature_is_suspect(known)]
    known = known.loc[:, ["time_utc", "temperature_c"]]
    local = to_melbourne(known["time_utc"])
    slot = (local.dt.hour * 2 + local.dt.minute // 30).to_numpy()
    dates = local.dt.tz_localize(None).to_numpy().astype("datetime64[D]")
    table = pd.DataFrame(
        {"date": dates, "slot": slot, "temperature_c": known["temperature_c"].to_numpy()}
    )
    counts = table.groupby("date")["slot"].agg(["size", "nunique"])
    whole = counts.index[(counts["size"] == HALF_HOURS_PER_DAY) & (counts["nunique"] == 48)]
    kept = table.loc[table["date"].isin(whole)].sort_values(["date", "slot"], kind="stable")
    temperatures = kept["temperature_c"].to_numpy(float).reshape(-1, HALF_HOURS_PER_DAY)
    day_dates = kept["date"].to_numpy()[::HALF_HOURS_PER_DAY].astype("datetime64[D]")
    return WeatherHistory(
        dates=day_dates,
        day_of_year=pd.DatetimeIndex(day_dates).dayofyear.to_numpy(),
        temperatures=temperatures,
    )


def _harmonics(day_of_year: np.ndarray) -> np.ndarray:
    angle = 2 * np.pi * (np.asarray(day_of_year, float) - 1) / 365.25
    columns = [np.ones_like(angle)]
    for k in range(1, HARMONICS + 1):
        columns += [np.cos(k * angle), np.sin(k * angle)]
    return np.column_stack(columns)


def annual_cycle(history: WeatherHistory) -> np.ndarray:
    """Coefficients of the daily mean temperature's annual cycle (least squares)."""
    coefficients, *_ = np.linalg.lstsq(
        _harmonics(history.day_of_year), history.temperatures.mean(axis=1), rcond=None
    )
    return coefficients


def seasonal_mean(coefficients: np.ndarray, day_of_year: np.ndarray) -> np.ndarray:
    return _harmonics(day_of_year) @ coefficients


@dataclass(frozen=True)
class TemperatureScenarios:
    temperatures: np.ndarray  # (scenarios, days, 48)
    # (scenarios, days) the historical date each day was taken from; None for a user's file
    sources: np.ndarray | None


def _circular_distance(day_of_year: np.ndarray, target: int) -> np.ndarray:
    return np.abs((day_of_year - target + 182) % 365 - 182)


def _days_that_follow(history: WeatherHistory) -> np.ndarray:
    """For each history day, how many consecutive whole days start with it."""
    follow = np.ones(len(history.dates), dtype=int)
    for i in range(len(history.dates) - 2, -1, -1):
        if history.dates[i + 1] == history.dates[i] + 1:
            follow[i] += follow[i + 1]
    return follow


def _block_starts(
    day_of_year: np.ndarray, days_that_follow: np.ndarray, target: int, length: int
) -> np.ndarray:
    """The history days a block of ``length`` days for day of year ``target`` may start on."""
    distance = _circular_distance(day_of_year, target)
    window = SHIFT_DAYS
    while True:
        starts = np.flatnonzero((distance <= window) & (days_that_follow >= length))
        if len(starts) or window > 366:
            return starts
        window += WIDEN_DAYS


def temperature_scenarios(
    history: WeatherHistory,
    days: pd.DatetimeIndex,
    *,
    scenarios: int = WEATHER_SCENARIOS,
    bounds: tuple[float, float] = (-np.inf, np.inf),
    random_state: int = RANDOM_STATE,
) -> TemperatureScenarios:
    """``scenarios`` half-hourly temperature paths over ``days`` (consecutive dates), each
    made of blocks of consecutive historical days from the same time of year."""
    rng = np.random.default_rng(random_state)
    coefficients = annual_cycle(history)
    anomalies = history.temperatures - seasonal_mean(coefficients, history.day_of_year)[:, None]
    target_mean = seasonal_mean(coefficients, days.dayofyear.to_numpy())
    days_that_follow = _days_that_follow(history)
    picked = np.empty((scenarios, len(days)), dtype=int)
    for scenario in range(scenarios):
        first = 0
        while first < len(days):
            length = min(int(rng.integers(BLOCK_DAYS[0], BLOCK_DAYS[1] + 1)), len(days) - first)
            target = int(days[first].dayofyear)
            starts = _block_starts(history.day_of_year, days_that_follow, target, length)
            if not len(starts):
                raise ValueError("the history holds no run of whole days long enough for a block")
            start = starts[rng.integers(0, len(starts))]
            picked[scenario, first : first + length] = start + np.arange(length)
            first += length
    temperatures = anomalies[picked] + target_mean[None, :, None]
    return TemperatureScenarios(
        temperatures=np.clip(temperatures, *bounds), sources=history.dates[picked]
    )


def scenario_forecasts(
    pipeline: Pipeline, context: pd.DataFrame, december: pd.DataFrame, temperatures: np.ndarray
) -> np.ndarray:
    """The model's forecast of ``december`` (model inputs; its temperature replaced) under
    each scenario, (scenarios, half-hours). ``context`` is the model inputs of the 48 hours
    before, as known. The result equals the model's own prediction of each scenario
    (tested); it is computed as the sum the linear model is: the part of the regressors
    that depends on time alone once, and the weather's part for a batch of scenarios at
    once, each a copy of the rows moved in time past the one before by more than the
    longest history window, so that no scenario's history reaches into another's. (The
    whole pipeline once a scenario took 0.33 s a year, three quarters of it in pandas'
    overhead per call and in columns that do not change.)"""
    steps = pipeline.named_steps
    frame = pd.concat([context, december], ignore_index=True)
    for name in TIME_ONLY_STEPS:
        frame = steps[name].transform(frame)
    regressors, regression = steps["regressors"], steps["regression"]
    coefficient = dict(zip(regressors.feature_names_out_, regression.coef_, strict=True))
    time_part = regression.intercept_ + _weighted_sum(regressors.time_columns(frame), coefficient)
    known = context["temperature_c"].to_numpy(float)
    time_utc = frame["time_utc"]
    shift = time_utc.iloc[-1] - time_utc.iloc[0] + SCENARIO_SEPARATION
    paths = temperatures.reshape(len(temperatures), -1)
    forecasts = np.empty((len(paths), len(december)))
    for first in range(0, len(paths), SCENARIOS_PER_BATCH):
        batch = paths[first : first + SCENARIOS_PER_BATCH]
        copies = pd.concat([frame] * len(batch), ignore_index=True)
        copies["time_utc"] = pd.concat(
            [time_utc + shift * copy for copy in range(len(batch))], ignore_index=True
        )
        copies["temperature_c"] = np.concatenate([np.concatenate([known, path]) for path in batch])
        weather = regressors.weather_columns(steps["temperature_history"].transform(copies))
        weather_part = _weighted_sum(weather, coefficient).reshape(len(batch), -1)
        forecasts[first : first + len(batch)] = (time_part + weather_part)[:, len(context) :]
    return forecasts


def _weighted_sum(columns: dict[str, np.ndarray], coefficient: dict[str, float]) -> np.ndarray:
    return sum(values * coefficient[name] for name, values in columns.items())


def nearest_days(
    hottest: np.ndarray, pool_hottest: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """For each highest temperature in ``hottest``, a day of the pool drawn from the k
    whose highest temperatures are nearest it (k = sqrt(pool size)), the j-th nearest with
    weight proportional to 1/j: the nearest-neighbour bootstrap of Lall & Sharma (1996)."""
    k = max(1, round(np.sqrt(len(pool_hottest))))
    kernel = 1 / np.arange(1, k + 1)
    distance = np.abs(np.asarray(hottest)[:, None] - pool_hottest[None, :])
    nearest = np.argsort(distance, axis=1, kind="stable")[:, :k]
    rank = rng.choice(k, size=len(nearest), p=kernel / kernel.sum())
    return nearest[np.arange(len(nearest)), rank]


def demand_ensemble(
    forecasts: np.ndarray,
    hottest_by_day: np.ndarray,
    day_off_by_day: np.ndarray,
    residual_days: ResidualDays,
    *,
    draws: int = RESIDUAL_DRAWS,
    random_state: int = RANDOM_STATE,
) -> np.ndarray:
    """Each scenario's forecast, (scenarios, half-hours), plus ``draws`` sets of whole
    residual days of the same day type, each from the calibration days whose highest
    temperature is nearest that scenario day's (``hottest_by_day``, (scenarios, days)):
    (scenarios x draws, half-hours)."""
    days = len(day_off_by_day)
    by_day = forecasts.reshape(len(forecasts), days, HALF_HOURS_PER_DAY)
    members = np.repeat(by_day, draws, axis=0)
    hottest = np.repeat(hottest_by_day, draws, axis=0)
    rng = np.random.default_rng(random_state)
    for day, day_off in enumerate(np.asarray(day_off_by_day, dtype=bool)):
        residuals, pool_hottest = residual_days.of_type(bool(day_off))
        members[:, day, :] += residuals[nearest_days(hottest[:, day], pool_hottest, rng)]
    return members.reshape(len(members), -1)


@dataclass(frozen=True)
class Outlook:
    """What the ensemble says: quantiles per half-hour and POEs (a POE10 is exceeded with
    10% probability: the ensemble's 90th percentile)."""

    p10_mw: np.ndarray
    p50_mw: np.ndarray
    p90_mw: np.ndarray
    peak_poe_mw: dict[int, float]  # {10: ..., 50: ..., 90: ...}
    energy_poe_gwh: dict[int, float]
    daily_peak_poe10_mw: np.ndarray
    daily_peak_poe50_mw: np.ndarray


POES = (10, 50, 90)


def _poe(values: np.ndarray, poe: int, axis: int = 0) -> np.ndarray:
    return np.quantile(values, 1 - poe / 100, axis=axis)


def summarize(ensemble: np.ndarray) -> Outlook:
    """The outlook of an ensemble of December half-hourly demand, (members, half-hours)."""
    members, half_hours = ensemble.shape
    p10, p50, p90 = np.quantile(ensemble, [0.1, 0.5, 0.9], axis=0)
    peaks = ensemble.max(axis=1)
    energy_gwh = ensemble.sum(axis=1) * 0.5 / 1000  # MW over half-hours -> MWh -> GWh
    daily = ensemble.reshape(members, half_hours // HALF_HOURS_PER_DAY, -1).max(axis=2)
    return Outlook(
        p10_mw=p10,
        p50_mw=p50,
        p90_mw=p90,
        peak_poe_mw={poe: float(_poe(peaks, poe)) for poe in POES},
        energy_poe_gwh={poe: float(_poe(energy_gwh, poe)) for poe in POES},
        daily_peak_poe10_mw=_poe(daily, 10),
        daily_peak_poe50_mw=_poe(daily, 50),
    )


def december_days(year: int) -> pd.DatetimeIndex:
    return pd.date_range(f"{year}-12-01", f"{year}-12-31", freq="D")


@dataclass(frozen=True)
class OutlookScores:
    """The outlook against the December observed so far (whole days)."""

    days: int
    p50_mape: float  # percent
    pinball_mw: float  # mean over P10, P50, P90
    crps_mw: float  # of the whole ensemble (scoringrules)
    band_coverage: float  # percent of half-hours inside P10-P90
    band_width_mw: float
    days_above_poe10: int  # days whose peak exceeded that day's POE10
    days_above_poe50: int


def score_to_date(
    outlook: Outlook, ensemble: np.ndarray, actual: np.ndarray, scored: np.ndarray | None = None
) -> OutlookScores:
    """Scores of the outlook on the first ``len(actual)`` half-hours of December, which must
    be whole days; ``scored`` (default: all) leaves the others (suspect readings) out."""
    import scoringrules  # imported by the step that scores, not by every process

    seen = len(actual)
    if seen == 0 or seen % HALF_HOURS_PER_DAY:
        raise ValueError(f"score whole days of December, not {seen} half-hours")
    days = seen // HALF_HOURS_PER_DAY
    actual = np.asarray(actual, float)
    scored = np.ones(seen, dtype=bool) if scored is None else np.asarray(scored, dtype=bool)
    kept = actual[scored]
    p10, p50, p90 = (
        values[:seen][scored] for values in (outlook.p10_mw, outlook.p50_mw, outlook.p90_mw)
    )
    band = band_errors(kept, p10, p50, p90)
    # each day's peak among its scored half-hours; a day with none is not counted
    daily_peaks = np.where(scored, actual, -np.inf).reshape(days, HALF_HOURS_PER_DAY).max(axis=1)
    counted = scored.reshape(days, HALF_HOURS_PER_DAY).any(axis=1)
    return OutlookScores(
        days=days,
        p50_mape=forecast_errors(kept, p50).mape,
        pinball_mw=band.pinball_mw,
        crps_mw=float(np.mean(scoringrules.crps_ensemble(kept, ensemble[:, :seen][:, scored].T))),
        band_coverage=band.coverage,
        band_width_mw=band.mean_width_mw,
        days_above_poe10=int(((daily_peaks > outlook.daily_peak_poe10_mw[:days]) & counted).sum()),
        days_above_poe50=int(((daily_peaks > outlook.daily_peak_poe50_mw[:days]) & counted).sum()),
    )


@dataclass(frozen=True)
class IssuedOutlook:
    year: int
    issued_at: pd.Timestamp  # 1 December 00:00 Melbourne, in UTC: where its information ends
    time_utc: pd.Series  # December's half-hours
    scenarios: TemperatureScenarios
    ensemble: np.ndarray  # (members, half-hours), MW
    outlook: Outlook


def issue_outlook(
    pipeline: Pipeline,
    residual_days: ResidualDays,
    rows: pd.DataFrame,
    year: int,
    weather: np.ndarray | None = None,
    random_state: int = RANDOM_STATE,
) -> IssuedOutlook:
    """The outlook of December ``year`` from ``rows`` (``time_utc``, ``temperature_c``,
    ``holiday``, any span of years): only rows before 1 December 00:00 in Melbourne are read.
    ``pipeline`` and ``residual_days`` are the year's model, fit on January-November.
    ``weather``, a user's temperature scenarios (``weather_file``), replaces the history's.
    ``random_state`` seeds the scenarios and the residual draws."""
    issued_at = month_start(year, DECEMBER)
    known = rows.loc[rows["time_utc"] < issued_at]
    context = known.tail(HISTORY_HALF_HOURS).loc[:, list(MODEL_INPUTS)]
    expected_start = issued_at - HISTORY_HALF_HOURS * HALF_HOUR
    if len(context) < HISTORY_HALF_HOURS or context["time_utc"].iloc[0] != expected_start:
        raise ValueError(
            f"the outlook of December {year} needs the 48 hours before {issued_at.isoformat()}"
        )
    this_year = known.loc[to_melbourne(known["time_utc"]).dt.year == year, "temperature_c"]
    instants = december_instants(year)
    december = pd.DataFrame(
        {"time_utc": instants, "temperature_c": np.nan, "holiday": holiday_flags(instants)}
    )
    bounds = (float(this_year.min()), float(this_year.max()))
    scenarios = (
        temperature_scenarios(
            weather_history(known, issued_at),
            december_days(year),
            bounds=bounds,
            random_state=random_state,
        )
        if weather is None
        else TemperatureScenarios(temperatures=np.clip(weather, *bounds), sources=None)
    )
    forecasts = scenario_forecasts(pipeline, context, december, scenarios.temperatures)
    day_off = pipeline.named_steps["calendar"].transform(december)["day_off"].to_numpy(bool)
    ensemble = demand_ensemble(
        forecasts,
        scenarios.temperatures.max(axis=2),
        day_off[::HALF_HOURS_PER_DAY],
        residual_days,
        random_state=random_state,
    )
    return IssuedOutlook(
        year=year,
        issued_at=issued_at,
        time_utc=instants,
        scenarios=scenarios,
        ensemble=ensemble,
        outlook=summarize(ensemble),
    )


@dataclass(frozen=True)
class DecemberOutcome:
    """An issued outlook beside the whole days of December observed so far (none on
    30 November)."""

    issued: IssuedOutlook
    actual_mw: np.ndarray
    scored: np.ndarray  # each observed half-hour: not a suspect reading
    scores: OutlookScores | None

    @property
    def actual_peak_mw(self) -> float:
        return float(self.actual_mw[self.scored].max())

    @property
    def days_observed(self) -> int:
        return len(self.actual_mw) // HALF_HOURS_PER_DAY

    @property
    def complete(self) -> bool:
        return len(self.actual_mw) == len(self.issued.time_utc)

    @property
    def table(self) -> pd.DataFrame:
        """Each December half-hour: ``time_utc``, ``p10_mw``, ``p50_mw``, ``p90_mw`` and
        ``actual_mw`` (NaN where not observed yet)."""
        outlook = self.issued.outlook
        actual = np.full(len(self.issued.time_utc), np.nan)
        actual[: len(self.actual_mw)] = self.actual_mw
        return pd.DataFrame(
            {
                "time_utc": self.issued.time_utc,
                "p10_mw": outlook.p10_mw,
                "p50_mw": outlook.p50_mw,
                "p90_mw": outlook.p90_mw,
                "actual_mw": actual,
            }
        )

    def figure_frame(self) -> pd.DataFrame:
        """The table as ``plots.forecast_figure`` draws a forecast."""
        return self.table.rename(columns={"p50_mw": "forecast_mw"})

    def title(self) -> str:
        year = self.issued.year
        peak = self.issued.outlook.peak_poe_mw
        heading = (
            f"December {year} outlook issued 30 Nov: peak POE50 {peak[50]:.0f} MW, "
            f"POE10 {peak[10]:.0f} MW"
        )
        if self.scores is None:
            return f"{heading}; no December in the data yet"
        return (
            f"{heading}; {self.days_observed} days seen: MAPE {self.scores.p50_mape:.2f} %, "
            f"{self.scores.band_coverage:.0f} % in band"
        )

    def summary(self) -> dict:
        """Figures for the asset's value and metadata (POEs, and the scores to date)."""
        outlook = self.issued.outlook
        summary: dict = {
            "year": self.issued.year,
            "issued_at": self.issued.issued_at.isoformat(),
            "days_observed": self.days_observed,
            **{f"peak_poe{poe}_mw": value for poe, value in outlook.peak_poe_mw.items()},
            **{f"energy_poe{poe}_gwh": value for poe, value in outlook.energy_poe_gwh.items()},
        }
        if self.scores is not None:
            summary |= {
                "p50_mape_percent": self.scores.p50_mape,
                "band_coverage_percent": self.scores.band_coverage,
                "band_mean_width_mw": self.scores.band_width_mw,
                "pinball_loss_mw": self.scores.pinball_mw,
                "crps_mw": self.scores.crps_mw,
                "days_above_poe10": self.scores.days_above_poe10,
                "days_above_poe50": self.scores.days_above_poe50,
                "actual_peak_mw": self.actual_peak_mw,
            }
        return summary

    def mlflow_metrics(self) -> dict[str, float]:
        """The POEs as issued; the final scores once December is complete."""
        outlook = self.issued.outlook
        metrics = {
            **{f"outlook_peak_poe{poe}_mw": value for poe, value in outlook.peak_poe_mw.items()},
            **{
                f"outlook_energy_poe{poe}_gwh": value
                for poe, value in outlook.energy_poe_gwh.items()
            },
        }
        if self.complete and self.scores is not None:
            peak = self.actual_peak_mw
            metrics |= {
                "outlook_mape": self.scores.p50_mape,
                "outlook_pinball_mw": self.scores.pinball_mw,
                "outlook_crps_mw": self.scores.crps_mw,
                "outlook_band_coverage": self.scores.band_coverage,
                "outlook_peak_poe10_exceeded": float(peak > outlook.peak_poe_mw[10]),
                "outlook_peak_poe50_exceeded": float(peak > outlook.peak_poe_mw[50]),
            }
        return metrics


def december_outcome(issued: IssuedOutlook, year_rows: pd.DataFrame) -> DecemberOutcome:
    """The outlook scored on the December in ``year_rows`` (the year's clean rows, ending at
    the end of a Melbourne day), suspect readings left out."""
    december = year_rows.loc[(year_rows["time_utc"] >= issued.issued_at).to_numpy()]
    actual = december["demand_mw"].to_numpy(float)
    observed = december["time_utc"].reset_index(drop=True)
    if not observed.equals(issued.time_utc.iloc[: len(observed)].reset_index(drop=True)):
        raise ValueError(f"December {issued.year}'s rows are not its first half-hours in order")
    scored = ~is_suspect(december) if SUSPECT_COLUMN in december else np.ones(len(actual), bool)
    scores = (
        score_to_date(issued.outlook, issued.ensemble, actual, scored) if scored.any() else None
    )
    return DecemberOutcome(issued, actual, scored, scores)
