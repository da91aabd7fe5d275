import dataclasses
import json
import zipfile

import numpy as np
import pytest

from victoria_demand.core.cleaning import clean_year
from victoria_demand.core.feature_set import FEATURE_SET, FeatureSet
from victoria_demand.core.model_format import (
    InvalidModelError,
    OutdatedModelError,
    pipeline_document,
    pipeline_from_document,
    read_pipeline,
    write_pipeline,
)
from victoria_demand.core.training import fit_december_model, model_inputs


@pytest.fixture(scope="module")
def clean_2014(raw_demand_frame):
    return clean_year(raw_demand_frame, 2014, source="vic.csv")


def test_our_model_round_trips_to_the_same_numbers(tmp_path, clean_2014, december_models):
    pipeline = december_models[2014].pipeline
    path = tmp_path / "pipeline.json"
    write_pipeline(pipeline, path)
    loaded = read_pipeline(path, "test model")
    inputs = model_inputs(clean_2014)
    np.testing.assert_array_equal(loaded.predict(inputs), pipeline.predict(inputs))
    regression = loaded.named_steps["regression"]
    assert list(regression.feature_names_in_) == list(pipeline[-1].feature_names_in_)
    # plain data a person can read: a coefficient per named regressor
    document = json.loads(path.read_text())
    assert document["feature_set"]["version"] == FEATURE_SET.version
    assert len(document["coefficients"]) == regression.n_features_in_ > 300


def test_the_feature_set_travels_with_the_model(tmp_path, clean_2014):
    """A version trained on other knots (as an earlier feature set had) loads with them."""
    other = dataclasses.replace(FEATURE_SET, version="test", cooling_knots_c=(20.0, 28.0))
    pipeline = fit_december_model(clean_2014, other).pipeline
    path = tmp_path / "pipeline.json"
    write_pipeline(pipeline, path)
    loaded = read_pipeline(path, "model of another feature set")
    assert loaded.named_steps["regressors"].feature_set == other
    assert FeatureSet.from_description(json.loads(json.dumps(other.describe()))) == other
    inputs = model_inputs(clean_2014.tail(200))
    np.testing.assert_array_equal(loaded.predict(inputs), pipeline.predict(inputs))


def test_coefficients_for_other_regressors_are_refused(december_models):
    document = pipeline_document(december_models[2014].pipeline)
    document["coefficients"]["cooling_above_99c_workday_b0"] = 1.0
    with pytest.raises(InvalidModelError, match="cooling_above_99c_workday_b0"):
        pipeline_from_document(document, "altered model")
    document = pipeline_document(december_models[2014].pipeline)
    document["coefficients"] = dict(reversed(document["coefficients"].items()))
    with pytest.raises(InvalidModelError, match="their order"):
        pipeline_from_document(document, "reordered model")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"format": "pickle"}, "not a victoria_demand.linear_pipeline document"),
        ({"format_version": 99}, "format version 99"),
        ({"intercept": "os.system"}, "malformed"),
        ({"feature_set": {"version": "3"}}, "malformed"),
    ],
)
def test_a_document_not_ours_is_refused(december_models, change, message):
    document = {**pipeline_document(december_models[2014].pipeline), **change}
    with pytest.raises(InvalidModelError, match=message):
        pipeline_from_document(document, "crafted model")


def test_a_file_of_an_earlier_release_names_what_to_do(tmp_path):
    path = tmp_path / "pipeline.skops"
    with zipfile.ZipFile(path, "w") as archive:  # skops files are zip archives
        archive.writestr("schema.json", "{}")
    with pytest.raises(OutdatedModelError, match=r"skops .* --force"):
        read_pipeline(path, "model of an earlier release")
