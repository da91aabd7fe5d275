"""One December model per year, tracked and registered in MLflow."""

import pandas as pd
from dagster import AssetExecutionContext, AssetsDefinition, MetadataValue, Output, asset

from victoria_demand.core.feature_set import FEATURE_SET
from victoria_demand.core.model_format import MODEL_FORMAT_VERSION
from victoria_demand.defs.asset_keys import DECEMBER_MODEL
from victoria_demand.defs.automation import when_missing_or_stale
from victoria_demand.defs.partitions import YearPartitions
from victoria_demand.resources.mlflow_registry import MlflowRegistry


def december_model(
    context: AssetExecutionContext, clean_demand: pd.DataFrame, mlflow_registry: MlflowRegistry
) -> Output[dict]:
    # scikit-learn and matplotlib are loaded by the step that trains and draws, not by every
    # process that loads the definitions (the daemon, the webserver, every run, the CLI)
    from victoria_demand.core.plots import (
        forecast_figure,
        markdown_image,
        png_bytes,
        temperature_response_figure,
    )
    from victoria_demand.core.training import (
        december_request,
        fit_december_model,
        split_december,
    )

    year = int(context.partition_key)
    model = fit_december_model(clean_demand)
    errors, naive = model.errors, model.seasonal_naive_errors
    forecast_plot = png_bytes(
        forecast_figure(
            model.forecast,
            f"December {year}: forecast from January-November (RMSE {errors.rmse:.0f} MW, "
            f"MAPE {errors.mape:.2f} %)",
        )
    )
    response_plot = png_bytes(temperature_response_figure(model.pipeline, year))
    reference = mlflow_registry.log_december_model(
        year=year,
        model=model,
        input_example=december_request(split_december(clean_demand), instants=4),
        dagster_run_id=context.run.run_id,
        images={
            "plots/december_forecast.png": forecast_plot,
            "plots/temperature_response.png": response_plot,
        },
    )
    return Output(
        reference,
        metadata={
            "rmse_mw": errors.rmse,
            "mae_mw": errors.mae,
            "mape_percent": errors.mape,
            "band_coverage_percent": model.band.coverage,
            "band_mean_width_mw": model.band.mean_width_mw,
            "pinball_loss_mw": model.band.pinball_mw,
            "peak_forecast_mw": model.peak.point_mw,
            "peak_poe50_mw": model.peak.poe50_mw,
            "peak_poe10_mw": model.peak.poe10_mw,
            "peak_actual_mw": model.actual_peak_mw,
            "seasonal_naive_rmse_mw": naive.rmse,
            "seasonal_naive_mape_percent": naive.mape,
            "feature_set_version": FEATURE_SET.version,
            "model_version": reference["version"],
            "model_uri": reference["uri"],
            "mlflow_run": MetadataValue.url(reference["run_url"]),
            "december_forecast_plot": MetadataValue.md(
                markdown_image(forecast_plot, f"December {year} forecast and actual demand")
            ),
            "temperature_response_plot": MetadataValue.md(
                markdown_image(response_plot, "learned temperature response")
            ),
        },
    )


def training_assets(partitions: YearPartitions) -> list[AssetsDefinition]:
    return [
        asset(
            name=DECEMBER_MODEL.to_user_string(),
            group_name="training",
            kinds={"scikitlearn", "mlflow"},
            partitions_def=partitions.december,
            # the data version derives from this and the clean year's: retraining on the
            # same rows with the same features is the same model to everything downstream.
            # A new model format retrains too: this release reads no other.
            code_version=f"features-{FEATURE_SET.version}.format-{MODEL_FORMAT_VERSION}",
            automation_condition=when_missing_or_stale(),
            description=(
                "A linear regression on the declared feature set, fit on January-November "
                "and scored on December of the year (Melbourne time), logged and registered "
                "in MLflow. The value is a reference to the registered model version."
            ),
        )(december_model)
    ]
