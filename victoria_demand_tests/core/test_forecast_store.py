import pandas as pd
import pytest
import sqlalchemy as sa

from victoria_demand.core.forecast_store import forecast_rows, read_year, replace_year


def _forecast(start: str, periods: int, level: float) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "time_utc": pd.date_range(start, periods=periods, freq="30min", tz="UTC"),
            "forecast_mw": level,
            "actual_mw": level + 1,
        }
    )


def _rows(year: int, forecast: pd.DataFrame, version: str = "1") -> pd.DataFrame:
    return forecast_rows(
        year, forecast, model_name="m", model_version=version, mlflow_run_id="r", dagster_run_id="d"
    )


@pytest.fixture
def engine(tmp_path):
    return sa.create_engine(f"sqlite:///{tmp_path / 'forecasts.db'}")


def test_replacing_a_year_leaves_other_years_and_no_duplicates(engine):
    replace_year(engine, 2012, _rows(2012, _forecast("2012-11-30T13:00Z", 10, 100.0)))
    replace_year(engine, 2013, _rows(2013, _forecast("2013-11-30T13:00Z", 10, 200.0)))
    replace_year(engine, 2013, _rows(2013, _forecast("2013-11-30T13:00Z", 10, 300.0), "2"))
    again = read_year(engine, 2013)
    assert len(again) == 10 and set(again["forecast_mw"]) == {300.0}
    assert set(again["model_version"]) == {"2"}
    assert len(read_year(engine, 2012)) == 10
    assert again["time_local"].iloc[0] == "2013-12-01T00:00:00+11:00"


def test_a_failed_replacement_keeps_the_old_rows(engine):
    replace_year(engine, 2013, _rows(2013, _forecast("2013-11-30T13:00Z", 10, 200.0)))
    broken = _rows(2013, _forecast("2013-11-30T13:00Z", 10, 300.0))
    broken = pd.concat([broken, broken.iloc[[3]]])  # a duplicated half-hour fails mid-insert
    with pytest.raises(sa.exc.IntegrityError):
        replace_year(engine, 2013, broken)
    kept = read_year(engine, 2013)
    assert len(kept) == 10 and set(kept["forecast_mw"]) == {200.0}


def test_rows_of_another_year_are_refused(engine):
    with pytest.raises(ValueError, match="other years"):
        replace_year(engine, 2014, _rows(2013, _forecast("2013-11-30T13:00Z", 2, 1.0)))
