"""``python -m victoria_demand``: run the pipeline headless on the embedded default, or print
the summary of what is there.

``data`` fetches the source into the cache (checksum-verified) and prints where it is.
``ingest`` does the first step alone (``make dev`` runs it, so the UI shows the data's
years). ``run`` observes the source, then materializes what the assets' automation
condition requests, the decision the daemon makes (``plan.py``): the source once if it
changed, then each year of the data in order, in this process, recorded in the same instance
that ``make dev`` shows (``run.py``, ``pipeline.py``). ``--force`` materializes everything
again. The exit status is 0 only when every run and every blocking check passed.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import warnings

from victoria_demand import settings
from victoria_demand.cli.pipeline import RUN_LABEL_TAG, RunOutcome, run_label
from victoria_demand.cli.run import ingest, run_everything
from victoria_demand.instance.embedded import embedded_instance, prepare_home

__all__ = ["RUN_LABEL_TAG", "RunOutcome", "ingest", "main", "run_everything", "run_label"]


def _quiet_libraries() -> None:
    from dagster import BetaWarning, PreviewWarning

    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    os.environ.setdefault("MLFLOW_LOGGING_LEVEL", "WARNING")  # MLflow resets its logger on import
    warnings.filterwarnings("ignore", category=BetaWarning)
    warnings.filterwarnings("ignore", category=PreviewWarning)
    logging.getLogger("mlflow").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)


def print_source_path(home) -> int:
    """``make data``: the configured source (by default the pinned download), fetched and
    verified once into the cache; its local path on stdout."""
    from victoria_demand.core.errors import DemandDataError
    from victoria_demand.resources import demand_source

    try:
        print(demand_source(home).fetch().path)
    except DemandDataError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m victoria_demand", description=__doc__)
    parser.add_argument("command", choices=["run", "ingest", "summary", "prepare", "data"])
    parser.add_argument(
        "--year",
        type=int,
        action="append",
        dest="years",
        help="with run: only this year (repeatable); default every year of the data, in order",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="with run: materialize everything again, even what is up to date",
    )
    args = parser.parse_args(argv)
    home = settings.home()
    _quiet_libraries()
    if args.command == "prepare":
        print(prepare_home(home))
        return 0
    if args.command == "data":
        return print_source_path(home)
    from victoria_demand.cli.summary import print_summary

    if args.command == "summary":
        return print_summary(embedded_instance(home))
    if args.command == "ingest":  # what `make dev` does first, so the UI shows the years
        outcomes = ingest()
        return 0 if all(outcome.success for outcome in outcomes) else 1
    outcomes = run_everything(sorted(args.years) if args.years else None, force=args.force)
    print()
    print_summary(embedded_instance(home))
    ok = all(outcome.success for outcome in outcomes)
    print(f"\nstate: {home}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
