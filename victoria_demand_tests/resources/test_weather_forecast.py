"""VICTORIA_DEMAND_WEATHER as the outlook reads it: for the December the file covers, with
its sha256; none for other years; a file that cannot be read, named."""

from __future__ import annotations

import hashlib

import pytest

from victoria_demand.core.calendar import december_instants
from victoria_demand.core.errors import DemandDataError
from victoria_demand.resources.weather_forecast import WeatherForecast


def _write(path, year: int) -> bytes:
    stamps = december_instants(year).dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    content = "\n".join(["scenario,time,temperature_c", *(f"a,{s},21.5" for s in stamps)]) + "\n"
    path.write_text(content)
    return content.encode()


def test_the_file_serves_the_december_it_covers(tmp_path):
    path = tmp_path / "weather.csv"
    content = _write(path, 2013)
    weather = WeatherForecast(location=str(path))
    scenarios = weather.scenarios_for(2013)
    assert scenarios.temperatures.shape == (1, 31, 48) and (scenarios.temperatures == 21.5).all()
    assert scenarios.sha256 == hashlib.sha256(content).hexdigest()
    assert weather.scenarios_for(2014) is None
    assert WeatherForecast().scenarios_for(2013) is None  # not configured: the history


def test_a_missing_file_is_named(tmp_path):
    missing = tmp_path / "nowhere.csv"
    with pytest.raises(DemandDataError, match=r"nowhere\.csv: cannot be read") as caught:
        WeatherForecast(location=str(missing)).scenarios_for(2013)
    assert "\n" not in str(caught.value)
