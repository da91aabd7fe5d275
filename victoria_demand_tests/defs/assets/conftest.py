"""What the first run recorded, read back per asset and year."""

from __future__ import annotations

import pytest
from dagster import AssetKey, DagsterEventType, DagsterInstance

from victoria_demand.defs.partitions import latest_records_by_partition
from victoria_demand.instance import embedded
from victoria_demand_tests.state import copy_home


@pytest.fixture(scope="module")
def recorded(first_run, tmp_path_factory):
    """``recorded(asset_key)``: {year: (metadata values, data version)} of the latest
    materialization of each year, in a copy of the first run's home."""
    home = copy_home(first_run[0], tmp_path_factory.mktemp("assets") / "home")
    instance: DagsterInstance = embedded.embedded_instance(home)

    def latest(key: AssetKey) -> dict[str, tuple[dict, str | None]]:
        records = latest_records_by_partition(instance, key, DagsterEventType.ASSET_MATERIALIZATION)
        return {
            year: (
                {
                    name: value.value
                    for name, value in record.asset_materialization.metadata.items()
                },
                record.asset_materialization.tags.get("dagster/data_version"),
            )
            for year, record in records.items()
        }

    return latest
