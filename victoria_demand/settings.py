"""Where things live, read from the environment in one place.

``VICTORIA_DEMAND_ENV`` picks the deployment: ``embedded`` (default: no servers, all state
under ``VICTORIA_DEMAND_HOME``) or ``stack`` (Postgres, MinIO and the MLflow server of the
docker-compose stack, configured by the variables documented in ``.env.example``).
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENVIRONMENTS = ("embedded", "stack")
# The original project's CSV at a pinned commit, and its checksum
DEFAULT_SOURCE_URL = (
    "https://raw.githubusercontent.com/adryCrespo/cf_mlops_energia/"
    "7938b5d2870fee5e9a3773b1d719de90b18f3a5c/data/vic_electricity.csv"
)
DEFAULT_SOURCE_SHA256 = "6fa81bc3552f8822e984900f727584b82b3f10f41d78a1a0cdda2879a29a122e"


def environment() -> str:
    name = os.environ.get("VICTORIA_DEMAND_ENV", "embedded")
    if name not in ENVIRONMENTS:
        raise ValueError(f"VICTORIA_DEMAND_ENV={name!r}; expected one of {ENVIRONMENTS}")
    return name


def home() -> Path:
    """The folder of all embedded state; delete it to start over."""
    configured = os.environ.get("VICTORIA_DEMAND_HOME")
    return (
        Path(configured).expanduser().resolve() if configured else PROJECT_ROOT / ".victoria_demand"
    )


def cache_folder() -> Path:
    """The user's cache for this product (``VICTORIA_DEMAND_CACHE``, else the XDG cache):
    downloaded sources and empty stores, kept across homes. OSError if there is none."""
    cache = Path(
        os.environ.get("VICTORIA_DEMAND_CACHE")
        or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "victoria-demand"
    )
    if not cache.is_absolute():  # no home folder to put a cache in (a container's user)
        raise OSError(f"no cache folder: {cache}")
    return cache


def source_cache_dir(home: Path) -> Path:
    """Where downloaded sources are kept, by checksum: the user's cache, so a new home (or
    the test suite) reuses a download; the home itself where there is no user cache."""
    try:
        return cache_folder() / "sources"
    except OSError:
        return home / "source"


def source_location() -> str:
    return os.environ.get("VICTORIA_DEMAND_SOURCE") or DEFAULT_SOURCE_URL


def source_sha256(location: str) -> str | None:
    """The checksum to insist on: configured, or the pinned one for the default download."""
    configured = os.environ.get("VICTORIA_DEMAND_SOURCE_SHA256")
    if configured:
        return configured
    return DEFAULT_SOURCE_SHA256 if location == DEFAULT_SOURCE_URL else None


def weather_location() -> str:
    """A CSV of December temperature scenarios for the outlook (VICTORIA_DEMAND_WEATHER),
    or "" for scenarios built from the history."""
    return os.environ.get("VICTORIA_DEMAND_WEATHER", "")


def rmse_ceiling_mw() -> float:
    """The blocking bound on a December model's RMSE (VICTORIA_DEMAND_RMSE_CEILING_MW)."""
    return float(os.environ.get("VICTORIA_DEMAND_RMSE_CEILING_MW", "450"))
