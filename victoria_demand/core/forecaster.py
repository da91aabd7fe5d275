"""The December forecast as it is served, and its request contract: one answer per instant.

The model's temperature-history features look back 48 hours, so a forecast for an instant
depends on the temperatures before it. A request therefore carries that history itself:

* columns ``time_utc`` (ISO 8601; ``Z``, an offset, or none meaning UTC), ``temperature_c``,
  ``holiday`` and, optionally, ``context``;
* every instant to forecast (``context`` false or absent) needs the 96 half-hours (48 h)
  before it in the request, as context rows (``context`` true: used, not returned) or as
  other instants to forecast;
* the answer has one row per instant to forecast, in request order: ``time_utc``,
  ``forecast_mw`` (P50, the linear regression), ``p10_mw`` and ``p90_mw`` (the 80% band).

A request that breaks the contract is refused with the row and column at fault, never
answered with a number computed from less history. The stored December forecasts are made
by this same code, from December and the 48 hours before it, so the table and the server
agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from victoria_demand.core.calendar import HALF_HOUR, as_utc
from victoria_demand.core.feature_set import MODEL_INPUTS
from victoria_demand.core.intervals import ResidualQuantiles

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

CONTEXT = "context"
HISTORY_HALF_HOURS = 96  # 48 hours, the longest look-back of the feature set
FORECAST_COLUMNS = ("time_utc", "forecast_mw", "p10_mw", "p90_mw")
_TRUE = {"true", "1", "yes", "t", "y"}
_FALSE = {"false", "0", "no", "f", "n", ""}


class ForecastRequestError(ValueError):
    """A request that breaks the contract; the message names the row and the column."""


UTC_STAMP = "%Y-%m-%dT%H:%M:%SZ"  # how instants are written back: the source's own format


def _stamp(instant: pd.Timestamp) -> str:
    return instant.strftime(UTC_STAMP)


def _flags(values: pd.Series, column: str, *, default: bool | None) -> np.ndarray:
    """Booleans from bools, 0/1 or words; a missing value is ``default`` (or an error).
    ``values`` is indexed by request row."""
    if pd.api.types.is_bool_dtype(values) and not values.isna().any():
        return values.to_numpy(dtype=bool)  # booleans already: no row to read one by one
    flags = np.empty(len(values), dtype=bool)
    for position, (row, value) in enumerate(values.items()):
        if value is None or (isinstance(value, float) and np.isnan(value)):
            if default is None:
                raise ForecastRequestError(f"row {row}, column {column}: missing value")
            flags[position] = default
        elif isinstance(value, bool | np.bool_ | int | np.integer) and value in (0, 1):
            flags[position] = bool(value)
        elif isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            flags[position] = value.strip().lower() in _TRUE
        else:
            raise ForecastRequestError(f"row {row}, column {column}: {value!r} is not true/false")
    return flags


def parse_instants(values: pd.Series) -> pd.Series:
    """UTC instants from ISO 8601 strings (``Z``, offsets, or naive = UTC) or datetimes."""
    try:
        if pd.api.types.is_datetime64_any_dtype(values):  # naive = UTC, as for strings
            parsed = as_utc(values)
        else:
            parsed = pd.to_datetime(values.astype(str), utc=True, format="ISO8601")
    except (ValueError, TypeError):
        parsed = None
    unreadable = (
        np.flatnonzero(parsed.isna().to_numpy())
        if parsed is not None
        else [row for row, value in enumerate(values.tolist()) if not _is_stamp(value)]
    )
    if len(unreadable):
        row = int(unreadable[0])
        raise ForecastRequestError(
            f"row {row}, column time_utc: {values.iloc[row]!r} is not an ISO 8601 time stamp"
        )
    return parsed


def _is_stamp(value) -> bool:
    try:
        return not pd.isna(pd.Timestamp(value))
    except (ValueError, TypeError):
        return False


def validated_request(request: pd.DataFrame) -> pd.DataFrame:
    """The request as model inputs (UTC instants, floats, bools) plus ``context``, or an error
    that names what is wrong."""
    missing = [column for column in MODEL_INPUTS if column not in request.columns]
    if missing:
        raise ForecastRequestError(
            f"missing column(s) {missing}: a request has {list(MODEL_INPUTS)} "
            f"and optionally {CONTEXT!r}"
        )
    request = request.reset_index(drop=True)
    time_utc = parse_instants(request["time_utc"])
    context = (
        _flags(request[CONTEXT], CONTEXT, default=False)
        if CONTEXT in request.columns
        else np.zeros(len(request), dtype=bool)
    )
    if context.all():
        raise ForecastRequestError("no instant to forecast: every row is marked context")
    temperature = pd.to_numeric(request["temperature_c"], errors="coerce")
    bad = np.flatnonzero(temperature.isna().to_numpy())
    if len(bad):
        row = int(bad[0])
        raise ForecastRequestError(
            f"row {row}, column temperature_c: {request['temperature_c'].iloc[row]!r} is not "
            "a temperature"
        )
    off_grid = np.flatnonzero((time_utc.dt.minute % 30 != 0) | (time_utc.dt.second != 0))
    if len(off_grid):
        row = int(off_grid[0])
        raise ForecastRequestError(
            f"row {row}, column time_utc: {_stamp(time_utc.iloc[row])} is not on the "
            "half-hour (hh:00 or hh:30 UTC)"
        )
    repeated = np.flatnonzero(time_utc.duplicated().to_numpy())
    if len(repeated):
        row = int(repeated[0])
        raise ForecastRequestError(
            f"row {row}, column time_utc: {_stamp(time_utc.iloc[row])} appears more than once"
        )
    holiday = np.zeros(len(request), dtype=bool)
    holiday[~context] = _flags(request["holiday"][~context], "holiday", default=None)
    frame = pd.DataFrame(
        {"time_utc": time_utc, "temperature_c": temperature.astype(float), "holiday": holiday}
    )
    _require_history(frame["time_utc"], context)
    return frame.assign(**{CONTEXT: context})


def _require_history(time_utc: pd.Series, context: np.ndarray) -> None:
    """Every instant to forecast has the 48 hours before it in the request."""
    nanoseconds = time_utc.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy().astype("int64")
    order = np.argsort(nanoseconds, kind="stable")
    contiguous = np.diff(nanoseconds[order]) == HALF_HOUR.value
    # for each sorted row, how many half-hours directly before it the request holds
    run_start = np.maximum.accumulate(
        np.where(np.concatenate([[True], ~contiguous]), np.arange(len(order)), 0)
    )
    history = np.empty(len(order), dtype=int)
    history[order] = np.arange(len(order)) - run_start
    short = np.flatnonzero(~context & (history < HISTORY_HALF_HOURS))
    if len(short):
        row = int(short[0])
        instant = time_utc.iloc[row]
        first_missing = instant - (history[row] + 1) * HALF_HOUR
        raise ForecastRequestError(
            f"row {row}, column time_utc: the forecast for {_stamp(instant)} needs the "
            f"temperature of the 48 hours before it ({_stamp(instant - 48 * 2 * HALF_HOUR)} "
            f"to {_stamp(instant - HALF_HOUR)}, every half-hour); the request has only the "
            f"{history[row]} half-hours before it, {_stamp(first_missing)} is missing. Send "
            f"the history as rows with {CONTEXT}=true."
        )


@dataclass(frozen=True)
class DemandForecaster:
    """The fitted pipeline (P50) and its band offsets (P10, P90), served as one model."""

    pipeline: Pipeline
    residuals: ResidualQuantiles

    def predict(self, request: pd.DataFrame) -> pd.DataFrame:
        """The forecast of every non-context row of a request that keeps the contract."""
        frame = validated_request(request)
        inputs = frame.loc[:, list(MODEL_INPUTS)]
        forecast = self.pipeline.predict(inputs)
        calendar = self.pipeline.named_steps["calendar"].transform(inputs)
        low, high = self.residuals.offsets(calendar["day_off"], calendar["block"])
        answer = pd.DataFrame(
            {
                "time_utc": frame["time_utc"],
                "forecast_mw": forecast,
                "p10_mw": forecast + low,
                "p90_mw": forecast + high,
            }
        )
        return answer.loc[~frame[CONTEXT].to_numpy()].reset_index(drop=True)
