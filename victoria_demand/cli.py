"""``python -m victoria_demand``: run the pipeline headless on the embedded default, or print
the summary of what is there.

``ingest`` does the first step alone (``make dev`` runs it, so the UI shows the data's
years). ``run`` observes the source, then materializes only what Dagster reports missing or stale
(data versions and code versions): the source once if it changed, then each year of the data
in order (one Dagster run per year, in this process, recorded in the same instance that
``make dev`` shows). ``--force`` materializes everything again. The exit status is 0 only
when every run and every blocking check passed.
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

# Errors in what a person supplied (the data, the configuration, a service's address): their
# message says it all. Anything else is a bug and keeps its traceback.
RUN_LABEL_TAG = "victoria_demand/run"  # how the console names a run: "december 2013"
USER_ERRORS = frozenset(
    {"DemandDataError", "ServiceUnavailableError", "UntrustedModelError", "OutdatedModelError"}
)


@dataclass
class RunOutcome:
    label: str
    success: bool
    seconds: float
    failed_checks: list[str] = field(default_factory=list)


# Dagster's console logger stays quiet: the per-run lines, the errors (once) and the summary
# are the report; every event is still recorded in the instance for `make dev`.
QUIET_RUN_CONFIG = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


def _quiet_libraries() -> None:
    from dagster import BetaWarning, PreviewWarning

    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    os.environ.setdefault("MLFLOW_LOGGING_LEVEL", "WARNING")  # MLflow resets its logger on import
    warnings.filterwarnings("ignore", category=BetaWarning)
    warnings.filterwarnings("ignore", category=PreviewWarning)
    logging.getLogger("mlflow").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)


def run_label(job_name: str, partition: str | None) -> str:
    """How a run is named on the console: the job and its year, if any."""
    return f"{job_name} {partition}" if partition else job_name


def _report_failures(result) -> None:
    for failure in result.get_step_failure_events():
        error = failure.step_failure_data.error
        cause = error.cause if error and error.cause else error  # the user code's error
        if cause is None:
            continue
        if cause.cls_name == "DagsterAssetCheckFailedError":
            continue  # named on the run's line already
        if cause.cls_name in USER_ERRORS:
            # the message alone: Dagster prefixes it with the exception's qualified class
            message = cause.message.strip()
            print(f"  {failure.step_key}: {message.partition(f'{cause.cls_name}: ')[2] or message}")
        else:
            print(f"  {failure.step_key}: {cause.to_string().rstrip()}")


class Pipeline:
    """The embedded instance and the definitions for the years it records."""

    def __init__(self) -> None:
        from dagster import DagsterInstance

        from victoria_demand.code_location import build_definitions
        from victoria_demand.partitions import recorded_source_years

        # in the stack, the instance $DAGSTER_HOME names (Postgres); otherwise the embedded
        # one under the home (also for stack services driven from a workstation)
        stack_instance = settings.environment() == "stack" and os.environ.get("DAGSTER_HOME")
        self.instance = (
            DagsterInstance.get() if stack_instance else embedded_instance(settings.home())
        )
        self.tags = this_process_tags()
        self.source_years = recorded_source_years(self.instance)
        self.defs = build_definitions(self.source_years)

    def reload_years(self) -> None:
        """Rebuild the definitions if the ingested source holds other years."""
        from victoria_demand.code_location import build_definitions
        from victoria_demand.partitions import recorded_source_years

        recorded = recorded_source_years(self.instance)
        if recorded != self.source_years:
            self.source_years = recorded
            self.defs = build_definitions(recorded)

    def execute(self, label: str, selection, partition: str | None = None) -> RunOutcome:
        from dagster import AssetCheckSeverity

        started = time.perf_counter()
        result = self.defs.resolve_implicit_global_asset_job_def().execute_in_process(
            instance=self.instance,
            partition_key=partition,
            asset_selection=list(selection),
            run_config=QUIET_RUN_CONFIG,
            tags={**self.tags, RUN_LABEL_TAG: label},
            raise_on_error=False,
        )
        failed = [
            f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
            for evaluation in result.get_asset_check_evaluations()
            if not evaluation.passed and evaluation.severity == AssetCheckSeverity.ERROR
        ]
        outcome = RunOutcome(
            label=label,
            success=result.success and not failed,
            seconds=time.perf_counter() - started,
            failed_checks=failed,
        )
        status = "ok" if outcome.success else "FAILED"
        detail = f" (failed checks: {', '.join(failed)})" if failed else ""
        names = ", ".join(key.to_user_string() for key in selection)
        print(f"{label:<15} {status} in {outcome.seconds:.1f} s: {names}{detail}", flush=True)
        _report_failures(result)
        return outcome


def _observe_source(pipeline: Pipeline) -> None:
    """Record the source's sha256 as the observed data version of demand_source_file, as
    the daemon's sensor does; raw_demand is stale when it differs from the one ingested."""
    from dagster import build_resources

    from victoria_demand.automation import DATA_VERSION_TAG, source_observation
    from victoria_demand.resources import resources_for

    with build_resources(
        {"demand_source": resources_for(settings.environment(), settings.home())["demand_source"]}
    ) as resources:
        source = resources.demand_source.fetch()
    latest = pipeline.instance.get_latest_data_version_record(
        source_observation(source).asset_key, is_source=True
    )
    recorded = latest.asset_observation.tags.get(DATA_VERSION_TAG) if latest else None
    if recorded != source.sha256:
        pipeline.instance.report_runless_asset_event(source_observation(source))


def ingest(pipeline: Pipeline, *, force: bool = False) -> list[RunOutcome]:
    """Observe the source, and ingest it if it is not the one ingested already."""
    from victoria_demand.core.errors import DemandDataError
    from victoria_demand.partitions import RAW_DEMAND
    from victoria_demand.staleness import outdated

    for run in recover_abandoned_runs(pipeline.instance):
        label = run.tags.get(RUN_LABEL_TAG) or run_label(
            run.job_name, run.tags.get("dagster/partition")
        )
        print(f"{label:<15} left unfinished by a killed process: marked failed", flush=True)
    try:
        _observe_source(pipeline)
    except DemandDataError as error:
        print(f"{'ingest':<15} FAILED: the source could not be read")
        print(f"  raw_demand: {error}")
        return [RunOutcome("ingest", False, 0.0)]
    if force or outdated(pipeline.instance, pipeline.defs, [RAW_DEMAND]):
        outcome = pipeline.execute("ingest", [RAW_DEMAND])
        pipeline.reload_years()
        return [outcome]
    print(f"{'ingest':<15} up to date: the source is the one ingested", flush=True)
    return []


def run_everything(years: list[int] | None = None, *, force: bool = False) -> list[RunOutcome]:
    from victoria_demand.jobs import YEARLY_ASSETS
    from victoria_demand.staleness import StaleStatus, failed_blocking_checks, outdated

    pipeline = Pipeline()
    outcomes = ingest(pipeline, force=force)
    if not all(outcome.success for outcome in outcomes):
        return outcomes
    source_years = pipeline.source_years
    unknown = sorted(set(years or []) - set(source_years.years))
    if unknown:
        print(f"no such year {unknown}: the source holds {list(source_years.years)}")
        return [*outcomes, RunOutcome("years", False, 0.0)]
    for year in years or source_years.years:
        partition = str(year)
        chain = YEARLY_ASSETS if year in source_years.december_years else YEARLY_ASSETS[:1]
        pending = (
            dict.fromkeys(chain, StaleStatus.STALE)
            if force
            else outdated(pipeline.instance, pipeline.defs, chain, partition)
        )
        if not pending:
            print(f"{partition:<15} up to date", flush=True)
            continue
        if chain[0] in pending:
            # the year is cleaned in a run of its own (it has a partition set of its own,
            # with the partial year); its rows decide whether anything downstream is stale
            cleaned = pipeline.execute(run_label("clean", partition), chain[:1], partition)
            outcomes.append(cleaned)
            if not cleaned.success or len(chain) == 1:
                continue
            pending = (
                dict.fromkeys(chain[1:], StaleStatus.STALE)
                if force
                else outdated(pipeline.instance, pipeline.defs, chain[1:], partition)
            )
            if not pending:
                print(f"{partition:<15} rows unchanged: model, champion, forecast up to date")
                continue
        label = run_label("december", partition)
        # what the pending steps read, and no run re-checks, must have passed its checks
        upstream = chain[: chain.index(next(iter(pending)))]
        failed = failed_blocking_checks(pipeline.instance, pipeline.defs, upstream, partition)
        if failed:
            print(f"{label:<15} HELD BACK: failed checks {', '.join(failed)} (fix, or --force)")
            outcomes.append(RunOutcome(label, False, 0.0, failed))
            continue
        outcomes.append(pipeline.execute(label, pending, partition))
    note = source_years.partial_note()
    if note:
        print(note)
    return outcomes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m victoria_demand", description=__doc__)
    parser.add_argument("command", choices=["run", "ingest", "summary", "prepare"])
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
    from victoria_demand.summary import print_summary

    if args.command == "summary":
        return print_summary(embedded_instance(home))
    if args.command == "ingest":  # what `make dev` does first, so the UI shows the years
        outcomes = ingest(Pipeline(), force=args.force)
        return 0 if all(outcome.success for outcome in outcomes) else 1
    outcomes = run_everything(sorted(args.years) if args.years else None, force=args.force)
    print()
    print_summary(embedded_instance(home))
    ok = all(outcome.success for outcome in outcomes)
    print(f"\nstate: {home}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
