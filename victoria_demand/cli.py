"""``python -m victoria_demand``: run everything headless on the embedded default, or
print the summary of what is there.

``run`` materializes the raw CSV once, then every year in order (one Dagster run per year,
in this process, recorded in the same instance that ``make dev`` shows), and exits non-zero
unless every run and every blocking check passed.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
import warnings
from dataclasses import dataclass, field

from victoria_demand import settings
from victoria_demand.abandoned_runs import recover_abandoned_runs, this_process_tags
from victoria_demand.embedded import embedded_instance, prepare_home


@dataclass
class RunOutcome:
    label: str
    success: bool
    seconds: float
    failed_checks: list[str] = field(default_factory=list)


# Steps log at WARNING and above on the console: the per-run lines and the summary are the
# report; every event is still recorded in the instance for `make dev`.
QUIET_RUN_CONFIG = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


def _quiet_libraries() -> None:
    from dagster import BetaWarning, PreviewWarning

    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    warnings.filterwarnings("ignore", category=BetaWarning)
    warnings.filterwarnings("ignore", category=PreviewWarning)
    logging.getLogger("mlflow").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)


def run_label(job_name: str, partition: str | None) -> str:
    """How a run is named on the console: the job and its year, if any."""
    return f"{job_name} {partition}" if partition else job_name


def run_everything(years: list[int] | None = None) -> list[RunOutcome]:
    from dagster import AssetCheckSeverity

    from victoria_demand.definitions import defs
    from victoria_demand.partitions import YEARS

    instance = embedded_instance(settings.home())
    for run in recover_abandoned_runs(instance):
        label = run_label(run.job_name, run.tags.get("dagster/partition"))
        print(f"{label:<15} left unfinished by a killed process: marked failed", flush=True)
    tags = this_process_tags()
    outcomes = []
    plan = [("ingest", None)] + [("december", str(year)) for year in years or YEARS]
    for job_name, partition in plan:
        started = time.perf_counter()
        result = defs.resolve_job_def(job_name).execute_in_process(
            instance=instance,
            partition_key=partition,
            run_config=QUIET_RUN_CONFIG,
            tags=tags,
            raise_on_error=False,
        )
        failed = [
            f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
            for evaluation in result.get_asset_check_evaluations()
            if not evaluation.passed and evaluation.severity == AssetCheckSeverity.ERROR
        ]
        outcome = RunOutcome(
            label=run_label(job_name, partition),
            success=result.success and not failed,
            seconds=time.perf_counter() - started,
            failed_checks=failed,
        )
        outcomes.append(outcome)
        status = "ok" if outcome.success else "FAILED"
        detail = f" (failed checks: {', '.join(failed)})" if failed else ""
        print(f"{outcome.label:<15} {status} in {outcome.seconds:.1f} s{detail}", flush=True)
        for failure in result.get_step_failure_events():
            error = failure.step_failure_data.error
            cause = error.cause if error and error.cause else error  # the user code's error
            if cause is not None:
                print(f"  {failure.step_key}: {cause.message.strip()}")
        if job_name == "ingest" and not outcome.success:
            break
    return outcomes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m victoria_demand", description=__doc__)
    parser.add_argument("command", choices=["run", "summary", "prepare"])
    parser.add_argument(
        "--year",
        type=int,
        action="append",
        dest="years",
        help="with run: only this year (repeatable); default every year, in order",
    )
    args = parser.parse_args(argv)
    home = settings.home()
    _quiet_libraries()
    if args.command == "prepare":
        print(prepare_home(home))
        return 0
    from victoria_demand.summary import print_summary

    if args.command == "summary":
        return print_summary(embedded_instance(home))
    from victoria_demand.partitions import YEARS

    unknown = sorted(set(args.years or []) - set(YEARS))
    if unknown:
        parser.error(f"no such year {unknown}: the years are {list(YEARS)}")
    outcomes = run_everything(sorted(args.years) if args.years else None)
    print()
    print_summary(embedded_instance(home))
    ok = all(outcome.success for outcome in outcomes)
    print(f"\nstate: {home}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
