"""Where the raw CSV comes from, as a Dagster resource."""

from __future__ import annotations

from pathlib import Path

from dagster import ConfigurableResource

from victoria_demand.core.source import SourceFile, fetch_source


class DemandSource(ConfigurableResource):
    """``location``: a path or an http(s)/s3 URL; ``sha256``: the checksum to insist on."""

    location: str
    sha256: str | None = None
    cache_dir: str

    def fetch(self) -> SourceFile:
        return fetch_source(
            self.location, cache_dir=Path(self.cache_dir), expected_sha256=self.sha256
        )
