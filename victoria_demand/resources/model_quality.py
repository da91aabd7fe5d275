"""The bounds a December model must meet before it may compete for champion."""

from __future__ import annotations

from dagster import ConfigurableResource


class ModelQualityPolicy(ConfigurableResource):
    # Above this model's December RMSE (210-330 MW for 2012-2014) and below the
    # seasonal-naive forecast's (500-990 MW): a model that fails it is broken, not unlucky.
    rmse_ceiling_mw: float = 450.0
