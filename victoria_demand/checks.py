"""Every asset check, per year: data quality, model quality, champion consistency."""

import numpy as np
import pandas as pd
from dagster import AssetCheckResult, AssetCheckSeverity, asset_check

from victoria_demand.assets.ingest import clean_demand
from victoria_demand.assets.serving import champion_model
from victoria_demand.assets.training import december_model
from victoria_demand.core.champion import ChampionDecision, current_champion
from victoria_demand.core.cleaning import HALF_HOUR, expected_half_hours
from victoria_demand.core.raw import DEMAND_RANGE_MW, TEMPERATURE_RANGE_C
from victoria_demand.partitions import yearly_partitions
from victoria_demand.resources.mlflow_registry import MlflowRegistry
from victoria_demand.resources.model_quality import ModelQualityPolicy


@asset_check(
    asset=clean_demand,
    partitions_def=yearly_partitions,
    blocking=True,
    description="Every half-hour of the Melbourne year present exactly once, in order.",
)
def every_half_hour_once(clean_demand: pd.DataFrame) -> AssetCheckResult:
    year = int(clean_demand["year"].iloc[0])
    expected = expected_half_hours(year)
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


@asset_check(
    asset=clean_demand,
    partitions_def=yearly_partitions,
    blocking=True,
    description="No missing value in any column.",
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


@asset_check(
    asset=clean_demand,
    partitions_def=yearly_partitions,
    blocking=True,
    description="Demand and temperature within physical ranges for Victoria.",
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


@asset_check(
    asset=december_model,
    partitions_def=yearly_partitions,
    blocking=True,
    description="December RMSE under the configured ceiling (ModelQualityPolicy).",
)
def rmse_under_ceiling(december_model: dict, model_quality: ModelQualityPolicy) -> AssetCheckResult:
    rmse = december_model["metrics"]["december_rmse"]
    return AssetCheckResult(
        passed=bool(rmse <= model_quality.rmse_ceiling_mw),
        severity=AssetCheckSeverity.ERROR,
        metadata={
            "rmse_mw": rmse,
            "ceiling_mw": model_quality.rmse_ceiling_mw,
            "model_version": december_model["version"],
        },
    )


@asset_check(
    asset=december_model,
    partitions_def=yearly_partitions,
    blocking=True,
    description="December RMSE below the seasonal-naive forecast's (last November week repeated).",
)
def beats_seasonal_naive(december_model: dict) -> AssetCheckResult:
    metrics = december_model["metrics"]
    rmse, naive = metrics["december_rmse"], metrics["seasonal_naive_december_rmse"]
    return AssetCheckResult(
        passed=bool(rmse < naive),
        severity=AssetCheckSeverity.ERROR,
        metadata={
            "rmse_mw": rmse,
            "seasonal_naive_rmse_mw": naive,
            "skill_percent": (1.0 - rmse / naive) * 100.0,
            "model_version": december_model["version"],
        },
    )


@asset_check(
    asset=champion_model,
    partitions_def=yearly_partitions,
    description=(
        "The year's winner has the lower December RMSE, MLflow records the same decision, "
        "and the 'champion' alias names the winner of the latest decided year."
    ),
)
def champion_alias_consistent(champion_model: dict, mlflow: MlflowRegistry) -> AssetCheckResult:
    decision = ChampionDecision.from_dict(champion_model)
    contenders = [c for c in (decision.challenger, decision.incumbent) if c is not None]
    lowest = min(c.december_rmse for c in contenders)
    recorded = mlflow.decisions()
    expected_alias = current_champion({y: d.winner.version for y, d in recorded.items()})
    alias = mlflow.champion_version()
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
