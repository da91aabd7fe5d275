"""`python -m victoria_demand run` in a fresh process, as `make run` does it; or, for a
corpus of cases that each fail at the first step, the same command in this process."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from unittest import mock


def _pipeline_env(home: Path, source: Path | str, extra_env: dict[str, str]) -> dict[str, str]:
    env = {
        **os.environ,
        "VICTORIA_DEMAND_HOME": str(home),
        "VICTORIA_DEMAND_SOURCE": str(source),
        **extra_env,
    }
    env.pop("DAGSTER_HOME", None)
    return env


def run_pipeline(
    home: Path, source: Path | str, *args: str, **extra_env: str
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "victoria_demand", "run", *args],
        env=_pipeline_env(home, source, extra_env),
        capture_output=True,
        text=True,
        timeout=600,
    )


@contextlib.contextmanager
def mlflow_process_state() -> Iterator[None]:
    """Put back MLflow's process-wide tracking and registry URIs, which the registry
    resource sets: a later MlflowClient in this process must not inherit them. (MLflow
    also exports them as environment variables, which child processes would inherit:
    callers restore the environment too.)"""
    from mlflow.tracking._model_registry import utils as registry_utils
    from mlflow.tracking._tracking_service import utils as tracking_utils

    tracking_uri, registry_uri = tracking_utils._tracking_uri, registry_utils._registry_uri
    try:
        yield
    finally:
        tracking_utils._tracking_uri, registry_utils._registry_uri = tracking_uri, registry_uri


def run_pipeline_in_process(
    home: Path, source: Path | str, *args: str, **extra_env: str
) -> subprocess.CompletedProcess:
    """The same command and output without starting an interpreter (its imports take
    seconds): for many cases of one behaviour that `run_pipeline` covers once. The
    environment and MLflow's process-wide state are restored afterwards."""
    from victoria_demand.cli import main

    stdout, stderr = io.StringIO(), io.StringIO()
    with (
        mock.patch.dict(os.environ, _pipeline_env(home, source, extra_env), clear=True),
        mlflow_process_state(),
        contextlib.redirect_stdout(stdout),
        contextlib.redirect_stderr(stderr),
    ):
        status = main(["run", *args])
    return subprocess.CompletedProcess(["run", *args], status, stdout.getvalue(), stderr.getvalue())
