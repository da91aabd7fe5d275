"""By itself, in the production topology (native processes, automation on as in the
compose stack): a fresh stack materializes every year of its source with no launch, then a
longer source at the same path brings its new year through; older years keep their versions.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from dagster import AssetKey, DagsterInstance
from mlflow.tracking import MlflowClient

from victoria_demand_tests.assertions import ORIGINAL_YEARS
from victoria_demand_tests.stack.native_stack import INSTANCE_VARIABLES, native_stack
from victoria_demand_tests.state import MODEL
from victoria_demand_tests.synthetic_source import extended_source

pytestmark = pytest.mark.stack

TIMEOUT_S = 900


def _wait_for_forecast(instance: DagsterInstance, year: int) -> None:
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        if str(year) in instance.get_materialized_partitions(AssetKey("december_forecast")):
            return
        time.sleep(5)
    raise TimeoutError(f"december_forecast {year} did not appear within {TIMEOUT_S} s")


def test_the_stack_follows_its_source_by_itself(original_csv: Path, tmp_path: Path):
    source = tmp_path / "source.csv"
    shutil.copy(original_csv, source)
    ceiling = {"VICTORIA_DEMAND_RMSE_CEILING_MW": "700"}  # the synthetic December is harder
    with (
        native_stack(source, tmp_path, automation=True, **ceiling) as stack,
        pytest.MonkeyPatch.context() as patch,
    ):
        for key in (*INSTANCE_VARIABLES, "MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD"):
            patch.setenv(key, stack.env[key])
        instance = DagsterInstance.get()
        client = MlflowClient(stack.mlflow_url)
        _wait_for_forecast(instance, ORIGINAL_YEARS[-1])
        before = {
            (v.version, v.tags["year"]) for v in client.search_model_versions(f"name='{MODEL}'")
        }
        assert sorted(year for _, year in before) == [str(y) for y in ORIGINAL_YEARS]
        longer = tmp_path / "longer.csv"
        extended_source(original_csv, 2015).to_csv(longer, index=False)
        os.replace(longer, source)
        _wait_for_forecast(instance, 2015)
        after = {
            (v.version, v.tags["year"]) for v in client.search_model_versions(f"name='{MODEL}'")
        }
        assert before < after and {year for _, year in after - before} == {"2015"}
        assert "champion_decision.2015" in client.get_registered_model(MODEL).tags
