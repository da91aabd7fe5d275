"""The declared feature set: what defines the regressors, versioned and logged with every
model version. The transformers that derive them live in :mod:`victoria_demand.core.features`;
this module imports no scikit-learn, so that loading the definitions (which version the
models by it) does not pay for importing it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

MODEL_INPUTS = ("time_utc", "temperature_c", "holiday")

SATURDAY, SUNDAY, MONDAY, FRIDAY = 5, 6, 0, 4


@dataclass(frozen=True)
class FeatureSet:
    """Everything that defines the regressors; logged with every model version."""

    version: str
    inputs: tuple[str, ...]
    heating_knots_c: tuple[float, ...]
    cooling_knots_c: tuple[float, ...]
    cooling_knots_24h_c: tuple[float, ...]
    heating_knots_24h_c: tuple[float, ...]
    heat_build_up_3h_knot_c: float
    heat_build_up_24h_max_knot_c: float
    temperature_windows: tuple[str, ...]
    twilight_depth_degrees: float
    summer_break: tuple[tuple[int, int], tuple[int, int]]
    own_shape_days: tuple[int, ...]

    def describe(self) -> dict:
        return asdict(self)

    @classmethod
    def from_description(cls, description: Mapping[str, Any]) -> FeatureSet:
        """The feature set that ``describe()`` gave, read back from JSON (lists as tuples)."""
        expected = {field.name for field in fields(cls)}
        if set(description) != expected:
            raise ValueError(
                f"a feature set has the fields {sorted(expected)}, not {sorted(description)}"
            )
        return cls(**{name: _as_tuples(value) for name, value in description.items()})


def _as_tuples(value: Any) -> Any:
    return tuple(_as_tuples(item) for item in value) if isinstance(value, list) else value


FEATURE_SET = FeatureSet(
    version="3",
    inputs=MODEL_INPUTS,
    heating_knots_c=(16.0, 12.0, 8.0),
    cooling_knots_c=(18.0, 22.0, 26.0, 30.0, 34.0),
    cooling_knots_24h_c=(18.0, 22.0, 26.0),
    heating_knots_24h_c=(14.0, 10.0),
    heat_build_up_3h_knot_c=24.0,
    heat_build_up_24h_max_knot_c=25.0,
    temperature_windows=("3h", "24h", "48h"),
    # civil twilight: lights come on as the sun sinks through the first six degrees
    twilight_depth_degrees=6.0,
    # (month, day) to (month, day), wrapping over New Year
    summer_break=((12, 24), (1, 6)),
    own_shape_days=(MONDAY, FRIDAY, SATURDAY, SUNDAY),
)
