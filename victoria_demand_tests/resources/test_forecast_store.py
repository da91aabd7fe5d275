import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from victoria_demand.resources.forecast_store import (
    december_outlook_table,
    forecast_rows,
    outlook_rows,
    read_year,
    replace_year,
    store_outlook,
)


def _forecast(start: str, periods: int, level: float) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "time_utc": pd.date_range(start, periods=periods, freq="30min", tz="UTC"),
            "forecast_mw": level,
            "p10_mw": level - 10,
            "p90_mw": level + 10,
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


def test_a_table_from_before_the_bands_gains_them_and_keeps_its_rows(engine):
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "CREATE TABLE december_forecast (year INTEGER, time_utc DATETIME, "
                "time_local VARCHAR(32), forecast_mw FLOAT, actual_mw FLOAT, "
                "model_name VARCHAR(200), model_version VARCHAR(32), mlflow_run_id VARCHAR(64), "
                "dagster_run_id VARCHAR(64), PRIMARY KEY (year, time_utc))"
            )
        )
        connection.execute(
            sa.text(
                "INSERT INTO december_forecast VALUES (2012, '2012-11-30 13:00:00.000000', "
                "'2012-12-01T00:00:00+11:00', 1.0, 2.0, 'm', '1', 'r', 'd')"
            )
        )
    replace_year(engine, 2013, _rows(2013, _forecast("2013-11-30T13:00Z", 10, 200.0)))
    old, new = read_year(engine, 2012), read_year(engine, 2013)
    assert len(old) == 1 and old["p10_mw"].isna().all() and old["forecast_mw"].iloc[0] == 1.0
    assert set(new["p10_mw"]) == {190.0} and set(new["p90_mw"]) == {210.0}


def _outlook(actual_days: int, level: float = 5000.0, version: str = "1", run: str = "a"):
    time_utc = pd.date_range("2013-11-30T13:00Z", periods=31 * 48, freq="30min")
    actual = np.full(len(time_utc), np.nan)
    actual[: actual_days * 48] = level + 5
    frame = pd.DataFrame(
        {
            "time_utc": time_utc,
            "p10_mw": level - 300,
            "p50_mw": level,
            "p90_mw": level + 300,
            "actual_mw": actual,
        }
    )
    return outlook_rows(
        2013,
        frame,
        issued_at=time_utc[0],
        model_name="m",
        model_version=version,
        weather="history",
        dagster_run_id=run,
    )


def test_an_outlook_is_issued_once_and_then_scored_in_place(engine):
    assert store_outlook(engine, 2013, _outlook(0, run="issuing"))
    stored = read_year(engine, 2013, december_outlook_table)
    assert len(stored) == 31 * 48 and stored["actual_mw"].isna().all()  # NULL, not NaN
    with engine.connect() as connection:
        nulls = connection.execute(
            sa.text("SELECT count(*) FROM december_outlook WHERE actual_mw IS NULL")
        ).scalar()
    assert nulls == 31 * 48
    # December arrives: the same outlook, only actual_mw changes; the issuing run stays
    assert not store_outlook(engine, 2013, _outlook(15, run="scoring"))
    scored = read_year(engine, 2013, december_outlook_table)
    assert scored["actual_mw"].notna().sum() == 15 * 48
    assert set(scored["dagster_run_id"]) == {"issuing"}
    pd.testing.assert_frame_equal(
        scored.drop(columns="actual_mw"), stored.drop(columns="actual_mw")
    )
    # another model's outlook is issued anew
    assert store_outlook(engine, 2013, _outlook(15, version="2", run="reissuing"))
    assert set(read_year(engine, 2013, december_outlook_table)["model_version"]) == {"2"}


def test_a_failed_outlook_write_keeps_the_stored_one(engine):
    store_outlook(engine, 2013, _outlook(0))
    broken = _outlook(3, version="2")
    broken.loc[5, "time_utc"] = broken.loc[4, "time_utc"]  # a duplicated half-hour
    with pytest.raises(sa.exc.IntegrityError):
        store_outlook(engine, 2013, broken)
    kept = read_year(engine, 2013, december_outlook_table)
    assert set(kept["model_version"]) == {"1"} and kept["actual_mw"].isna().all()
