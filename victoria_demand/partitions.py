"""The years, from the data: one partition per Melbourne calendar year present in the source.

Ingesting the source (``raw_demand``) records its years in the asset's materialization
metadata (``source_years``). Every process that loads the definitions (the code server, a
run worker, the CLI) builds its partitions from the latest record in the Dagster instance,
so the years follow the data with no code change. Two partition sets share one calendar:

* ``clean``: every year present, the trailing partial year included;
* ``december``: the years with a December, the ones a model is fit, decided and served for.
"""

from __future__ import annotations

import json
import os
import warnings
from dataclasses import dataclass

from dagster import (
    AssetKey,
    BetaWarning,
    DagsterInstance,
    TimeWindowPartitionMapping,
    TimeWindowPartitionsDefinition,
)

from victoria_demand.core.years import NO_YEARS, SourceYears

SOURCE_YEARS_METADATA = "source_years"
RAW_DEMAND = AssetKey("raw_demand")
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
    december: TimeWindowPartitionsDefinition


def year_partitions(source_years: SourceYears) -> YearPartitions:
    return YearPartitions(
        source_years=source_years,
        clean=yearly(source_years.years),
        december=yearly(source_years.december_years),
    )


def recorded_source_years(instance: DagsterInstance) -> SourceYears:
    """The years of the latest ingested source, or none before the first ingest."""
    event = instance.get_latest_materialization_event(RAW_DEMAND)
    if event is None or event.asset_materialization is None:
        return NO_YEARS
    recorded = event.asset_materialization.metadata.get(SOURCE_YEARS_METADATA)
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


# The previous year of the same asset: how the champion chain gets its order from Dagster.
# The first year has no previous year, hence allow_nonexistent_upstream_partitions (beta).
with warnings.catch_warnings():
    warnings.simplefilter("ignore", BetaWarning)
    previous_year = TimeWindowPartitionMapping(
        start_offset=-1, end_offset=-1, allow_nonexistent_upstream_partitions=True
    )
