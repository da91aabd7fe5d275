"""The observation of the source, year by year: what makes a new or edited year, and only
that year, stale; and where the years of the partitions are recorded."""

from __future__ import annotations

from collections.abc import Mapping

from dagster import AssetObservation, DagsterEventType, DagsterInstance, MetadataValue

from victoria_demand.core.cleaning import year_versions
from victoria_demand.core.raw import SourceFile, read_source
from victoria_demand.core.years import source_years
from victoria_demand.defs.asset_keys import SOURCE_FILE
from victoria_demand.defs.partitions import (
    SOURCE_SHA256_METADATA,
    SOURCE_YEARS_METADATA,
    latest_records_by_partition,
    latest_source_observation,
)

DATA_VERSION_TAG = "dagster/data_version"


def source_observations(
    source: SourceFile, observed: Mapping[str, str] | None = None
) -> list[AssetObservation]:
    """The observation of a fetched source: an event per Melbourne year whose data version
    (the hash of that year's rows) differs from ``observed`` (see :func:`observed_versions`),
    and one for the last year in any case: each records the file (location, sha256) and the
    years it holds, from which the partitions are built (``partitions.py``). A year observed
    again with the same version is not new data to Dagster.

    The whole file is parsed and judged here: a broken source is refused before anything
    is recorded (:class:`DemandDataError`, naming the file, column and line).
    """
    raw = read_source(source)
    years = source_years(raw["time_utc"])
    metadata = {
        "source": MetadataValue.text(source.location),
        SOURCE_SHA256_METADATA: MetadataValue.text(source.sha256),
        SOURCE_YEARS_METADATA: MetadataValue.json(years.as_dict()),
        "partial_year": MetadataValue.text(years.partial_note() or "none"),
    }
    observed = observed or {}
    versions = {str(year): version for year, version in year_versions(raw, years.years).items()}
    last = str(years.years[-1])
    return [
        AssetObservation(
            asset_key=SOURCE_FILE,
            partition=year,
            tags={DATA_VERSION_TAG: version},
            metadata=metadata,
        )
        for year, version in versions.items()
        if observed.get(year) != version or year == last
    ]


def observed_versions(instance: DagsterInstance) -> dict[str, str]:
    """The latest observed data version of each year of the source."""
    records = latest_records_by_partition(instance, SOURCE_FILE, DagsterEventType.ASSET_OBSERVATION)
    return {
        year: record.asset_observation.tags[DATA_VERSION_TAG]
        for year, record in records.items()
        if DATA_VERSION_TAG in (record.asset_observation.tags or {})
    }


def observed_sha256(instance: DagsterInstance) -> str | None:
    """The sha256 of the file the latest observation saw, if any."""
    observation = latest_source_observation(instance)
    recorded = observation.metadata.get(SOURCE_SHA256_METADATA) if observation else None
    return recorded.value if recorded else None
