"""From the source CSV to clean yearly partitions."""

import pandas as pd
from dagster import (
    AssetExecutionContext,
    AssetsDefinition,
    DataVersion,
    MetadataValue,
    ObserveResult,
    Output,
    asset,
    observable_source_asset,
)

from victoria_demand.automation import when_missing_or_stale
from victoria_demand.core.cleaning import clean_year, content_hash
from victoria_demand.core.raw import read_raw_demand
from victoria_demand.core.years import source_years
from victoria_demand.partitions import SOURCE_YEARS_METADATA, YearPartitions
from victoria_demand.resources.demand_source import DemandSource

CODE_VERSION = "1"


def _time_range(time_utc: pd.Series) -> str:
    return f"{time_utc.min().isoformat()} .. {time_utc.max().isoformat()}"


@observable_source_asset(
    name="demand_source_file",
    group_name="ingest",
    description=(
        "The CSV at VICTORIA_DEMAND_SOURCE (path, http(s) or s3 URL), observed: its data "
        "version is the file's sha256, so a new file makes raw_demand stale."
    ),
)
def demand_source_file(demand_source: DemandSource) -> ObserveResult:
    source = demand_source.fetch()
    return ObserveResult(
        data_version=DataVersion(source.sha256),
        metadata={"source": MetadataValue.text(source.location)},
    )


def raw_demand(context: AssetExecutionContext, demand_source: DemandSource) -> Output[pd.DataFrame]:
    source = demand_source.fetch()
    raw = read_raw_demand(source.path, name=source.location)
    years = source_years(raw["time_utc"])
    partial = years.partial_note()
    if partial:
        context.log.info(partial)
    return Output(
        raw,
        data_version=DataVersion(source.sha256),
        metadata={
            "rows": len(raw),
            "time_range_utc": _time_range(raw["time_utc"]),
            "sha256": source.sha256,
            "source": MetadataValue.text(source.location),
            SOURCE_YEARS_METADATA: MetadataValue.json(years.as_dict()),
            "partial_year": MetadataValue.text(partial or "none"),
        },
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
        },
    )


def ingest_assets(partitions: YearPartitions) -> list[AssetsDefinition]:
    return [
        demand_source_file,
        asset(
            name="raw_demand",
            deps=[demand_source_file],
            group_name="ingest",
            kinds={"csv", "pandas"},
            code_version=CODE_VERSION,
            automation_condition=when_missing_or_stale(),
            description=(
                "The half-hourly demand and temperature CSV, checksummed and schema-validated "
                "as a whole: time_utc, demand_mw, temperature_c, holiday. Records the "
                "Melbourne years it holds, which become the partitions."
            ),
        )(raw_demand),
        asset(
            name="clean_demand",
            group_name="ingest",
            kinds={"pandas"},
            partitions_def=partitions.clean,
            code_version=CODE_VERSION,
            automation_condition=when_missing_or_stale(),
            description=(
                "One Melbourne calendar year of the series (a trailing partial year through "
                "its last month), every half-hour exactly once, in UTC order, with Melbourne "
                "wall-clock calendar fields (daylight saving handled)."
            ),
        )(clean_demand),
    ]
