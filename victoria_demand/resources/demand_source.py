"""Where the raw CSV comes from: a local path, or an http(s) or s3 URL fetched once and cached.

Downloads land in a temporary file beside the cache and are renamed into place only when
complete and (if a checksum is known) verified, so a failed or tampered download never
replaces a good copy.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

from dagster import ConfigurableResource

from victoria_demand.core.errors import DemandDataError
from victoria_demand.core.raw import SourceFile

DOWNLOAD_TIMEOUT_SECONDS = 60


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def fetch_source(location: str, *, cache_dir: Path, expected_sha256: str | None) -> SourceFile:
    """Return a verified local copy of ``location``.

    Local paths are read in place. URLs are cached under ``cache_dir`` by checksum when one is
    expected (so a cached copy is reused only if it is the right file), else downloaded anew.
    """
    scheme = urlparse(location).scheme
    if scheme in ("http", "https", "s3"):
        return _fetch_remote(location, scheme, cache_dir, expected_sha256)
    path = Path(location[len("file://") :] if scheme == "file" else location).expanduser()
    if not path.is_file():
        raise DemandDataError(location, "no such file (set VICTORIA_DEMAND_SOURCE to the CSV)")
    return SourceFile(location, path, _verified(location, path, expected_sha256))


def _verified(location: str, path: Path, expected_sha256: str | None) -> str:
    actual = sha256_of(path)
    if expected_sha256 and actual != expected_sha256.lower():
        raise DemandDataError(
            location, f"sha256 {actual} does not match the expected {expected_sha256}"
        )
    return actual


def _fetch_remote(
    location: str, scheme: str, cache_dir: Path, expected_sha256: str | None
) -> SourceFile:
    cache_dir.mkdir(parents=True, exist_ok=True)
    name = Path(urlparse(location).path).name or "source.csv"
    if expected_sha256:
        cached = cache_dir / f"{expected_sha256.lower()}-{name}"
        if cached.is_file() and sha256_of(cached) == expected_sha256.lower():
            return SourceFile(location, cached, expected_sha256.lower())
    handle, partial = tempfile.mkstemp(dir=cache_dir, prefix=f".{name}.", suffix=".partial")
    os.close(handle)
    partial_path = Path(partial)
    try:
        if scheme == "s3":
            _download_s3(location, partial_path)
        else:
            _download_http(location, partial_path)
        digest = _verified(location, partial_path, expected_sha256)
        final = cache_dir / f"{digest}-{name}"
        os.replace(partial_path, final)
    finally:
        partial_path.unlink(missing_ok=True)
    return SourceFile(location, final, digest)


def _download_http(url: str, target: Path) -> None:
    request = urllib.request.Request(url, headers={"User-Agent": "victoria-demand"})
    try:
        with urllib.request.urlopen(request, timeout=DOWNLOAD_TIMEOUT_SECONDS) as response:
            expected_length = response.headers.get("Content-Length")
            written = 0
            with target.open("wb") as out:
                for chunk in iter(lambda: response.read(1 << 20), b""):
                    out.write(chunk)
                    written += len(chunk)
    except OSError as error:  # URLError, timeouts and IncompleteRead are all OSErrors
        raise DemandDataError(url, f"download failed: {error}") from error
    if expected_length is not None and written != int(expected_length):
        raise DemandDataError(
            url, f"truncated download: {written} of {expected_length} bytes arrived"
        )


def _download_s3(url: str, target: Path) -> None:
    import boto3  # only needed for s3 sources
    from botocore.exceptions import BotoCoreError, ClientError

    parsed = urlparse(url)
    try:
        boto3.client("s3").download_file(parsed.netloc, parsed.path.lstrip("/"), str(target))
    except (BotoCoreError, ClientError) as error:
        raise DemandDataError(url, f"download failed: {error}") from error


class DemandSource(ConfigurableResource):
    """``location``: a path or an http(s)/s3 URL; ``sha256``: the checksum to insist on."""

    location: str
    sha256: str | None = None
    cache_dir: str

    def fetch(self) -> SourceFile:
        return fetch_source(
            self.location, cache_dir=Path(self.cache_dir), expected_sha256=self.sha256
        )
