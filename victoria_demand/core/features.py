"""The feature set's transformers: small steps that turn the raw inputs into regressors.

Every model version uses the same inputs (``MODEL_INPUTS``) and the same derived features,
declared once in ``FEATURE_SET`` (:mod:`victoria_demand.core.feature_set`) and versioned.
The transformers live inside the logged scikit-learn Pipeline, so a model loaded from the
registry predicts from raw columns.

Why these features (a month-ahead forecast may not use December demand, so no demand lags):

* the daily load profile differs between working days and days off;
* demand answers temperature non-linearly (heating below ~16 degrees C, cooling above ~18),
  and differently by time of day and day type: hinge terms per four-hour block and day type;
* heat builds up: recent temperature history (3 h, 24 h, 48 h means, 24 h extremes), the
  24 h and 48 h means weighing differently by time of day and day type;
* lighting load follows the sun, which moves a lot between January and December: darkness
  and solar elevation per block, from pvlib's solar position;
* the summer-holiday weeks around Christmas, learnable from early January;
* Mondays, Fridays and weekends have their own shape.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

from victoria_demand.core.calendar import (
    HALF_HOURS_PER_DAY,
    as_utc,
    melbourne_calendar,
    solar_elevation_degrees,
)
from victoria_demand.core.feature_set import FEATURE_SET, SATURDAY, FeatureSet

BLOCKS_PER_DAY = 6  # four-hour blocks of the day


class _ColumnAdder(TransformerMixin, BaseEstimator):
    """A stateless step that appends derived columns to a DataFrame."""

    def fit(self, X: pd.DataFrame, y=None):
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        self.n_features_in_ = len(self.feature_names_in_)
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        return X.assign(**self._derive(X))

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return np.asarray([*self.feature_names_in_, *self.added_columns()], dtype=object)

    def _derive(self, X: pd.DataFrame) -> dict[str, np.ndarray]:
        raise NotImplementedError

    def added_columns(self) -> tuple[str, ...]:
        raise NotImplementedError


def _utc(time: pd.Series) -> pd.Series:
    """Instants as UTC, from datetimes or text; naive stamps are read as UTC."""
    return as_utc(time if pd.api.types.is_datetime64_any_dtype(time) else pd.to_datetime(time))


class MelbourneCalendarFeatures(_ColumnAdder):
    """Wall-clock slot, day type and the summer break, in Melbourne local time."""

    def __init__(self, summer_break=FEATURE_SET.summer_break):
        self.summer_break = summer_break

    def added_columns(self) -> tuple[str, ...]:
        return ("half_hour", "block", "day_of_week", "day_off", "summer_break")

    def _derive(self, X: pd.DataFrame) -> dict[str, np.ndarray]:
        calendar = melbourne_calendar(_utc(X["time_utc"]))
        day_of_week = calendar["day_of_week"].to_numpy()
        holiday = X["holiday"].astype(bool).to_numpy()
        month_day = calendar["month"].to_numpy() * 100 + calendar["day"].to_numpy()
        (start_month, start_day), (end_month, end_day) = self.summer_break
        in_break = (month_day >= start_month * 100 + start_day) | (
            month_day <= end_month * 100 + end_day
        )
        half_hour = calendar["half_hour"].to_numpy()
        return {
            "half_hour": half_hour,
            "block": half_hour // (HALF_HOURS_PER_DAY // BLOCKS_PER_DAY),
            "day_of_week": day_of_week,
            "day_off": (day_of_week >= SATURDAY) | holiday,
            "summer_break": in_break,
        }


class TemperatureHistory(_ColumnAdder):
    """Trailing temperature statistics over time windows, whatever the row order.

    Windows are in absolute time, so a missing stretch shortens the history instead of
    shifting it; the first rows of a frame see only the history the frame holds.
    """

    def __init__(self, windows=FEATURE_SET.temperature_windows):
        self.windows = windows

    def added_columns(self) -> tuple[str, ...]:
        return (
            *(f"temperature_mean_{window}" for window in self.windows),
            "temperature_max_24h",
            "temperature_min_24h",
        )

    def _derive(self, X: pd.DataFrame) -> dict[str, np.ndarray]:
        # naive UTC datetime64: a zone-aware Series gives its values as Timestamp objects
        instants = _utc(X["time_utc"]).dt.tz_localize(None).to_numpy()
        order = np.argsort(instants, kind="stable")
        series = pd.Series(
            X["temperature_c"].to_numpy(dtype=float)[order],
            index=pd.DatetimeIndex(instants[order]),
        )
        restore = np.empty_like(order)
        restore[order] = np.arange(len(order))
        derived = {
            f"temperature_mean_{window}": series.rolling(window, min_periods=1).mean()
            for window in self.windows
        }
        derived["temperature_max_24h"] = series.rolling("24h", min_periods=1).max()
        derived["temperature_min_24h"] = series.rolling("24h", min_periods=1).min()
        return {name: values.to_numpy()[restore] for name, values in derived.items()}


class Daylight(_ColumnAdder):
    """The sun over Melbourne: elevation, and darkness through civil twilight (0 to 1)."""

    def __init__(self, twilight_depth_degrees=FEATURE_SET.twilight_depth_degrees):
        self.twilight_depth_degrees = twilight_depth_degrees

    def added_columns(self) -> tuple[str, ...]:
        return ("solar_elevation", "darkness")

    def _derive(self, X: pd.DataFrame) -> dict[str, np.ndarray]:
        elevation = solar_elevation_degrees(_utc(X["time_utc"]))
        darkness = np.clip(-elevation, 0.0, self.twilight_depth_degrees)
        return {
            "solar_elevation": elevation,
            "darkness": darkness / self.twilight_depth_degrees,
        }


class DemandRegressors(TransformerMixin, BaseEstimator):
    """The regression's design matrix: each effect broken down by when it happens.

    Consumes the columns the steps before it add; every output column is named for the
    effect and the group it belongs to, so the fitted coefficients read as a table.
    """

    def __init__(self, feature_set: FeatureSet = FEATURE_SET):
        self.feature_set = feature_set

    def fit(self, X: pd.DataFrame, y=None):
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        self.n_features_in_ = len(self.feature_names_in_)
        self.feature_names_out_ = np.asarray(list(self._design(X.head(1))), dtype=object)
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        columns = self._design(X)
        # One float block, filled column by column in the fitted order (each column
        # contiguous): a DataFrame from the dict would stack the columns into blocks, and
        # ordering them would copy the matrix again.
        matrix = np.empty((len(X), len(self.feature_names_out_)), order="F")
        for position, name in enumerate(self.feature_names_out_):
            matrix[:, position] = columns[name]
        return pd.DataFrame(matrix, index=X.index, columns=self.feature_names_out_)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return self.feature_names_out_

    def _design(self, X: pd.DataFrame) -> dict[str, np.ndarray]:
        # in the order fitted models name their coefficients (model_format checks it)
        return {
            **self._profiles(X),
            **self._block_effects(X),
            **self._sun_and_days(X),
            **self._extremes(X),
        }

    def time_columns(self, X: pd.DataFrame) -> dict[str, np.ndarray]:
        """The columns that depend on the instant alone (its calendar and the sun)."""
        return {**self._profiles(X), **self._sun_and_days(X)}

    def weather_columns(self, X: pd.DataFrame) -> dict[str, np.ndarray]:
        """The columns that depend on the temperature and its history (and the summer
        break, which is split as the temperature effects are)."""
        return {**self._block_effects(X), **self._extremes(X)}

    def _profiles(self, X: pd.DataFrame) -> dict[str, np.ndarray]:
        half_hour = X["half_hour"].to_numpy()
        return {
            f"profile_{day_type}_hh{slot:02d}": (in_type & (half_hour == slot)) * 1.0
            for day_type, in_type in _day_types(X).items()
            for slot in range(HALF_HOURS_PER_DAY)
        }

    def _block_effects(self, X: pd.DataFrame) -> dict[str, np.ndarray]:
        """Each effect split by four-hour block and day type."""
        fs = self.feature_set
        temperature = X["temperature_c"].to_numpy(dtype=float)
        mean_3h = X["temperature_mean_3h"].to_numpy(dtype=float)
        mean_24h = X["temperature_mean_24h"].to_numpy(dtype=float)
        mean_48h = X["temperature_mean_48h"].to_numpy(dtype=float)
        effects: list[tuple[str, np.ndarray]] = [
            *(
                (f"cooling_above_{k:g}c", np.maximum(temperature - k, 0))
                for k in fs.cooling_knots_c
            ),
            *(
                (f"heating_below_{k:g}c", np.maximum(k - temperature, 0))
                for k in fs.heating_knots_c
            ),
            *(
                (f"cooling_24h_above_{k:g}c", np.maximum(mean_24h - k, 0))
                for k in fs.cooling_knots_24h_c
            ),
            *(
                (f"heating_24h_below_{k:g}c", np.maximum(k - mean_24h, 0))
                for k in fs.heating_knots_24h_c
            ),
            (
                f"heat_3h_above_{fs.heat_build_up_3h_knot_c:g}c",
                np.maximum(mean_3h - fs.heat_build_up_3h_knot_c, 0),
            ),
            # how much the last day or two weighed on buildings, by time of day
            ("temperature_mean_24h", mean_24h),
            ("temperature_mean_48h", mean_48h),
            ("summer_break", X["summer_break"].to_numpy(dtype=float)),
        ]
        block = X["block"].to_numpy()
        return {
            f"{name}_{day_type}_b{b}": values * (in_type & (block == b))
            for name, values in effects
            for day_type, in_type in _day_types(X).items()
            for b in range(BLOCKS_PER_DAY)
        }

    def _sun_and_days(self, X: pd.DataFrame) -> dict[str, np.ndarray]:
        block = X["block"].to_numpy()
        holiday_free_days = X["day_of_week"].to_numpy()
        holiday_free_days = np.where(X["holiday"].to_numpy(dtype=bool), -1, holiday_free_days)
        elevation = X["solar_elevation"].to_numpy(dtype=float)
        darkness = X["darkness"].to_numpy(dtype=float)
        columns: dict[str, np.ndarray] = {}
        for b in range(BLOCKS_PER_DAY):
            in_block = block == b
            columns[f"darkness_b{b}"] = darkness * in_block
            columns[f"sun_elevation_b{b}"] = np.clip(elevation, 0, 90) * in_block
            for day in self.feature_set.own_shape_days:
                columns[f"weekday{day}_b{b}"] = ((holiday_free_days == day) & in_block) * 1.0
        return columns

    def _extremes(self, X: pd.DataFrame) -> dict[str, np.ndarray]:
        knot = self.feature_set.heat_build_up_24h_max_knot_c
        return {
            f"temperature_max_24h_above_{knot:g}c": np.maximum(
                X["temperature_max_24h"].to_numpy(dtype=float) - knot, 0
            ),
            "temperature_min_24h": X["temperature_min_24h"].to_numpy(dtype=float),
        }


def _day_types(X: pd.DataFrame) -> dict[str, np.ndarray]:
    day_off = X["day_off"].to_numpy(dtype=bool)
    return {"workday": ~day_off, "day_off": day_off}
