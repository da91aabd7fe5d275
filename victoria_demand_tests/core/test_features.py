import numpy as np
import pandas as pd
import pytest

from victoria_demand.core.calendar import solar_elevation_degrees
from victoria_demand.core.cleaning import clean_year
from victoria_demand.core.feature_set import FEATURE_SET, MODEL_INPUTS
from victoria_demand.core.features import MelbourneCalendarFeatures, TemperatureHistory
from victoria_demand.core.training import build_pipeline, model_inputs


@pytest.fixture(scope="module")
def clean_2013(raw_demand_frame):
    return clean_year(raw_demand_frame, 2013, source="vic.csv")


def test_the_model_reads_no_demand():
    assert "demand_mw" not in MODEL_INPUTS
    assert FEATURE_SET.inputs == MODEL_INPUTS == ("time_utc", "temperature_c", "holiday")


def test_feature_names_are_stable_and_declared(clean_2013):
    inputs = model_inputs(clean_2013)
    pipeline = build_pipeline().fit(inputs, clean_2013["demand_mw"])
    names = pipeline[:-1].get_feature_names_out()
    assert len(names) == len(set(names)) == len(pipeline[-1].coef_)
    assert "profile_workday_hh00" in names and "darkness_b4" in names
    assert "summer_break_day_off_b3" in names and "cooling_above_26c_workday_b3" in names
    refit = build_pipeline().fit(inputs.iloc[::-1], clean_2013["demand_mw"].iloc[::-1])
    assert list(refit[:-1].get_feature_names_out()) == list(names)


def test_summer_break_wraps_over_new_year():
    times = pd.Series(
        pd.to_datetime(
            ["2013-12-23T12:00", "2013-12-24T12:00", "2014-01-06T12:00", "2014-01-07T12:00"]
        )
        .tz_localize("Australia/Melbourne")
        .tz_convert("UTC")
    )
    frame = pd.DataFrame({"time_utc": times, "temperature_c": 20.0, "holiday": False})
    flags = MelbourneCalendarFeatures().fit(frame).transform(frame)["summer_break"]
    assert flags.tolist() == [False, True, True, False]


def test_calendar_follows_melbourne_wall_clock():
    times = pd.Series(pd.to_datetime(["2013-12-31T13:00:00Z", "2013-06-30T14:00:00Z"]))
    frame = pd.DataFrame({"time_utc": times, "temperature_c": 20.0, "holiday": [False, False]})
    out = MelbourneCalendarFeatures().fit(frame).transform(frame)
    # 2014-01-01 00:00 AEDT (a Wednesday) and 2013-07-01 00:00 AEST (a Monday)
    assert out["half_hour"].tolist() == [0, 0]
    assert out["day_of_week"].tolist() == [2, 0]


def test_temperature_history_ignores_row_order(clean_2013):
    inputs = model_inputs(clean_2013).iloc[:500]
    history = TemperatureHistory().fit(inputs)
    forward = history.transform(inputs)
    shuffled = history.transform(inputs.sample(frac=1.0, random_state=0)).sort_index()
    pd.testing.assert_frame_equal(forward, shuffled)
    later = forward.iloc[100]
    window = inputs["temperature_c"].iloc[100 - 47 : 101]
    assert later["temperature_mean_24h"] == pytest.approx(window.mean())


def test_naive_stamps_are_read_as_utc(clean_2013):
    inputs = model_inputs(clean_2013).iloc[:200]
    naive = inputs.assign(time_utc=inputs["time_utc"].dt.tz_localize(None))
    pipeline = build_pipeline().fit(inputs, clean_2013["demand_mw"].iloc[:200])
    np.testing.assert_allclose(pipeline.predict(naive), pipeline.predict(inputs))


def test_solar_elevation_in_melbourne():
    # Solar noon in Melbourne is near 02:20 UTC (144.96 degrees E, plus the equation of time)
    noon_midsummer = pd.Series(pd.to_datetime(["2013-12-21T02:18:00Z"]))
    noon_midwinter = pd.Series(pd.to_datetime(["2013-06-21T02:20:00Z"]))
    solar_midnight = pd.Series(pd.to_datetime(["2013-12-21T14:18:00Z"]))
    assert solar_elevation_degrees(noon_midsummer)[0] == pytest.approx(90 - 37.81 + 23.44, abs=0.5)
    assert solar_elevation_degrees(noon_midwinter)[0] == pytest.approx(90 - 37.81 - 23.44, abs=0.5)
    assert solar_elevation_degrees(solar_midnight)[0] == pytest.approx(-90 + 37.81 + 23.44, abs=0.5)
