"""Services that go away: the MLflow server (down at the start, killed mid-run), S3, the
forecast database, and the run process itself (SIGKILL). Each run fails naming the service
after bounded retries, leaves nothing half-done, and running again once the service is back
gives the same result as an undisturbed run."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import boto3
import pandas as pd
import pytest
import sqlalchemy as sa
from dagster import DagsterEventType, DagsterInstance, DagsterRunStatus, RunsFilter

from victoria_demand.cli import RUN_LABEL_TAG, run_label
from victoria_demand_tests.services import free_port, start, stop, venv_tool, wait_for_http
from victoria_demand_tests.stack.native_stack import PostgresCluster
from victoria_demand_tests.state import MODEL

pytestmark = pytest.mark.reliability

BUCKET = "victoria-demand"
CREDENTIALS = {  # moto accepts any pair
    "AWS_ACCESS_KEY_ID": secrets.token_hex(8),
    "AWS_SECRET_ACCESS_KEY": secrets.token_urlsafe(24),
    "AWS_DEFAULT_REGION": "us-east-1",
}


@dataclass
class Services:
    """moto's S3 and an MLflow server (SQLite backend, proxied local artifacts) that a test
    may stop and start again on the same ports."""

    root: Path
    s3_port: int = field(default_factory=free_port)
    mlflow_port: int = field(default_factory=free_port)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def s3_endpoint(self) -> str:
        return f"http://127.0.0.1:{self.s3_port}"

    @property
    def mlflow_url(self) -> str:
        return f"http://127.0.0.1:{self.mlflow_port}"

    def start_s3(self) -> None:
        self.processes["s3"] = start(
            [venv_tool("moto_server"), "-H", "127.0.0.1", "-p", str(self.s3_port)],
            self.root / "moto.log",
        )
        wait_for_http(f"{self.s3_endpoint}/moto-api/", self.processes["s3"])
        s3 = boto3.client(
            "s3",
            endpoint_url=self.s3_endpoint,
            aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            region_name=CREDENTIALS["AWS_DEFAULT_REGION"],
        )
        s3.create_bucket(Bucket=BUCKET)  # moto keeps nothing across restarts

    def start_mlflow(self) -> None:
        self.processes["mlflow"] = start(
            [
                venv_tool("mlflow"),
                "server",
                "--host=127.0.0.1",
                f"--port={self.mlflow_port}",
                "--workers=1",
                f"--backend-store-uri=sqlite:///{self.root / 'mlflow.db'}",
                "--serve-artifacts",
                f"--artifacts-destination={(self.root / 'artifacts').as_uri()}",
            ],
            self.root / "mlflow.log",
            {**os.environ, "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false"},
        )
        wait_for_http(f"{self.mlflow_url}/health", self.processes["mlflow"], timeout=120)

    def stop(self, name: str) -> None:
        stop(self.processes.pop(name))

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.stop(name)


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    running = Services(tmp_path)
    running.start_s3()
    running.start_mlflow()
    yield running
    running.stop_all()


def pipeline_env(home: Path, services: Services, source: Path, forecast_db: str) -> dict:
    env = {
        **os.environ,
        **CREDENTIALS,
        "VICTORIA_DEMAND_ENV": "stack",
        "VICTORIA_DEMAND_HOME": str(home),
        "VICTORIA_DEMAND_SOURCE": str(source),
        "VICTORIA_DEMAND_S3_BUCKET": BUCKET,
        "VICTORIA_DEMAND_S3_ENDPOINT_URL": services.s3_endpoint,
        "VICTORIA_DEMAND_FORECAST_DB_URL": forecast_db,
        "VICTORIA_DEMAND_MLFLOW_UI_URL": services.mlflow_url,
        "MLFLOW_TRACKING_URI": services.mlflow_url,
    }
    env.pop("DAGSTER_HOME", None)
    return env


def start_run(env: dict, **output) -> subprocess.Popen:
    """`python -m victoria_demand run --force` in the background, for tests that interrupt
    it: forced, so that it has every step to do even on a home that is up to date."""
    return subprocess.Popen(
        [sys.executable, "-m", "victoria_demand", "run", "--force"], env=env, **output
    )


def run(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "victoria_demand", "run"],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def forecasts(url: str) -> dict[tuple[int, str], float]:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("select year, time_utc, forecast_mw from december_forecast")
        ).all()
    # SQLite hands back text, Postgres datetimes: compare instants
    return {(year, pd.Timestamp(time_utc)): forecast for year, time_utc, forecast in rows}


def champion_of(services: Services, home: Path) -> tuple[str, int]:
    """The alias's version, loaded for real (a broken model would fail here), and the year
    it was trained for."""
    from mlflow.tracking import MlflowClient

    from victoria_demand.resources.mlflow_registry import MlflowRegistry

    registry = MlflowRegistry(tracking_uri=services.mlflow_url)
    version = registry.champion_version()
    assert version is not None
    registry.load_version(version)
    tags = MlflowClient(services.mlflow_url).get_model_version(MODEL, version).tags
    return version, int(tags["year"])


@pytest.fixture(scope="module")
def undisturbed(tmp_path_factory, original_csv) -> tuple[dict, int]:
    """The reference: forecasts and the champion's year from a run nothing disturbed."""
    root = tmp_path_factory.mktemp("undisturbed")
    services = Services(root)
    services.start_s3()
    services.start_mlflow()
    try:
        database = f"sqlite:///{root / 'forecasts.db'}"
        completed = run(pipeline_env(root / "home", services, original_csv, database))
        assert completed.returncode == 0, completed.stdout + completed.stderr
        return forecasts(database), champion_of(services, root)[1]
    finally:
        services.stop_all()


def assert_same_as_undisturbed(undisturbed, database: str, services: Services, home: Path):
    reference, champion_year = undisturbed
    result = forecasts(database)
    assert result.keys() == reference.keys()  # 3 x 1,488 rows, none doubled or missing
    assert max(abs(result[key] - reference[key]) for key in reference) < 1e-6
    assert champion_of(services, home)[1] == champion_year


def run_again_matches_undisturbed(
    env: dict, undisturbed, services: Services, home: Path
) -> subprocess.CompletedProcess:
    completed = run(env)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert_same_as_undisturbed(undisturbed, env["VICTORIA_DEMAND_FORECAST_DB_URL"], services, home)
    return completed


def test_mlflow_down_when_the_run_starts(services, tmp_path, original_csv, undisturbed):
    database = f"sqlite:///{tmp_path / 'forecasts.db'}"
    env = pipeline_env(tmp_path / "home", services, original_csv, database)
    services.stop("mlflow")
    started = time.monotonic()
    failed = run(env)
    assert failed.returncode == 1
    assert (
        f"MLflow tracking server at {services.mlflow_url} is unavailable (tried 4 time(s))"
        in failed.stdout
    ), failed.stdout
    assert time.monotonic() - started < 300  # bounded
    assert not (tmp_path / "forecasts.db").exists() or forecasts(database) == {}

    services.start_mlflow()
    run_again_matches_undisturbed(env, undisturbed, services, tmp_path / "home")


def test_mlflow_killed_in_the_middle_of_a_run(services, tmp_path, original_csv, undisturbed):
    from mlflow.tracking import MlflowClient

    database = f"sqlite:///{tmp_path / 'forecasts.db'}"
    env = pipeline_env(tmp_path / "home", services, original_csv, database)
    process = start_run(env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    client = MlflowClient(services.mlflow_url)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if client.search_model_versions(f"name='{MODEL}'"):
                break
        except Exception:
            pass
        time.sleep(0.2)
    services.stop("mlflow")  # the first year is registered; the rest is still to come
    output, _ = process.communicate(timeout=600)
    assert process.returncode == 1, output
    assert "MLflow tracking server" in output and "is unavailable" in output, output

    services.start_mlflow()
    run_again_matches_undisturbed(env, undisturbed, services, tmp_path / "home")


def test_s3_down(services, tmp_path, original_csv, undisturbed):
    database = f"sqlite:///{tmp_path / 'forecasts.db'}"
    env = pipeline_env(tmp_path / "home", services, original_csv, database)
    services.stop("s3")
    failed = run(env)
    assert failed.returncode == 1
    assert f"S3 object store at {services.s3_endpoint} (bucket {BUCKET}) is unavailable" in (
        failed.stdout
    ), failed.stdout

    services.start_s3()
    run_again_matches_undisturbed(env, undisturbed, services, tmp_path / "home")


def test_forecast_database_unreachable(services, tmp_path, original_csv, undisturbed):
    cluster_root = Path(os.environ.get("TMPDIR", "/tmp")) / f"lost-db-{os.getpid()}"
    cluster_root.mkdir(mode=0o755)
    postgres = PostgresCluster(cluster_root)
    postgres.start()
    database = postgres.url("forecasts")
    env = pipeline_env(tmp_path / "home", services, original_csv, database)
    try:
        postgres.stop()
        failed = run(env)
        assert failed.returncode == 1
        assert "forecast database at postgresql+psycopg2://victoria:***@127.0.0.1" in (
            failed.stdout
        ), failed.stdout

        postgres.start_again()
        run_again_matches_undisturbed(env, undisturbed, services, tmp_path / "home")
    finally:
        postgres.stop()
        shutil.rmtree(cluster_root, ignore_errors=True)


def step_started(instance: DagsterInstance, job_name: str, partition: str | None, step: str):
    # the CLI's runs are selections of the asset job, named by their label tag; on a fresh
    # home a year is cleaned in the run that makes the rest of it ("december 2013")
    tags = {RUN_LABEL_TAG: run_label(job_name, partition)}
    return any(
        entry.step_key == step
        for run in instance.get_runs(filters=RunsFilter(tags=tags))
        for entry in instance.all_logs(run.run_id, of_type=DagsterEventType.STEP_START)
    )


@pytest.mark.parametrize(
    ("job_name", "partition", "step", "delay"),
    [
        ("ingest", None, "raw_demand", 0.0),
        ("december", "2013", "clean_demand", 0.0),
        ("december", "2013", "december_model", 0.0),
        ("december", "2013", "december_model", 1.0),  # while it logs and registers
        ("december", "2013", "champion_and_forecast", 0.0),  # holding champion_promotion
        ("december", "2013", "champion_and_forecast", 0.5),  # promoting, writing forecasts
    ],
)
def test_run_process_killed(
    services, tmp_path, original_csv, undisturbed, job_name, partition, step, delay
):
    """SIGKILL of `python -m victoria_demand run` as a step starts (or `delay` s into it),
    found in the run's own events. 2013 is the middle year: a champion before and after."""
    database = f"sqlite:///{tmp_path / 'forecasts.db'}"
    home = tmp_path / "home"
    env = pipeline_env(home, services, original_csv, database)
    subprocess.run(
        [sys.executable, "-m", "victoria_demand", "prepare"],
        env=env,
        check=True,
        capture_output=True,
    )
    with DagsterInstance.from_config(str(home / "dagster")) as instance:
        process = start_run(env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 600
        while not step_started(instance, job_name, partition, step):
            assert process.poll() is None, f"the run ended before {step} started"
            assert time.monotonic() < deadline, f"{step} never started"
            time.sleep(0.05)
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait()
    if (tmp_path / "forecasts.db").exists():
        # whatever the kill interrupted, no year is half written
        counts = {}
        for year, _ in forecasts(database):
            counts[year] = counts.get(year, 0) + 1
        assert set(counts.values()) <= {1488}
    killed = unfinished_runs(home)
    if not delay:
        assert killed == [run_label(job_name, partition)]

    rerun = run_again_matches_undisturbed(env, undisturbed, services, home)
    for label in killed:
        assert f"{label:<15} left unfinished by a killed process: marked failed" in rerun.stdout
    assert unfinished_runs(home) == []


def unfinished_runs(home: Path) -> list[str]:
    with DagsterInstance.from_config(str(home / "dagster")) as instance:
        return [
            run.tags[RUN_LABEL_TAG]
            for run in instance.get_runs(filters=RunsFilter(statuses=[DagsterRunStatus.STARTED]))
        ]
