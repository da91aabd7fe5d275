"""From the source CSV to clean yearly partitions."""

import pandas as pd
from dagster import AssetExecutionContext, MetadataValue, Output, asset

from victoria_demand.core.cleaning import clean_year
from victoria_demand.core.raw import read_raw_demand
from victoria_demand.partitions import yearly_partitions
from victoria_demand.resources.demand_source import DemandSource


def _time_range(time_utc: pd.Series) -> str:
    return f"{time_utc.min().isoformat()} .. {time_utc.max().isoformat()}"


@asset(
    group_name="ingest",
    kinds={"csv", "pandas"},
    description=(
        "The half-hourly demand and temperature CSV (path or http(s)/s3 URL), checksummed "
        "and schema-validated: time_utc, demand_mw, temperature_c, holiday."
    ),
)
def raw_demand(context: AssetExecutionContext, demand_source: DemandSource) -> Output[pd.DataFrame]:
    source = demand_source.fetch()
    raw = read_raw_demand(source.path, name=source.location)
    return Output(
        raw,
        metadata={
            "rows": len(raw),
            "time_range_utc": _time_range(raw["time_utc"]),
            "sha256": source.sha256,
            "source": MetadataValue.text(source.location),
        },
    )


@asset(
    group_name="ingest",
    kinds={"pandas"},
    partitions_def=yearly_partitions,
    description=(
        "One Melbourne calendar year of the series, every half-hour exactly once, in UTC "
        "order, with Melbourne wall-clock calendar fields (daylight saving handled)."
    ),
)
def clean_demand(
    context: AssetExecutionContext, raw_demand: pd.DataFrame, demand_source: DemandSource
) -> Output[pd.DataFrame]:
    year = int(context.partition_key)
    clean = clean_year(raw_demand, year, source=demand_source.location)
    return Output(
        clean,
        metadata={
            "rows": len(clean),
            "time_range_utc": _time_range(clean["time_utc"]),
            "demand_mean_mw": round(float(clean["demand_mw"].mean()), 1),
            "holiday_half_hours": int(clean["holiday"].sum()),
        },
    )
