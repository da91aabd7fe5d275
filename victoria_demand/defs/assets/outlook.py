"""The December outlook, issued on 30 November from January-November alone, and scored as
December arrives (``core/outlook.py`` holds the method)."""

from collections.abc import Mapping

import pandas as pd
from dagster import (
    AssetExecutionContext,
    AssetIn,
    AssetsDefinition,
    MetadataValue,
    Output,
    asset,
)

from victoria_demand.defs.asset_keys import CLEAN_DEMAND, DECEMBER_OUTLOOK
from victoria_demand.defs.automation import when_missing_or_stale
from victoria_demand.defs.partitions import YearPartitions, years_up_to
from victoria_demand.resources.forecast_database import ForecastDatabase
from victoria_demand.resources.forecast_store import OUTLOOK_TABLE
from victoria_demand.resources.mlflow_registry import MlflowRegistry
from victoria_demand.resources.weather_forecast import WeatherForecast

CODE_VERSION = "3"  # the method's parameters (core/outlook.py) are part of this version


def december_outlook(
    context: AssetExecutionContext,
    december_model: dict,
    clean_years: Mapping[str, pd.DataFrame],
    mlflow_registry: MlflowRegistry,
    forecast_database: ForecastDatabase,
    weather_forecast: WeatherForecast,
) -> Output[dict]:
    from victoria_demand.core.outlook import METHOD, december_outcome, issue_outlook
    from victoria_demand.core.plots import forecast_figure, markdown_image, png_bytes
    from victoria_demand.resources.forecast_store import outlook_rows

    year = int(context.partition_key)
    weather = weather_forecast.scenarios_for(year)
    issued = issue_outlook(
        mlflow_registry.load_version(december_model["version"]).pipeline,
        mlflow_registry.load_residual_days(december_model["run_id"]),
        pd.concat([clean_years[key] for key in sorted(clean_years)], ignore_index=True),
        year,
        weather=weather.temperatures if weather else None,
    )
    outcome = december_outcome(issued, clean_years[str(year)])
    weather_label = f"file sha256 {weather.sha256}" if weather else METHOD
    newly_issued = forecast_database.store_outlook(
        year,
        outlook_rows(
            year,
            outcome.table,
            issued_at=issued.issued_at,
            model_name=december_model["name"],
            model_version=december_model["version"],
            weather=weather_label,
            dagster_run_id=context.run.run_id,
        ),
    )
    figure = png_bytes(forecast_figure(outcome.figure_frame(), outcome.title()))
    mlflow_registry.log_to_run(
        december_model["run_id"], outcome.mlflow_metrics(), {"plots/december_outlook.png": figure}
    )
    summary = outcome.summary()
    return Output(
        {
            **summary,
            "model_version": december_model["version"],
            "weather": weather_label,
        },
        metadata={
            **{name: value for name, value in summary.items() if not isinstance(value, dict)},
            "written": "issued" if newly_issued else "scored to date (rows kept as issued)",
            "weather": weather_label,
            "model_version": december_model["version"],
            "table": OUTLOOK_TABLE,
            "database": forecast_database.display_url(),
            "mlflow_run": MetadataValue.url(december_model["run_url"]),
            "december_outlook_plot": MetadataValue.md(
                markdown_image(figure, f"December {year} outlook and the actual demand so far")
            ),
        },
    )


def outlook_assets(partitions: YearPartitions) -> list[AssetsDefinition]:
    return [
        asset(
            name=DECEMBER_OUTLOOK.to_user_string(),
            group_name="outlook",
            kinds={"sql", "mlflow"},
            partitions_def=partitions.outlook,
            ins={
                "december_model": AssetIn(),
                # the weather history: every year up to this one (read before 1 December)
                "clean_years": AssetIn(CLEAN_DEMAND, partition_mapping=years_up_to(partitions)),
            },
            code_version=CODE_VERSION,
            automation_condition=when_missing_or_stale(),
            description=(
                "December's outlook as issued at the end of 30 November (Melbourne): the "
                "year's model driven by temperature scenarios from the history before "
                "1 December (or VICTORIA_DEMAND_WEATHER), with its own error; per half-hour "
                f"P10/P50/P90 in the table {OUTLOOK_TABLE!r}, and the peak's and energy's "
                "POE10/50/90. Scored to date as December arrives: the rows stay as issued, "
                "actual_mw fills in."
            ),
        )(december_outlook)
    ]
