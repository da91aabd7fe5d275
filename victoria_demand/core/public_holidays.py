"""Victoria's public holidays, for sources that carry no ``Holiday`` column (AEMO's files
have none), from the ``holidays`` package rather than a hand-kept list.

The recorded flags of 2012-2014 (tsibbledata's ``vic_elec``) match the package's Victorian
holidays except Easter Saturday, which the recorded data does not mark. A model learns the
meaning of the flag from its training data, so the derived flags follow the recorded
convention: Easter Saturday is left out (it is a Saturday, a day off in any case).
"""

from __future__ import annotations

import holidays
import numpy as np
import pandas as pd

from victoria_demand.core.calendar import MELBOURNE

NOT_FLAGGED_IN_RECORDED_DATA = frozenset({"Easter Saturday"})


def victorian_public_holidays(years: range | list[int]) -> set[pd.Timestamp]:
    calendar = holidays.country_holidays("AU", subdiv="VIC", years=list(years))
    return {
        pd.Timestamp(day)
        for day, name in calendar.items()
        if not set(name.split("; ")) <= NOT_FLAGGED_IN_RECORDED_DATA
    }


def holiday_flags(time_utc: pd.Series) -> np.ndarray:
    """True where the Melbourne calendar date of the instant is a Victorian public holiday."""
    local_days = time_utc.dt.tz_convert(MELBOURNE).dt.tz_localize(None).dt.normalize()
    years = range(int(local_days.dt.year.min()), int(local_days.dt.year.max()) + 1)
    return local_days.isin(victorian_public_holidays(years)).to_numpy()
