"""Wall time and peak memory of the headless full run (`python -m victoria_demand run`):
every year, every asset and check, a cold process, the embedded default, a fresh home.

Reports the median of N runs (default 3) and, from one more run under cProfile, where the
time goes. cProfile slows Python code, so read the breakdown as proportions.

    .venv/bin/python bench/pipeline.py [--runs 3] [--source path/to/vic_electricity.csv]
"""

from __future__ import annotations

import argparse
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from victoria_demand.settings import PROJECT_ROOT

DEFAULT_SOURCE = PROJECT_ROOT.parent / "shared" / "data" / "vic_electricity.csv"

# Where the time goes: (label, file suffix, function name), cumulative time in the profile.
PHASES = [
    ("read + validate CSV", "core/raw.py", "read_raw_demand"),
    ("clean years", "core/cleaning.py", "clean_year"),
    ("training (fit + score)", "core/training.py", "fit_december_model"),
    ("MLflow: log + register", "resources/mlflow_registry.py", "log_december_model"),
    ("MLflow: load incumbent/champion", "resources/mlflow_registry.py", "load_version"),
    ("MLflow: record decision + alias", "resources/mlflow_registry.py", "record_decision"),
    ("forecast table write", "core/forecast_store.py", "replace_year"),
    ("summary", "victoria_demand/summary.py", "print_summary"),
]


def _env(home: Path, source: Path) -> dict[str, str]:
    env = {**os.environ, "VICTORIA_DEMAND_HOME": str(home), "VICTORIA_DEMAND_SOURCE": str(source)}
    env.pop("DAGSTER_HOME", None)
    return env


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MiB) of one child process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{process.stderr.read().decode()[-3000:]}")
    return seconds, usage.ru_maxrss / 1024


def cumulative(stats: pstats.Stats, suffix: str, function: str) -> float:
    return sum(
        entry[3]
        for (filename, _, name), entry in stats.stats.items()
        if name == function and filename.endswith(suffix)
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    args = parser.parse_args()
    run = [sys.executable, "-m", "victoria_demand", "run"]

    walls, peaks, imports = [], [], []
    for attempt in range(args.runs):
        with tempfile.TemporaryDirectory() as home:
            env = _env(Path(home), args.source)
            seconds, peak = timed(run, env)
            import_seconds, _ = timed(
                [sys.executable, "-c", "import victoria_demand.definitions"], env
            )
        walls.append(seconds)
        peaks.append(peak)
        imports.append(import_seconds)
        print(f"run {attempt + 1}: {seconds:.2f} s, peak {peak:.0f} MiB", flush=True)

    wall, peak = statistics.median(walls), statistics.median(peaks)
    print(f"\nfull run, median of {args.runs}: {wall:.2f} s wall, {peak:.0f} MiB peak RSS")
    print(f"goal: <= 15 s and < 1024 MiB -> {'met' if wall <= 15 and peak < 1024 else 'NOT met'}")

    with tempfile.TemporaryDirectory() as home:
        profile = Path(home) / "run.prof"
        env = _env(Path(home), args.source)
        profiled_wall, _ = timed(
            [sys.executable, "-m", "cProfile", "-o", str(profile), *run[1:]], env
        )
        stats = pstats.Stats(str(profile))
    print(f"\nwhere the time goes (one run under cProfile, {profiled_wall:.2f} s):")
    import_seconds = statistics.median(imports)
    print(f"  {'imports (cold process, median)':<34}{import_seconds:>7.2f} s")
    accounted = import_seconds
    for label, suffix, function in PHASES:
        seconds = cumulative(stats, suffix, function)
        accounted += seconds
        print(f"  {label:<34}{seconds:>7.2f} s")
    print(f"  {'Dagster and the rest':<34}{profiled_wall - accounted:>7.2f} s")


if __name__ == "__main__":
    main()
