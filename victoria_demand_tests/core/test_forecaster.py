"""The request contract: one answer per instant, or an error naming the row and column."""

import numpy as np
import pandas as pd
import pytest

from victoria_demand.core.cleaning import clean_year
from victoria_demand.core.forecaster import HISTORY_HALF_HOURS, ForecastRequestError
from victoria_demand.core.training import model_inputs, split_december


@pytest.fixture(scope="module")
def year(raw_demand_frame, december_models):
    model = december_models[2013]
    split = split_december(clean_year(raw_demand_frame, 2013, source="vic.csv"))
    history = model_inputs(pd.concat([split.train, split.december], ignore_index=True))
    return model, history, len(split.train)


def _request(history: pd.DataFrame, start: int, instants: int) -> pd.DataFrame:
    rows = history.iloc[start - HISTORY_HALF_HOURS : start + instants]
    context = np.arange(len(rows)) < HISTORY_HALF_HOURS
    return rows.assign(context=context).reset_index(drop=True)


def test_an_instant_gets_one_answer_whatever_the_batch(year):
    model, history, first = year
    whole = model.forecaster.predict(_request(history, first, 31 * 48))
    for position in (0, 5, 1000):
        alone = model.forecaster.predict(_request(history, first + position, 1))
        np.testing.assert_allclose(
            alone[["forecast_mw", "p10_mw", "p90_mw"]].to_numpy()[0],
            whole[["forecast_mw", "p10_mw", "p90_mw"]].to_numpy()[position],
        )
    np.testing.assert_allclose(whole["forecast_mw"], model.forecast["forecast_mw"])


def test_text_stamps_with_z_offsets_or_none_are_utc(year):
    model, history, first = year
    request = _request(history, first, 3)
    expected = model.forecaster.predict(request)
    instants = request["time_utc"]
    for text in (
        instants.dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
        instants.dt.tz_convert("Australia/Melbourne").map(pd.Timestamp.isoformat),
        instants.dt.strftime("%Y-%m-%d %H:%M:%S"),
    ):
        answer = model.forecaster.predict(request.assign(time_utc=text))
        pd.testing.assert_frame_equal(answer, expected)


def test_rows_come_back_in_request_order_without_the_context(year):
    model, history, first = year
    request = _request(history, first, 4)
    shuffled = request.sample(frac=1.0, random_state=0).reset_index(drop=True)
    answer = model.forecaster.predict(shuffled)
    assert answer["time_utc"].tolist() == shuffled.loc[~shuffled["context"], "time_utc"].tolist()


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        (lambda r: r.drop(columns="temperature_c"), r"missing column\(s\) \['temperature_c'\]"),
        (lambda r: r.iloc[1:], r"row 95, column time_utc: .* needs the temperature of the 48"),
        (lambda r: r.drop(index=50), r"row 95, column time_utc: .*2013-11-29T14:00:00Z is miss"),
        (lambda r: r.assign(context=True), "no instant to forecast"),
        (
            lambda r: r.astype({"time_utc": object}).assign(
                time_utc=lambda f: f["time_utc"].where(f.index != 3, "yesterday")
            ),
            "row 3, column time_utc: 'yesterday' is not an ISO 8601",
        ),
        (
            lambda r: r.astype({"time_utc": object}).assign(
                time_utc=lambda f: f["time_utc"].where(f.index != 4, None)
            ),
            "row 4, column time_utc: None is not an ISO 8601",
        ),
        (
            lambda r: r.assign(temperature_c=r["temperature_c"].where(r.index != 7, None)),
            "row 7, column temperature_c",
        ),
        (
            lambda r: pd.concat([r, r.tail(1)], ignore_index=True),
            "row 97, column time_utc: .* appears more than once",
        ),
        (
            lambda r: r.assign(time_utc=r["time_utc"] + pd.Timedelta(minutes=10)),
            "row 0, column time_utc: .* is not on the half-hour",
        ),
        (
            lambda r: r.assign(holiday=r["holiday"].astype(object).where(r.index != 96, "maybe")),
            "row 96, column holiday: 'maybe'",
        ),
    ],
    ids=[
        "no-temperature",
        "short-history",
        "gap-in-history",
        "all-context",
        "bad-stamp",
        "no-stamp",
        "no-temperature-value",
        "duplicate",
        "off-grid",
        "bad-holiday",
    ],
)
def test_a_broken_request_is_refused_by_row_and_column(year, breakage, message):
    model, history, first = year
    request = breakage(_request(history, first, 1))
    with pytest.raises(ForecastRequestError, match=message):
        model.forecaster.predict(request)
