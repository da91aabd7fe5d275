"""The December model: fit on January-November, score on December, Melbourne time."""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd
import scipy.linalg
from sklearn.linear_model import LinearRegression
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from victoria_demand.core.calendar import (
    DECEMBER,
    DECEMBER_HALF_HOURS,
    HALF_HOURS_PER_DAY,
    to_melbourne,
)
from victoria_demand.core.feature_set import FEATURE_SET, MODEL_INPUTS, FeatureSet
from victoria_demand.core.features import (
    Daylight,
    DemandRegressors,
    MelbourneCalendarFeatures,
    TemperatureHistory,
)
from victoria_demand.core.forecaster import CONTEXT, HISTORY_HALF_HOURS, DemandForecaster
from victoria_demand.core.intervals import (
    CALIBRATION_MONTHS,
    PEAK_CALIBRATION_MONTHS,
    PeakForecast,
    ResidualDays,
    peak_forecast,
    residual_days,
    residual_quantiles,
)
from victoria_demand.core.metrics import BandErrors, ForecastErrors, band_errors, forecast_errors
from victoria_demand.core.suspect_readings import is_suspect

TARGET = "demand_mw"
SEASONAL_NAIVE_PERIOD = 7 * 48  # one week of half-hours


@dataclass(frozen=True)
class DecemberSplit:
    train: pd.DataFrame  # January-November
    december: pd.DataFrame


@dataclass(frozen=True)
class DecemberScore:
    """A model's December forecast scored against the December that happened."""

    errors: ForecastErrors
    band: BandErrors
    peak: PeakForecast
    actual_peak_mw: float
    seasonal_naive_errors: ForecastErrors
    forecast: pd.DataFrame  # time_utc, forecast_mw, p10_mw, p90_mw, actual_mw for December


@dataclass(frozen=True, kw_only=True)
class DecemberModel(DecemberScore):
    """A year's model and its December score, made in one go (the benches, the tests)."""

    forecaster: DemandForecaster
    train_rows: int

    @property
    def pipeline(self) -> Pipeline:
        return self.forecaster.pipeline


def _months(clean: pd.DataFrame) -> np.ndarray:
    return to_melbourne(clean["time_utc"]).dt.month.to_numpy()


def january_to_november(clean: pd.DataFrame) -> pd.DataFrame:
    """The rows of a year before December (Melbourne): what its model is fit on."""
    return clean.loc[_months(clean) != DECEMBER].reset_index(drop=True)


def split_december(clean: pd.DataFrame) -> DecemberSplit:
    """January-November vs December of one year, by the Melbourne calendar month."""
    is_december = _months(clean) == DECEMBER
    if not is_december.any() or is_december.all():
        raise ValueError("a year needs both January-November and December rows to be split")
    return DecemberSplit(
        train=clean.loc[~is_december].reset_index(drop=True),
        december=clean.loc[is_december].reset_index(drop=True),
    )


def build_pipeline(feature_set: FeatureSet = FEATURE_SET) -> Pipeline:
    """The one model shape: raw inputs -> declared features -> linear regression."""
    return Pipeline(
        [
            ("calendar", MelbourneCalendarFeatures(summer_break=feature_set.summer_break)),
            ("temperature_history", TemperatureHistory(windows=feature_set.temperature_windows)),
            ("daylight", Daylight(twilight_depth_degrees=feature_set.twilight_depth_degrees)),
            ("regressors", DemandRegressors(feature_set=feature_set)),
            ("regression", LinearRegression()),
        ]
    )


def model_inputs(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.loc[:, list(MODEL_INPUTS)]


def seasonal_naive_forecast(history: pd.DataFrame, horizon: int) -> np.ndarray:
    """Repeat the last week of ``history`` over the next ``horizon`` half-hours.

    Late November and December keep one UTC offset, so a week of UTC steps is a week of
    Melbourne wall-clock slots here.
    """
    last_week = history[TARGET].to_numpy()[-SEASONAL_NAIVE_PERIOD:]
    if len(last_week) < SEASONAL_NAIVE_PERIOD:
        raise ValueError("the seasonal-naive forecast needs a full week of history")
    return np.resize(last_week, horizon)


@dataclass(frozen=True)
class YearDesign:
    """A year's regressors, computed once for every fit made on the year: every feature
    looks back only, so the rows of a month do not depend on what follows them."""

    features: Pipeline  # the fitted feature steps
    matrix: pd.DataFrame
    calendar: pd.DataFrame  # the inputs with day_off, block, half_hour of each row
    months: np.ndarray  # Melbourne calendar month of each row
    target: np.ndarray
    usable: np.ndarray  # not a suspect reading: what is fit on and scored

    def fit(self, rows: np.ndarray) -> LinearRegression:
        """The regression on ``rows`` (a mask), suspect readings left out."""
        rows = rows & self.usable
        return LinearRegression().fit(self.matrix.loc[rows], self.target[rows])


def year_design(clean: pd.DataFrame, feature_set: FeatureSet = FEATURE_SET) -> YearDesign:
    features = build_pipeline(feature_set)[:-1]
    inputs = model_inputs(clean)
    return YearDesign(
        features=features,
        matrix=features.fit_transform(inputs),
        calendar=features.named_steps["calendar"].transform(inputs),
        months=_months(clean),
        target=clean[TARGET].to_numpy(),
        usable=~is_suspect(clean),
    )


def calibration_residuals(design: YearDesign) -> pd.DataFrame:
    """Out-of-sample residuals at December's horizon: each calibration month forecast by a
    regression fit on the months before it, with its temperature history as December has.

    Columns: ``residual`` (actual - forecast, MW), the origin's ``month``, ``day_off``,
    ``block``, ``half_hour``, the Melbourne ``date`` and the ``temperature_c``.
    """
    # Each origin's least squares from the normal equations of the months before it, summed
    # month by month: the minimum-norm solution LinearRegression finds (residuals equal to
    # 0.5 MW on 2012-2014), without refitting nine growing matrices of 338 columns.
    # gelsy (pivoted QR) gives the SVD driver's answer on these systems in a quarter of its time.
    rows = np.column_stack([np.ones(len(design.target)), design.matrix.to_numpy()])
    gram = np.zeros((rows.shape[1], rows.shape[1]))
    moment = np.zeros(rows.shape[1])
    calendar = pd.DataFrame(
        {
            "day_off": design.calendar["day_off"].to_numpy(),
            "block": design.calendar["block"].to_numpy(),
            "half_hour": design.calendar["half_hour"].to_numpy(),
            "date": to_melbourne(design.calendar["time_utc"]).dt.date.to_numpy(),
            "temperature_c": design.calendar["temperature_c"].to_numpy(),
        }
    )
    # The rows are in time order, so each month is one stretch of them: views, not copies
    # (copying each month's rows out took a third of the calibration's time).
    if np.any(np.diff(design.months) < 0):
        raise ValueError("a year's rows must be in time order to be calibrated month by month")
    month_starts = np.searchsorted(design.months, np.arange(1, max(CALIBRATION_MONTHS) + 2))
    parts = []
    for month in range(1, max(CALIBRATION_MONTHS) + 1):
        in_month = slice(month_starts[month - 1], month_starts[month])
        month_rows, month_target = rows[in_month], design.target[in_month]
        usable = design.usable[in_month]
        if not usable.all():  # suspect readings are neither learned from nor scored
            month_rows, month_target = month_rows[usable], month_target[usable]
        if month in CALIBRATION_MONTHS:
            coefficients = scipy.linalg.lstsq(gram, moment, cond=1e-12, lapack_driver="gelsy")[0]
            parts.append(
                pd.DataFrame(
                    {"residual": month_target - month_rows @ coefficients, "month": month}
                ).join(calendar.iloc[in_month].loc[usable].reset_index(drop=True))
            )
        gram += month_rows.T @ month_rows
        moment += month_rows.T @ month_target
    return pd.concat(parts, ignore_index=True)


@dataclass(frozen=True)
class FittedYear:
    """A year's model fit on its January-November rows, and its out-of-sample residuals."""

    forecaster: DemandForecaster
    design: YearDesign
    residuals: pd.DataFrame  # calibration_residuals

    @property
    def peak_days(self) -> ResidualDays:
        """Whole days of residuals the peak (and the outlook) draw from."""
        in_peak_months = self.residuals["month"].isin(PEAK_CALIBRATION_MONTHS)
        return residual_days(self.residuals.loc[in_peak_months])


def fit_year(clean: pd.DataFrame, feature_set: FeatureSet = FEATURE_SET) -> FittedYear:
    """The model of ``clean``'s year, fit on January-November: December's rows, if any, are
    not read (every feature looks back only), so a source ending on 30 November fits the
    same model."""
    design = year_design(clean, feature_set)
    # The calibration's systems are small (338 columns; a month's 1,400 rows at a time): BLAS
    # threads cost more in hand-offs than they share (on two cores, 0.12 s a year with one
    # thread, 0.25-0.32 s with two). The final fit is one QR of 16,000 rows, which two
    # threads share well (0.25-0.47 s a year with one, 0.16 s with two).
    with threadpool_limits(limits=1, user_api="blas"):
        residuals = calibration_residuals(design)
    regression = design.fit(design.months != DECEMBER)
    # the feature steps are stateless, so with the regression fit on January-November this
    # is the Pipeline that fitting on January-November would give
    pipeline = Pipeline([*design.features.steps, ("regression", regression)])
    return FittedYear(DemandForecaster(pipeline, residual_quantiles(residuals)), design, residuals)


def score_december(
    forecaster: DemandForecaster, peak_days: ResidualDays, clean: pd.DataFrame
) -> DecemberScore:
    """``forecaster`` (a year's model, with ``peak_days``, its whole residual days) scored on
    ``clean``'s December, beside the seasonal naive."""
    split = split_december(clean)
    if len(split.december) != DECEMBER_HALF_HOURS:
        raise ValueError(
            f"a December is scored whole: the rows hold {len(split.december)} of its "
            f"{DECEMBER_HALF_HOURS} half-hours (clean the year again from the source first)"
        )
    forecast = december_forecast(forecaster, clean)
    naive = seasonal_naive_forecast(split.train, len(forecast))
    calendar = forecaster.pipeline.named_steps["calendar"].transform(model_inputs(split.december))
    scored = ~forecast["suspect"].to_numpy()
    return DecemberScore(
        errors=december_errors(forecast),
        band=december_band(forecast),
        peak=peak_forecast(
            forecast["forecast_mw"].to_numpy().reshape(-1, HALF_HOURS_PER_DAY),
            calendar["day_off"].to_numpy().reshape(-1, HALF_HOURS_PER_DAY)[:, 0],
            peak_days,
        ),
        actual_peak_mw=float(forecast["actual_mw"][scored].max()),
        seasonal_naive_errors=forecast_errors(forecast["actual_mw"][scored], naive[scored]),
        forecast=forecast,
    )


def december_errors(forecast: pd.DataFrame) -> ForecastErrors:
    """The P50's errors on a December forecast's half-hours, suspect readings left out."""
    scored = forecast.loc[~forecast["suspect"].to_numpy()]
    return forecast_errors(scored["actual_mw"], scored["forecast_mw"])


def december_band(forecast: pd.DataFrame) -> BandErrors:
    """The 80% band's coverage, width and pinball loss, suspect readings left out."""
    scored = forecast.loc[~forecast["suspect"].to_numpy()]
    return band_errors(
        scored["actual_mw"], scored["p10_mw"], scored["forecast_mw"], scored["p90_mw"]
    )


def fit_december_model(clean: pd.DataFrame, feature_set: FeatureSet = FEATURE_SET) -> DecemberModel:
    fitted = fit_year(january_to_november(clean), feature_set)
    score = score_december(fitted.forecaster, fitted.peak_days, clean)
    return DecemberModel(
        **{field.name: getattr(score, field.name) for field in fields(score)},
        forecaster=fitted.forecaster,
        train_rows=len(fitted.design.target),
    )


def training_request(train: pd.DataFrame, instants: int) -> pd.DataFrame:
    """A request for the last ``instants`` half-hours of ``train``, with the 48 hours before
    them as context: the input example a model is logged with, before December is known."""
    return pd.concat(
        [
            model_inputs(train.iloc[-(HISTORY_HALF_HOURS + instants) : -instants]).assign(
                **{CONTEXT: True}
            ),
            model_inputs(train.tail(instants)).assign(**{CONTEXT: False}),
        ],
        ignore_index=True,
    )


def december_request(split: DecemberSplit, instants: int | None = None) -> pd.DataFrame:
    """A request that keeps the contract: December's instants (the first ``instants``, or
    all of them), with the 48 hours before December as context rows."""
    december = split.december if instants is None else split.december.head(instants)
    return pd.concat(
        [
            model_inputs(split.train.tail(HISTORY_HALF_HOURS)).assign(**{CONTEXT: True}),
            model_inputs(december).assign(**{CONTEXT: False}),
        ],
        ignore_index=True,
    )


def december_forecast(forecaster: DemandForecaster, clean: pd.DataFrame) -> pd.DataFrame:
    """A model's half-hourly December forecast (P10, P50, P90) beside the actuals, and
    whether each actual is a suspect reading (``suspect``), which no score counts.

    Made through the served model's own contract, so the first days of December see late
    November's temperatures; the request holds only the history the features look back on
    (48 hours), not the whole year, which would compute every feature of January-November
    for nothing.
    """
    split = split_december(clean)
    forecast = forecaster.predict(december_request(split))
    return forecast.assign(
        actual_mw=split.december[TARGET].to_numpy(), suspect=is_suspect(split.december)
    )
