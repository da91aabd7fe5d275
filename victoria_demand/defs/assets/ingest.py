"""From the source CSV to clean yearly partitions.

The source is observed year by year: each Melbourne year's data version is the hash of its
rows, so appending a year (or editing one) leaves every other year's input unchanged and
nothing of theirs is recomputed. ``raw_demand`` stores each year's validated rows; the
whole file is read and judged every time. ``python -m victoria_demand`` ingests every year
that changed in one run over their range. A backfill (the UI's "Materialize all") ingests
each year in that year's run, with its cleaning and its model: a single-run backfill policy
would put ingestion in a run of its own, one more tick of the backfill daemon (30 s) to wait
for.
"""

from typing import Any

import pandas as pd
from dagster import (
    AssetExecutionContext,
    AssetsDefinition,
    DataVersion,
    DataVersionsByPartition,
    MetadataValue,
    OpExecutionContext,
    Output,
    asset,
    observable_source_asset,
)

from victoria_demand.core.cleaning import clean_year, content_hash, year_rows
from victoria_demand.core.errors import DemandDataError
from victoria_demand.core.raw import read_source
from victoria_demand.core.suspect_readings import is_suspect
from victoria_demand.core.years import source_years
from victoria_demand.defs.asset_keys import CLEAN_DEMAND, RAW_DEMAND, SOURCE_FILE
from victoria_demand.defs.automation import when_missing_or_stale
from victoria_demand.defs.partitions import YearPartitions
from victoria_demand.defs.source_observation import observed_versions, source_observations
from victoria_demand.resources.demand_source import DemandSource

RAW_CODE_VERSION = "2"
CLEAN_CODE_VERSION = "3"  # 3: the suspect column


def _time_range(time_utc: pd.Series) -> str:
    return f"{time_utc.min().isoformat()} .. {time_utc.max().isoformat()}"


def demand_source_file(
    context: OpExecutionContext, demand_source: DemandSource
) -> DataVersionsByPartition:
    # logged here rather than returned: Dagster's own events for a DataVersionsByPartition
    # carry no metadata, and the years must be recorded with the versions
    observed = observed_versions(context.instance)
    for observation in source_observations(demand_source.fetch(), observed):
        context.log_event(observation)
    return DataVersionsByPartition({})


def raw_demand(
    context: AssetExecutionContext, demand_source: DemandSource
) -> Output[Any]:  # a DataFrame, or one per year over a range
    source = demand_source.fetch()
    raw = read_source(source)
    held = source_years(raw["time_utc"]).years
    rows = {}
    for key in context.partition_keys:
        if int(key) not in held:
            raise DemandDataError(
                source.location, f"holds no rows of {key} (it holds {list(held)})", column="Time"
            )
        rows[key] = year_rows(raw, int(key))
        context.add_asset_metadata(
            {
                "rows": len(rows[key]),
                "time_range_utc": _time_range(rows[key]["time_utc"]),
                "sha256": source.sha256,
                "source": MetadataValue.text(source.location),
            },
            partition_key=key,
        )
    return Output(
        # one value per partition when a run ingests several years at once
        rows if len(rows) > 1 else rows[context.partition_key],
        data_version=DataVersion(source.sha256),
    )


def clean_demand(
    context: AssetExecutionContext, raw_demand: pd.DataFrame, demand_source: DemandSource
) -> Output[pd.DataFrame]:
    year = int(context.partition_key)
    clean = clean_year(raw_demand, year, source=demand_source.location)
    return Output(
        clean,
        # the rows decide: a year whose rows did not change keeps its version, and nothing
        # downstream of it is stale
        data_version=DataVersion(content_hash(clean)),
        metadata={
            "rows": len(clean),
            "time_range_utc": _time_range(clean["time_utc"]),
            "demand_mean_mw": round(float(clean["demand_mw"].mean()), 1),
            "holiday_half_hours": int(clean["holiday"].sum()),
            "suspect_half_hours": int(is_suspect(clean).sum()),
        },
    )


def ingest_assets(partitions: YearPartitions) -> list[AssetsDefinition]:
    return [
        observable_source_asset(
            name=SOURCE_FILE.to_user_string(),
            group_name="ingest",
            partitions_def=partitions.clean,
            description=(
                "The CSV at VICTORIA_DEMAND_SOURCE (path, http(s) or s3 URL), observed year by "
                "year: each year's data version is the hash of its rows, so a new or edited "
                "year makes that year of raw_demand stale, and no other."
            ),
        )(demand_source_file),
        asset(
            name=RAW_DEMAND.to_user_string(),
            deps=[SOURCE_FILE],
            group_name="ingest",
            kinds={"csv", "pandas"},
            partitions_def=partitions.clean,
            code_version=RAW_CODE_VERSION,
            automation_condition=when_missing_or_stale(),
            description=(
                "One Melbourne year of the half-hourly demand and temperature CSV: time_utc, "
                "demand_mw, temperature_c, holiday. The whole file is checksummed and "
                "validated whenever a year is ingested; each year's data version is the "
                "sha256 of the file it came from."
            ),
        )(raw_demand),
        asset(
            name=CLEAN_DEMAND.to_user_string(),
            group_name="ingest",
            kinds={"pandas"},
            partitions_def=partitions.clean,
            code_version=CLEAN_CODE_VERSION,
            automation_condition=when_missing_or_stale(),
            description=(
                "One Melbourne calendar year of the series (a trailing partial year through "
                "its last day), every half-hour exactly once, in UTC order, with Melbourne "
                "wall-clock calendar fields (daylight saving handled)."
            ),
        )(clean_demand),
    ]
