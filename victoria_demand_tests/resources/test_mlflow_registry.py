import mlflow
import pytest
from sklearn.linear_model import LinearRegression

from victoria_demand.core.model_format import OutdatedModelError
from victoria_demand.resources.mlflow_registry import MlflowRegistry


def test_a_version_of_an_earlier_release_is_named_not_crashed_on(tmp_path):
    """Releases before the served pyfunc logged scikit-learn's flavour (model.skops at the
    root); loading one for a champion decision says what to do."""
    tracking = f"sqlite:///{tmp_path / 'mlflow.db'}"
    registry = MlflowRegistry(tracking_uri=tracking, artifact_location=str(tmp_path / "art"))
    mlflow.set_tracking_uri(tracking)
    mlflow.set_registry_uri(tracking)
    try:
        with mlflow.start_run(experiment_id=registry.experiment_id()):
            mlflow.sklearn.log_model(
                sk_model=LinearRegression().fit([[0.0], [1.0]], [0.0, 1.0]),
                name="model",
                serialization_format=mlflow.sklearn.SERIALIZATION_FORMAT_SKOPS,
                registered_model_name=registry.registered_model_name,
            )
    finally:
        mlflow.set_tracking_uri(None)
        mlflow.set_registry_uri(None)
    with pytest.raises(OutdatedModelError, match=r"earlier release .* --force"):
        registry.load_version("1")
