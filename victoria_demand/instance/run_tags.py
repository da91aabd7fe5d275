"""The tags that make one run execute a range of partitions, as a single-run backfill does.

Dagster reads them from ``dagster._core.storage.tags`` and exports no public name for them;
``execute_in_process`` takes one partition key, not a range, so the CLI's range run (every
changed year ingested at once) is only expressible through these tags.
"""

from __future__ import annotations

from dagster._core.storage.tags import (
    ASSET_PARTITION_RANGE_END_TAG,
    ASSET_PARTITION_RANGE_START_TAG,
)


def partition_range_tags(first: str, last: str) -> dict[str, str]:
    return {ASSET_PARTITION_RANGE_START_TAG: first, ASSET_PARTITION_RANGE_END_TAG: last}
