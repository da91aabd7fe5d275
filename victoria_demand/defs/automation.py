"""By itself: the pipeline follows its source under the daemon (`make dev`, the stack).

* ``demand_source_changes`` (a sensor) hashes the source every few seconds and, when its
  sha256 changes, records an observation of ``demand_source_file``: a data version per year
  (``source_observation.py``), so only the new or edited years are stale;
* every asset carries :func:`when_missing_or_stale`, evaluated by the ``automation`` sensor
  (the UI's Automation page): missing partitions and partitions whose inputs' data versions
  or own code version changed are materialized, blocking checks respected. ``python -m
  victoria_demand run`` evaluates the same condition (``cli/plan.py``): one definition of
  what needs running;
* ``new_years_reload`` reloads the code location when an ingested source holds other years
  than the loaded partitions, so new years appear without a click.

``VICTORIA_DEMAND_AUTOMATION=off`` starts the sensors stopped (they can be started from the
UI); the CLI does not depend on them.
"""

from __future__ import annotations

import json
import os
import urllib.request

from dagster import (
    AssetSelection,
    AutomationCondition,
    AutomationConditionSensorDefinition,
    DefaultSensorStatus,
    SensorDefinition,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)

from victoria_demand.core.errors import DemandDataError
from victoria_demand.defs.partitions import YearPartitions, recorded_source_years
from victoria_demand.defs.source_observation import observed_versions, source_observations
from victoria_demand.resources.demand_source import DemandSource

WEBSERVER_URL_VARIABLE = "VICTORIA_DEMAND_DAGSTER_URL"
# the part of the condition that holds but for the blocking checks of the inputs
READY_LABEL = "ready to run"


def automation_enabled() -> bool:
    return os.environ.get("VICTORIA_DEMAND_AUTOMATION", "on").lower() not in {"off", "0", "false"}


def _default_status() -> DefaultSensorStatus:
    return DefaultSensorStatus.RUNNING if automation_enabled() else DefaultSensorStatus.STOPPED


def when_missing_or_stale() -> AutomationCondition:
    """Materialize a partition that is newly missing, or whose inputs now have other data
    versions (not merely new materializations: a re-cleaned year with the same rows changes
    nothing downstream), or whose code version changed; once, until it is handled.

    Missing partitions may be requested together with their missing parents (one run for a
    new year); a changed input is acted on only after it landed, so nothing is retrained for
    a dependency that turned out unchanged.
    """
    changed_input = AutomationCondition.any_deps_match(
        AutomationCondition.data_version_changed()
        & ~AutomationCondition.executed_with_root_target()
    )
    trigger = (
        AutomationCondition.newly_missing()
        | changed_input
        | AutomationCondition.code_version_changed()
    )
    handled = AutomationCondition.newly_requested() | AutomationCondition.newly_updated()
    ready = (
        trigger.since(handled)
        & ~AutomationCondition.any_deps_missing()
        & ~AutomationCondition.any_deps_in_progress()
        & ~AutomationCondition.in_progress()
    ).with_label(READY_LABEL)
    # Dagster's own all_deps_blocking_checks_passed lets through a partition whose inputs
    # come from several years (the champion's, the outlook's) when one of those years
    # failed a blocking check (Dagster 1.13.27): failed checks are looked for directly too
    no_failed_blocking_check = ~AutomationCondition.any_deps_match(
        AutomationCondition.any_checks_match(
            AutomationCondition.check_failed(), blocking_only=True
        ).with_label("a blocking check failed")
    ).with_label("no input failed a blocking check")
    # apart from `ready`, so that what a failed blocking check holds back can be told
    return (
        ready & AutomationCondition.all_deps_blocking_checks_passed() & no_failed_blocking_check
    ).with_label("missing or stale")


automation_sensor = AutomationConditionSensorDefinition(
    "automation",
    target=AssetSelection.all(),
    default_status=_default_status(),
    minimum_interval_seconds=5,
)


@sensor(
    name="demand_source_changes",
    minimum_interval_seconds=10,
    default_status=_default_status(),
    description=(
        "Observes demand_source_file when the source's sha256 changes: a data version per "
        "year (the hash of its rows), so only new or edited years are stale."
    ),
)
def demand_source_changes(
    context: SensorEvaluationContext, demand_source: DemandSource
) -> SensorResult | SkipReason:
    try:
        source = demand_source.fetch()
    except DemandDataError as error:
        return SkipReason(str(error))
    if source.sha256 == context.cursor:
        return SkipReason(f"{source.location}: unchanged (sha256 {source.sha256[:12]})")
    try:
        observations = source_observations(source, observed_versions(context.instance))
    except DemandDataError as error:
        # recorded as the cursor: the same broken file is not parsed again every tick
        return SensorResult(skip_reason=str(error), cursor=source.sha256)
    return SensorResult(asset_events=observations, cursor=source.sha256)


def reload_workspace(webserver_url: str) -> None:
    """Ask the Dagster webserver to reload every code location (its GraphQL mutation)."""
    request = urllib.request.Request(
        f"{webserver_url.rstrip('/')}/graphql",
        data=json.dumps({"query": "mutation { reloadWorkspace { __typename } }"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        answer = json.loads(response.read())
    typename = (answer.get("data") or {}).get("reloadWorkspace", {}).get("__typename")
    if typename != "Workspace":
        raise RuntimeError(f"the webserver did not reload the workspace: {answer}")


def new_years_reload_sensor(partitions: YearPartitions) -> SensorDefinition:
    loaded = partitions.source_years

    @sensor(
        name="new_years_reload",
        minimum_interval_seconds=10,
        default_status=_default_status(),
        description=(
            "Reloads the code location when the ingested source holds other years than the "
            f"loaded partitions (through the webserver at ${WEBSERVER_URL_VARIABLE})."
        ),
    )
    def new_years_reload(context: SensorEvaluationContext) -> SkipReason:
        recorded = recorded_source_years(context.instance)
        if recorded == loaded:
            return SkipReason(f"partitions match the ingested years {list(loaded.years)}")
        webserver_url = os.environ.get(WEBSERVER_URL_VARIABLE)
        if not webserver_url:
            return SkipReason(
                f"the source now holds {list(recorded.years)}, the partitions "
                f"{list(loaded.years)}: set {WEBSERVER_URL_VARIABLE} so this sensor can "
                "reload the code location"
            )
        reload_workspace(webserver_url)
        return SkipReason(
            f"years {list(loaded.years)} -> {list(recorded.years)}: code location reloaded"
        )

    return new_years_reload
