"""Champion selection and the December forecasts served from a database."""

from collections.abc import Mapping
from functools import cache

import pandas as pd
from dagster import (
    AssetExecutionContext,
    AssetIn,
    AssetsDefinition,
    MaterializeResult,
    MetadataValue,
    Output,
    asset,
)

from victoria_demand.automation import when_missing_or_stale
from victoria_demand.core.champion import ChampionDecision, Contender, replay_champions
from victoria_demand.core.forecast_store import FORECAST_TABLE, forecast_rows
from victoria_demand.core.metrics import band_errors, forecast_errors
from victoria_demand.partitions import YearPartitions, years_up_to
from victoria_demand.resources.forecast_database import ForecastDatabase
from victoria_demand.resources.mlflow_registry import MlflowRegistry

CHAMPION_POOL = "champion_promotion"
CODE_VERSION = "2"  # 2: the forecasts see late November and carry the 80% band


def champion_model(
    context: AssetExecutionContext,
    december_models: Mapping[str, dict],
    clean_years: Mapping[str, pd.DataFrame],
    mlflow: MlflowRegistry,
) -> Output[dict]:
    # the training module (and scikit-learn with it) is imported when a step runs, not by
    # every process that loads the definitions
    from victoria_demand.core.training import december_forecast as forecast_december

    year = int(context.partition_key)
    load_version = cache(mlflow.load_version)  # a version is scored on several Decembers

    def december_rmse(version: str, december_year: int) -> float:
        forecast = forecast_december(load_version(version), clean_years[str(december_year)])
        return forecast_errors(forecast["actual_mw"], forecast["forecast_mw"]).rmse

    decision = replay_champions(
        (
            Contender(
                version=model["version"],
                trained_for_year=int(model_year),
                december_rmse=model["metrics"]["december_rmse"],
            )
            for model_year, model in december_models.items()
        ),
        december_rmse,
    )[-1]
    challenger, incumbent = decision.challenger, decision.incumbent
    alias_version = mlflow.record_decision(decision)
    context.log.info(
        f"December {year}: version {decision.winner.version} wins"
        f" ({'challenger' if decision.challenger_won else 'incumbent'});"
        f" alias {mlflow.champion_alias!r} -> version {alias_version}"
    )
    return Output(
        decision.as_dict(),
        metadata={
            "winner_version": decision.winner.version,
            "winner": "challenger" if decision.challenger_won else "incumbent",
            "challenger_version": challenger.version,
            "challenger_rmse_mw": challenger.december_rmse,
            "incumbent_version": incumbent.version if incumbent else "none",
            "incumbent_rmse_mw": incumbent.december_rmse if incumbent else float("nan"),
            "champion_alias_version": alias_version,
            "mlflow_model_version": MetadataValue.url(mlflow.version_url(decision.winner.version)),
        },
    )


def december_forecast(
    context: AssetExecutionContext,
    champion_model: dict,
    clean_demand: pd.DataFrame,
    mlflow: MlflowRegistry,
    forecast_database: ForecastDatabase,
) -> MaterializeResult:
    from victoria_demand.core.training import december_forecast as forecast_december

    year = int(context.partition_key)
    winner = ChampionDecision.from_dict(champion_model).winner
    forecast = forecast_december(mlflow.load_version(winner.version), clean_demand)
    rows = forecast_rows(
        year,
        forecast,
        model_name=mlflow.registered_model_name,
        model_version=winner.version,
        mlflow_run_id=mlflow.run_id_of(winner.version),
        dagster_run_id=context.run.run_id,
    )
    written = forecast_database.replace_year(year, rows)
    errors = forecast_errors(forecast["actual_mw"], forecast["forecast_mw"])
    band = band_errors(
        forecast["actual_mw"], forecast["p10_mw"], forecast["forecast_mw"], forecast["p90_mw"]
    )
    return MaterializeResult(
        metadata={
            "rows": written,
            "table": FORECAST_TABLE,
            "database": forecast_database.display_url(),
            "model_version": winner.version,
            "rmse_mw": errors.rmse,
            "mape_percent": errors.mape,
            "band_coverage_percent": band.coverage,
            "band_mean_width_mw": band.mean_width_mw,
        }
    )


def serving_assets(partitions: YearPartitions) -> list[AssetsDefinition]:
    through_year = years_up_to(partitions)
    return [
        asset(
            name="champion_model",
            group_name="serving",
            kinds={"mlflow"},
            partitions_def=partitions.december,
            ins={
                "december_models": AssetIn("december_model", partition_mapping=through_year),
                "clean_years": AssetIn("clean_demand", partition_mapping=through_year),
            },
            pool=CHAMPION_POOL,
            code_version=CODE_VERSION,
            automation_condition=when_missing_or_stale(),
            description=(
                "The champion after this year: each year's model challenges the champion "
                "after the year before on that December, from the first year on; the lower "
                "RMSE wins and a tie keeps the incumbent. Moves the MLflow alias 'champion' "
                "to the winner of the latest decided year."
            ),
        )(champion_model),
        asset(
            name="december_forecast",
            group_name="serving",
            kinds={"sql"},
            partitions_def=partitions.december,
            code_version=CODE_VERSION,
            automation_condition=when_missing_or_stale(),
            description=(
                f"The year's champion's half-hourly forecast of December beside the actual "
                f"demand, in the table {FORECAST_TABLE!r}; a year is replaced in one "
                "transaction."
            ),
        )(december_forecast),
    ]
