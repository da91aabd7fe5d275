"""The tests' own data lookup: the built Melbourne export, and the order the data set is
looked for (a real HTTP server is in reliability/test_data_download.py)."""

from pathlib import Path

import pandas as pd
import pytest

from victoria_demand.core.raw import read_raw_demand
from victoria_demand_tests.data_set import (
    ORIGINAL_NAME,
    TSIBBLE_NAME,
    MissingDataSet,
    data_folder,
    find_original_csv,
    write_melbourne_export,
)


@pytest.fixture(scope="module")
def built_export(original_csv: Path, tmp_path_factory) -> Path:
    return write_melbourne_export(original_csv, tmp_path_factory.mktemp("built") / TSIBBLE_NAME)


def test_the_built_export_parses_to_the_rows_of_the_real_one(built_export: Path):
    folder = data_folder()
    if folder is None or not (folder / TSIBBLE_NAME).is_file():
        pytest.skip("the tsibbledata export is not at hand to compare with")
    pd.testing.assert_frame_equal(
        read_raw_demand(built_export), read_raw_demand(folder / TSIBBLE_NAME)
    )


def test_the_built_export_keeps_both_copies_of_the_repeated_hour(built_export: Path):
    lines = built_export.read_text().splitlines()
    assert lines[1].startswith("2012-01-01T00:00:00+11:00,")
    assert sum(line.startswith("2013-04-07T02:00:00+11:00,") for line in lines) == 1
    assert sum(line.startswith("2013-04-07T02:00:00+10:00,") for line in lines) == 1
    assert not any(line.startswith("2013-10-06T02:00:00") for line in lines)


def test_a_named_folder_wins_and_its_absence_is_one_line(tmp_path: Path, original_csv: Path):
    named, empty = tmp_path / "named", tmp_path / "empty"
    named.mkdir()
    empty.mkdir()
    (named / ORIGINAL_NAME).symlink_to(original_csv)
    assert find_original_csv({"VICTORIA_DEMAND_TEST_DATA": str(named)}) == named / ORIGINAL_NAME
    with pytest.raises(MissingDataSet) as missing:
        find_original_csv({"VICTORIA_DEMAND_TEST_DATA": str(empty)})
    message = str(missing.value)
    assert "\n" not in message
    assert str(empty / ORIGINAL_NAME) in message
    for way in ("VICTORIA_DEMAND_TEST_DATA", "VICTORIA_DEMAND_SOURCE", "make data"):
        assert way in message
