"""Champion selection and the December forecasts served from a database."""

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
from victoria_demand.core.champion import ChampionDecision, Contender, decide_champion
from victoria_demand.core.forecast_store import FORECAST_TABLE, forecast_rows
from victoria_demand.core.metrics import band_errors, forecast_errors
from victoria_demand.partitions import YearPartitions, previous_year
from victoria_demand.resources.forecast_database import ForecastDatabase
from victoria_demand.resources.mlflow_registry import MlflowRegistry

CHAMPION_POOL = "champion_promotion"
CODE_VERSION = "2"  # 2: the forecasts see late November and carry the 80% band


def champion_model(
    context: AssetExecutionContext,
    december_model: dict,
    previous_champion: dict | None,
    clean_demand: pd.DataFrame,
    mlflow: MlflowRegistry,
) -> Output[dict]:
    # the training module (and scikit-learn with it) is imported when a step runs, not by
    # every process that loads the definitions
    from victoria_demand.core.training import december_forecast as forecast_december

    year = int(context.partition_key)
    challenger = Contender(
        version=december_model["version"],
        trained_for_year=year,
        december_rmse=december_model["metrics"]["december_rmse"],
    )
    incumbent = None
    if previous_champion is not None:
        winner = ChampionDecision.from_dict(previous_champion).winner
        incumbent_forecast = forecast_december(mlflow.load_version(winner.version), clean_demand)
        incumbent = Contender(
            version=winner.version,
            trained_for_year=winner.trained_for_year,
            december_rmse=forecast_errors(
                incumbent_forecast["actual_mw"], incumbent_forecast["forecast_mw"]
            ).rmse,
        )
    decision = decide_champion(year, challenger, incumbent)
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
    return [
        asset(
            name="champion_model",
            group_name="serving",
            kinds={"mlflow"},
            partitions_def=partitions.december,
            ins={"previous_champion": AssetIn("champion_model", partition_mapping=previous_year)},
            pool=CHAMPION_POOL,
            code_version=CODE_VERSION,
            automation_condition=when_missing_or_stale(self_dependency="champion_model"),
            description=(
                "The champion after this year: the year's model challenges the previous "
                "year's champion on this December; the lower RMSE wins and a tie keeps the "
                "incumbent. Moves the MLflow alias 'champion' to the winner of the latest "
                "decided year."
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
