"""The production topology, run natively: a backfill of every year launched through the
webserver's GraphQL API (as the UI does), executed by the daemon and the code server, with
Dagster's storage and the forecasts in Postgres, Parquet in S3 and models in an MLflow server.
"""

from __future__ import annotations

import os
from collections import Counter

import pytest
import requests
import sqlalchemy as sa
from dagster import AssetKey, DagsterInstance
from mlflow.tracking import MlflowClient

from victoria_demand_tests.assertions import ORIGINAL_YEARS as YEARS
from victoria_demand_tests.assertions import PARTITIONED_ASSETS, all_checks_passed
from victoria_demand_tests.dagster_graphql import DagsterGraphQL
from victoria_demand_tests.stack.native_stack import BUCKET, INSTANCE_VARIABLES, native_stack
from victoria_demand_tests.state import MODEL

pytestmark = pytest.mark.stack

ALL_ASSETS = ["raw_demand", *PARTITIONED_ASSETS]
PARTITIONS = [str(year) for year in YEARS]
CREDENTIALS = ("MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD")


@pytest.fixture(scope="module")
def stack(original_csv, tmp_path_factory):
    logs = tmp_path_factory.mktemp("stack-logs")
    print(f"\nstack logs: {logs}")
    with native_stack(original_csv, logs) as running, pytest.MonkeyPatch.context() as patch:
        # this process's MlflowClient signs in as the pipeline does
        for key in CREDENTIALS:
            patch.setenv(key, running.env[key])
        yield running


@pytest.fixture(scope="module")
def backfill(stack):
    graphql = DagsterGraphQL(stack.webserver_url)
    backfill_id = graphql.launch_asset_backfill(ALL_ASSETS, PARTITIONS)
    status = graphql.wait_for_backfill(backfill_id)
    return backfill_id, status, graphql.backfill_runs(backfill_id)


def _instance(stack) -> DagsterInstance:
    for key in INSTANCE_VARIABLES:
        os.environ[key] = stack.env[key]
    return DagsterInstance.get()


def test_backfill_runs_every_year_and_succeeds(backfill):
    _, status, runs = backfill
    assert status in {"COMPLETED", "COMPLETED_SUCCESS"}, runs
    assert runs and all(run["status"] == "SUCCESS" for run in runs), runs
    # Every run works on one year, and each year takes two or three: its ingest, cleaning,
    # model and December score; then its outlook and its champion and forecast, which read
    # other years too (the weather history; the scores of every year up to it), in one run
    # or two as the backfill daemon finds them ready; no year's run waits for another
    # year's decision
    per_run = [
        [tag["value"] for tag in run["tags"] if tag["key"] == "dagster/partition"] for run in runs
    ]
    assert all(len(partitions) == 1 for partitions in per_run), per_run
    runs_per_year = Counter(partitions[0] for partitions in per_run)
    assert sorted(runs_per_year) == PARTITIONS and set(runs_per_year.values()) <= {2, 3}, per_run


def test_dagster_storage_is_postgres_with_every_check(stack, backfill):
    instance = _instance(stack)
    assert type(instance.run_storage).__name__ == "PostgresRunStorage"
    for asset in ALL_ASSETS:
        assert instance.get_materialized_partitions(AssetKey(asset)) == set(PARTITIONS)
    assert all_checks_passed(instance, set(PARTITIONS)) == {}
    backfill_id, _, _ = backfill
    assert len(instance.get_run_ids(filters=None)) >= len(PARTITIONS)
    assert instance.get_backfill(backfill_id) is not None


def test_models_and_the_champion_alias_in_the_mlflow_server(stack, backfill):
    client = MlflowClient(stack.mlflow_url)
    versions = client.search_model_versions(f"name='{MODEL}'")
    assert sorted(v.tags["year"] for v in versions) == PARTITIONS
    champion = client.get_model_version_by_alias(MODEL, "champion")
    assert champion.tags["champion_for_december_2014"] == "true"
    # artifacts went through the server's proxy into the bucket
    run = client.get_run(champion.run_id)
    assert run.info.artifact_uri.startswith("mlflow-artifacts:")


def test_the_mlflow_server_wants_a_user_and_password(stack, backfill):
    champion = f"{stack.mlflow_url}/api/2.0/mlflow/registered-models/alias"
    query = {"name": MODEL, "alias": "champion"}
    user, password = (stack.env[key] for key in CREDENTIALS)
    assert requests.get(champion, params=query, timeout=10).status_code == 401
    wrong = (user, password[::-1])
    assert requests.get(champion, params=query, auth=wrong, timeout=10).status_code == 401
    assert requests.get(stack.mlflow_url, timeout=10).status_code == 401  # the UI too
    signed_in = requests.get(champion, params=query, auth=(user, password), timeout=10)
    assert signed_in.status_code == 200
    assert signed_in.json()["model_version"]["name"] == MODEL
    assert requests.get(f"{stack.mlflow_url}/health", timeout=10).status_code == 200


def test_parquet_objects_in_the_bucket(stack, backfill):
    s3 = stack.s3_client()
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, MaxKeys=1000)["Contents"]}
    expected = {
        f"victoria-demand/{asset}/{year}.parquet"
        for asset in ("raw_demand", "clean_demand")
        for year in PARTITIONS
    }
    assert expected <= keys
    assert any(
        key.startswith("mlflow/") and key.endswith("artifacts/pipeline.json") for key in keys
    )
    # each year's outlook figure, logged to its model's run through the server's proxy
    outlook_figures = [
        key
        for key in keys
        if key.startswith("mlflow/") and key.endswith("plots/december_outlook.png")
    ]
    assert len(outlook_figures) == len(PARTITIONS), outlook_figures


def test_forecast_rows_in_postgres(stack, backfill):
    engine = sa.create_engine(stack.postgres.url("forecasts"))
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "select year, count(*), count(distinct time_utc) from december_forecast "
                "group by year order by year"
            )
        ).all()
    assert [tuple(row) for row in rows] == [(year, 1488, 1488) for year in YEARS]


def test_outlook_rows_in_postgres(stack, backfill):
    engine = sa.create_engine(stack.postgres.url("forecasts"))
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "select year, count(*), count(actual_mw), min(issued_at), "
                "sum(case when p10_mw <= p50_mw and p50_mw <= p90_mw then 1 else 0 end) "
                "from december_outlook group by year order by year"
            )
        ).all()
    assert [(year, count, actual, ordered) for year, count, actual, _, ordered in rows] == [
        (year, 1488, 1488, 1488) for year in YEARS
    ]
    assert [issued.isoformat() for *_, issued, _ in rows] == [
        f"{year}-11-30T13:00:00"
        for year in YEARS  # 1 December 00:00 in Melbourne, as UTC
    ]


def test_the_registry_survives_an_mlflow_server_restart(stack, backfill):
    client = MlflowClient(stack.mlflow_url)
    before = client.get_model_version_by_alias(MODEL, "champion").version
    stack.stop_service("mlflow")  # killed by process id
    stack.start_mlflow()
    client = MlflowClient(stack.mlflow_url)
    assert client.get_model_version_by_alias(MODEL, "champion").version == before
    assert len(client.search_model_versions(f"name='{MODEL}'")) == len(PARTITIONS)
