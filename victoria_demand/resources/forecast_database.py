"""The database that serves the December forecasts (SQLite file or any SQLAlchemy URL)."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa
from dagster import ConfigurableResource
from pydantic import PrivateAttr

from victoria_demand.core import forecast_store


class ForecastDatabase(ConfigurableResource):
    url: str
    _engine: sa.Engine | None = PrivateAttr(default=None)

    @property
    def engine(self) -> sa.Engine:
        if self._engine is None:
            self._engine = sa.create_engine(self.url, pool_pre_ping=True)
        return self._engine

    def replace_year(self, year: int, rows: pd.DataFrame) -> int:
        return forecast_store.replace_year(self.engine, year, rows)

    def read_year(self, year: int) -> pd.DataFrame:
        return forecast_store.read_year(self.engine, year)

    def display_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)
