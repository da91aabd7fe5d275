from pathlib import Path

import pandas as pd
import pytest

from victoria_demand.core.errors import DemandDataError
from victoria_demand.core.raw import parse_raw_demand, read_raw_demand


def _parse(lines: list[str]) -> pd.DataFrame:
    return parse_raw_demand(("\n".join(lines) + "\n").encode(), name="broken.csv")


def _error(lines: list[str] | bytes) -> DemandDataError:
    content = lines if isinstance(lines, bytes) else ("\n".join(lines) + "\n").encode()
    with pytest.raises(DemandDataError) as caught:
        parse_raw_demand(content, name="broken.csv")
    return caught.value


def test_both_exports_parse_to_the_same_series(original_csv: Path, tsibble_csv: Path):
    original = read_raw_demand(original_csv)
    tsibble = read_raw_demand(tsibble_csv)
    assert len(original) == len(tsibble) == 52_608
    pd.testing.assert_frame_equal(original, tsibble)
    assert str(original["time_utc"].dt.tz) == "UTC"
    assert original["time_utc"].iloc[0] == pd.Timestamp("2011-12-31T13:00:00Z")
    assert original["time_utc"].iloc[-1] == pd.Timestamp("2014-12-31T12:30:00Z")
    assert original["holiday"].sum() == 1_488


def test_local_offsets_become_the_same_instant():
    frame = _parse(
        [
            "Time,Demand,Temperature,Date,Holiday",
            "2013-04-07T02:30:00+11:00,4000,15,2013-04-07,FALSE",
            "2013-04-07T02:00:00+10:00,4000,15,2013-04-07,FALSE",
        ]
    )
    step = frame["time_utc"].iloc[1] - frame["time_utc"].iloc[0]
    assert step == pd.Timedelta(minutes=30)


def _edit(line: int, old: str, new: str):
    """A mutation of the CSV: replace ``old`` by ``new`` on one line (1-based, header 1)."""

    def mutate(lines: list[str]) -> list[str]:
        assert old in lines[line - 1]
        return [*lines[: line - 1], lines[line - 1].replace(old, new), *lines[line:]]

    return mutate


def _drop_temperature(lines: list[str]) -> list[str]:
    def without_third(line: str) -> str:
        fields = line.split(",")
        return ",".join(fields[:2] + fields[3:])

    return [without_third(line) for line in lines]


def _truncate_after(line: int, characters: int):
    return lambda lines: [*lines[: line - 1], lines[line - 1][:characters]]


BAD_INPUTS = {
    "renamed-column": (_edit(1, "Demand", "Load"), "Demand", 1, "missing required"),
    "missing-column": (_drop_temperature, "Temperature", 1, "missing required"),
    "unparseable-time": (
        _edit(4, "2011-12-31T14:00:00Z", "2011-13-45T14:00:00Z"),
        "Time",
        4,
        "unparseable",
    ),
    "naive-time": (_edit(6, "Z,", ","), "Time", 6, "no UTC offset"),
    "non-numeric-demand": (_edit(3, "4263.365526", "abc"), "Demand", 3, "not a number"),
    "negative-demand": (_edit(3, "4263.365526", "-4263.4"), "Demand", 3, "physical range"),
    "absurd-demand": (_edit(3, "4263.365526", "4263365526"), "Demand", 3, "physical range"),
    "nan-temperature": (_edit(5, ",20.55,", ",NaN,"), "Temperature", 5, "missing value"),
    "empty-temperature": (_edit(5, ",20.55,", ",,"), "Temperature", 5, "missing value"),
    "bad-holiday": (_edit(3, "TRUE", "yes"), "Holiday", 3, "TRUE or FALSE"),
    "date-not-melbourne": (_edit(3, "2012-01-01", "2011-12-31"), "Date", 3, "Melbourne date"),
    "truncated-last-row": (_truncate_after(8, 21), "Demand", 8, "missing value"),
}


@pytest.mark.parametrize(
    ("mutate", "column", "line", "phrase"), BAD_INPUTS.values(), ids=BAD_INPUTS.keys()
)
def test_bad_input_names_file_column_and_line(original_lines, mutate, column, line, phrase):
    error = _error(mutate(original_lines[:20]))
    assert (error.source, error.column, error.line) == ("broken.csv", column, line)
    assert phrase in str(error)
    assert str(error).startswith(f"broken.csv, column {column!r}, line {line}: ")


def test_empty_file():
    assert "empty" in str(_error(b""))


def test_header_only(original_lines):
    assert "no data rows" in str(_error(original_lines[:1]))


def test_not_csv_at_all():
    assert "not a CSV" in str(_error(bytes(range(256)) * 4))


def test_extra_field_names_the_line(original_lines):
    lines = original_lines[:6]
    lines[4] += ",surplus"
    assert "line 5" in str(_error(lines))


def _write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "broken.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def _file_error(tmp_path: Path, lines: list[str]) -> DemandDataError:
    with pytest.raises(DemandDataError) as caught:
        read_raw_demand(_write(tmp_path, lines), name="broken.csv")
    return caught.value


def test_a_duplicate_instant_fails_the_file(tmp_path, original_lines):
    lines = [*original_lines[:101], original_lines[50], *original_lines[101:]]
    error = _file_error(tmp_path, lines)
    assert (error.column, error.line) == ("Time", 102)
    assert "duplicate instant 2012-01-01T13:30:00+00:00" in str(error)


def test_a_missing_day_fails_the_file(tmp_path, original_lines):
    lines = [*original_lines[:1001], *original_lines[1049:]]  # data rows 1000-1047 gone
    error = _file_error(tmp_path, lines)
    assert (error.column, error.line) == ("Time", 1002)
    assert "48 half-hour(s) missing" in str(error)


def test_a_year_with_part_of_december_fails_the_file(tmp_path, original_lines):
    error = _file_error(tmp_path, original_lines[:-700])
    assert error.column == "Time" and "2014 is incomplete" in str(error)


def test_rows_in_any_order_are_accepted(tmp_path, original_lines, raw_demand_frame):
    shuffled = [original_lines[0], *reversed(original_lines[1:])]
    frame = read_raw_demand(_write(tmp_path, shuffled))
    assert len(frame) == len(raw_demand_frame)
    assert frame["time_utc"].iloc[0] == raw_demand_frame["time_utc"].iloc[-1]


def test_without_holiday_the_flags_come_from_the_holidays_library(original_csv: Path, tmp_path):
    """The library's Victorian holidays are the recorded flags of 2012-2014, once Easter
    Saturday (which the data does not mark) is left out."""
    recorded = read_raw_demand(original_csv)
    bare = pd.read_csv(original_csv, dtype=str).drop(columns=["Holiday", "Date"])
    bare.to_csv(tmp_path / "aemo.csv", index=False)
    derived = read_raw_demand(tmp_path / "aemo.csv")
    pd.testing.assert_frame_equal(derived, recorded)


def test_easter_saturday_is_the_only_library_holiday_left_out():
    import holidays

    from victoria_demand.core.public_holidays import victorian_public_holidays

    library = holidays.country_holidays("AU", subdiv="VIC", years=[2012, 2013, 2014])
    kept = victorian_public_holidays([2012, 2013, 2014])
    left_out = {pd.Timestamp(day): name for day, name in library.items()}.keys() - kept
    assert sorted(str(day.date()) for day in left_out) == ["2012-04-07", "2013-03-30", "2014-04-19"]
    assert {library.get(day.date()) for day in left_out} == {"Easter Saturday"}
