"""``python -m victoria_demand``: run the pipeline headless on the embedded default, or print
the summary of what is there.

``data`` fetches the source into the cache (checksum-verified) and prints where it is.
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
from victoria_demand.instance.abandoned_runs import recover_abandoned_runs, this_process_tags
from victoria_demand.instance.embedded import embedded_instance, prepare_home

# Errors in what a person supplied (the data, the configuration, a service's address): their
# message says it all. Anything else is a bug and keeps its traceback.
RUN_LABEL_TAG = "victoria_demand/run"  # how the console names a run: "december 2013"
USER_ERRORS = frozenset(
    {"DemandDataError", "ServiceUnavailableError", "InvalidModelError", "OutdatedModelError"}
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

        from victoria_demand.defs import build_definitions
        from victoria_demand.defs.partitions import recorded_source_years

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
        from victoria_demand.defs import build_definitions
        from victoria_demand.defs.partitions import recorded_source_years

        recorded = recorded_source_years(self.instance)
        if recorded != self.source_years:
            self.source_years = recorded
            self.defs = build_definitions(recorded)

    def execute(
        self,
        label: str,
        selection,
        partition: str | None = None,
        *,
        partition_range: tuple[str, str] | None = None,
    ) -> RunOutcome:
        """One run of ``selection``: for ``partition``, or for every partition of
        ``partition_range`` at once (what a single-run backfill launches)."""
        from dagster import AssetCheckSeverity

        from victoria_demand.instance.run_tags import partition_range_tags

        started = time.perf_counter()
        range_tags = partition_range_tags(*partition_range) if partition_range else {}
        result = self.defs.resolve_implicit_global_asset_job_def().execute_in_process(
            instance=self.instance,
            partition_key=partition,
            asset_selection=list(selection),
            run_config=QUIET_RUN_CONFIG,
            tags={**self.tags, **range_tags, RUN_LABEL_TAG: label},
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
        if partition_range:
            first, last = partition_range
            names += f" {first}" if first == last else f" {first}-{last}"
        print(f"{label:<15} {status} in {outcome.seconds:.1f} s: {names}{detail}", flush=True)
        _report_failures(result)
        return outcome


def _observe_source(pipeline: Pipeline) -> None:
    """Observe the source as the daemon's sensor does, if it is not the file observed last:
    a data version per year (the hash of its rows), and the years it holds."""
    from dagster import build_resources

    from victoria_demand.defs.source_observation import (
        observed_sha256,
        observed_versions,
        source_observations,
    )
    from victoria_demand.resources import demand_source

    with build_resources(
        {"demand_source": demand_source(settings.home())},
        instance=pipeline.instance,
    ) as resources:
        source = resources.demand_source.fetch()
    if observed_sha256(pipeline.instance) == source.sha256 and pipeline.source_years.years:
        return
    for observation in source_observations(source, observed_versions(pipeline.instance)):
        pipeline.instance.report_runless_asset_event(observation)
    pipeline.reload_years()


def _contiguous(years: list[int]) -> list[tuple[int, int]]:
    """[2012, 2013, 2015] -> [(2012, 2013), (2015, 2015)]: a run covers one range."""
    ranges: list[tuple[int, int]] = []
    for year in years:
        if ranges and ranges[-1][1] == year - 1:
            ranges[-1] = (ranges[-1][0], year)
        else:
            ranges.append((year, year))
    return ranges


def _nothing_to_keep(pending: dict, keys, *, force: bool) -> bool:
    """Whether ``keys`` are all to be made whatever the cleaning gives (never made, or
    forced), so that one run can clean the year and make the rest."""
    from victoria_demand.cli.staleness import StaleStatus

    return bool(keys) and (force or all(pending.get(key) == StaleStatus.MISSING for key in keys))


def ingest(pipeline: Pipeline, *, force: bool = False) -> list[RunOutcome]:
    """Observe the source; ingest the years whose rows changed (all of them with ``force``),
    one run per range of consecutive years."""
    from victoria_demand.cli.staleness import Staleness
    from victoria_demand.core.errors import DemandDataError
    from victoria_demand.defs.asset_keys import RAW_DEMAND

    for run in recover_abandoned_runs(pipeline.instance):
        label = run.tags.get(RUN_LABEL_TAG) or run_label(
            run.job_name, run.tags.get("dagster/partition")
        )
        print(f"{label:<15} left unfinished by a killed process: marked failed", flush=True)
    try:
        _observe_source(pipeline)
    except DemandDataError as error:
        print(f"{'ingest':<15} FAILED: the source could not be read")
        print(f"  demand_source_file: {error}")
        return [RunOutcome("ingest", False, 0.0)]
    staleness = Staleness(pipeline.instance, pipeline.defs)
    changed = [
        year
        for year in pipeline.source_years.years
        if force or staleness.outdated([RAW_DEMAND], str(year))
    ]
    if not changed:
        print(f"{'ingest':<15} up to date: the source's years are the ones ingested", flush=True)
        return []
    return [
        pipeline.execute("ingest", [RAW_DEMAND], partition_range=(str(first), str(last)))
        for first, last in _contiguous(changed)
    ]


def run_everything(years: list[int] | None = None, *, force: bool = False) -> list[RunOutcome]:
    from victoria_demand.cli.staleness import Staleness, StaleStatus, failed_blocking_checks
    from victoria_demand.defs.asset_keys import YEARLY_ASSETS

    pipeline = Pipeline()
    outcomes = ingest(pipeline, force=force)
    if not all(outcome.success for outcome in outcomes):
        return outcomes
    source_years = pipeline.source_years
    unknown = sorted(set(years or []) - set(source_years.years))
    if unknown:
        print(f"no such year {unknown}: the source holds {list(source_years.years)}")
        return [*outcomes, RunOutcome("years", False, 0.0)]
    # one view of the instance for as long as nothing is materialized: a year's status
    # builds on the years before it, and asking afresh for each year costs O(years) each
    staleness = Staleness(pipeline.instance, pipeline.defs)

    def pending_of(chain, partition: str) -> dict:
        nonlocal staleness
        if force:
            return dict.fromkeys(chain, StaleStatus.STALE)
        return staleness.outdated(chain, partition)

    def execute(label: str, selection, partition: str) -> RunOutcome:
        nonlocal staleness
        outcome = pipeline.execute(label, selection, partition)
        staleness = Staleness(pipeline.instance, pipeline.defs)
        return outcome

    # Dagster runs a selection for one partition only if its assets share the partition
    # set: not while the data ends in a partial year, which clean_demand has and the
    # December assets have not
    graph = pipeline.defs.resolve_asset_graph()
    one_run_per_year = len({graph.get(key).partitions_def for key in YEARLY_ASSETS}) == 1
    for year in years or source_years.years:
        partition = str(year)
        chain = YEARLY_ASSETS if year in source_years.december_years else YEARLY_ASSETS[:1]
        pending = pending_of(chain, partition)
        if not pending:
            print(f"{partition:<15} up to date", flush=True)
            continue
        downstream = chain[1:]
        if chain[0] in pending and not (
            one_run_per_year and _nothing_to_keep(pending, downstream, force=force)
        ):
            # the year is cleaned in a run of its own first: its rows decide whether the
            # model, champion and forecast it has already are stale
            cleaned = execute(run_label("clean", partition), chain[:1], partition)
            outcomes.append(cleaned)
            if not cleaned.success or not downstream:
                continue
            pending = pending_of(downstream, partition)
            if not pending:
                print(f"{partition:<15} rows unchanged: model, champion, forecast up to date")
                continue
        label = run_label("december", partition)
        # a step that makes several assets (the champion and its forecast) makes them all;
        # and what follows the first outdated asset reads it, so it is outdated once the run
        # has made that one (a new model version is a new champion to decide): the run makes
        # the rest of the chain too
        made = {
            key
            for pending_key in pending
            for key in graph.get(pending_key).execution_set_asset_keys
        }
        selection = chain[min(chain.index(key) for key in made) :]
        # what the selected steps read, and no run re-checks, must have passed its checks
        upstream = chain[: chain.index(selection[0])]
        failed = failed_blocking_checks(pipeline.instance, pipeline.defs, upstream, partition)
        if failed:
            print(f"{label:<15} HELD BACK: failed checks {', '.join(failed)} (fix, or --force)")
            outcomes.append(RunOutcome(label, False, 0.0, failed))
            continue
        outcomes.append(execute(label, selection, partition))
    note = source_years.partial_note()
    if note:
        print(note)
    return outcomes


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
