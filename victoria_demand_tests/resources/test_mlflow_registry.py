import mlflow
import pytest
from sklearn.linear_model import LinearRegression

from victoria_demand.core.model_format import OutdatedModelError
from victoria_demand.resources.mlflow_registry import MlflowRegistry


@pytest.fixture
def registry(tmp_path, use_mlflow_store) -> MlflowRegistry:
    """A registry on a fresh SQLite store, also the process-wide one for this test."""
    tracking = f"sqlite:///{tmp_path / 'mlflow.db'}"
    use_mlflow_store(tracking)
    return MlflowRegistry(tracking_uri=tracking, artifact_location=str(tmp_path / "art"))


def _log_sklearn_model(registry: MlflowRegistry, register: bool) -> tuple[str, str]:
    """A run with a tiny model in scikit-learn's flavour, as releases before the pyfunc
    logged them (no pipeline.json): (run id, model URI)."""
    with mlflow.start_run(experiment_id=registry.experiment_id()) as run:
        info = mlflow.sklearn.log_model(
            sk_model=LinearRegression().fit([[0.0], [1.0]], [0.0, 1.0]),
            name="model",
            registered_model_name=registry.registered_model_name if register else None,
        )
    return run.info.run_id, info.model_uri


def test_a_version_of_an_earlier_release_is_named_not_crashed_on(registry):
    """Loading one for a champion decision says what to do."""
    _log_sklearn_model(registry, register=True)
    with pytest.raises(OutdatedModelError, match=r"earlier release .* --force"):
        registry.load_version("1")


def test_registering_again_after_an_interrupted_attempt_makes_no_second_version(registry):
    run_id, model_uri = _log_sklearn_model(registry, register=False)
    tags = {"year": "2013", "feature_set_version": "3"}
    first = registry._register_version(run_id, model_uri, tags)
    again = registry._register_version(run_id, model_uri, tags)  # as a retry would
    assert first == again == "1"
    [version] = registry.client.search_model_versions(f"name='{registry.registered_model_name}'")
    assert version.tags == tags
