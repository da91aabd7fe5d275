"""A user's December temperature scenarios (``VICTORIA_DEMAND_WEATHER``), for an outlook
driven by a weather forecast instead of the history.

The CSV has ``scenario`` (any label; one scenario is a plain forecast), ``time`` (ISO 8601
with its offset or ``Z``) and ``temperature_c``; every scenario covers each half-hour of
December once, the December of the first row's year (Melbourne). Bad rows get the source's
one-line errors: the file, the column, the line.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from victoria_demand.core.calendar import (
    DECEMBER_DAYS,
    HALF_HOURS_PER_DAY,
    MELBOURNE,
    december_instants,
)
from victoria_demand.core.errors import DemandDataError
from victoria_demand.core.raw import TEMPERATURE_RANGE_C, parse_number, parse_time, read_csv_table

COLUMNS = ("scenario", "time", "temperature_c")
_LINE_OFFSET = 2  # data row 0 sits on line 2, under the header


@dataclass(frozen=True)
class WeatherFile:
    year: int  # the December it covers
    temperatures: np.ndarray  # (scenarios, days, 48), in the order the file names them


def read_weather_scenarios(content: bytes, *, name: str) -> WeatherFile:
    """The scenarios' temperatures for the December the file covers."""
    table = read_csv_table(content, name, COLUMNS)
    labels = table["scenario"].str.strip()
    empty = np.flatnonzero((labels == "").to_numpy())
    if len(empty):
        raise _error(name, "scenario", int(empty[0]), "a row needs a scenario label")
    time_utc = parse_time(table["time"], name, label="time")
    year = int(time_utc.iloc[0].tz_convert(MELBOURNE).year)
    temperature = parse_number(
        table["temperature_c"], "temperature_c", name, TEMPERATURE_RANGE_C, "degrees C"
    )
    december = pd.DatetimeIndex(december_instants(year))
    slot = pd.Series(december.get_indexer(pd.DatetimeIndex(time_utc)), index=table.index)
    outside = np.flatnonzero((slot < 0).to_numpy())
    if len(outside):
        row = int(outside[0])
        raise _error(
            name,
            "time",
            row,
            f"{table['time'].iloc[row].strip()!r} is not a half-hour of December {year} "
            "in Melbourne",
        )
    twice = np.flatnonzero(pd.DataFrame({"label": labels, "slot": slot}).duplicated().to_numpy())
    if len(twice):
        row = int(twice[0])
        raise _error(name, "time", row, f"scenario {labels.iloc[row]!r} has this half-hour already")
    order = list(dict.fromkeys(labels))
    scenarios = np.full((len(order), len(december)), np.nan)
    scenarios[labels.map({label: i for i, label in enumerate(order)}), slot] = temperature
    incomplete = np.flatnonzero(np.isnan(scenarios).any(axis=1))
    if len(incomplete):
        label = order[int(incomplete[0])]
        gap = december[int(np.flatnonzero(np.isnan(scenarios[incomplete[0]]))[0])]
        missing = int(np.isnan(scenarios[incomplete[0]]).sum())
        raise DemandDataError(
            name,
            f"scenario {label!r} lacks {missing} half-hour(s) of December {year}, the first "
            f"at {gap.isoformat()}: every scenario covers each half-hour once",
            column="time",
        )
    return WeatherFile(year, scenarios.reshape(len(order), DECEMBER_DAYS, HALF_HOURS_PER_DAY))


def _error(name: str, column: str, row: int, problem: str) -> DemandDataError:
    return DemandDataError(name, problem, column=column, line=row + _LINE_OFFSET)
