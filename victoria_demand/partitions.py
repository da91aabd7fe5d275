"""The years the product forecasts: one partition per Melbourne calendar year."""

from __future__ import annotations

import warnings

from dagster import BetaWarning, TimeWindowPartitionMapping, TimeWindowPartitionsDefinition

FIRST_YEAR = 2012
LAST_YEAR = 2014
YEARS = tuple(range(FIRST_YEAR, LAST_YEAR + 1))

# Keys are plain years ("2012"); windows start at midnight on 1 January, Melbourne time.
yearly_partitions = TimeWindowPartitionsDefinition(
    cron_schedule="0 0 1 1 *",
    start=str(FIRST_YEAR),
    end=str(LAST_YEAR + 1),
    fmt="%Y",
    timezone="Australia/Melbourne",
)

# The previous year of the same asset: how the champion chain gets its order from Dagster.
# The first year has no previous year, hence allow_nonexistent_upstream_partitions (beta).
with warnings.catch_warnings():
    warnings.simplefilter("ignore", BetaWarning)
    previous_year = TimeWindowPartitionMapping(
        start_offset=-1, end_offset=-1, allow_nonexistent_upstream_partitions=True
    )
