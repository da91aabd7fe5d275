"""One model per year, fit on January-November, registered in MLflow, and scored on December
once the whole December is in the data.

The model reads January-November alone (``training_demand``, whose data version is the hash
of those rows): a source that grows through December changes the year's clean rows, not
its training rows, so nothing is trained or registered again; the December score
(``december_score``) and the outlook's score to date follow December instead.
"""

import pandas as pd
from dagster import (
    AssetExecutionContext,
    AssetsDefinition,
    DataVersion,
    MetadataValue,
    Output,
    asset,
)

from victoria_demand.core.cleaning import content_hash
from victoria_demand.core.feature_set import FEATURE_SET
from victoria_demand.core.intervals import RESIDUAL_DAYS_VERSION
from victoria_demand.core.model_format import MODEL_FORMAT_VERSION
from victoria_demand.defs.asset_keys import DECEMBER_MODEL, DECEMBER_SCORE, TRAINING_DEMAND
from victoria_demand.defs.automation import when_missing_or_stale
from victoria_demand.defs.partitions import YearPartitions
from victoria_demand.resources.mlflow_registry import MlflowRegistry

# rows of the input example a model is logged with
EXAMPLE_INSTANTS = 4


def training_demand(clean_demand: pd.DataFrame) -> Output[pd.DataFrame]:
    from victoria_demand.core.training import january_to_november

    rows = january_to_november(clean_demand)
    # the rows decide: a year whose December grows keeps this version, so its model is
    # not fit again
    return Output(rows, data_version=DataVersion(content_hash(rows)), metadata={"rows": len(rows)})


def december_model(
    context: AssetExecutionContext, training_demand: pd.DataFrame, mlflow_registry: MlflowRegistry
) -> Output[dict]:
    # scikit-learn and matplotlib are loaded by the step that trains and draws, not by every
    # process that loads the definitions (the daemon, the webserver, every run, the CLI)
    from victoria_demand.core.plots import markdown_image, png_bytes, temperature_response_figure
    from victoria_demand.core.training import fit_year, training_request

    year = int(context.partition_key)
    fitted = fit_year(training_demand)
    response_plot = png_bytes(temperature_response_figure(fitted.forecaster.pipeline, year))
    reference = mlflow_registry.register_year_model(
        year=year,
        fitted=fitted,
        input_example=training_request(training_demand, EXAMPLE_INSTANTS),
        dagster_run_id=context.run.run_id,
        images={"plots/temperature_response.png": response_plot},
    )
    return Output(
        reference,
        metadata={
            "train_rows": reference["train_rows"],
            "suspect_half_hours_left_out": int((~fitted.design.usable).sum()),
            "feature_set_version": FEATURE_SET.version,
            "model_version": reference["version"],
            "model_uri": reference["uri"],
            "mlflow_run": MetadataValue.url(reference["run_url"]),
            "temperature_response_plot": MetadataValue.md(
                markdown_image(response_plot, "learned temperature response")
            ),
        },
    )


def december_score(
    context: AssetExecutionContext,
    december_model: dict,
    clean_demand: pd.DataFrame,
    mlflow_registry: MlflowRegistry,
) -> Output[dict]:
    from victoria_demand.core.plots import forecast_figure, markdown_image, png_bytes
    from victoria_demand.core.training import score_december

    year = int(context.partition_key)
    version, run_id = december_model["version"], december_model["run_id"]
    score = score_december(
        mlflow_registry.load_version(version),
        mlflow_registry.load_residual_days(run_id),
        clean_demand,
    )
    errors, naive = score.errors, score.seasonal_naive_errors
    forecast_plot = png_bytes(
        forecast_figure(
            score.forecast,
            f"December {year}: forecast from January-November (RMSE {errors.rmse:.0f} MW, "
            f"MAPE {errors.mape:.2f} %)",
        )
    )
    metrics = mlflow_registry.log_december_score(
        run_id, score, images={"plots/december_forecast.png": forecast_plot}
    )
    return Output(
        {"version": version, "run_id": run_id, "year": year, "metrics": metrics},
        metadata={
            "rmse_mw": errors.rmse,
            "mae_mw": errors.mae,
            "mape_percent": errors.mape,
            "band_coverage_percent": score.band.coverage,
            "band_mean_width_mw": score.band.mean_width_mw,
            "pinball_loss_mw": score.band.pinball_mw,
            "peak_forecast_mw": score.peak.point_mw,
            "peak_poe50_mw": score.peak.poe50_mw,
            "peak_poe10_mw": score.peak.poe10_mw,
            "peak_actual_mw": score.actual_peak_mw,
            "seasonal_naive_rmse_mw": naive.rmse,
            "seasonal_naive_mape_percent": naive.mape,
            "model_version": version,
            "mlflow_run": MetadataValue.url(december_model["run_url"]),
            "december_forecast_plot": MetadataValue.md(
                markdown_image(forecast_plot, f"December {year} forecast and actual demand")
            ),
        },
    )


def training_assets(partitions: YearPartitions) -> list[AssetsDefinition]:
    return [
        asset(
            name=TRAINING_DEMAND.to_user_string(),
            group_name="training",
            kinds={"pandas"},
            partitions_def=partitions.outlook,
            code_version="1",
            automation_condition=when_missing_or_stale(),
            description=(
                "January-November of the year's clean rows (Melbourne time): what its model "
                "is fit on. Its data version is the hash of these rows, so December's rows "
                "arriving do not make the model stale."
            ),
        )(training_demand),
        asset(
            name=DECEMBER_MODEL.to_user_string(),
            group_name="training",
            kinds={"scikitlearn", "mlflow"},
            partitions_def=partitions.outlook,
            # the data version derives from this and the training rows': retraining on the
            # same rows with the same features is the same model to everything downstream.
            # A new model format retrains too: this release reads no other. (Models fit
            # before December was left out of their input had no residual days logged, and
            # before residual days 2 no temperature with each day.)
            code_version=(
                f"features-{FEATURE_SET.version}.format-{MODEL_FORMAT_VERSION}.january-november"
                f".residual-days-{RESIDUAL_DAYS_VERSION}"
            ),
            automation_condition=when_missing_or_stale(),
            description=(
                "A linear regression on the declared feature set, fit on January-November of "
                "the year (Melbourne time), logged and registered in MLflow. The value is a "
                "reference to the registered model version."
            ),
        )(december_model),
        asset(
            name=DECEMBER_SCORE.to_user_string(),
            group_name="training",
            kinds={"mlflow"},
            partitions_def=partitions.december,
            code_version="1",
            automation_condition=when_missing_or_stale(),
            description=(
                "The year's registered model scored on the December that happened (driven "
                "by its actual temperatures), beside the seasonal naive; logged to the "
                "model's MLflow run."
            ),
        )(december_score),
    ]
