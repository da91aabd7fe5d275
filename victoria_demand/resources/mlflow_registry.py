"""MLflow as the product uses it: one tracked run per trained year, one registered model,
the ``champion`` alias, and model loading that never unpickles what it does not know.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import mlflow
import pandas as pd
import requests
from dagster import ConfigurableResource, InitResourceContext
from mlflow.entities import Metric
from mlflow.exceptions import MlflowException
from mlflow.protos.databricks_pb2 import (
    INVALID_PARAMETER_VALUE,
    RESOURCE_DOES_NOT_EXIST,
    ErrorCode,
)
from mlflow.tracking import MlflowClient
from pydantic import PrivateAttr

from victoria_demand.core.champion import ChampionDecision, current_champion
from victoria_demand.core.feature_set import FEATURE_SET, FeatureSet
from victoria_demand.core.intervals import CALIBRATION_MONTHS, ResidualDays
from victoria_demand.core.model_format import (
    OutdatedModelError,
    model_requirements,
    write_pipeline,
)
from victoria_demand.core.retry import call_with_retries
from victoria_demand.serving import pyfunc_model

if TYPE_CHECKING:
    from victoria_demand.core.forecaster import DemandForecaster
    from victoria_demand.core.training import DecemberScore, FittedYear

DECISION_TAG_PREFIX = "champion_decision."
# where a logged model's files land: MLflow copies pyfunc artifacts to artifacts/<file name>
ARTIFACT_FILES = {"pipeline": "pipeline.json", "residuals": "residuals.json"}
FEATURE_SET_TAG = "feature_set_version"
# the model's whole days of out-of-sample residuals: what its peak POEs and its outlook draw
RESIDUAL_DAYS_FILE = "peak_residual_days.json"
_NOT_FOUND = ErrorCode.Name(RESOURCE_DOES_NOT_EXIST)
_ALIAS_UNSET = ErrorCode.Name(INVALID_PARAMETER_VALUE)
# MLflow's HTTP client retries on its own, by default for minutes; bound it, and let
# call_with_retries add the backoff that ends with an error naming the server.
_HTTP_DEFAULTS = {
    "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "1",
    "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR": "1",
    "MLFLOW_HTTP_REQUEST_TIMEOUT": "30",
}


def _is_transient(error: BaseException) -> bool:
    """Connection failures, timeouts, 5xx answers and a busy SQLite store."""
    if isinstance(error, requests.exceptions.ConnectionError | requests.exceptions.Timeout):
        return True
    if isinstance(error, MlflowException):
        # by code where MLflow gives one; a lost connection, a locked SQLite store and a
        # 5xx answer without MLflow's JSON body (a proxy's) all arrive as INTERNAL_ERROR,
        # told apart only by their text
        message = str(error)
        return (
            "failed with exception" in message  # MLflow's wrapper of a connection error
            or "database is locked" in message
            or error.error_code in ("TEMPORARILY_UNAVAILABLE", "REQUEST_LIMIT_EXCEEDED")
            or any(f"status code {code}" in message for code in (500, 502, 503, 504))
        )
    return False


def _retried(method: Callable) -> Callable:
    """Run a registry operation with bounded retries; a server that stays down is named."""

    @functools.wraps(method)
    def wrapper(self: MlflowRegistry, *args, **kwargs):
        return call_with_retries(
            lambda: method(self, *args, **kwargs),
            service="MLflow tracking server",
            address=self.tracking_uri,
            is_transient=_is_transient,
        )

    return wrapper


def _is_not_found(error: MlflowException) -> bool:
    return error.error_code == _NOT_FOUND


class MlflowRegistry(ConfigurableResource):
    """Tracking, registration and aliases against one MLflow tracking URI.

    ``artifact_location`` is used when the experiment is first created: the embedded default
    keeps artifacts under the product's home instead of MLflow's ``./mlruns`` in whatever
    directory a process happens to start in.
    """

    tracking_uri: str
    experiment_name: str = "victoria-demand-december"
    registered_model_name: str = "victoria_demand_december"
    artifact_location: str | None = None
    ui_url: str = "http://127.0.0.1:5000"
    champion_alias: str = "champion"
    _client: MlflowClient | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: InitResourceContext) -> None:
        for name, value in _HTTP_DEFAULTS.items():
            os.environ.setdefault(name, value)
        # log_model only speaks the fluent API, which reads the process-wide tracking URI.
        mlflow.set_tracking_uri(self.tracking_uri)
        mlflow.set_registry_uri(self.tracking_uri)

    @property
    def client(self) -> MlflowClient:
        if self._client is None:
            self._client = MlflowClient(self.tracking_uri, self.tracking_uri)
        return self._client

    @_retried
    def experiment_id(self) -> str:
        return self._experiment_id()

    def _experiment_id(self) -> str:
        experiment = self.client.get_experiment_by_name(self.experiment_name)
        if experiment is not None:
            return experiment.experiment_id
        try:
            return self.client.create_experiment(
                self.experiment_name, artifact_location=self.artifact_location
            )
        except MlflowException as error:  # created meanwhile by a concurrent run?
            if _is_transient(error):
                raise
            experiment = self.client.get_experiment_by_name(self.experiment_name)
            if experiment is None:
                raise
            return experiment.experiment_id

    def run_url(self, run_id: str) -> str:
        return f"{self.ui_url.rstrip('/')}/#/experiments/{self._experiment_id()}/runs/{run_id}"

    def version_url(self, version: str) -> str:
        return f"{self.ui_url.rstrip('/')}/#/models/{self.registered_model_name}/versions/{version}"

    # -- training runs -------------------------------------------------------------------

    def register_year_model(
        self,
        *,
        year: int,
        fitted: FittedYear,
        input_example: pd.DataFrame,
        dagster_run_id: str,
        feature_set: FeatureSet = FEATURE_SET,
        images: dict[str, bytes] | None = None,
    ) -> dict:
        """Log a year's model, fit on January-November, in its own run and register it as a
        new version. December's scores and the outlook are added to the same run later.

        Each step retries on its own: a logging attempt that fails leaves a FAILED run, and
        registration finds the version an interrupted attempt already made for the run
        rather than registering a second one. Returns the model reference that the
        ``december_model`` asset stores.
        """
        self._ensure_registered_model(feature_set)
        tags = {"year": str(year), "dagster_run_id": dagster_run_id, "asset": "december_model"}
        run_id, model_uri = self._log_run(year, fitted, input_example, tags, feature_set, images)
        version = self._register_version(
            run_id, model_uri, {**tags, FEATURE_SET_TAG: feature_set.version}
        )
        return {
            "name": self.registered_model_name,
            "version": version,
            "uri": f"models:/{self.registered_model_name}/{version}",
            "run_id": run_id,
            "run_url": self.run_url(run_id),
            "year": year,
            "feature_set_version": feature_set.version,
            "train_rows": len(fitted.design.target),
        }

    @_retried
    def _log_run(
        self,
        year: int,
        fitted: FittedYear,
        input_example: pd.DataFrame,
        tags: dict[str, str],
        feature_set: FeatureSet,
        images: dict[str, bytes] | None,
    ) -> tuple[str, str]:
        pipeline = fitted.forecaster.pipeline
        params = {
            "year": year,
            "algorithm": type(pipeline[-1]).__name__,
            "feature_set_version": feature_set.version,
            "n_features": len(pipeline[-1].coef_),
            "train_rows": len(fitted.design.target),
            "train_period": f"{year}-01-01/{year}-11-30 Australia/Melbourne",
            "test_period": f"{year}-12-01/{year}-12-31 Australia/Melbourne",
            "interval_method": "split conformal, residual quantiles by day type and block",
            "interval_calibration_months": ",".join(map(str, CALIBRATION_MONTHS)),
            "suspect_half_hours_left_out": int((~fitted.design.usable).sum()),
        }
        with (
            tempfile.TemporaryDirectory() as scratch,
            mlflow.start_run(
                experiment_id=self._experiment_id(), run_name=f"december_model-{year}", tags=tags
            ) as run,
        ):
            mlflow.log_params(params)
            mlflow.log_dict(feature_set.describe(), "feature_set.json")
            mlflow.log_dict(fitted.forecaster.residuals.as_dict(), "band_residual_quantiles.json")
            mlflow.log_dict(fitted.peak_days.as_dict(), RESIDUAL_DAYS_FILE)
            _log_files(images or {})
            pipeline_file = Path(scratch) / ARTIFACT_FILES["pipeline"]
            write_pipeline(pipeline, pipeline_file)
            residuals_file = Path(scratch) / ARTIFACT_FILES["residuals"]
            residuals_file.write_text(json.dumps(fitted.forecaster.residuals.as_dict()))
            model_info = mlflow.pyfunc.log_model(
                name="model",
                python_model=str(pyfunc_model.CODE_FILE),
                artifacts={
                    pyfunc_model.PIPELINE_ARTIFACT: str(pipeline_file),
                    pyfunc_model.RESIDUALS_ARTIFACT: str(residuals_file),
                },
                signature=pyfunc_model.SIGNATURE,
                input_example=pyfunc_model.request_from_frame(input_example),
                pip_requirements=list(model_requirements()),
            )
        return run.info.run_id, model_info.model_uri

    def log_december_score(
        self, run_id: str, score: DecemberScore, images: dict[str, bytes] | None = None
    ) -> dict[str, float]:
        """Add a model's December scores, its forecast's half-hours and ``images`` to its
        run; returns the metrics logged."""
        metrics = {
            **score.errors.as_dict("december_"),
            **score.band.as_dict("december_band_"),
            **score.peak.as_dict("december_peak_"),
            "december_actual_peak_mw": score.actual_peak_mw,
            **score.seasonal_naive_errors.as_dict("seasonal_naive_december_"),
        }
        # the half-hours behind the metrics: P10, P50, P90 and the actual demand
        forecast_csv = score.forecast.to_csv(index=False, float_format="%.1f").encode()
        self.log_to_run(run_id, metrics, {**(images or {}), "december_forecast.csv": forecast_csv})
        return metrics

    @_retried
    def log_to_run(
        self, run_id: str, metrics: dict[str, float], files: dict[str, bytes] | None = None
    ) -> None:
        """Metrics and in-memory files (``{"plots/a.png": data}``) added to a run, finished
        or not; logging the same again overwrites the files and adds the same values."""
        self.client.log_batch(
            run_id,
            metrics=[Metric(name, float(value), _now_ms(), 0) for name, value in metrics.items()],
        )
        with tempfile.TemporaryDirectory() as scratch:
            _write_files(Path(scratch), files or {})
            if files:
                self.client.log_artifacts(run_id, scratch)

    @_retried
    def load_residual_days(self, run_id: str) -> ResidualDays:
        """A model's whole days of residuals, as its training run logged them."""
        with tempfile.TemporaryDirectory() as scratch:
            path = mlflow.artifacts.download_artifacts(
                run_id=run_id,
                artifact_path=RESIDUAL_DAYS_FILE,
                dst_path=scratch,
                tracking_uri=self.tracking_uri,
            )
            recorded = json.loads(Path(path).read_text())
        return ResidualDays.from_dict(recorded, f"run {run_id}")

    @_retried
    def _register_version(self, run_id: str, model_uri: str, tags: dict[str, str]) -> str:
        """The registered version of the run's model, created with its tags (at once, so no
        version is ever seen untagged) unless an earlier attempt already created it."""
        name = self.registered_model_name
        existing = self.client.search_model_versions(f"name='{name}' and run_id='{run_id}'")
        if existing:
            return str(existing[0].version)
        registered = mlflow.register_model(model_uri, name, tags=tags)
        return str(registered.version)

    @_retried
    def _ensure_registered_model(self, feature_set: FeatureSet) -> None:
        """Create the registered model on first use, recording the feature set it is trained
        on; a release with a new feature set records that one from its first version on.

        Every version carries its own ``feature_set_version`` tag, so versions of an older
        feature set stay readable beside the new ones; the champion rule compares them on
        the same December, which is fair whatever their features.
        """
        name = self.registered_model_name
        tags = {
            FEATURE_SET_TAG: feature_set.version,
            "feature_set": json.dumps(feature_set.describe()),
        }
        try:
            registered = self.client.get_registered_model(name)
        except MlflowException as error:
            if not _is_not_found(error):
                raise
            # another run may create it meanwhile: then it exists, which is all we need
            with contextlib.suppress(MlflowException):
                self.client.create_registered_model(
                    name,
                    tags=tags,
                    description=(
                        "Half-hourly December demand of Victoria, forecast from "
                        "January-November of the same year by a linear regression on the "
                        "declared feature set (each version's feature_set_version tag)."
                    ),
                )
            return
        if registered.tags.get(FEATURE_SET_TAG) != feature_set.version:
            for key, value in tags.items():
                self.client.set_registered_model_tag(name, key, value)

    # -- loading ---------------------------------------------------------------------------

    @_retried
    def load_version(self, version: str) -> DemandForecaster:
        """A registered version's forecaster, from its two JSON artifacts (never unpickled,
        never run as code)."""
        uri = f"models:/{self.registered_model_name}/{version}"
        # resolved through this registry, not the process-wide one
        location = self.client.get_model_version_download_uri(self.registered_model_name, version)
        with tempfile.TemporaryDirectory() as scratch:
            try:
                files = {
                    name: Path(
                        mlflow.artifacts.download_artifacts(
                            artifact_uri=f"{location.rstrip('/')}/artifacts/{filename}",
                            dst_path=scratch,
                            tracking_uri=self.tracking_uri,
                        )
                    )
                    for name, filename in ARTIFACT_FILES.items()
                }
            except MlflowException as error:
                if not _is_not_found(error):
                    raise
                raise OutdatedModelError(
                    f"{uri} was registered by an earlier release (it has no "
                    f"{'/'.join(ARTIFACT_FILES.values())}): materialize every December year "
                    "again, from the first (`python -m victoria_demand run --force`)"
                ) from None
            return pyfunc_model.load_forecaster(files["pipeline"], files["residuals"], uri)

    @_retried
    def run_id_of(self, version: str) -> str:
        return self.client.get_model_version(self.registered_model_name, version).run_id

    # -- champion ------------------------------------------------------------------------

    @_retried
    def record_decision(self, decision: ChampionDecision) -> str:
        """Store one year's decision and point the alias at the latest year's winner.

        Returns the version the alias names afterwards. Writing the same decision again
        changes nothing, so promotion is idempotent.
        """
        name = self.registered_model_name
        winner_tag = f"champion_for_december_{decision.year}"
        previous = self._decisions().get(decision.year)
        if previous and previous.winner.version != decision.winner.version:
            # the year was decided again (a backfill): the old winner no longer holds it
            self.client.delete_model_version_tag(name, previous.winner.version, winner_tag)
        self.client.set_registered_model_tag(
            name, f"{DECISION_TAG_PREFIX}{decision.year}", json.dumps(decision.as_dict())
        )
        self.client.set_model_version_tag(name, decision.winner.version, winner_tag, "true")
        champion = current_champion(
            {year: recorded.winner.version for year, recorded in self._decisions().items()}
        )
        assert champion is not None  # the decision just recorded is among them
        self.client.set_registered_model_alias(name, self.champion_alias, champion)
        return champion

    @_retried
    def decisions(self) -> dict[int, ChampionDecision]:
        return self._decisions()

    def _decisions(self) -> dict[int, ChampionDecision]:
        tags = self.client.get_registered_model(self.registered_model_name).tags
        return {
            int(key[len(DECISION_TAG_PREFIX) :]): ChampionDecision.from_dict(json.loads(value))
            for key, value in tags.items()
            if key.startswith(DECISION_TAG_PREFIX)
        }

    @_retried
    def champion_version(self) -> str | None:
        try:
            version = self.client.get_model_version_by_alias(
                self.registered_model_name, self.champion_alias
            )
        except MlflowException as error:
            # no such model (RESOURCE_DOES_NOT_EXIST), or the alias unset, which MLflow
            # reports as INVALID_PARAMETER_VALUE
            if _is_not_found(error) or error.error_code == _ALIAS_UNSET:
                return None
            raise
        return str(version.version)


def _now_ms() -> int:
    return int(time.time() * 1000)


def _write_files(folder: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _log_files(files: dict[str, bytes]) -> None:
    """Log in-memory files (``{"plots/a.png": data}``) as artifacts of the active run."""
    with tempfile.TemporaryDirectory() as scratch:
        _write_files(Path(scratch), files)
        if files:
            mlflow.log_artifacts(scratch)
