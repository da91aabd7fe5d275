"""Where the tests find the third-party data set, which is never copied into the repository.

In this order: the folder named by ``VICTORIA_DEMAND_TEST_DATA``; ``../shared/data`` beside
the clone (this project's own machines); else the source ``make run`` uses
(``VICTORIA_DEMAND_SOURCE``, or the pinned download), fetched once into the product's cache
and checksum-verified, so any clone anywhere passes. Only the original export (UTC stamps)
is needed: the tsibbledata export (Melbourne stamps with offsets) is built from it when it
is not at hand.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
from filelock import FileLock

from victoria_demand.core.errors import DemandDataError
from victoria_demand.resources.demand_source import fetch_source
from victoria_demand.settings import (
    DEFAULT_SOURCE_SHA256,
    DEFAULT_SOURCE_URL,
    PROJECT_ROOT,
    home,
    source_cache_dir,
)

ORIGINAL_NAME = "vic_electricity.csv"  # UTC, Z suffix
TSIBBLE_NAME = "vic_elec.csv"  # Melbourne local time with offsets
SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"


class MissingDataSet(RuntimeError):
    """The data set is nowhere to be had; the message is one line saying how to give it."""


def data_folder(
    environ: Mapping[str, str] = os.environ, shared_data: Path = SHARED_DATA
) -> Path | None:
    """The folder that holds the exports, if one is given or beside the clone."""
    configured = environ.get("VICTORIA_DEMAND_TEST_DATA")
    if configured:
        return Path(configured).expanduser()
    return shared_data if shared_data.is_dir() else None


def find_original_csv(
    environ: Mapping[str, str] = os.environ, shared_data: Path = SHARED_DATA
) -> Path:
    """The original export: in the data folder, else fetched as ``make run`` fetches it.

    A fetched copy must be the pinned file (or the one ``VICTORIA_DEMAND_SOURCE_SHA256``
    names): the tests assert figures of that file, and a checksum also keys the cache, so
    the download happens once for every later run and every pytest worker.
    """
    folder = data_folder(environ, shared_data)
    if folder is not None:
        path = folder / ORIGINAL_NAME
        if not path.is_file():
            raise MissingDataSet(f"the data set is missing: {path} ({_how_to_provide()})")
        return path
    location = environ.get("VICTORIA_DEMAND_SOURCE") or DEFAULT_SOURCE_URL
    sha256 = environ.get("VICTORIA_DEMAND_SOURCE_SHA256") or DEFAULT_SOURCE_SHA256
    cache_dir = source_cache_dir(home())
    cache_dir.mkdir(parents=True, exist_ok=True)
    try:
        with FileLock(cache_dir / ".fetch.lock"):
            return fetch_source(location, cache_dir=cache_dir, expected_sha256=sha256).path
    except DemandDataError as error:
        raise MissingDataSet(
            f"the data set {ORIGINAL_NAME} (sha256 {sha256[:12]}...) could not be had: "
            f"{error} ({_how_to_provide()})"
        ) from error


def _how_to_provide() -> str:
    return (
        "give it one of three ways: VICTORIA_DEMAND_TEST_DATA=a folder holding "
        f"{ORIGINAL_NAME}; VICTORIA_DEMAND_SOURCE=its path or URL; or `make data` online, "
        "which fetches the pinned copy into the cache"
    )


def write_melbourne_export(original: Path, target: Path) -> Path:
    """The tsibbledata export, made from the original: the same instants and values (as
    text, digit for digit), each stamp in Melbourne wall-clock time with its offset, so
    the repeated hour at the end of daylight saving appears twice, +11:00 then +10:00."""
    table = pd.read_csv(original, dtype=str, keep_default_na=False)
    local = pd.to_datetime(table["Time"], utc=True).dt.tz_convert("Australia/Melbourne")
    stamps = local.dt.strftime("%Y-%m-%dT%H:%M:%S%z")
    table["Time"] = stamps.str[:-2] + ":" + stamps.str[-2:]  # +1100 -> +11:00
    partial = target.with_name(f".{target.name}.partial")
    table.to_csv(partial, index=False)
    partial.replace(target)
    return target
