"""How models are stored: a JSON document of the declared feature set and the regression's
intercept and coefficients, one per regressor, by name.

The feature steps are stateless and the regression is linear, so these numbers are the whole
fitted model. Loading builds the one model shape (``training.build_pipeline``) for the
document's feature set and gives its regression the coefficients, after checking that they
name exactly the regressors this code derives for that feature set, in order. Nothing in the
file names a type or runs as code: there is no pickle, and no allow-list of types to keep.
The file reads as a table in the MLflow UI, and writing or reading it imports nothing that
training does not (skops, the format before this one, took 0.45 s to import in every process
that logged or loaded a model, because it lists every scikit-learn estimator when imported).
"""

from __future__ import annotations

import functools
import json
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from victoria_demand.core.feature_set import MODEL_INPUTS, FeatureSet

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

MODEL_FORMAT = "victoria_demand.linear_pipeline"
MODEL_FORMAT_VERSION = 1

_RUNTIME_PACKAGES = ("scikit-learn", "numpy", "pandas", "scipy", "pvlib", "mlflow")


class InvalidModelError(ValueError):
    """A model file that is not one this code wrote, or was altered since."""


class OutdatedModelError(ValueError):
    """A registered version an earlier release logged, in a format this one does not read."""


@functools.cache
def model_requirements() -> tuple[str, ...]:
    """Pinned requirements of a logged model, given rather than inferred (inference takes
    seconds per model, and guesses). Looked up once a process: each lookup scans the
    installed packages' metadata (27 ms for the six)."""
    return tuple(f"{name}=={metadata.version(name)}" for name in _RUNTIME_PACKAGES)


def pipeline_document(pipeline: Pipeline) -> dict[str, Any]:
    """The fitted pipeline as plain data: its feature set and its regression's numbers."""
    regression = pipeline.named_steps["regression"]
    return {
        "format": MODEL_FORMAT,
        "format_version": MODEL_FORMAT_VERSION,
        "feature_set": pipeline.named_steps["regressors"].feature_set.describe(),
        "intercept": float(regression.intercept_),
        # Python floats print as the shortest text that reads back to the same double
        "coefficients": dict(
            zip(regression.feature_names_in_.tolist(), regression.coef_.tolist(), strict=True)
        ),
    }


def write_pipeline(pipeline: Pipeline, path: Path) -> None:
    path.write_text(json.dumps(pipeline_document(pipeline), indent=1))


def read_pipeline(path: Path, label: str) -> Pipeline:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise OutdatedModelError(
            f"{label}: {path.name} is not a JSON model document (versions registered before "
            f"{MODEL_FORMAT} version {MODEL_FORMAT_VERSION} stored a skops file): materialize "
            "every December year again, from the first (`python -m victoria_demand run --force`)"
        ) from None
    return pipeline_from_document(document, f"{label} ({path})")


def pipeline_from_document(document: Any, label: str) -> Pipeline:
    """The fitted pipeline a document describes, predicting exactly as the one written."""
    # scikit-learn is imported by the steps that load a model, not by every process that
    # loads the definitions
    from victoria_demand.core.training import build_pipeline

    if not isinstance(document, dict) or document.get("format") != MODEL_FORMAT:
        raise InvalidModelError(f"{label}: not a {MODEL_FORMAT} document")
    if document.get("format_version") != MODEL_FORMAT_VERSION:
        raise InvalidModelError(
            f"{label}: format version {document.get('format_version')!r}; this release reads "
            f"version {MODEL_FORMAT_VERSION}"
        )
    try:
        feature_set = FeatureSet.from_description(document["feature_set"])
        intercept = float(document["intercept"])
        coefficients = {str(name): float(value) for name, value in document["coefficients"].items()}
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise InvalidModelError(f"{label}: malformed model document ({error})") from None

    pipeline = build_pipeline(feature_set)
    # The feature steps hold no fitted state: fitting them on one row of inputs names their
    # columns, as fitting on a year did.
    one_row = pd.DataFrame(
        {
            "time_utc": [pd.Timestamp("2000-01-01", tz="UTC")],
            "temperature_c": [20.0],
            "holiday": [False],
        }
    ).loc[:, list(MODEL_INPUTS)]
    try:
        regressors = pipeline[:-1].fit(one_row)[-1].get_feature_names_out().tolist()
    except (TypeError, ValueError) as error:  # feature set values of the wrong kind
        raise InvalidModelError(f"{label}: feature set {feature_set.version!r}: {error}") from None
    if list(coefficients) != regressors:
        differing = sorted(set(coefficients) ^ set(regressors)) or ["(their order)"]
        raise InvalidModelError(
            f"{label}: its coefficients are not for the regressors of feature set "
            f"{feature_set.version!r}; they differ in {differing[:5]}"
        )
    regression = pipeline.named_steps["regression"]
    regression.feature_names_in_ = np.asarray(regressors, dtype=object)
    regression.n_features_in_ = len(regressors)
    regression.coef_ = np.asarray(list(coefficients.values()), dtype=float)
    regression.intercept_ = intercept
    return pipeline
