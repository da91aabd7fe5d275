"""The registered champion through MLflow's own loader and REST server (`mlflow models
serve`), against the forecasts the pipeline stored: one answer per instant."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
import pytest

from victoria_demand.core.cleaning import clean_year
from victoria_demand.core.forecaster import HISTORY_HALF_HOURS
from victoria_demand.core.raw import read_raw_demand
from victoria_demand.core.training import model_inputs, split_december
from victoria_demand.settings import PROJECT_ROOT
from victoria_demand_tests.services import free_port, start, stop, venv_tool, wait_for_http
from victoria_demand_tests.state import MODEL

pytestmark = pytest.mark.integration
CHAMPION = "models:/victoria_demand_december@champion"
YEAR = 2014
TOLERANCE_MW = 0.5


def _stored_forecast(home: Path, version: str) -> pd.DataFrame:
    with sqlite3.connect(home / "forecasts.db") as db:
        rows = pd.read_sql(
            "select time_utc, forecast_mw, p10_mw, p90_mw from december_forecast "
            "where year = ? and model_version = ? order by time_utc",
            db,
            params=(YEAR, version),
        )
    return rows.assign(time_utc=pd.to_datetime(rows["time_utc"]).dt.tz_localize("UTC"))


def _request(rows: pd.DataFrame, context: pd.DataFrame, stamp) -> dict:
    frame = pd.concat(
        [model_inputs(context).assign(context=True), model_inputs(rows).assign(context=False)]
    )
    records = [
        {
            "time_utc": stamp(instant),
            "temperature_c": float(temperature),
            "holiday": bool(holiday),
            "context": bool(context_row),
        }
        for instant, temperature, holiday, context_row in frame.itertuples(index=False)
    ]
    return {"dataframe_records": records}


def _z(instant: pd.Timestamp) -> str:
    return instant.tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%SZ")


def _melbourne_offset(instant: pd.Timestamp) -> str:
    return instant.tz_convert("Australia/Melbourne").isoformat()  # "...+11:00"


def _post(url: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.fixture(scope="module")
def served(first_run, original_csv, tmp_path_factory):
    home, _ = first_run
    tracking = f"sqlite:///{home / 'mlflow.db'}"
    port = free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    env = {
        **os.environ,
        # the server starts `uvicorn` by name, from the environment it runs in
        "PATH": f"{Path(venv_tool('mlflow')).parent}{os.pathsep}{os.environ['PATH']}",
        "MLFLOW_TRACKING_URI": tracking,
        "MLFLOW_REGISTRY_URI": tracking,
    }
    server = start(
        [
            *(venv_tool("mlflow"), "models", "serve", "-m", CHAMPION, "--env-manager", "local"),
            *("-h", "127.0.0.1", "-p", str(port), "-w", "1"),
        ],
        log,
        env=env,
    )
    try:
        wait_for_http(f"http://127.0.0.1:{port}/ping", server, timeout=120)
        client = mlflow.MlflowClient(tracking, tracking)
        version = client.get_model_version_by_alias(MODEL, "champion")
        clean = clean_year(read_raw_demand(original_csv), YEAR, source=str(original_csv))
        yield {
            "url": f"http://127.0.0.1:{port}/invocations",
            "tracking": tracking,
            "stored": _stored_forecast(home, version.version),
            "split": split_december(clean),
        }
    finally:
        stop(server)


def _answer_frame(answer: dict) -> pd.DataFrame:
    frame = pd.DataFrame(answer["predictions"])
    return frame.assign(time_utc=pd.to_datetime(frame["time_utc"], utc=True))


def test_december_in_one_request_matches_the_stored_forecasts(served):
    split, stored = served["split"], served["stored"]
    assert len(stored) == len(split.december)
    body = _request(split.december, split.train.tail(HISTORY_HALF_HOURS), _z)
    status, answer = _post(served["url"], body)
    assert status == 200, answer
    served_frame = _answer_frame(answer)
    assert served_frame["time_utc"].tolist() == stored["time_utc"].tolist()
    for column in ("forecast_mw", "p10_mw", "p90_mw"):
        gap = np.abs(served_frame[column].to_numpy() - stored[column].to_numpy()).max()
        assert gap <= TOLERANCE_MW, f"{column}: {gap:.3f} MW"
    assert (served_frame["p10_mw"] < served_frame["forecast_mw"]).all()
    assert (served_frame["forecast_mw"] < served_frame["p90_mw"]).all()


@pytest.mark.parametrize("stamp", [_z, _melbourne_offset], ids=["Z", "offset"])
def test_single_instants_get_the_same_answer(served, stamp):
    split, stored = served["split"], served["stored"]
    history = pd.concat([split.train, split.december], ignore_index=True)
    first_december = len(split.train)
    for position in (0, 1, 700, len(split.december) - 1):  # 1 December 00:00 local, ...
        at = first_december + position
        body = _request(
            history.iloc[at : at + 1], history.iloc[at - HISTORY_HALF_HOURS : at], stamp
        )
        status, answer = _post(served["url"], body)
        assert status == 200, answer
        [row] = answer["predictions"]
        expected = stored.iloc[position]
        assert pd.Timestamp(row["time_utc"]) == expected["time_utc"]
        for column in ("forecast_mw", "p10_mw", "p90_mw"):
            assert abs(row[column] - expected[column]) <= TOLERANCE_MW, (position, column)


def test_a_request_without_its_history_is_refused_by_name(served):
    split = served["split"]
    body = _request(split.december.head(1), split.train.tail(10), _z)
    status, answer = _post(served["url"], body)
    assert status == 400
    message = answer["message"]
    assert "row 10, column time_utc" in message
    assert "48 hours" in message and "context=true" in message


def test_mlflow_loader_gives_the_same_answer(served, use_mlflow_store):
    split, stored = served["split"], served["stored"]
    use_mlflow_store(served["tracking"])
    model = mlflow.pyfunc.load_model(CHAMPION)
    request = pd.DataFrame(
        _request(split.december.head(48), split.train.tail(HISTORY_HALF_HOURS), _z)[
            "dataframe_records"
        ]
    )
    answer = model.predict(request)
    assert len(answer) == 48
    gap = np.abs(answer["forecast_mw"].to_numpy() - stored["forecast_mw"].to_numpy()[:48]).max()
    assert gap <= TOLERANCE_MW


def test_the_readme_example_works_as_written(served, original_csv):
    readme = (PROJECT_ROOT / "docs" / "serving.md").read_text()
    block = readme.split("<!-- serving-example -->\n```python\n", 1)[1].split("```", 1)[0]
    base_url = served["url"].removesuffix("/invocations")
    script = block.replace("http://127.0.0.1:5001", base_url).replace(
        "sqlite:///.victoria_demand/mlflow.db", served["tracking"]
    )
    assert base_url in script and served["tracking"] in script
    # `make data` in the block finds the source as a user's would: VICTORIA_DEMAND_SOURCE
    completed = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=PROJECT_ROOT,
        env={**os.environ, "VICTORIA_DEMAND_SOURCE": str(original_csv)},
    )
    assert completed.returncode == 0, completed.stderr
    # the REST answer and the loader's, each three rows of Christmas Day with their band
    assert completed.stdout.count("2014-12-24T13:00:00Z") == 2
    assert "p10_mw" in completed.stdout and "p90_mw" in completed.stdout
