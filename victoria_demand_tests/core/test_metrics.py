import pytest

from victoria_demand.core.metrics import forecast_errors


def test_errors():
    errors = forecast_errors([100.0, 200.0], [110.0, 180.0])
    assert errors.rmse == pytest.approx(250**0.5)  # errors +10 and -20
    assert errors.mae == pytest.approx(15.0)
    assert errors.mape == pytest.approx(10.0)
    assert errors.as_dict("december_") == {
        "december_rmse": errors.rmse,
        "december_mae": 15.0,
        "december_mape": errors.mape,
    }


def test_mismatched_lengths_are_refused():
    with pytest.raises(ValueError, match="matching"):
        forecast_errors([1.0, 2.0], [1.0])
