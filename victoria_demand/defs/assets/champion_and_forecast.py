"""Champion selection and the December forecasts served from a database."""

from collections.abc import Iterator, Mapping
from functools import cache

import pandas as pd
from dagster import (
    AssetExecutionContext,
    AssetIn,
    AssetOut,
    AssetsDefinition,
    MetadataValue,
    Nothing,
    Output,
    multi_asset,
)

from victoria_demand.core.champion import Contender, replay_champions
from victoria_demand.defs.asset_keys import (
    CHAMPION_MODEL,
    CLEAN_DEMAND,
    DECEMBER_FORECAST,
    DECEMBER_SCORE,
)
from victoria_demand.defs.automation import when_missing_or_stale
from victoria_demand.defs.partitions import YearPartitions, years_up_to
from victoria_demand.resources.forecast_database import ForecastDatabase
from victoria_demand.resources.forecast_store import FORECAST_TABLE, forecast_rows
from victoria_demand.resources.mlflow_registry import MlflowRegistry

CHAMPION_POOL = "champion_promotion"
CODE_VERSION = "2"  # 2: the forecasts see late November and carry the 80% band


def champion_and_forecast(
    context: AssetExecutionContext,
    december_scores: Mapping[str, dict],
    clean_years: Mapping[str, pd.DataFrame],
    mlflow_registry: MlflowRegistry,
    forecast_database: ForecastDatabase,
) -> Iterator[Output]:
    """The year's champion (``champion_model``), then its December forecast
    (``december_forecast``), in one step: see ``serving_assets``."""
    # the training module (and scikit-learn with it) is imported when a step runs, not by
    # every process that loads the definitions
    from victoria_demand.core.training import december_band, december_errors
    from victoria_demand.core.training import december_forecast as forecast_december

    year = int(context.partition_key)
    load_version = cache(mlflow_registry.load_version)  # a version is scored on several Decembers

    @cache
    def forecast_of(version: str, december_year: int) -> pd.DataFrame:
        return forecast_december(load_version(version), clean_years[str(december_year)])

    def december_rmse(version: str, december_year: int) -> float:
        return december_errors(forecast_of(version, december_year)).rmse

    decision = replay_champions(
        (
            Contender(
                version=score["version"],
                trained_for_year=int(score_year),
                december_rmse=score["metrics"]["december_rmse"],
            )
            for score_year, score in december_scores.items()
        ),
        december_rmse,
    )[-1]
    challenger, incumbent, winner = decision.challenger, decision.incumbent, decision.winner
    alias_version = mlflow_registry.record_decision(decision)
    context.log.info(
        f"December {year}: version {winner.version} wins"
        f" ({'challenger' if decision.challenger_won else 'incumbent'});"
        f" alias {mlflow_registry.champion_alias!r} -> version {alias_version}"
    )
    yield Output(
        decision.as_dict(),
        output_name=CHAMPION_MODEL.to_user_string(),
        metadata={
            "winner_version": winner.version,
            "winner": "challenger" if decision.challenger_won else "incumbent",
            "challenger_version": challenger.version,
            "challenger_rmse_mw": challenger.december_rmse,
            "incumbent_version": incumbent.version if incumbent else "none",
            "incumbent_rmse_mw": incumbent.december_rmse if incumbent else float("nan"),
            "champion_alias_version": alias_version,
            "mlflow_model_version": MetadataValue.url(mlflow_registry.version_url(winner.version)),
        },
    )

    forecast = forecast_of(winner.version, year)
    rows = forecast_rows(
        year,
        forecast,
        model_name=mlflow_registry.registered_model_name,
        model_version=winner.version,
        mlflow_run_id=mlflow_registry.run_id_of(winner.version),
        dagster_run_id=context.run.run_id,
    )
    written = forecast_database.replace_year(year, rows)
    errors, band = december_errors(forecast), december_band(forecast)
    yield Output(
        None,
        output_name=DECEMBER_FORECAST.to_user_string(),
        metadata={
            "rows": written,
            "table": FORECAST_TABLE,
            "database": forecast_database.display_url(),
            "model_version": winner.version,
            "rmse_mw": errors.rmse,
            "mape_percent": errors.mape,
            "band_coverage_percent": band.coverage,
            "band_mean_width_mw": band.mean_width_mw,
        },
    )


def serving_assets(partitions: YearPartitions) -> list[AssetsDefinition]:
    """``champion_model`` and ``december_forecast``, made by one step that always makes both.

    Apart, a backfill ran each in runs of its own: Dagster's backfill daemon puts a child in
    its parent's run only when it requests the same partitions of both in the same visit,
    and the champions of a "Materialize all" become ready one year at a time, as each
    year's model finishes, so every forecast waited for a visit and a run of its own (nine
    runs instead of six). The forecast is the champion's own December forecast, already
    computed to score it, so the step writes it rather than loading the model again.
    """
    through_year = years_up_to(partitions)
    return [
        multi_asset(
            name="champion_and_forecast",
            group_name="serving",
            partitions_def=partitions.december,
            ins={
                "december_scores": AssetIn(DECEMBER_SCORE, partition_mapping=through_year),
                "clean_years": AssetIn(CLEAN_DEMAND, partition_mapping=through_year),
            },
            outs={
                CHAMPION_MODEL.to_user_string(): AssetOut(
                    kinds={"mlflow"},
                    code_version=CODE_VERSION,
                    automation_condition=when_missing_or_stale(),
                    description=(
                        "The champion after this year: each year's model challenges the "
                        "champion after the year before on that December, from the first year "
                        "on; the lower RMSE wins and a tie keeps the incumbent. Moves the "
                        "MLflow alias 'champion' to the winner of the latest decided year."
                    ),
                ),
                DECEMBER_FORECAST.to_user_string(): AssetOut(
                    dagster_type=Nothing,
                    kinds={"sql"},
                    code_version=CODE_VERSION,
                    automation_condition=when_missing_or_stale(),
                    description=(
                        f"The year's champion's half-hourly forecast of December beside the "
                        f"actual demand, in the table {FORECAST_TABLE!r}; a year is replaced "
                        "in one transaction."
                    ),
                ),
            },
            internal_asset_deps={
                CHAMPION_MODEL.to_user_string(): {DECEMBER_SCORE, CLEAN_DEMAND},
                DECEMBER_FORECAST.to_user_string(): {CHAMPION_MODEL, CLEAN_DEMAND},
            },
            pool=CHAMPION_POOL,
        )(champion_and_forecast),
    ]
