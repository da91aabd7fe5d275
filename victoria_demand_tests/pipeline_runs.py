"""`python -m victoria_demand run` in a fresh process, as `make run` does it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_pipeline(
    home: Path, source: Path | str, *args: str, **extra_env: str
) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "VICTORIA_DEMAND_HOME": str(home),
        "VICTORIA_DEMAND_SOURCE": str(source),
        **extra_env,
    }
    env.pop("DAGSTER_HOME", None)
    return subprocess.run(
        [sys.executable, "-m", "victoria_demand", "run", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
