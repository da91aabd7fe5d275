"""Real local services for tests, started and stopped by process id."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_http(url: str, process: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"{process.args} exited with {process.returncode} before serving {url}"
            )
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (from /proc), children first."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, queue = [], [pid]
    while queue:
        for child in children.get(queue.pop(), []):
            found.append(child)
            queue.append(child)
    return found


def stop(process: subprocess.Popen, timeout: float = 10.0) -> None:
    """Stop a process, its group (it was started in a session of its own) and any
    descendant that moved to a group of its own (as Dagster's code servers do)."""
    below = descendants(process.pid)
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    for pid in below:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def venv_tool(name: str) -> str:
    """A console script of the running interpreter's environment."""
    return str(Path(sys.executable).with_name(name))


def start(
    command: list[str], log: Path, env: dict[str, str] | None = None, **kwargs
) -> subprocess.Popen:
    """Start a process in a session of its own (so ``stop`` ends its children too)."""
    with log.open("ab") as out:
        return subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
            **kwargs,
        )


@contextlib.contextmanager
def static_http_server(folder: Path, log_dir: Path) -> Iterator[str]:
    """Python's own HTTP server on loopback serving ``folder``; yields its base URL."""
    port = free_port()
    process = start(
        [sys.executable, "-m", "http.server", "-b", "127.0.0.1", "-d", str(folder), str(port)],
        log_dir / "http.log",
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{url}/", process)
        yield url
    finally:
        stop(process)


@contextlib.contextmanager
def moto_s3_server(log_dir: Path) -> Iterator[str]:
    """moto's S3 in server mode: real HTTP on loopback; yields the endpoint URL."""
    port = free_port()
    process = start(
        [venv_tool("moto_server"), "-H", "127.0.0.1", "-p", str(port)], log_dir / "moto.log"
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{endpoint}/moto-api/", process)
        yield endpoint
    finally:
        stop(process)


@contextlib.contextmanager
def dagster_dev(
    home: Path, source_csv: Path, log_dir: Path, *, automation: bool = False, **extra_env: str
) -> Iterator[str]:
    """`dagster dev` (webserver and daemon) on the embedded default under ``home``, after
    the source is ingested, as `make dev` does; yields the UI's base URL. Automation is off
    unless asked for, so that what a test launches is all that runs. Stopped by process
    group: SIGTERM, then SIGKILL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home / "dagster"),
        "VICTORIA_DEMAND_HOME": str(home),
        "VICTORIA_DEMAND_SOURCE": str(source_csv),
        "VICTORIA_DEMAND_DAGSTER_URL": url,
        "VICTORIA_DEMAND_AUTOMATION": "on" if automation else "off",
        **extra_env,
    }
    for command in ("prepare", "ingest"):
        subprocess.run(
            [sys.executable, "-m", "victoria_demand", command],
            env=env,
            check=True,
            capture_output=True,
        )
    process = start(
        [
            venv_tool("dagster"),
            "dev",
            "-m",
            "victoria_demand.definitions",
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
        ],
        log_dir / "dagster-dev.log",
        env,
        # `dagster dev` ignores SIGTERM when started with SIGINT ignored; restore the default
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        wait_for_http(f"{url}/server_info", process, timeout=180)
        yield url
    finally:
        stop(process, timeout=20)
