import pytest

from victoria_demand.core.metrics import band_errors, forecast_errors, pinball_loss


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


def test_pinball_loss_weighs_each_side_by_its_quantile():
    # actual above the P90 by 10 costs 0.9 * 10; below it by 10 costs 0.1 * 10
    assert pinball_loss([110.0], [100.0], 0.9) == pytest.approx(9.0)
    assert pinball_loss([90.0], [100.0], 0.9) == pytest.approx(1.0)


def test_band_errors():
    band = band_errors([100.0, 150.0, 50.0, 99.0], [90.0] * 4, [100.0] * 4, [110.0] * 4)
    assert band.coverage == pytest.approx(50.0)  # 100 and 99 inside, 150 and 50 outside
    assert band.mean_width_mw == pytest.approx(20.0)
