"""80% prediction intervals and the December peak, from out-of-sample residuals.

The method, split conformal by group: the model is refit on the months before each month
from March to November and forecasts that month with the same month-ahead horizon as
December (``calibration_residuals`` in training). The 10% and 90% quantiles of those
residuals (actual minus forecast), taken separately for each day type and four-hour block
(errors are larger on warm afternoons than at night), are added to the point forecast: P50
stays the linear regression's, P10 and P90 are P50 plus the group's quantiles.

The peak: December's maximum depends on errors that hang together within a day, so it is
simulated by drawing whole days of calibration residuals (of the same day type, from
September-November, whose models had seen both seasons) onto each December day; the
peak's 50% and 10% probability-of-exceedance levels are the median and the 90th percentile
of the simulated maxima, as the market operator quotes demand.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from victoria_demand.core.calendar import HALF_HOURS_PER_DAY
from victoria_demand.core.model_format import OutdatedModelError

LOWER_QUANTILE, UPPER_QUANTILE = 0.1, 0.9
BLOCKS_PER_DAY = 6
DAY_TYPES = ("workday", "day_off")
_DAY_TYPES_RECORDED = {False: "working_days", True: "days_off"}  # as MLflow runs hold them
RESIDUAL_DAYS_VERSION = 2  # 2: each day recorded with its highest temperature
PEAK_SIMULATIONS = 2000
RANDOM_STATE = 0
# Months forecast one at a time from the months before them, at December's month-ahead
# horizon. The band: March-November (80% bands held 79-87% of 2012-2014's Decembers;
# September-November alone, 66-74%). The peak draws whole days from September-November only: models
# fit on a few months blow up on some winter days, which quantiles shrug off and maxima do not.
CALIBRATION_MONTHS = (3, 4, 5, 6, 7, 8, 9, 10, 11)
PEAK_CALIBRATION_MONTHS = (9, 10, 11)


@dataclass(frozen=True)
class ResidualQuantiles:
    """The P10 and P90 offsets (MW, added to the point forecast) per day type and block."""

    p10: tuple[tuple[float, ...], tuple[float, ...]]  # [workday, day_off][block]
    p90: tuple[tuple[float, ...], tuple[float, ...]]

    def as_dict(self) -> dict:
        return {"p10": [list(row) for row in self.p10], "p90": [list(row) for row in self.p90]}

    @classmethod
    def from_dict(cls, recorded: dict) -> ResidualQuantiles:
        def rows(values) -> tuple[tuple[float, ...], tuple[float, ...]]:
            workday, day_off = (tuple(float(v) for v in row) for row in values)
            return workday, day_off

        return cls(p10=rows(recorded["p10"]), p90=rows(recorded["p90"]))

    def offsets(self, day_off: np.ndarray, block: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The P10 and P90 offsets of each instant, from its day type and block."""
        day_type = np.asarray(day_off, dtype=bool).astype(int)
        block = np.asarray(block, dtype=int)
        return np.asarray(self.p10)[day_type, block], np.asarray(self.p90)[day_type, block]


def residual_quantiles(residuals: pd.DataFrame) -> ResidualQuantiles:
    """Quantiles of ``residual`` (actual - forecast) per ``day_off`` and ``block``."""
    grouped = residuals.groupby([residuals["day_off"].astype(bool), "block"])["residual"]
    low = grouped.quantile(LOWER_QUANTILE)
    high = grouped.quantile(UPPER_QUANTILE)
    # a group the calibration window lacks (a short partial source) falls back to all groups
    overall_low = residuals["residual"].quantile(LOWER_QUANTILE)
    overall_high = residuals["residual"].quantile(UPPER_QUANTILE)

    def table(by_group: pd.Series, fallback: float):
        workday, day_off = (
            tuple(float(by_group.get((off, b), fallback)) for b in range(BLOCKS_PER_DAY))
            for off in (False, True)
        )
        return workday, day_off

    return ResidualQuantiles(p10=table(low, overall_low), p90=table(high, overall_high))


@dataclass(frozen=True)
class PeakForecast:
    point_mw: float  # the point forecast's maximum
    poe50_mw: float  # exceeded with 50% probability
    poe10_mw: float  # exceeded with 10% probability

    def as_dict(self, prefix: str = "") -> dict[str, float]:
        return {
            f"{prefix}point_mw": self.point_mw,
            f"{prefix}poe50_mw": self.poe50_mw,
            f"{prefix}poe10_mw": self.poe10_mw,
        }


@dataclass(frozen=True)
class ResidualDays:
    """Whole days of calibration residuals (actual - forecast, MW; one row of 48 half-hours
    per day) by whether a day off, with the highest temperature of each of those days: the
    weather the model erred in, which the outlook draws by (``outlook.py``)."""

    residuals: dict[bool, np.ndarray]  # {day_off: (days, 48)}
    max_temperature_c: dict[bool, np.ndarray]  # {day_off: (days,)}

    def as_dict(self) -> dict:
        recorded: dict = {}
        for off, name in _DAY_TYPES_RECORDED.items():
            if off in self.residuals:
                recorded[name] = self.residuals[off].tolist()
                recorded[f"{name}_max_temperature_c"] = self.max_temperature_c[off].tolist()
        return recorded

    @classmethod
    def from_dict(cls, recorded: dict, label: str) -> ResidualDays:
        kinds = {off: name for off, name in _DAY_TYPES_RECORDED.items() if name in recorded}
        if any(f"{name}_max_temperature_c" not in recorded for name in kinds.values()):
            raise OutdatedModelError(
                f"{label}: its residual days were logged by an earlier release, without each "
                "day's highest temperature: materialize every December year again, from the "
                "first (`python -m victoria_demand run --force`)"
            )
        return cls(
            residuals={off: np.asarray(recorded[name], dtype=float) for off, name in kinds.items()},
            max_temperature_c={
                off: np.asarray(recorded[f"{name}_max_temperature_c"], dtype=float)
                for off, name in kinds.items()
            },
        )

    def of_type(self, day_off: bool) -> tuple[np.ndarray, np.ndarray]:
        """The days of one type, residuals and highest temperatures (the other type's where
        the calibration window had none, as in a short partial source)."""
        kind = day_off if day_off in self.residuals else not day_off
        return self.residuals[kind], self.max_temperature_c[kind]


def residual_days(residuals: pd.DataFrame) -> ResidualDays:
    """The whole days of ``residuals`` (``date``, ``half_hour``, ``day_off``, ``residual``,
    ``temperature_c``); days of a daylight-saving change (46 or 50 half-hours) are left
    out."""
    days: dict[bool, list[np.ndarray]] = {False: [], True: []}
    hottest: dict[bool, list[float]] = {False: [], True: []}
    for _, day in residuals.groupby("date", sort=True):
        if len(day) == HALF_HOURS_PER_DAY and day["half_hour"].is_unique:
            ordered = day.sort_values("half_hour")
            off = bool(day["day_off"].iloc[0])
            days[off].append(ordered["residual"].to_numpy(float))
            hottest[off].append(float(day["temperature_c"].max()))
    return ResidualDays(
        residuals={off: np.vstack(rows) for off, rows in days.items() if rows},
        max_temperature_c={off: np.asarray(t) for off, t in hottest.items() if t},
    )


def add_residual_days(
    members: np.ndarray,
    day_off_by_day: np.ndarray,
    days: ResidualDays,
    rng: np.random.Generator,
) -> None:
    """Add to every day of every member, (members, days, 48) MW, a whole calibration day of
    residuals of the same day type, in place."""
    for off in (False, True):
        pool, _ = days.of_type(off)
        which = np.flatnonzero(np.asarray(day_off_by_day, dtype=bool) == off)
        if len(which) == 0:
            continue
        draws = rng.integers(0, len(pool), size=(len(members), len(which)))
        members[:, which, :] += pool[draws]


def peak_forecast(
    forecast_by_day: np.ndarray,
    day_off_by_day: np.ndarray,
    days: ResidualDays,
    simulations: int = PEAK_SIMULATIONS,
    random_state: int = RANDOM_STATE,
) -> PeakForecast:
    """The month's peak: ``forecast_by_day`` is (days, 48) MW; each simulation adds one
    calibration day of residuals of the same day type to each day."""
    rng = np.random.default_rng(random_state)
    simulated = np.repeat(forecast_by_day[None, :, :], simulations, axis=0)
    add_residual_days(simulated, day_off_by_day, days, rng)
    peaks = simulated.max(axis=(1, 2))
    return PeakForecast(
        point_mw=float(forecast_by_day.max()),
        poe50_mw=float(np.quantile(peaks, 0.5)),
        poe10_mw=float(np.quantile(peaks, 0.9)),
    )
