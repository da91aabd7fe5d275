"""The years, from the data: one partition per Melbourne calendar year present in the source.

Observing the source (``demand_source_file``, by the CLI or the daemon's sensor) records the
years it holds in the observation's metadata (``source_years``). Every process that loads
the definitions (the code server, a run worker, the CLI) builds its partitions from the
latest record in the Dagster instance, so the years follow the data with no code change.
Three partition sets share one calendar:

* ``clean``: every year present, the trailing partial year included;
* ``outlook``: the years whose January-November is complete, the ones a model is fit and an
  outlook issued for (a trailing year that ends on 30 November or during December too);
* ``december``: the years with a whole December, the ones a model is scored, decided and
  served for.
"""

from __future__ import annotations

import json
import os
import warnings
from dataclasses import dataclass

from dagster import (
    AssetKey,
    AssetObservation,
    AssetRecordsFilter,
    BetaWarning,
    DagsterEventType,
    DagsterInstance,
    EventLogRecord,
    TimeWindowPartitionMapping,
    TimeWindowPartitionsDefinition,
)

from victoria_demand.core.years import NO_YEARS, SourceYears
from victoria_demand.defs.asset_keys import SOURCE_FILE

SOURCE_YEARS_METADATA = "source_years"
SOURCE_SHA256_METADATA = "sha256"
# Before any data is ingested there is no year; an empty window needs some start.
EMPTY_START = 2000


def yearly(years: tuple[int, ...]) -> TimeWindowPartitionsDefinition:
    """Keys are plain years ("2012"); windows start at midnight on 1 January, Melbourne time."""
    first = years[0] if years else EMPTY_START
    end = years[-1] + 1 if years else EMPTY_START
    return TimeWindowPartitionsDefinition(
        cron_schedule="0 0 1 1 *",
        start=str(first),
        end=str(end),
        fmt="%Y",
        timezone="Australia/Melbourne",
    )


@dataclass(frozen=True)
class YearPartitions:
    source_years: SourceYears
    clean: TimeWindowPartitionsDefinition
    outlook: TimeWindowPartitionsDefinition
    december: TimeWindowPartitionsDefinition


def year_partitions(source_years: SourceYears) -> YearPartitions:
    return YearPartitions(
        source_years=source_years,
        clean=yearly(source_years.years),
        outlook=yearly(source_years.outlook_years),
        december=yearly(source_years.december_years),
    )


def latest_records_by_partition(
    instance: DagsterInstance, asset_key: AssetKey, event_type: DagsterEventType
) -> dict[str, EventLogRecord]:
    """The latest materialization (or observation) of each partition of an asset, in two
    queries however many years there are."""
    latest = instance.get_latest_storage_id_by_partition(asset_key, event_type)
    if not latest:
        return {}
    records_filter = AssetRecordsFilter(asset_key=asset_key, storage_ids=list(latest.values()))
    fetch = (
        instance.fetch_observations
        if event_type == DagsterEventType.ASSET_OBSERVATION
        else instance.fetch_materializations
    )
    records = fetch(records_filter, limit=len(latest)).records
    return {record.partition_key: record for record in records if record.partition_key}


def latest_source_observation(instance: DagsterInstance) -> AssetObservation | None:
    records = instance.fetch_observations(SOURCE_FILE, limit=1).records
    return records[0].asset_observation if records else None


def recorded_source_years(instance: DagsterInstance) -> SourceYears:
    """The years of the latest observed source, or none before the first observation."""
    observation = latest_source_observation(instance)
    recorded = observation.metadata.get(SOURCE_YEARS_METADATA) if observation else None
    if recorded is None:
        return NO_YEARS
    value = recorded.value
    return SourceYears.from_dict(json.loads(value) if isinstance(value, str) else value)


def current_source_years() -> SourceYears:
    """What this process's instance ($DAGSTER_HOME) records; none where there is no home yet
    (loading the definitions alone, e.g. to validate them, or before the first run)."""
    dagster_home = os.environ.get("DAGSTER_HOME")
    if not dagster_home or not os.path.isdir(dagster_home):
        return NO_YEARS
    return recorded_source_years(DagsterInstance.get())


def years_up_to(partitions: YearPartitions) -> TimeWindowPartitionMapping:
    """For a year's partition, every year from the first through that year: what the
    champion after the year is decided from. A window as wide as the data, so every year
    reaches back to the first; the years before the first do not exist and are left out
    (allow_nonexistent_upstream_partitions, beta)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BetaWarning)
        return TimeWindowPartitionMapping(
            start_offset=-max(len(partitions.source_years.years) - 1, 0),
            end_offset=0,
            allow_nonexistent_upstream_partitions=True,
        )
