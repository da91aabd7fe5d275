"""How models are stored: skops, with an allow-list that lives in this code.

Each registered version carries its fitted Pipeline as a skops file, and skops refuses types
that are not trusted. MLflow's scikit-learn loader would read the trusted list from the
model's MLmodel file, so a crafted artifact could trust anything. Every loader here (the
pipeline's steps and the served pyfunc alike) reads the ``pipeline.skops`` file with *our*
list: a model that holds any other type is refused before a single object is built.
"""

from __future__ import annotations

from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

SKOPS_TRUSTED_TYPES = [
    "victoria_demand.core.feature_set.FeatureSet",
    "victoria_demand.core.features.Daylight",
    "victoria_demand.core.features.DemandRegressors",
    # where versions logged before the feature set had a module of its own name it
    "victoria_demand.core.features.FeatureSet",
    "victoria_demand.core.features.MelbourneCalendarFeatures",
    "victoria_demand.core.features.TemperatureHistory",
]

_RUNTIME_PACKAGES = ("scikit-learn", "numpy", "pandas", "scipy", "skops", "pvlib", "mlflow")


class UntrustedModelError(ValueError):
    pass


class OutdatedModelError(ValueError):
    """A registered version an earlier release logged, in a format this one does not read."""


def model_requirements() -> list[str]:
    """Pinned requirements of a logged model, given rather than inferred (inference takes
    seconds per model, and guesses)."""
    return [f"{name}=={metadata.version(name)}" for name in _RUNTIME_PACKAGES]


def load_skops_model(path: Path, label: str) -> Pipeline:
    # skops and scikit-learn take over a second to import: only the steps that load a model
    # pay for them, not every process that loads the definitions
    import skops.io
    from sklearn.pipeline import Pipeline

    untrusted = sorted(set(skops.io.get_untrusted_types(file=path)) - set(SKOPS_TRUSTED_TYPES))
    if untrusted:
        raise UntrustedModelError(
            f"{label}: refusing to load a model that holds untrusted types {untrusted}"
        )
    model = skops.io.load(path, trusted=SKOPS_TRUSTED_TYPES)
    if not isinstance(model, Pipeline):
        raise UntrustedModelError(f"{label}: expected a scikit-learn Pipeline, got {type(model)}")
    return model
