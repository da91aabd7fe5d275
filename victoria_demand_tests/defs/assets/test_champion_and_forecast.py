"""champion_model and december_forecast as the first run made them, in one step."""

from __future__ import annotations

import sqlite3

from victoria_demand.defs.asset_keys import CHAMPION_MODEL, DECEMBER_FORECAST
from victoria_demand.resources.forecast_store import FORECAST_TABLE


def test_each_year_decides_its_champion_and_writes_its_winners_forecast(recorded, first_run):
    champions, forecasts = recorded(CHAMPION_MODEL), recorded(DECEMBER_FORECAST)
    assert sorted(champions) == sorted(forecasts) == ["2012", "2013", "2014"]
    assert champions["2012"][0]["incumbent_version"] == "none"  # the first year has none
    for year, (champion, _) in champions.items():
        forecast = forecasts[year][0]
        assert forecast["model_version"] == champion["winner_version"]
        assert forecast["rows"] == 1488 and forecast["table"] == FORECAST_TABLE
        # decided in order, each year moved the alias to its own winner
        assert champion["champion_alias_version"] == champion["winner_version"]
    with sqlite3.connect(first_run[0] / "forecasts.db") as db:
        stored = dict(
            db.execute(
                f"select year, max(model_version) from {FORECAST_TABLE} group by year"
            ).fetchall()
        )
    assert stored == {
        int(year): champion["winner_version"] for year, (champion, _) in champions.items()
    }
