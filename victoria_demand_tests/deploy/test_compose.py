"""docker-compose.yml, checked here where no Docker engine runs."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from victoria_demand.settings import PROJECT_ROOT

COMPOSE = PROJECT_ROOT / "docker-compose.yml"
ENV_EXAMPLE = PROJECT_ROOT / ".env.example"
VARIABLE = re.compile(r"\$\{([A-Z0-9_]+)(?::?[?-][^}]*)?\}")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def _example_variables() -> set[str]:
    return {
        line.split("=", 1)[0]
        for line in ENV_EXAMPLE.read_text().splitlines()
        if line and not line.startswith("#")
    }


def test_compose_spec_schema():
    checker = Path(sys.executable).with_name("check-jsonschema")
    completed = subprocess.run(
        [str(checker), "--builtin-schema", "vendor.compose-spec", str(COMPOSE)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_the_services(compose):
    assert set(compose["services"]) == {
        "postgres",
        "minio",
        "minio-setup",
        "mlflow",
        "code",
        "webserver",
        "daemon",
    }


def test_depends_on_names_defined_services_with_conditions(compose):
    services = compose["services"]
    for name, service in services.items():
        for dependency, condition in service.get("depends_on", {}).items():
            assert dependency in services, f"{name} depends on undefined {dependency}"
            assert condition["condition"] in {
                "service_healthy",
                "service_completed_successfully",
            }, f"{name} -> {dependency}: no sleeps, wait for health"
            if condition["condition"] == "service_healthy":
                assert "healthcheck" in services[dependency], dependency


def test_every_long_running_service_has_a_healthcheck(compose):
    for name, service in compose["services"].items():
        if name != "minio-setup":
            assert "healthcheck" in service, name


def test_every_variable_is_in_env_example_and_required():
    text = COMPOSE.read_text()
    used = set(VARIABLE.findall(text))
    assert used <= _example_variables(), used - _example_variables()
    # the first mention of each credential refuses to start without it
    for variable in used:
        assert re.search(r"\$\{" + variable + r":\?", text), f"{variable} has no :? guard"


def test_ports_are_published_on_loopback_only(compose):
    for name, service in compose["services"].items():
        for port in service.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), f"{name} publishes {port}"


def test_images_are_pinned(compose):
    for name, service in compose["services"].items():
        image = service.get("image", "")
        assert image and ":" in image and not image.endswith(":latest"), name
    for dockerfile in (PROJECT_ROOT / "Dockerfile", PROJECT_ROOT / "deploy/mlflow/Dockerfile"):
        base = re.search(r"^FROM (\S+)", dockerfile.read_text(), re.M).group(1)
        assert re.search(r":\d+\.\d+\.\d+", base), base


def test_bucket_is_private():
    script = (PROJECT_ROOT / "deploy/minio/create-bucket.sh").read_text()
    assert "mc anonymous set none" in script
    assert not re.search(r"anonymous set (public|download|upload)", script)


def test_dotenv_is_ignored_by_git():
    completed = subprocess.run(
        ["git", "check-ignore", "-q", ".env"], cwd=PROJECT_ROOT, capture_output=True
    )
    assert completed.returncode == 0


def test_workspace_and_instance_config():
    workspace = yaml.safe_load((PROJECT_ROOT / "workspace.yaml").read_text())
    server = workspace["load_from"][0]["grpc_server"]
    assert server["host"] == {"env": "DAGSTER_CODE_HOST"}
    instance = yaml.safe_load((PROJECT_ROOT / "dagster.yaml").read_text())
    assert "postgres" in instance["storage"]
    assert instance["run_coordinator"]["class"] == "QueuedRunCoordinator"
    assert instance["concurrency"]["runs"]["max_concurrent_runs"] >= 1
    assert instance["concurrency"]["pools"]["default_limit"] == 1
    assert instance["run_launcher"]["class"] == "DockerRunLauncher"
    assert instance["run_launcher"]["config"]["network"] == "victoria-demand"


def test_run_containers_get_every_pipeline_variable(compose):
    """DockerRunLauncher passes a run container only the variables dagster.yaml lists: one
    left out (the MLflow password, say) fails every run in production but no native test."""
    instance = yaml.safe_load((PROJECT_ROOT / "dagster.yaml").read_text())
    forwarded = set(instance["run_launcher"]["config"]["env_vars"])
    # a run reaches the code through the launcher, not through workspace.yaml
    needed = set(compose["x-pipeline-env"]) - {"DAGSTER_CODE_HOST", "DAGSTER_CODE_PORT"}
    assert needed <= forwarded, needed - forwarded


def test_mlflow_runs_its_basic_auth_app_with_the_admin_from_env(compose):
    mlflow = compose["services"]["mlflow"]
    assert "--app-name=basic-auth" in mlflow["command"]
    admin = {
        key: mlflow["environment"][key]
        for key in ("MLFLOW_AUTH_ADMIN_USERNAME", "MLFLOW_AUTH_ADMIN_PASSWORD")
    }
    pipeline = {
        key: compose["x-pipeline-env"][key]
        for key in ("MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD")
    }
    assert list(admin.values()) == list(pipeline.values())
    assert all(value.startswith("${MLFLOW_ADMIN_") for value in admin.values())
    dockerfile = (PROJECT_ROOT / "deploy/mlflow/Dockerfile").read_text()
    assert '"mlflow[auth]==' in dockerfile and "MLFLOW_AUTH_CONFIG_PATH=" in dockerfile
