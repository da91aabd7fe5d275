"""Readings that are valid numbers but not measurements: a meter stuck on one value, or a
single interval far off both its neighbours.

A stuck SCADA value repeats exactly; real demand in this series never repeats from one
half-hour to the next, and its temperature for at most 4.5 hours. OpenSTEF (LF Energy's
forecasting system for grid operators) leaves 24 hours of constant load out of training as
a "flatliner"; the thresholds here are stricter, from what this series shows:

* demand that repeats the same value for 2 hours or more (4 half-hours);
* temperature that repeats the same value for 12 hours or more (24 half-hours);
* a single half-hour of demand 20% or more above, or below, both its neighbours (the
  series' largest such step is 5%).

Flags are found within one Melbourne year's rows (a run that crosses New Year is judged in
each year by its part there); rows are consecutive half-hours in UTC, so a daylight-saving
change is no gap.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

STUCK_DEMAND_HALF_HOURS = 4
STUCK_TEMPERATURE_HALF_HOURS = 24
SPIKE_RATIO = 0.20
REASONS = {
    "demand_stuck": "demand stuck",
    "temperature_stuck": "temperature stuck",
    "demand_spike": "demand spike",
}
SUSPECT_COLUMN = "suspect"  # in the clean rows: "" or the reasons, joined by "+"


def repeated_runs(values: np.ndarray, min_length: int) -> np.ndarray:
    """True for every element of a run of at least ``min_length`` equal consecutive values."""
    values = np.asarray(values, dtype=float)
    if len(values) == 0:
        return np.zeros(0, dtype=bool)
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
    lengths = np.diff(np.r_[starts, len(values)])
    return np.repeat(lengths >= min_length, lengths)


def single_spikes(values: np.ndarray, ratio: float = SPIKE_RATIO) -> np.ndarray:
    """True where a value is ``ratio`` or more above both neighbours, or as far below both;
    the first and last values have one neighbour and are never flagged."""
    values = np.asarray(values, dtype=float)
    flagged = np.zeros(len(values), dtype=bool)
    if len(values) < 3:
        return flagged
    middle, before, after = values[1:-1], values[:-2], values[2:]
    above = (middle >= before * (1 + ratio)) & (middle >= after * (1 + ratio))
    below = (middle <= before * (1 - ratio)) & (middle <= after * (1 - ratio))
    flagged[1:-1] = above | below
    return flagged


def suspect_flags(rows: pd.DataFrame) -> pd.DataFrame:
    """One boolean column per reason (``REASONS``), for rows in time order."""
    demand = rows["demand_mw"].to_numpy(dtype=float)
    return pd.DataFrame(
        {
            "demand_stuck": repeated_runs(demand, STUCK_DEMAND_HALF_HOURS),
            "temperature_stuck": repeated_runs(
                rows["temperature_c"].to_numpy(dtype=float), STUCK_TEMPERATURE_HALF_HOURS
            ),
            "demand_spike": single_spikes(demand),
        },
        index=rows.index,
    )


def suspect_column(rows: pd.DataFrame) -> pd.Series:
    """Why each row is suspect ("demand stuck", "temperature stuck+demand spike", ...), or ""."""
    flags = suspect_flags(rows)
    labels = np.full(len(rows), "", dtype=object)
    for name, label in REASONS.items():
        hit = flags[name].to_numpy()
        labels[hit] = np.where(labels[hit] == "", label, labels[hit] + "+" + label)
    return pd.Series(labels, index=rows.index, name=SUSPECT_COLUMN, dtype=object)


def is_suspect(rows: pd.DataFrame) -> np.ndarray:
    """True for the rows a model must not learn from, nor be scored on."""
    return rows[SUSPECT_COLUMN].to_numpy(dtype=object) != ""


def temperature_is_suspect(rows: pd.DataFrame) -> np.ndarray:
    """True for the rows whose temperature is not a measurement (a stuck thermometer)."""
    return pd.Series(rows[SUSPECT_COLUMN]).str.contains("temperature", regex=False).to_numpy()


@dataclass(frozen=True)
class Stretch:
    """Consecutive suspect half-hours with one reason."""

    first_utc: pd.Timestamp
    half_hours: int
    reason: str

    def describe(self) -> str:
        return f"{self.reason} from {self.first_utc.isoformat()} for {self.half_hours} half-hours"


def suspect_stretches(rows: pd.DataFrame) -> list[Stretch]:
    """Every stretch of consecutive rows with the same (non-empty) reason, in time order."""
    reasons = rows[SUSPECT_COLUMN].to_numpy(dtype=object)
    times = rows["time_utc"].reset_index(drop=True)
    stretches = []
    change = np.flatnonzero(np.r_[True, reasons[1:] != reasons[:-1]])
    lengths = np.diff(np.r_[change, len(reasons)])
    for start, length in zip(change, lengths, strict=True):
        if reasons[start]:
            stretches.append(Stretch(times.iloc[start], int(length), str(reasons[start])))
    return stretches
