"""Every asset check, per year: data quality, model quality, champion consistency.

Checks are plain functions here, each taking the asset's value and the resources it names;
:func:`asset_checks` binds them to the years' partitions, one step per asset.
"""

import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetChecksDefinition,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetIn,
    AssetKey,
    MetadataValue,
    PartitionsDefinition,
    multi_asset_check,
)

from victoria_demand.core.calendar import DECEMBER, HALF_HOUR
from victoria_demand.core.champion import ChampionDecision, current_champion
from victoria_demand.core.raw import DEMAND_RANGE_MW, TEMPERATURE_RANGE_C
from victoria_demand.core.suspect_readings import is_suspect, suspect_stretches
from victoria_demand.core.years import covered_through, expected_half_hours
from victoria_demand.defs.asset_keys import (
    CHAMPION_MODEL,
    CLEAN_DEMAND,
    DECEMBER_OUTLOOK,
    DECEMBER_SCORE,
)
from victoria_demand.defs.assets.champion_and_forecast import CHAMPION_POOL
from victoria_demand.defs.partitions import YearPartitions
from victoria_demand.resources.mlflow_registry import MlflowRegistry
from victoria_demand.resources.model_quality import ModelQualityPolicy

BAND_COVERAGE_RANGE = (70.0, 90.0)  # percent, around the nominal 80
# suspect readings beyond which a year is not learned from: of its half-hours, of December's
SUSPECT_SHARE_LIMIT_PERCENT, SUSPECT_DECEMBER_LIMIT_HALF_HOURS = 2.0, 48
# the outlook's band warns below this coverage, once it has been seen for this many days
OUTLOOK_COVERAGE_FLOOR, OUTLOOK_DAYS_BEFORE_JUDGING = 60.0, 7


def every_half_hour_once(clean_demand: pd.DataFrame) -> AssetCheckResult:
    year = int(clean_demand["year"].iloc[0])
    # a trailing partial year is judged through the day its data ends with
    _, last_day = covered_through(
        clean_demand["time_utc"].iloc[0], clean_demand["time_utc"].iloc[-1] + HALF_HOUR
    )
    expected = expected_half_hours(year, last_day)
    steps = clean_demand["time_utc"].diff().dropna()
    irregular = int((steps != HALF_HOUR).sum())
    duplicates = int(clean_demand["time_utc"].duplicated().sum())
    return AssetCheckResult(
        passed=len(clean_demand) == expected and irregular == 0 and duplicates == 0,
        severity=AssetCheckSeverity.ERROR,
        metadata={
            "rows": len(clean_demand),
            "expected_rows": expected,
            "irregular_steps": irregular,
            "duplicate_instants": duplicates,
        },
    )


def no_nulls(clean_demand: pd.DataFrame) -> AssetCheckResult:
    nulls = clean_demand.isna().sum()
    return AssetCheckResult(
        passed=int(nulls.sum()) == 0,
        severity=AssetCheckSeverity.ERROR,
        metadata={
            "null_cells": int(nulls.sum()),
            **{f"nulls_{k}": int(v) for k, v in nulls.items() if v},
        },
    )


def physical_ranges(clean_demand: pd.DataFrame) -> AssetCheckResult:
    demand, temperature = clean_demand["demand_mw"], clean_demand["temperature_c"]
    outside_demand = int((~demand.between(*DEMAND_RANGE_MW)).sum())
    outside_temperature = int((~temperature.between(*TEMPERATURE_RANGE_C)).sum())
    return AssetCheckResult(
        passed=outside_demand == 0 and outside_temperature == 0,
        severity=AssetCheckSeverity.ERROR,
        metadata={
            "demand_range_mw": f"{demand.min():.1f} .. {demand.max():.1f}",
            "demand_bounds_mw": f"{DEMAND_RANGE_MW[0]} .. {DEMAND_RANGE_MW[1]}",
            "temperature_range_c": f"{temperature.min():.1f} .. {temperature.max():.1f}",
            "temperature_bounds_c": f"{TEMPERATURE_RANGE_C[0]} .. {TEMPERATURE_RANGE_C[1]}",
            "rows_outside": outside_demand + outside_temperature,
        },
    )


def _suspect_summary(clean_demand: pd.DataFrame) -> dict:
    suspect = is_suspect(clean_demand)
    in_december = clean_demand["month"].to_numpy() == DECEMBER
    stretches = suspect_stretches(clean_demand)
    return {
        "suspect_half_hours": int(suspect.sum()),
        "suspect_percent": round(float(suspect.mean() * 100), 3),
        "suspect_december_half_hours": int((suspect & in_december).sum()),
        "stretches": len(stretches),
        # each stretch's first instant in UTC, as the source's errors write it, and length
        "suspect_stretches": MetadataValue.md(
            "\n".join(f"- {stretch.describe()}" for stretch in stretches) or "none"
        ),
    }


def suspect_readings(clean_demand: pd.DataFrame) -> AssetCheckResult:
    summary = _suspect_summary(clean_demand)
    return AssetCheckResult(
        passed=summary["suspect_half_hours"] == 0,
        severity=AssetCheckSeverity.WARN,
        metadata=summary,
    )


def suspect_readings_within_limits(clean_demand: pd.DataFrame) -> AssetCheckResult:
    summary = _suspect_summary(clean_demand)
    return AssetCheckResult(
        passed=summary["suspect_percent"] <= SUSPECT_SHARE_LIMIT_PERCENT
        and summary["suspect_december_half_hours"] <= SUSPECT_DECEMBER_LIMIT_HALF_HOURS,
        severity=AssetCheckSeverity.ERROR,
        metadata={
            **summary,
            "limit_percent": SUSPECT_SHARE_LIMIT_PERCENT,
            "limit_december_half_hours": SUSPECT_DECEMBER_LIMIT_HALF_HOURS,
        },
    )


def rmse_under_ceiling(december_score: dict, model_quality: ModelQualityPolicy) -> AssetCheckResult:
    rmse = december_score["metrics"]["december_rmse"]
    return AssetCheckResult(
        passed=bool(rmse <= model_quality.rmse_ceiling_mw),
        severity=AssetCheckSeverity.ERROR,
        metadata={
            "rmse_mw": rmse,
            "ceiling_mw": model_quality.rmse_ceiling_mw,
            "model_version": december_score["version"],
        },
    )


def beats_seasonal_naive(december_score: dict) -> AssetCheckResult:
    metrics = december_score["metrics"]
    rmse, naive = metrics["december_rmse"], metrics["seasonal_naive_december_rmse"]
    return AssetCheckResult(
        passed=bool(rmse < naive),
        severity=AssetCheckSeverity.ERROR,
        metadata={
            "rmse_mw": rmse,
            "seasonal_naive_rmse_mw": naive,
            "skill_percent": (1.0 - rmse / naive) * 100.0,
            "model_version": december_score["version"],
        },
    )


def band_coverage(december_score: dict) -> AssetCheckResult:
    coverage = december_score["metrics"]["december_band_coverage"]
    low, high = BAND_COVERAGE_RANGE
    return AssetCheckResult(
        passed=bool(low <= coverage <= high),
        severity=AssetCheckSeverity.WARN,
        metadata={
            "coverage_percent": coverage,
            "expected_percent": f"{low:g} .. {high:g} (nominal 80)",
            "mean_width_mw": december_score["metrics"]["december_band_mean_width_mw"],
            "model_version": december_score["version"],
        },
    )


def outlook_scored_to_date(december_outlook: dict) -> AssetCheckResult:
    days = december_outlook["days_observed"]
    scored = {
        name: december_outlook[name]
        for name in (
            "p50_mape_percent",
            "band_coverage_percent",
            "pinball_loss_mw",
            "crps_mw",
            "days_above_poe10",
            "actual_peak_mw",
        )
        if name in december_outlook
    }
    judged = days >= OUTLOOK_DAYS_BEFORE_JUDGING
    return AssetCheckResult(
        passed=not judged or scored["band_coverage_percent"] >= OUTLOOK_COVERAGE_FLOOR,
        severity=AssetCheckSeverity.WARN,
        metadata={
            "days_observed": days,
            "issued_at": december_outlook["issued_at"],
            "peak_poe50_mw": december_outlook["peak_poe50_mw"],
            "peak_poe10_mw": december_outlook["peak_poe10_mw"],
            **scored,
            "coverage_floor_percent": OUTLOOK_COVERAGE_FLOOR,
            "judged": judged,
        },
    )


def champion_alias_consistent(
    champion_model: dict, mlflow_registry: MlflowRegistry
) -> AssetCheckResult:
    return champion_consistency(
        ChampionDecision.from_dict(champion_model),
        mlflow_registry.decisions(),
        mlflow_registry.champion_version(),
    )


def champion_consistency(
    decision: ChampionDecision, recorded: dict[int, ChampionDecision], alias: str | None
) -> AssetCheckResult:
    """The year's winner has the lowest RMSE, MLflow records this decision, and the alias
    names the winner of the latest decided year."""
    contenders = [c for c in (decision.challenger, decision.incumbent) if c is not None]
    lowest = min(c.december_rmse for c in contenders)
    expected_alias = current_champion({y: d.winner.version for y, d in recorded.items()})
    winner_has_lowest = bool(np.isclose(decision.winner.december_rmse, lowest))
    recorded_same = recorded.get(decision.year) == decision
    return AssetCheckResult(
        passed=winner_has_lowest and recorded_same and alias == expected_alias,
        metadata={
            "winner_version": decision.winner.version,
            "winner_rmse_mw": decision.winner.december_rmse,
            "lowest_rmse_mw": lowest,
            "recorded_in_mlflow": recorded_same,
            "alias_version": alias or "unset",
            "latest_decided_year": max(recorded) if recorded else 0,
        },
    )


@dataclass(frozen=True)
class DeclaredCheck:
    """A check function, what the UI says of it, and whether a failure stops the run."""

    evaluate: Callable[..., AssetCheckResult]
    description: str
    blocking: bool = True

    @property
    def resource_keys(self) -> list[str]:
        """The resources it takes by name, after the asset's value."""
        return list(inspect.signature(self.evaluate).parameters)[1:]


def checks_of(
    asset: AssetKey,
    value_type: type,
    years: PartitionsDefinition,
    checks: list[DeclaredCheck],
    pool: str | None = None,
) -> AssetChecksDefinition:
    """The checks of one asset as one step: each its own check in Dagster (its result,
    history and blocking), evaluated on one load of the asset's value. A step per check
    cost a year's run 30 ms each in step events and input loads; a check executed alone
    from the UI still runs alone. ``pool``: a concurrency pool the step waits for."""
    specs = [
        AssetCheckSpec(
            check.evaluate.__name__,
            asset=asset,
            partitions_def=years,
            blocking=check.blocking,
            description=check.description,
        )
        for check in checks
    ]

    def evaluate_checks(context: AssetCheckExecutionContext, value) -> Iterator[AssetCheckResult]:
        for check, spec in zip(checks, specs, strict=True):
            if spec.key in context.selected_asset_check_keys:
                resources = {key: getattr(context.resources, key) for key in check.resource_keys}
                result = check.evaluate(value, **resources)
                yield result._replace(asset_key=spec.asset_key, check_name=spec.name)

    # the IO manager reads a stored value by the type its reader declares: a table, or the
    # JSON record of an asset that returns a dict
    evaluate_checks.__annotations__["value"] = value_type
    return multi_asset_check(
        name=f"{asset.to_user_string()}_checks",
        specs=specs,
        can_subset=True,
        ins={"value": AssetIn(asset)},
        required_resource_keys={key for check in checks for key in check.resource_keys},
        pool=pool,
    )(evaluate_checks)


def asset_checks(partitions: YearPartitions) -> list[AssetChecksDefinition]:
    clean, december = partitions.clean, partitions.december
    return [
        checks_of(
            CLEAN_DEMAND,
            pd.DataFrame,
            clean,
            [
                DeclaredCheck(
                    every_half_hour_once,
                    "Every half-hour of the Melbourne year (through its last day) present "
                    "exactly once, in order.",
                ),
                DeclaredCheck(no_nulls, "No missing value in any column."),
                DeclaredCheck(
                    physical_ranges, "Demand and temperature within physical ranges for Victoria."
                ),
                DeclaredCheck(
                    suspect_readings,
                    "No suspect readings: demand repeating one value for 2 hours or more, "
                    "temperature for 12 hours or more, or a half-hour of demand 20% off both "
                    "its neighbours. Any are left out of fitting and scoring, kept in the "
                    "rows, and listed here (warning).",
                    blocking=False,
                ),
                DeclaredCheck(
                    suspect_readings_within_limits,
                    f"At most {SUSPECT_SHARE_LIMIT_PERCENT:g}% of the year's half-hours, and "
                    "at most one day of its December, are suspect readings; beyond that the "
                    "year is not learned from (blocking).",
                ),
            ],
        ),
        checks_of(
            DECEMBER_SCORE,
            dict,
            december,
            [
                DeclaredCheck(
                    rmse_under_ceiling,
                    "December RMSE under the configured ceiling (ModelQualityPolicy).",
                ),
                DeclaredCheck(
                    beats_seasonal_naive,
                    "December RMSE below the seasonal-naive forecast's (last November week "
                    "repeated).",
                ),
                DeclaredCheck(
                    band_coverage,
                    "Share of December's actual half-hours inside the 80% band (P10-P90) "
                    "between 70% and 90%: a band that holds far fewer or far more is "
                    "miscalibrated (warning).",
                    blocking=False,
                ),
            ],
        ),
        checks_of(
            DECEMBER_OUTLOOK,
            dict,
            partitions.outlook,
            [
                DeclaredCheck(
                    outlook_scored_to_date,
                    "The outlook against the December seen so far: days observed, P50 MAPE, "
                    "share of half-hours inside the 80% band, pinball loss, days whose peak "
                    f"exceeded their POE10. Warns when the band holds under "
                    f"{OUTLOOK_COVERAGE_FLOOR:g}% after {OUTLOOK_DAYS_BEFORE_JUDGING} days or "
                    "more.",
                    blocking=False,
                ),
            ],
        ),
        checks_of(
            CHAMPION_MODEL,
            dict,
            december,
            [
                DeclaredCheck(
                    champion_alias_consistent,
                    "The year's winner has the lower December RMSE, MLflow records the same "
                    "decision, and the 'champion' alias names the winner of the latest decided "
                    "year.",
                    blocking=False,
                ),
            ],
            # read while no other year's decision is half-recorded (its tags, then the alias)
            pool=CHAMPION_POOL,
        ),
    ]
