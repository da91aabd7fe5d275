"""The database that serves the December forecasts (SQLite file or any SQLAlchemy URL)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import pandas as pd
import sqlalchemy as sa
from dagster import ConfigurableResource
from pydantic import PrivateAttr

from victoria_demand.core.retry import call_with_retries
from victoria_demand.resources import forecast_store

T = TypeVar("T")


def _is_transient(error: BaseException) -> bool:
    """Lost connections and a busy SQLite file; not constraint or schema errors."""
    return isinstance(error, sa.exc.OperationalError | sa.exc.InterfaceError) or (
        isinstance(error, sa.exc.DBAPIError) and error.connection_invalidated
    )


class ForecastDatabase(ConfigurableResource):
    url: str
    _engine: sa.Engine | None = PrivateAttr(default=None)

    @property
    def engine(self) -> sa.Engine:
        if self._engine is None:
            self._engine = sa.create_engine(self.url, pool_pre_ping=True)
        return self._engine

    def _write(
        self, write: Callable[[sa.Engine, int, pd.DataFrame], T], year: int, rows: pd.DataFrame
    ) -> T:
        # a year is written in one transaction, so a retry after a lost connection starts
        # again from the old rows, never from half of the new ones
        return call_with_retries(
            lambda: write(self.engine, year, rows),
            service="forecast database",
            address=self.display_url(),
            is_transient=_is_transient,
        )

    def replace_year(self, year: int, rows: pd.DataFrame) -> int:
        return self._write(forecast_store.replace_year, year, rows)

    def store_outlook(self, year: int, rows: pd.DataFrame) -> bool:
        """Issue the year's outlook, or fill in its actuals (``forecast_store``)."""
        return self._write(forecast_store.store_outlook, year, rows)

    def read_year(self, year: int) -> pd.DataFrame:
        return forecast_store.read_year(self.engine, year)

    def display_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)
