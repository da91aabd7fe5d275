"""raw_demand and clean_demand as the first run made them: a year's rows each, versioned."""

from __future__ import annotations

from victoria_demand.core.cleaning import clean_year, content_hash
from victoria_demand.defs.asset_keys import CLEAN_DEMAND, RAW_DEMAND
from victoria_demand.resources.demand_source import sha256_of

ROWS = {"2012": 17_568, "2013": 17_520, "2014": 17_520}  # 2012 is a leap year


def test_each_years_raw_rows_carry_the_files_checksum(recorded, original_csv):
    file_sha256 = sha256_of(original_csv)
    raw = recorded(RAW_DEMAND)
    assert {year: metadata["rows"] for year, (metadata, _) in raw.items()} == ROWS
    for year, (metadata, data_version) in raw.items():
        assert metadata["sha256"] == data_version == file_sha256
        assert metadata["time_range_utc"].startswith(f"{int(year) - 1}-12-31T13:00:00+00:00")


def test_a_clean_years_version_is_the_hash_of_its_rows(recorded, raw_demand_frame):
    clean = recorded(CLEAN_DEMAND)
    assert {year: metadata["rows"] for year, (metadata, _) in clean.items()} == ROWS
    for year, (metadata, data_version) in clean.items():
        rows = clean_year(raw_demand_frame, int(year), source="vic.csv")
        assert data_version == content_hash(rows)
        assert metadata["holiday_half_hours"] == int(rows["holiday"].sum())
