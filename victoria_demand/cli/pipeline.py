"""One Dagster run at a time in this process, recorded in the same instance ``make dev``
shows: the embedded instance (or the stack's), the definitions for the years it records,
and how each run is reported on the console."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

from victoria_demand import settings
from victoria_demand.instance.abandoned_runs import this_process_tags
from victoria_demand.instance.embedded import embedded_instance

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
