import os
import subprocess
import sys
from pathlib import Path

from dagster import AssetKey

from victoria_demand.definitions import defs
from victoria_demand.settings import PROJECT_ROOT


def test_the_asset_graph():
    graph = defs.resolve_asset_graph()
    parents = {
        key.to_user_string(): {p.to_user_string() for p in graph.get(key).parent_keys}
        for key in graph.get_all_asset_keys()
    }
    assert parents == {
        "raw_demand": set(),
        "clean_demand": {"raw_demand"},
        "december_model": {"clean_demand"},
        "champion_model": {"december_model", "clean_demand", "champion_model"},
        "december_forecast": {"champion_model", "clean_demand"},
    }
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        assert node.description and node.group_name in {"ingest", "training", "serving"}
    assert graph.get(AssetKey("december_model")).partitions_def.get_partition_keys() == [
        "2012",
        "2013",
        "2014",
    ]


def test_jobs_resolve():
    assert defs.resolve_job_def("ingest")
    assert defs.resolve_job_def("december").partitions_def.get_partition_keys() == [
        "2012",
        "2013",
        "2014",
    ]


def test_dagster_definitions_validate(tmp_path: Path):
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path), "VICTORIA_DEMAND_HOME": str(tmp_path)}
    completed = subprocess.run(
        [
            str(Path(sys.executable).with_name("dagster")),
            "definitions",
            "validate",
            "-m",
            "victoria_demand.definitions",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "Validation successful" in completed.stdout + completed.stderr
