"""Wall time and peak memory of every path a user takes to materialize the pipeline, on the
embedded default with the real data, each the median (and range) of N repetitions:

- `make run` on a fresh home (a cold `python -m victoria_demand run`), and again with
  nothing to do;
- Dagster's own CLI, `dagster asset materialize` of one year's assets on a run home;
- the UI's "Materialize all" (every asset, every partition) against `dagster dev` on a fresh
  home, launched as the UI launches it (the webserver's GraphQL `launchPartitionBackfill`),
  timed from the launch to the backfill's success;
- the UI's backfill of one year (2013), from the same `dagster dev`, as the Materialize
  dialog launches one partition of the assets after the raw CSV ("Launch 1 run": the
  webserver's `launchPipelineExecution` with the partition's tag): the run's own timer.
  (`ui/test_ui.py::test_backfill_one_year` drives that dialog in Chromium and finds one
  run that makes 2013 alone; a `launchPartitionBackfill` of 2013 would also target the later
  years' champions, which read every year up to theirs.)

Then where the time goes: the runs, waves and daemon waits of the "Materialize all"
backfill; and one more fresh `run`, with no profiler but Python's import report
(`-X importtime`), read back as the seconds spent importing (wherever it happens) and, from
Dagster's own event log, the seconds of each step and of the runs around them. (A profiler
would say more, but cProfile doubled this run's time and py-spy slowed it by 40 %, both
most where Dagster's and MLflow's Python is thickest.) Peak memory is the largest resident
set of any one process of a path (sampled every 0.2 s under `dagster dev`).

    .venv/bin/python bench/pipeline.py [--runs 3] [--source path/to/vic_electricity.csv]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from timing import timed  # bench/timing.py, beside this script

from victoria_demand.defs.asset_keys import RAW_DEMAND, YEARLY_ASSETS
from victoria_demand_tests.dagster_graphql import DagsterGraphQL
from victoria_demand_tests.data_set import find_original_csv
from victoria_demand_tests.services import dagster_dev, descendants

ALL_ASSETS = [key.to_user_string() for key in (RAW_DEMAND, *YEARLY_ASSETS)]
ONE_YEAR = "2013"
GOALS = {  # seconds, from the issue that set them
    "make run, fresh home": 8,
    "make run, nothing to do": 5,
    "dagster asset materialize, one year": 10,
    'UI "Materialize all", fresh home': 60,
    "UI backfill of one year (run time)": 10,
}
PEAK_GOAL_MIB = 1024


@dataclass
class PathTimes:
    seconds: list[float] = field(default_factory=list)
    peaks_mib: list[float] = field(default_factory=list)


def _env(home: Path, source: Path) -> dict[str, str]:
    env = {**os.environ, "VICTORIA_DEMAND_HOME": str(home), "VICTORIA_DEMAND_SOURCE": str(source)}
    env.pop("DAGSTER_HOME", None)
    return env


def _rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


@contextmanager
def peak_rss_of_tree(root_pid: int) -> Iterator[Callable[[], float]]:
    """Sample the largest resident set of any process under ``root_pid`` (not itself)."""
    peak = [0.0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            for pid in descendants(root_pid):
                peak[0] = max(peak[0], _rss_mib(pid))
            done.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield lambda: peak[0]
    finally:
        done.set()
        sampler.join()


def headless_paths(source: Path, scratch: Path, attempt: int, times: dict[str, PathTimes]) -> None:
    home = scratch / f"headless-{attempt}"
    env = _env(home, source)
    run = [sys.executable, "-m", "victoria_demand", "run"]
    for label in ("make run, fresh home", "make run, nothing to do"):
        seconds, peak = timed(run, env)
        times[label].seconds.append(seconds)
        times[label].peaks_mib.append(peak)
    materialize = [
        str(Path(sys.executable).with_name("dagster")),
        "asset",
        "materialize",
        "-m",
        "victoria_demand.definitions",
        "--select",
        ",".join(ALL_ASSETS[1:]),
        "--partition",
        ONE_YEAR,
    ]
    # Dagster's CLI finds the instance by DAGSTER_HOME; `make run` is timed without it, as
    # a user runs it
    seconds, peak = timed(materialize, {**env, "DAGSTER_HOME": str(home / "dagster")})
    times["dagster asset materialize, one year"].seconds.append(seconds)
    times["dagster asset materialize, one year"].peaks_mib.append(peak)


def _run_seconds(run: dict) -> float:
    return (run["endTime"] or 0) - (run["startTime"] or 0)


def _waves(runs: list[dict], launched: float) -> list[str]:
    """The backfill's runs grouped by when they started (a daemon tick submits a wave)."""
    lines, wave_start = [], None
    for run in sorted(runs, key=lambda run: run["startTime"] or 0):
        start = run["startTime"] or 0
        if wave_start is None or start - wave_start > 5:
            wave_start = start
            lines.append(f"starts at +{start - launched:5.1f} s:")
        tags = {tag["key"]: tag["value"] for tag in run["tags"]}
        partition = tags.get("dagster/partition") or tags.get(
            "dagster/asset_partition_range_start", "-"
        )
        lines[-1] += f" [{partition} {_run_seconds(run):.1f} s]"
    return lines


def ui_paths(source: Path, scratch: Path, attempt: int, times: dict[str, PathTimes]) -> list[str]:
    home = scratch / f"ui-{attempt}"
    with dagster_dev(home, source, scratch) as url:
        graphql = DagsterGraphQL(url)
        with peak_rss_of_tree(os.getpid()) as peak:
            launched = time.time()
            backfill = graphql.launch_asset_backfill(ALL_ASSETS, None)
            status = graphql.wait_for_backfill(backfill, timeout=1200)
            elapsed = time.time() - launched
            if status != "COMPLETED_SUCCESS":
                raise SystemExit(f"Materialize all ended {status}; see {scratch}")
            waves = _waves(graphql.backfill_runs(backfill), launched)
            one_year = graphql.wait_for_run(graphql.launch_run(ALL_ASSETS[1:], ONE_YEAR))
            if one_year["status"] != "SUCCESS":
                raise SystemExit(f"the run of {ONE_YEAR} failed; see {scratch}")
            run_seconds = _run_seconds(one_year)
            sampled_peak = peak()
    label = 'UI "Materialize all", fresh home'
    times[label].seconds.append(elapsed)
    times[label].peaks_mib.append(sampled_peak)
    times["UI backfill of one year (run time)"].seconds.append(run_seconds)
    times["UI backfill of one year (run time)"].peaks_mib.append(sampled_peak)
    return waves


def import_seconds(importtime_log: str) -> dict[str, float]:
    """Seconds spent importing, by top-level package, from ``-X importtime``'s report: the
    sum of each module's own time is the process's whole import time."""
    by_package: dict[str, float] = {}
    for line in importtime_log.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        own, _, name = (part.strip() for part in line[len("import time:") :].split("|"))
        if own.isdigit():
            package = name.split(".")[0]
            by_package[package] = by_package.get(package, 0.0) + int(own) / 1e6
    return by_package


def step_seconds(dagster_dir: Path) -> tuple[dict[str, float], float, int]:
    """From the event log a run wrote: seconds by step (summed over the runs), the runs'
    seconds in all (first event to last), and how many runs there were."""
    from dagster import DagsterEventType, DagsterInstance

    instance = DagsterInstance.from_config(str(dagster_dir))
    by_step: dict[str, float] = {}
    in_runs, runs = 0.0, instance.get_runs()
    for run in runs:
        records = instance.all_logs(run.run_id)
        in_runs += records[-1].timestamp - records[0].timestamp
        started: dict[str, float] = {}
        for record in records:
            if record.dagster_event_type == DagsterEventType.STEP_START:
                started[record.step_key] = record.timestamp
            elif record.dagster_event_type in (
                DagsterEventType.STEP_SUCCESS,
                DagsterEventType.STEP_FAILURE,
            ):
                seconds = record.timestamp - started[record.step_key]
                by_step[record.step_key] = by_step.get(record.step_key, 0.0) + seconds
    instance.dispose()
    return by_step, in_runs, len(runs)


def headless_breakdown(source: Path, scratch: Path) -> None:
    """One more fresh run, unprofiled but for ``-X importtime`` (which costs little), read
    back through its import report and Dagster's own event log."""
    home = scratch / "breakdown"
    env = {**_env(home, source), "PYTHONPROFILEIMPORTTIME": "1"}
    started = time.perf_counter()
    process = subprocess.run(
        [sys.executable, "-m", "victoria_demand", "run"], env=env, capture_output=True, text=True
    )
    wall = time.perf_counter() - started
    if process.returncode != 0:
        # a traceback goes to stderr, among the import report's lines
        errors = "\n".join(
            line for line in process.stderr.splitlines() if not line.startswith("import time:")
        )
        raise SystemExit(f"the breakdown's run failed:\n{process.stdout[-3000:]}{errors[-3000:]}")
    imports = import_seconds(process.stderr)
    by_step, in_runs, runs = step_seconds(home / "dagster")
    largest = sorted(imports.items(), key=lambda item: -item[1])[:6]
    print(f"\nwhere a fresh `make run` spends its time (one more, -X importtime: {wall:.1f} s)")
    print(f"  {'importing modules, wherever it happens':<42}{sum(imports.values()):>6.2f} s")
    print("    " + ", ".join(f"{package} {seconds:.2f}" for package, seconds in largest))
    print(f"  {f'in Dagster runs ({runs}), by its event log':<42}{in_runs:>6.2f} s")
    for step, seconds in sorted(by_step.items(), key=lambda item: -item[1]):
        print(f"    {step:<40}{seconds:>6.2f} s")
    between = in_runs - sum(by_step.values())
    print(f"    {'Dagster, outside the steps':<40}{between:>6.2f} s")
    print(f"  {'outside the runs':<42}{wall - in_runs:>6.2f} s")
    print(
        "  (the first year's december_model imports scikit-learn, matplotlib and pvlib; "
        "everything\n  before the first run is imports, the source's observation and "
        "preparing the home)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--source", type=Path, default=None, help="default: found as the tests find it"
    )
    parser.add_argument("--skip-ui", action="store_true", help="only the headless paths")
    args = parser.parse_args()
    args.source = args.source or find_original_csv()
    times = {label: PathTimes() for label in GOALS}
    waves: list[str] = []
    with tempfile.TemporaryDirectory() as scratch_dir:
        scratch = Path(scratch_dir)
        for attempt in range(args.runs):
            headless_paths(args.source, scratch, attempt, times)
            if not args.skip_ui:
                waves = ui_paths(args.source, scratch, attempt, times)
            print(
                f"repetition {attempt + 1}: "
                + ", ".join(
                    f"{label} {path.seconds[-1]:.1f} s"
                    for label, path in times.items()
                    if path.seconds
                ),
                flush=True,
            )

        print(f"\n{'path':<38}{'median s':>9}{'range s':>14}{'goal s':>8}{'peak MiB':>10}  met")
        for label, path in times.items():
            if not path.seconds:
                continue
            median = statistics.median(path.seconds)
            spread = f"{min(path.seconds):.1f}-{max(path.seconds):.1f}"
            peak = max(path.peaks_mib)
            met = median <= GOALS[label] and peak < PEAK_GOAL_MIB
            print(
                f"{label:<38}{median:>9.1f}{spread:>14}{GOALS[label]:>8}{peak:>10.0f}"
                f"  {'yes' if met else 'NO'}"
            )
        if waves:
            print('\nthe last "Materialize all" backfill, its runs by start (partition, run time):')
            for line in waves:
                print(f"  {line}")
        headless_breakdown(args.source, scratch)


if __name__ == "__main__":
    main()
