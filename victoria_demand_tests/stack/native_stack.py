"""The docker-compose topology as local processes, for machines without a Docker engine.

Same dagster.yaml (its run launcher swapped for the default one by the override that
VICTORIA_DEMAND_DAGSTER_OVERRIDE selects), same workspace.yaml, same environment variables
as the compose services:

    postgres  -> a throwaway cluster (initdb on a free port, in a temp dir)
    minio     -> moto's S3 server (real HTTP, real boto3)
    mlflow    -> `mlflow server` on that Postgres and bucket (proxied artifacts), with
                 the basic-auth app of deploy/mlflow/basic_auth.ini
    code      -> `python -m victoria_demand ingest`, then `dagster code-server start`
    webserver -> `dagster-webserver`
    daemon    -> `dagster-daemon run`

Every process is started in a session of its own and stopped by process id.
"""

from __future__ import annotations

import configparser
import contextlib
import os
import pwd
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import boto3
import yaml

from victoria_demand.settings import PROJECT_ROOT
from victoria_demand_tests.services import (
    free_port,
    moto_s3_server,
    start,
    stop,
    venv_tool,
    wait_for_http,
)

DB_USER = "victoria"
# what a process needs to open the stack's Dagster instance (Postgres storage)
INSTANCE_VARIABLES = (
    "DAGSTER_HOME",
    "DAGSTER_POSTGRES_HOST",
    "DAGSTER_POSTGRES_PORT",
    "DAGSTER_POSTGRES_USER",
    "DAGSTER_POSTGRES_PASSWORD",
    "DAGSTER_POSTGRES_DB",
)
BUCKET = "victoria-demand"
OVERRIDE = PROJECT_ROOT / "deploy" / "local" / "dagster.override.yaml"
MLFLOW_AUTH_CONFIG = PROJECT_ROOT / "deploy" / "mlflow" / "basic_auth.ini"


def _postgres_bin(name: str) -> str:
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if found:
        return str(found[-1])
    path = shutil.which(name)
    if path is None:
        raise RuntimeError(f"{name} not found: install PostgreSQL (apt-get install postgresql)")
    return path


def write_auth_config(target: Path) -> Path:
    """The image's basic_auth.ini with its user store moved from the container's volume
    into ``target``'s folder."""
    config = configparser.ConfigParser()
    config.read(MLFLOW_AUTH_CONFIG)
    config["mlflow"]["database_uri"] = f"sqlite:///{target.with_suffix('.db')}"
    with target.open("w") as file:
        config.write(file)
    return target


def write_instance_config(dagster_home: Path, environ: dict[str, str]) -> Path:
    """$DAGSTER_HOME/dagster.yaml: the repository's, merged with the selected override."""
    config = yaml.safe_load((PROJECT_ROOT / "dagster.yaml").read_text())
    override = environ.get("VICTORIA_DEMAND_DAGSTER_OVERRIDE")
    if override:
        # whole top-level sections are replaced: a launcher's config never outlives its class
        config.update(yaml.safe_load(Path(override).read_text()))
    dagster_home.mkdir(parents=True, exist_ok=True)
    target = dagster_home / "dagster.yaml"
    target.write_text(yaml.safe_dump(config, sort_keys=False))
    return target


@dataclass
class PostgresCluster:
    """A private PostgreSQL cluster; as root, its processes run as the `postgres` user."""

    root: Path
    password: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    port: int = field(default_factory=free_port)
    process_user: str | None = None

    def _run(self, *command: str) -> None:
        subprocess.run(
            command,
            check=True,
            capture_output=True,
            user=self.process_user,
            env={**os.environ, "PGPASSWORD": self.password},
        )

    def start(self) -> None:
        if os.geteuid() == 0:
            self.process_user = "postgres"
            owner = pwd.getpwnam("postgres")
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
        password_file = self.root / "password"
        password_file.write_text(self.password)
        if self.process_user:
            os.chown(password_file, pwd.getpwnam("postgres").pw_uid, -1)
        data = self.root / "data"
        self._run(
            _postgres_bin("initdb"),
            "-D",
            str(data),
            "-U",
            DB_USER,
            f"--pwfile={password_file}",
            "--auth=scram-sha-256",
            "--encoding=UTF8",
        )
        self.start_again()
        for database in ("dagster", "mlflow", "forecasts"):
            self._run(
                _postgres_bin("createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                DB_USER,
                database,
            )

    def start_again(self) -> None:
        """Start the (initialized) cluster on its port."""
        self._run(
            _postgres_bin("pg_ctl"),
            "-D",
            str(self.root / "data"),
            "-l",
            str(self.root / "postgres.log"),
            "-o",
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1",
            "-w",
            "start",
        )

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._run(
                _postgres_bin("pg_ctl"), "-D", str(self.root / "data"), "-m", "fast", "-w", "stop"
            )

    def url(self, database: str) -> str:
        return f"postgresql+psycopg2://{DB_USER}:{self.password}@127.0.0.1:{self.port}/{database}"


@dataclass
class NativeStack:
    root: Path
    source_csv: Path
    postgres: PostgresCluster
    s3_endpoint: str
    env: dict[str, str]
    mlflow_port: int
    webserver_port: int
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    # one key across restarts, as the compose service takes it from .env
    flask_secret_key: str = field(default_factory=lambda: secrets.token_hex(32))

    @property
    def mlflow_url(self) -> str:
        return f"http://127.0.0.1:{self.mlflow_port}"

    @property
    def webserver_url(self) -> str:
        return f"http://127.0.0.1:{self.webserver_port}"

    def s3_client(self):
        return boto3.client("s3", endpoint_url=self.s3_endpoint, **_boto(self.env))

    def log(self, name: str) -> Path:
        return self.root / f"{name}.log"

    def start_mlflow(self) -> None:
        command = [
            venv_tool("mlflow"),
            "server",
            "--host=127.0.0.1",
            f"--port={self.mlflow_port}",
            "--workers=1",
            f"--backend-store-uri={self.postgres.url('mlflow')}",
            "--serve-artifacts",
            f"--artifacts-destination=s3://{BUCKET}/mlflow",
            f"--allowed-hosts=127.0.0.1:{self.mlflow_port},localhost:{self.mlflow_port}",
            "--app-name=basic-auth",
        ]
        server_env = {
            **self.env,
            "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false",
            "MLFLOW_S3_ENDPOINT_URL": self.s3_endpoint,
            "MLFLOW_AUTH_CONFIG_PATH": str(write_auth_config(self.root / "basic_auth.ini")),
            # as in docker-compose.yml: the admin is the user the pipeline signs in with
            "MLFLOW_AUTH_ADMIN_USERNAME": self.env["MLFLOW_TRACKING_USERNAME"],
            "MLFLOW_AUTH_ADMIN_PASSWORD": self.env["MLFLOW_TRACKING_PASSWORD"],
            "MLFLOW_FLASK_SERVER_SECRET_KEY": self.flask_secret_key,
        }
        self.processes["mlflow"] = start(command, self.log("mlflow"), server_env)
        wait_for_http(f"{self.mlflow_url}/health", self.processes["mlflow"], timeout=120)

    def stop_service(self, name: str) -> None:
        stop(self.processes.pop(name))

    def start_dagster(self) -> None:
        code_port = int(self.env["DAGSTER_CODE_PORT"])
        # as the compose `code` service: ingest the source, so the code location starts
        # with the data's years, then serve the code (a server that can reload itself)
        subprocess.run(
            [sys.executable, "-m", "victoria_demand", "ingest"],
            env=self.env,
            check=True,
            capture_output=True,
        )
        self.processes["code"] = start(
            [
                venv_tool("dagster"),
                "code-server",
                "start",
                "--host",
                "127.0.0.1",
                "--port",
                str(code_port),
                "--module-name",
                "victoria_demand.definitions",
            ],
            self.log("code"),
            self.env,
        )
        _wait_for_grpc(code_port, self.env, self.processes["code"])
        workspace = str(PROJECT_ROOT / "workspace.yaml")
        self.processes["webserver"] = start(
            [
                venv_tool("dagster-webserver"),
                "--host",
                "127.0.0.1",
                "--port",
                str(self.webserver_port),
                "--workspace",
                workspace,
            ],
            self.log("webserver"),
            self.env,
        )
        self.processes["daemon"] = start(
            [venv_tool("dagster-daemon"), "run", "--workspace", workspace],
            self.log("daemon"),
            self.env,
        )
        wait_for_http(f"{self.webserver_url}/server_info", self.processes["webserver"], 180)

    def stop_all(self) -> None:
        for name in ("daemon", "webserver", "code", "mlflow"):
            if name in self.processes:
                self.stop_service(name)


def _wait_for_grpc(port: int, env: dict[str, str], process: subprocess.Popen) -> None:
    import time

    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the code server exited with {process.returncode}")
        probe = subprocess.run(
            [venv_tool("dagster"), "api", "grpc-health-check", "--port", str(port)],
            env=env,
            capture_output=True,
        )
        if probe.returncode == 0:
            return
        time.sleep(1)
    raise TimeoutError("the code server did not become healthy")


@contextlib.contextmanager
def native_stack(
    source_csv: Path, keep_logs_in: Path, *, automation: bool = False, **extra_env: str
) -> Iterator[NativeStack]:
    """The stack; ``automation`` off unless asked for, so that the tests launch what runs."""
    # Outside pytest's 0700 tmp tree: the postgres user must be able to enter it.
    root = Path(tempfile.mkdtemp(prefix="victoria-stack-"))
    os.chmod(root, 0o755)
    postgres = PostgresCluster(root / "postgres")
    postgres.root.mkdir()
    postgres.start()
    stack = None
    try:
        with moto_s3_server(root) as s3_endpoint:
            credentials = {
                "AWS_ACCESS_KEY_ID": f"stack-{secrets.token_hex(4)}",
                "AWS_SECRET_ACCESS_KEY": secrets.token_urlsafe(24),
                "AWS_DEFAULT_REGION": "us-east-1",
            }
            boto3.client("s3", endpoint_url=s3_endpoint, **_boto(credentials)).create_bucket(
                Bucket=BUCKET
            )
            mlflow_port, webserver_port, code_port = free_port(), free_port(), free_port()
            env = {
                **os.environ,
                **credentials,
                "DAGSTER_HOME": str(root / "dagster_home"),
                "DAGSTER_POSTGRES_HOST": "127.0.0.1",
                "DAGSTER_POSTGRES_PORT": str(postgres.port),
                "DAGSTER_POSTGRES_USER": DB_USER,
                "DAGSTER_POSTGRES_PASSWORD": postgres.password,
                "DAGSTER_POSTGRES_DB": "dagster",
                "DAGSTER_CODE_HOST": "127.0.0.1",
                "DAGSTER_CODE_PORT": str(code_port),
                "VICTORIA_DEMAND_DAGSTER_OVERRIDE": str(OVERRIDE),
                "VICTORIA_DEMAND_ENV": "stack",
                "VICTORIA_DEMAND_HOME": str(root / "state"),
                "VICTORIA_DEMAND_SOURCE": str(source_csv),
                "VICTORIA_DEMAND_S3_BUCKET": BUCKET,
                "VICTORIA_DEMAND_S3_ENDPOINT_URL": s3_endpoint,
                "VICTORIA_DEMAND_FORECAST_DB_URL": postgres.url("forecasts"),
                "VICTORIA_DEMAND_MLFLOW_UI_URL": f"http://127.0.0.1:{mlflow_port}",
                "VICTORIA_DEMAND_DAGSTER_URL": f"http://127.0.0.1:{webserver_port}",
                "VICTORIA_DEMAND_AUTOMATION": "on" if automation else "off",
                **extra_env,
                "MLFLOW_TRACKING_URI": f"http://127.0.0.1:{mlflow_port}",
                "MLFLOW_TRACKING_USERNAME": f"admin-{secrets.token_hex(4)}",
                "MLFLOW_TRACKING_PASSWORD": secrets.token_urlsafe(18),
            }
            write_instance_config(root / "dagster_home", env)
            stack = NativeStack(
                root=root,
                source_csv=source_csv,
                postgres=postgres,
                s3_endpoint=s3_endpoint,
                env=env,
                mlflow_port=mlflow_port,
                webserver_port=webserver_port,
            )
            stack.start_mlflow()
            stack.start_dagster()
            yield stack
    finally:
        if stack is not None:
            stack.stop_all()
        postgres.stop()
        keep_logs_in.mkdir(parents=True, exist_ok=True)
        for log in root.glob("*.log"):
            shutil.copy(log, keep_logs_in / log.name)
        shutil.rmtree(root, ignore_errors=True)


def _boto(credentials: dict[str, str]) -> dict[str, str]:
    return {
        "aws_access_key_id": credentials["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": credentials["AWS_SECRET_ACCESS_KEY"],
        "region_name": credentials["AWS_DEFAULT_REGION"],
    }
