"""How the headless run scales with the years in the source (`python -m victoria_demand run`,
a cold process, the embedded default).

For sources of 3, 10, 20 and 30 years made from the real data (weekdays aligned, holidays
from the holidays library, see victoria_demand_tests/synthetic_source.py), it reports the
full run on a fresh home (wall time, peak memory) and the incremental run after appending
one year to that home, each the median of N repetitions (default 1; the machine is shared).

Goals on a 2-core machine: the full run's cost per year stays flat (30 years cost at most
12 times 3 years), peak memory under 1 GB at 30 years, and appending a year to a 30-year
state costs no more than appending one to a 3-year state (within 20%).

    .venv/bin/python bench/scale.py [--years 3 10 20 30] [--runs 1]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

from timing import timed  # bench/timing.py, beside this script

from victoria_demand_tests.data_set import find_original_csv
from victoria_demand_tests.synthetic_source import write_synthetic_source

LAST_YEAR = 2014
# synthetic Decembers mix days of several years: the bench measures cost, not accuracy
CEILING = {"VICTORIA_DEMAND_RMSE_CEILING_MW": "5000"}


def timed_run(home: Path, source: Path) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MiB) of one `run` in a cold process."""
    env = {
        **os.environ,
        **CEILING,
        "VICTORIA_DEMAND_HOME": str(home),
        "VICTORIA_DEMAND_SOURCE": str(source),
    }
    env.pop("DAGSTER_HOME", None)
    return timed([sys.executable, "-m", "victoria_demand", "run"], env)


def measure(years: int, runs: int, scratch: Path) -> dict[str, float]:
    first = LAST_YEAR - years + 1
    real_source = find_original_csv()
    source = write_synthetic_source(real_source, scratch / f"{years}.csv", first, LAST_YEAR)
    longer = write_synthetic_source(real_source, scratch / f"{years}+1.csv", first, LAST_YEAR + 1)
    full, peaks, append = [], [], []
    for attempt in range(runs):
        home = scratch / f"home-{years}-{attempt}"
        seconds, peak = timed_run(home, source)
        full.append(seconds)
        peaks.append(peak)
        seconds, peak = timed_run(home, longer)
        append.append(seconds)
        peaks.append(peak)
    return {
        "full_s": statistics.median(full),
        "per_year_s": statistics.median(full) / years,
        "peak_mib": max(peaks),
        "append_s": statistics.median(append),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--years", type=int, nargs="+", default=[3, 10, 20, 30])
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as scratch:
        for years in args.years:
            results[years] = measure(years, args.runs, Path(scratch))
            row = results[years]
            print(
                f"{years:>2} years: full {row['full_s']:.1f} s ({row['per_year_s']:.2f} s/year), "
                f"peak {row['peak_mib']:.0f} MiB, append one year {row['append_s']:.1f} s",
                flush=True,
            )
    print(f"\n{'years':>5} {'full run s':>11} {'s/year':>7} {'peak MiB':>9} {'append s':>9}")
    for years, row in results.items():
        print(
            f"{years:>5} {row['full_s']:>11.1f} {row['per_year_s']:>7.2f} "
            f"{row['peak_mib']:>9.0f} {row['append_s']:>9.1f}"
        )
    smallest, largest = min(results), max(results)
    small, large = results[smallest], results[largest]
    ratio_full = large["full_s"] / small["full_s"]
    ratio_append = large["append_s"] / small["append_s"]
    print(f"\nfull run, {largest} vs {smallest} years: x{ratio_full:.1f} (goal <= x12)")
    print(f"peak memory at {largest} years: {large['peak_mib']:.0f} MiB (goal < 1024)")
    print(f"append a year, {largest} vs {smallest} years: x{ratio_append:.2f} (goal <= x1.2)")


if __name__ == "__main__":
    main()
