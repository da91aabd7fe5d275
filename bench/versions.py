"""A fresh `make run` of two versions of the code, in turn on the same source: how much a
change costs a user, measured side by side so that the machine's mood cancels out.

The older version is checked out as a git worktree in a scratch folder and run with this
venv (its packages must be the same); each repetition runs the old, then the new, on a home
of its own. Prints the median and range of wall and CPU seconds (user + system of the
process and its children) of each, and their ratios.

    .venv/bin/python bench/versions.py OLD_REF [--runs 7] [--source path/to/vic_electricity.csv]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from victoria_demand.settings import PROJECT_ROOT
from victoria_demand_tests.data_set import find_original_csv


def fresh_run(tree: Path, home: Path, source: Path) -> tuple[float, float]:
    """Wall and CPU seconds of `python -m victoria_demand run` of ``tree`` on a new home."""
    env = {
        **os.environ,
        "PYTHONPATH": str(tree),
        "VICTORIA_DEMAND_HOME": str(home),
        "VICTORIA_DEMAND_SOURCE": str(source),
    }
    env.pop("DAGSTER_HOME", None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-m", "victoria_demand", "run"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(f"{tree}: run failed:\n{completed.stdout[-3000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def summary(values: list[float]) -> str:
    return f"{statistics.median(values):6.2f} ({min(values):.2f}-{max(values):.2f})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("old_ref", help="the git commit (or branch, tag) to compare with")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--source", type=Path, default=None)
    args = parser.parse_args()
    source = args.source or find_original_csv()
    with tempfile.TemporaryDirectory() as scratch_dir:
        scratch = Path(scratch_dir)
        old_tree = scratch / "old"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(old_tree), args.old_ref],
            cwd=PROJECT_ROOT,
            check=True,
            capture_output=True,
        )
        try:
            trees = {f"old ({args.old_ref[:12]})": old_tree, "new (this tree)": PROJECT_ROOT}
            walls: dict[str, list[float]] = {name: [] for name in trees}
            cpus: dict[str, list[float]] = {name: [] for name in trees}
            for attempt in range(args.runs):
                for side, (name, tree) in enumerate(trees.items()):
                    wall, cpu = fresh_run(tree, scratch / f"home-{side}-{attempt}", source)
                    walls[name].append(wall)
                    cpus[name].append(cpu)
                print(
                    f"repetition {attempt + 1}: "
                    + ", ".join(f"{name} {walls[name][-1]:.1f} s" for name in trees),
                    flush=True,
                )
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(old_tree)],
                cwd=PROJECT_ROOT,
                check=False,
                capture_output=True,
            )
    print(f"\nfresh `make run`, {args.runs} runs each, median (range):")
    print(f"{'':<28}{'wall s':>22}{'CPU s':>22}")
    for name in trees:
        print(f"{name:<28}{summary(walls[name]):>22}{summary(cpus[name]):>22}")
    (old_name, new_name) = trees
    for label, table in (("wall", walls), ("CPU", cpus)):
        ratio = statistics.median(table[new_name]) / statistics.median(table[old_name])
        print(f"new / old, {label}: {ratio:.2f}")


if __name__ == "__main__":
    main()
