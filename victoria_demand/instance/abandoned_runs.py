"""Runs that ``python -m victoria_demand run`` started in a process that is gone.

The CLI executes runs in its own process, where no daemon watches them. If that process is
killed, its run stays STARTED in the instance forever and keeps whatever pool slot it had
claimed: the next champion step then waits for ``champion_promotion`` without end. Each CLI
run is tagged with the process that executes it, so the next CLI start can tell an abandoned
run from one still executing elsewhere, mark it failed and hand its slots back.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

from dagster import DagsterInstance, DagsterRun, DagsterRunStatus, RunsFilter

HOST_TAG = "victoria_demand/host"
PID_TAG = "victoria_demand/pid"
PROCESS_START_TAG = "victoria_demand/process_start"
FINISHED_STATUSES = [
    DagsterRunStatus.SUCCESS,
    DagsterRunStatus.FAILURE,
    DagsterRunStatus.CANCELED,
]
# MANAGED runs are not Dagster's to track; every other status is a run under way
NOT_FINISHED_STATUSES = [
    status
    for status in DagsterRunStatus
    if status not in FINISHED_STATUSES and status != DagsterRunStatus.MANAGED
]


def _process_start(pid: int) -> str:
    """The kernel's start time of ``pid`` (clock ticks since boot), "" where there is no
    /proc: with it a reused pid is not mistaken for the process that ran the run."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    # field 22; the command name (field 2) may contain spaces, so count after its ")"
    return stat.rsplit(")", 1)[1].split()[19]


def this_process_tags() -> dict[str, str]:
    pid = os.getpid()
    return {
        HOST_TAG: socket.gethostname(),
        PID_TAG: str(pid),
        PROCESS_START_TAG: _process_start(pid),
    }


def _process_alive(pid: int, start: str) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        pass
    return not start or _process_start(pid) == start


def recover_abandoned_runs(instance: DagsterInstance) -> list[DagsterRun]:
    """Mark abandoned CLI runs failed and free the pool slots of every run that has ended.

    Only runs this host's CLI tagged are judged: runs launched from the UI or the daemon
    belong to their launcher and run monitoring, runs of other hosts to those hosts.
    Returns the runs that were marked failed.
    """
    this_host = RunsFilter(statuses=NOT_FINISHED_STATUSES, tags={HOST_TAG: socket.gethostname()})
    abandoned = [
        run
        for run in instance.get_runs(filters=this_host)
        if not _process_alive(int(run.tags[PID_TAG]), run.tags.get(PROCESS_START_TAG, ""))
    ]
    for run in abandoned:
        instance.report_run_failed(
            run,
            f"The process that executed this run (pid {run.tags[PID_TAG]} on"
            f" {run.tags[HOST_TAG]}) ended without finishing it.",
        )
    holders = instance.event_log_storage.get_concurrency_run_ids()
    if holders:
        ended = instance.get_runs(
            filters=RunsFilter(run_ids=list(holders), statuses=FINISHED_STATUSES)
        )
        for run in ended:
            instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
    return abandoned
