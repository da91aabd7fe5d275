"""A run whose process was killed while it held a pool slot: the next CLI start marks it
failed and frees the slot, so the pool's next step runs instead of waiting forever."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from dagster import DagsterInstance, DagsterRunStatus

from victoria_demand.instance.abandoned_runs import recover_abandoned_runs

pytestmark = pytest.mark.integration

POOL_INSTANCE = "concurrency:\n  pools:\n    default_limit: 1\ntelemetry:\n  enabled: false\n"

# Executes a one-op job in the pool, tagged like the CLI's runs; the op says it holds its
# slot by creating a file, then waits to be killed.
HOLDER = """
import sys, time
from pathlib import Path
from dagster import DagsterInstance, job, op
from victoria_demand.instance.abandoned_runs import this_process_tags

@op(pool="champion_promotion")
def hold_slot():
    Path(sys.argv[1]).touch()
    time.sleep(600)

@job
def holder():
    hold_slot()

holder.execute_in_process(instance=DagsterInstance.get(), tags=this_process_tags())
"""


@pytest.fixture
def instance(tmp_path) -> DagsterInstance:
    (tmp_path / "dagster.yaml").write_text(POOL_INSTANCE)
    with DagsterInstance.from_config(str(tmp_path)) as opened:
        yield opened


def start_holder(home: Path, marker: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(marker)], env={**os.environ, "DAGSTER_HOME": str(home)}
    )
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert process.poll() is None, "the slot holder exited early"
        assert time.monotonic() < deadline, "the slot holder never claimed its slot"
        time.sleep(0.2)
    return process


def test_killed_run_is_failed_and_its_slot_freed(instance, tmp_path):
    process = start_holder(tmp_path, tmp_path / "holding")
    try:
        # while the process lives, its run is left alone
        assert recover_abandoned_runs(instance) == []
        (run,) = instance.get_runs()
        assert run.status == DagsterRunStatus.STARTED
        assert run.run_id in instance.event_log_storage.get_concurrency_run_ids()
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()

    (recovered,) = recover_abandoned_runs(instance)
    assert recovered.run_id == run.run_id
    assert instance.get_run_by_id(run.run_id).status == DagsterRunStatus.FAILURE
    assert instance.event_log_storage.get_concurrency_run_ids() == set()
    assert recover_abandoned_runs(instance) == []  # nothing left to do

    # the pool's next step gets the slot
    next_holder = start_holder(tmp_path, tmp_path / "next holding")
    next_holder.send_signal(signal.SIGKILL)
    next_holder.wait()
