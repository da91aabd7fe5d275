"""Wall time and peak memory of one child process, for the bench scripts."""

from __future__ import annotations

import os
import subprocess
import time


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MiB, from wait4) of ``command``; a failure
    ends the bench with the command's last output."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{output.decode()[-3000:]}")
    return seconds, usage.ru_maxrss / 1024
