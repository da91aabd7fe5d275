"""The champion/challenger rule, year by year.

For year Y the challenger is the model trained for Y; the incumbent is the champion after
year Y-1 (none for the first year). Both are scored on December Y; the lower RMSE wins and a
tie keeps the incumbent, so a model is only replaced by one that is strictly better.

The champion after Y is a function of the models of the years up to Y alone, so it is
computed by replaying the rule over them (:func:`replay_champions`), not read from the
previous year's decision: no year waits for another year's decision to be stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, replace


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


def replay_champions(
    challengers: Iterable[Contender], december_rmse: Callable[[str, int], float]
) -> list[ChampionDecision]:
    """Every year's decision, from the first year's challenger on.

    ``challengers`` are the years' models, each with the RMSE on its own December;
    ``december_rmse(version, year)`` scores an incumbent on a later December (it is asked
    only for the versions that are champion at some point).
    """
    decisions: list[ChampionDecision] = []
    for challenger in sorted(challengers, key=lambda contender: contender.trained_for_year):
        year = challenger.trained_for_year
        champion = decisions[-1].winner if decisions else None
        incumbent = (
            replace(champion, december_rmse=december_rmse(champion.version, year))
            if champion
            else None
        )
        decisions.append(decide_champion(year, challenger, incumbent))
    return decisions


def current_champion(winners_by_year: Mapping[int, str]) -> str | None:
    """The version the champion alias must name: the winner of the latest decided year.

    Deciding an earlier year again (a backfill) therefore never moves the alias backwards.
    """
    if not winners_by_year:
        return None
    return winners_by_year[max(winners_by_year)]
