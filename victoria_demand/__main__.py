import atexit
import ctypes
import gc
import logging
import os
import sys
from collections.abc import Callable

# glibc's mallopt parameters
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
KEPT_MEMORY_BYTES = 1 << 30


def _keep_freed_memory() -> None:
    """Let glibc reuse the memory this process frees rather than hand it back to the
    system: a year's design matrices (some 45 MB each, copied and freed several times a
    year) would otherwise each be mapped afresh and fault in page by page, which on this
    virtual machine costs about 10-15 us a page. Alternately, six fresh runs each: 193,000
    page faults and 2.0 s of system time, 142,500 and 1.6 s with this. The process exits
    when the command is done, so what it keeps is held no longer than it runs."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc (musl, macOS): their allocators decide
        return
    mallopt(M_MMAP_THRESHOLD, KEPT_MEMORY_BYTES)
    mallopt(M_TRIM_THRESHOLD, KEPT_MEMORY_BYTES)


def _imported_frozen() -> Callable[[], int]:
    """The CLI, imported with what every command needs (Dagster, MLflow, pandas), all of it
    frozen: it lives as long as the process and holds no garbage, so the collector neither
    scans it while it is imported nor in each full collection afterwards (0.6 s of a run
    with nothing to do, about 1 s of a fresh one)."""
    gc.disable()
    try:
        import victoria_demand.defs  # noqa: F401
        from victoria_demand.cli import main
    finally:
        gc.freeze()
        young, middle, full = gc.get_threshold()
        # Full collections come ten times rarer: a fresh run made six, 0.1 s each, all
        # scanning what the first year's step imports (scikit-learn, matplotlib, pvlib),
        # and its peak memory was the same without them. Young cycles are collected as ever.
        gc.set_threshold(young, middle, full * 10)
        gc.enable()
    return main


_keep_freed_memory()
code = _imported_frozen()()
# The interpreter would now free every object of Dagster, MLflow, pandas and scikit-learn
# one by one: 1.8 s after a run of the pipeline, longer than a year's training. Everything
# this process wrote is committed by now; what is left to do is the exit handlers (run
# here) and the standard streams' buffers (flushed here).
atexit._run_exitfuncs()
logging.shutdown()
sys.stdout.flush()
sys.stderr.flush()
os._exit(code)
