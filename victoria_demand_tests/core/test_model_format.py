import io
import zipfile

import numpy as np
import pandas as pd
import pytest
import skops.io
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.linear_model import LinearRegression
from sklearn.pipeline import Pipeline

from victoria_demand.core.cleaning import clean_year
from victoria_demand.core.model_format import UntrustedModelError, load_skops_model
from victoria_demand.core.training import model_inputs


class Smuggler(TransformerMixin, BaseEstimator):
    """A type nobody declared trusted: loading it could run its code."""

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return X


def test_our_model_round_trips(tmp_path, raw_demand_frame, december_models):
    clean = clean_year(raw_demand_frame, 2014, source="vic.csv")
    model = december_models[2014]
    path = tmp_path / "model.skops"
    skops.io.dump(model.pipeline, path)
    loaded = load_skops_model(path, "test model")
    inputs = model_inputs(clean.tail(48))
    np.testing.assert_allclose(loaded.predict(inputs), model.pipeline.predict(inputs))


def test_a_model_that_names_the_feature_set_by_its_former_module_loads(
    tmp_path, raw_demand_frame, december_models
):
    """Versions registered before the feature set had a module of its own name it
    victoria_demand.core.features.FeatureSet; they keep loading, with the same answers."""
    model = december_models[2014]
    current = '"__module__": "victoria_demand.core.feature_set"'
    path = tmp_path / "model.skops"
    with (
        zipfile.ZipFile(io.BytesIO(skops.io.dumps(model.pipeline))) as logged,
        zipfile.ZipFile(path, "w") as archive,
    ):
        for member in logged.namelist():
            content = logged.read(member)
            if member == "schema.json":
                assert current.encode() in content
                content = content.replace(
                    current.encode(), b'"__module__": "victoria_demand.core.features"'
                )
            archive.writestr(member, content)
    assert "victoria_demand.core.features.FeatureSet" in skops.io.get_untrusted_types(file=path)
    loaded = load_skops_model(path, "model of an earlier release")
    inputs = model_inputs(clean_year(raw_demand_frame, 2014, source="vic.csv").tail(48))
    np.testing.assert_allclose(loaded.predict(inputs), model.pipeline.predict(inputs))


def test_an_untrusted_type_is_refused_before_loading(tmp_path):
    X = pd.DataFrame({"a": [0.0, 1.0, 2.0]})
    pipeline = Pipeline([("smuggler", Smuggler()), ("regression", LinearRegression())])
    pipeline.fit(X, [0.0, 1.0, 2.0])
    path = tmp_path / "model.skops"
    skops.io.dump(pipeline, path)
    with pytest.raises(UntrustedModelError, match="Smuggler"):
        load_skops_model(path, "crafted model")
