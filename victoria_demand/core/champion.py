"""The champion/challenger rule, year by year.

For year Y the challenger is the model trained for Y; the incumbent is the champion after
year Y-1 (none for the first year). Both are scored on December Y; the lower RMSE wins and a
tie keeps the incumbent, so a model is only replaced by one that is strictly better.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Contender:
    version: str
    trained_for_year: int
    december_rmse: float  # on the December being decided


@dataclass(frozen=True)
class ChampionDecision:
    year: int
    challenger: Contender
    incumbent: Contender | None
    winner: Contender

    @property
    def challenger_won(self) -> bool:
        return self.winner == self.challenger

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping) -> ChampionDecision:
        incumbent = data.get("incumbent")
        return cls(
            year=int(data["year"]),
            challenger=Contender(**data["challenger"]),
            incumbent=Contender(**incumbent) if incumbent else None,
            winner=Contender(**data["winner"]),
        )


def decide_champion(
    year: int, challenger: Contender, incumbent: Contender | None
) -> ChampionDecision:
    if incumbent is None or challenger.december_rmse < incumbent.december_rmse:
        winner = challenger
    else:
        winner = incumbent
    return ChampionDecision(year=year, challenger=challenger, incumbent=incumbent, winner=winner)


def current_champion(winners_by_year: Mapping[int, str]) -> str | None:
    """The version the champion alias must name: the winner of the latest decided year.

    Deciding an earlier year again (a backfill) therefore never moves the alias backwards.
    """
    if not winners_by_year:
        return None
    return winners_by_year[max(winners_by_year)]
