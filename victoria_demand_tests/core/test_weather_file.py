"""A user's weather scenarios: read in order, and refused with one line naming the file,
the column and the line."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from victoria_demand.core.calendar import december_instants
from victoria_demand.core.errors import DemandDataError
from victoria_demand.core.weather_file import read_weather_scenarios

YEAR = 2014


def _lines(scenarios: dict[str, float], *, offset: bool = False) -> list[str]:
    instants = december_instants(YEAR)
    stamps = (
        instants.dt.tz_convert("Australia/Melbourne").map(lambda t: t.isoformat())
        if offset
        else instants.dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    )
    lines = ["scenario,time,temperature_c"]
    for label, base in scenarios.items():
        lines += [f"{label},{stamp},{base + i / 100:.2f}" for i, stamp in enumerate(stamps)]
    return lines


def _read(lines: list[str]) -> np.ndarray:
    weather = read_weather_scenarios(("\n".join(lines) + "\n").encode(), name="w.csv")
    assert weather.year == YEAR
    return weather.temperatures


def _refused(lines: list[str]) -> DemandDataError:
    with pytest.raises(DemandDataError) as caught:
        _read(lines)
    assert "\n" not in str(caught.value)
    return caught.value


@pytest.mark.parametrize("offset", [False, True], ids=["Z", "+11:00"])
def test_scenarios_are_read_in_the_order_the_file_names_them(offset):
    scenarios = _read(_lines({"hot": 30.0, "mild": 20.0}, offset=offset))
    assert scenarios.shape == (2, 31, 48)
    assert scenarios[0, 0, 0] == 30.0 and scenarios[1, 0, 0] == 20.0
    assert scenarios[1, -1, -1] == pytest.approx(20.0 + (31 * 48 - 1) / 100)


def test_one_scenario_is_a_plain_forecast():
    lines = _lines({"forecast": 22.0})
    shuffled = [lines[0], *pd.Series(lines[1:]).sample(frac=1, random_state=0)]
    np.testing.assert_array_equal(_read(shuffled), _read(lines))


def test_a_missing_column_names_the_header():
    error = _refused(["scenario,when,temperature_c", "a,2014-11-30T13:00:00Z,20"])
    assert error.column == "time" and error.line == 1


def _value(line: str, value: str) -> str:
    return line.rsplit(",", 1)[0] + f",{value}"


@pytest.mark.parametrize(
    ("index", "edit", "column", "says"),
    [
        (5, lambda ls, i: ls[i].replace("Z,", ","), "time", "no UTC offset"),
        (7, lambda ls, i: _value(ls[i], "hot"), "temperature_c", "'hot'"),
        (9, lambda ls, i: _value(ls[i], "75"), "temperature_c", "outside"),
        (4, lambda ls, i: ls[i - 1], "time", "has this half-hour already"),
        (6, lambda ls, i: "a,2014-11-30T12:30:00Z,20", "time", "not a half-hour"),
        (8, lambda ls, i: ",2014-12-01T00:00:00Z,20", "scenario", "label"),
    ],
    ids=["no offset", "not a number", "out of range", "twice", "not December", "no label"],
)
def test_a_bad_row_is_named(index, edit, column, says):
    lines = _lines({"a": 20.0})
    lines[index] = edit(lines, index)
    error = _refused(lines)
    # lines[0] is the header, line 1 of the file
    assert (error.column, error.line) == (column, index + 1) and says in str(error)
    assert str(error).startswith("w.csv, ")


def test_a_scenario_without_every_half_hour_is_named():
    lines = _lines({"a": 20.0, "b": 21.0})
    del lines[-10:]
    error = _refused(lines)
    assert "scenario 'b' lacks 10 half-hour(s)" in str(error) and error.column == "time"
