"""The data set fetched as a clone with no ../shared gets it: from a real HTTP server on
loopback, verified by sha256, cached once; a wrong checksum is refused with nothing cached."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from victoria_demand.resources.demand_source import sha256_of
from victoria_demand.settings import DEFAULT_SOURCE_SHA256
from victoria_demand_tests.data_set import ORIGINAL_NAME, MissingDataSet, find_original_csv
from victoria_demand_tests.services import static_http_server

pytestmark = pytest.mark.reliability


@pytest.fixture
def served(tmp_path: Path, original_csv: Path):
    folder = tmp_path / "served"
    folder.mkdir()
    shutil.copyfile(original_csv, folder / ORIGINAL_NAME)
    with static_http_server(folder, tmp_path) as url:
        yield f"{url}/{ORIGINAL_NAME}"


def _lookup_env(monkeypatch, tmp_path: Path, url: str, sha256: str | None) -> Path:
    cache = tmp_path / "cache"
    monkeypatch.delenv("VICTORIA_DEMAND_TEST_DATA", raising=False)
    monkeypatch.setenv("VICTORIA_DEMAND_CACHE", str(cache))
    monkeypatch.setenv("VICTORIA_DEMAND_SOURCE", url)
    if sha256:
        monkeypatch.setenv("VICTORIA_DEMAND_SOURCE_SHA256", sha256)
    else:
        monkeypatch.delenv("VICTORIA_DEMAND_SOURCE_SHA256", raising=False)
    return cache


def test_the_source_is_fetched_once_verified_and_reused(served, tmp_path, monkeypatch):
    cache = _lookup_env(monkeypatch, tmp_path, served, None)  # the pinned sha256 applies
    found = find_original_csv(shared_data=tmp_path / "no-shared")
    assert found.is_relative_to(cache)
    assert sha256_of(found) == DEFAULT_SOURCE_SHA256
    # the server gone, the cached copy is found by its checksum: nothing is fetched again
    shutil.rmtree(tmp_path / "served")
    assert find_original_csv(shared_data=tmp_path / "no-shared") == found


def test_a_wrong_checksum_is_refused_and_nothing_is_cached(served, tmp_path, monkeypatch):
    cache = _lookup_env(monkeypatch, tmp_path, served, "0" * 64)
    with pytest.raises(MissingDataSet) as refused:
        find_original_csv(shared_data=tmp_path / "no-shared")
    message = str(refused.value)
    assert "\n" not in message and "does not match" in message and served in message
    assert [path.name for path in cache.rglob("*") if path.is_file()] == [".fetch.lock"]


def test_make_data_prints_the_cached_copy(served, tmp_path, monkeypatch):
    cache = _lookup_env(monkeypatch, tmp_path, served, DEFAULT_SOURCE_SHA256)
    completed = subprocess.run(
        [sys.executable, "-m", "victoria_demand", "data"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    printed = Path(completed.stdout.strip())
    assert printed.is_relative_to(cache) and sha256_of(printed) == DEFAULT_SOURCE_SHA256
