import base64

import numpy as np
import pandas as pd
import pytest

from victoria_demand.core.plots import (
    forecast_figure,
    markdown_image,
    png_bytes,
    steady_temperature_response,
    temperature_response_figure,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def model_2013(december_models):
    return december_models[2013]


def test_forecast_plot_is_a_png_and_inlines_as_markdown(model_2013):
    png = png_bytes(forecast_figure(model_2013.forecast, "December 2013"))
    assert png.startswith(PNG_SIGNATURE) and len(png) > 10_000
    markdown = markdown_image(png, "forecast")
    assert markdown.startswith("![forecast](data:image/png;base64,")
    assert base64.b64decode(markdown.split(",", 1)[1].rstrip(")")) == png


def test_learned_response_heats_and_cools(model_2013):
    afternoon = pd.Timestamp("2013-12-10 15:00", tz="Australia/Melbourne").tz_convert("UTC")
    night = pd.Timestamp("2013-12-10 04:00", tz="Australia/Melbourne").tz_convert("UTC")
    temperatures = np.array([8.0, 18.0, 38.0])
    responses = steady_temperature_response(model_2013.pipeline, [afternoon, night], temperatures)
    assert responses.shape == (2, 3)
    for instant, response in zip([afternoon, night], responses, strict=True):
        alone = steady_temperature_response(model_2013.pipeline, [instant], temperatures)
        np.testing.assert_allclose(response, alone[0])  # as if asked one instant at a time
    cold, mild, hot = responses[0]
    assert hot > mild + 1500  # air conditioning on a hot afternoon
    assert cold > mild  # heating on a cold one
    assert png_bytes(temperature_response_figure(model_2013.pipeline, 2013)).startswith(
        PNG_SIGNATURE
    )
