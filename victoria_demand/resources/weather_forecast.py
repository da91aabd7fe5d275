"""A user's weather forecast for the outlook (``VICTORIA_DEMAND_WEATHER``): a CSV of
December temperature scenarios (``core/weather_file.py``), used for the December it covers
instead of the scenarios built from the history."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from dagster import ConfigurableResource

from victoria_demand.core.errors import DemandDataError
from victoria_demand.core.weather_file import read_weather_scenarios


@dataclass(frozen=True)
class WeatherScenarios:
    temperatures: np.ndarray  # (scenarios, 31, 48)
    sha256: str


class WeatherForecast(ConfigurableResource):
    """The file at ``location``, or none (``""``): then every outlook builds its scenarios
    from the history."""

    location: str = ""

    def scenarios_for(self, year: int) -> WeatherScenarios | None:
        """The file's scenarios if it covers December ``year``; DemandDataError naming the
        file (and column and line) if it cannot be read or is not valid."""
        if not self.location:
            return None
        path = Path(self.location).expanduser()
        try:
            content = path.read_bytes()
        except OSError as error:
            raise DemandDataError(self.location, f"cannot be read: {error.strerror}") from None
        weather = read_weather_scenarios(content, name=self.location)
        if weather.year != year:
            return None
        return WeatherScenarios(weather.temperatures, hashlib.sha256(content).hexdigest())
