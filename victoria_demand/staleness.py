"""What needs materializing: Dagster's own stale status (data versions and code versions),
the same the UI shows as "Stale" and "Missing", asked from outside a webserver."""

from __future__ import annotations

from collections.abc import Iterable

from dagster import AssetKey, DagsterInstance, Definitions
from dagster._core.definitions.data_version import CachingStaleStatusResolver, StaleStatus
from dagster._core.event_api import PartitionKeyFilter
from dagster._core.loader import LoadingContext
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus

__all__ = ["StaleStatus", "Staleness", "failed_blocking_checks"]


class _InstanceLoadingContext(LoadingContext):
    """The batch-loading scope Dagster's resolver wants: one per question asked."""

    def __init__(self, instance: DagsterInstance) -> None:
        self._instance = instance
        self._loaders: dict = {}

    @property
    def instance(self) -> DagsterInstance:
        return self._instance

    @property
    def loaders(self) -> dict:
        return self._loaders


class Staleness:
    """Dagster's stale status of one state of the instance. Answers are cached (a year's
    status builds on the previous year's, through the champion chain), so ask a new one
    after anything is materialized."""

    def __init__(self, instance: DagsterInstance, defs: Definitions) -> None:
        self._resolver = CachingStaleStatusResolver(
            instance, defs.resolve_asset_graph(), _InstanceLoadingContext(instance)
        )

    def outdated(
        self, keys: Iterable[AssetKey], partition_key: str | None = None
    ) -> dict[AssetKey, StaleStatus]:
        """Those of ``keys`` (for ``partition_key``) that are missing or stale, in order."""
        statuses = {key: self._resolver.get_status(key, partition_key) for key in keys}
        return {key: status for key, status in statuses.items() if status != StaleStatus.FRESH}


def failed_blocking_checks(
    instance: DagsterInstance,
    defs: Definitions,
    keys: Iterable[AssetKey],
    partition_key: str | None = None,
) -> list[str]:
    """The blocking checks of ``keys`` whose latest evaluation for ``partition_key`` failed:
    what must pass before anything downstream may use those assets."""
    graph = defs.resolve_asset_graph()
    wanted = set(keys)
    blocking = [
        check_key
        for check_key in graph.asset_check_keys
        if check_key.asset_key in wanted and graph.get_check_spec(check_key).blocking
    ]
    latest = instance.event_log_storage.get_latest_asset_check_execution_by_key(
        blocking, partition_filter=PartitionKeyFilter(key=partition_key)
    )
    return sorted(
        f"{check_key.asset_key.to_user_string()}:{check_key.name}"
        for check_key, record in latest.items()
        if record.status == AssetCheckExecutionRecordStatus.FAILED
    )
