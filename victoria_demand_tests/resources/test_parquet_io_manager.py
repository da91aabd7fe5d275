import io
import json
from collections.abc import Mapping
from pathlib import Path

import boto3
import pandas as pd
import pytest
from dagster import AssetIn, DagsterInstance, asset, materialize

from victoria_demand.core.years import SourceYears
from victoria_demand.defs.partitions import year_partitions, years_up_to
from victoria_demand.resources.parquet_io_manager import LocalParquetIOManager, S3ParquetIOManager
from victoria_demand_tests.services import moto_s3_server

YEARS = year_partitions(SourceYears(complete=(2012, 2013, 2014)))
yearly_partitions = YEARS.clean

FRAME = pd.DataFrame(
    {
        "time_utc": pd.date_range("2013-01-01", periods=4, freq="30min", tz="UTC"),
        "demand_mw": [1.0, 2.0, 3.0, 4.0],
    }
)


@asset(partitions_def=yearly_partitions)
def yearly_frame(context) -> pd.DataFrame:
    if context.run.tags.get("fail") == "yes":
        raise RuntimeError("boom")
    return FRAME.assign(year=int(context.partition_key))


@asset(
    partitions_def=yearly_partitions,
    ins={"frames_so_far": AssetIn("yearly_frame", partition_mapping=years_up_to(YEARS))},
)
def yearly_record(frames_so_far: Mapping[str, pd.DataFrame]) -> dict:
    # a mapping input: every year through this one, by partition key
    years = [int(frame["year"].iloc[0]) for frame in frames_so_far.values()]
    return {
        "years": years,
        "keys": list(frames_so_far),
        "rows": sum(map(len, frames_so_far.values())),
    }


def _materialize(io_manager, year: str, tags=None):
    return materialize(
        [yearly_frame, yearly_record],
        partition_key=year,
        resources={"io_manager": io_manager},
        instance=DagsterInstance.ephemeral(),
        tags=tags,
        raise_on_error=False,
    )


def _round_trip(io_manager, read_bytes) -> None:
    for year in ("2012", "2013"):
        assert _materialize(io_manager, year).success
    frame = pd.read_parquet(io.BytesIO(read_bytes("yearly_frame/2013.parquet")))
    pd.testing.assert_frame_equal(frame, FRAME.assign(year=2013))
    record = json.loads(read_bytes("yearly_record/2013.json"))
    assert record == {"years": [2012, 2013], "keys": ["2012", "2013"], "rows": 8}

    # A failed run leaves the stored partition untouched.
    before = read_bytes("yearly_frame/2013.parquet")
    assert not _materialize(io_manager, "2013", tags={"fail": "yes"}).success
    assert read_bytes("yearly_frame/2013.parquet") == before


def test_local_round_trip_and_failed_runs(tmp_path: Path):
    base = tmp_path / "storage"
    _round_trip(LocalParquetIOManager(base_dir=str(base)), lambda key: (base / key).read_bytes())
    leftovers = [p.name for p in base.rglob(".*")]
    assert leftovers == []  # no partial files


def test_s3_round_trip_over_real_http(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with moto_s3_server(tmp_path) as endpoint:
        s3 = boto3.client("s3", endpoint_url=endpoint)
        s3.create_bucket(Bucket="demand")
        manager = S3ParquetIOManager(bucket="demand", prefix="vd", endpoint_url=endpoint)
        _round_trip(
            manager, lambda key: s3.get_object(Bucket="demand", Key=f"vd/{key}")["Body"].read()
        )
        keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket="demand")["Contents"])
        assert keys == [
            "vd/yearly_frame/2012.parquet",
            "vd/yearly_frame/2013.parquet",
            "vd/yearly_record/2012.json",
            "vd/yearly_record/2013.json",
        ]
