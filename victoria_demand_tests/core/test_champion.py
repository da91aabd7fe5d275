from victoria_demand.core.champion import (
    ChampionDecision,
    Contender,
    current_champion,
    decide_champion,
    replay_champions,
)

CHALLENGER = Contender(version="2", trained_for_year=2013, december_rmse=300.0)


def test_first_year_has_no_incumbent():
    decision = decide_champion(2012, Contender("1", 2012, 400.0), None)
    assert decision.winner.version == "1" and decision.challenger_won


def test_lower_rmse_wins():
    decision = decide_champion(2013, CHALLENGER, Contender("1", 2012, 350.0))
    assert decision.winner == CHALLENGER


def test_higher_rmse_loses():
    incumbent = Contender("1", 2012, 250.0)
    decision = decide_champion(2013, CHALLENGER, incumbent)
    assert decision.winner == incumbent and not decision.challenger_won


def test_tie_keeps_the_incumbent():
    incumbent = Contender("1", 2012, 300.0)
    assert decide_champion(2013, CHALLENGER, incumbent).winner == incumbent


def test_decisions_round_trip():
    decision = decide_champion(2013, CHALLENGER, Contender("1", 2012, 350.0))
    assert ChampionDecision.from_dict(decision.as_dict()) == decision
    first = decide_champion(2012, Contender("1", 2012, 1.0), None)
    assert ChampionDecision.from_dict(first.as_dict()) == first


def test_alias_follows_the_latest_decided_year():
    assert current_champion({}) is None
    assert current_champion({2014: "3", 2012: "1", 2013: "2"}) == "3"
    # deciding 2012 again later never moves the alias backwards
    assert current_champion({2012: "4", 2013: "2", 2014: "3"}) == "3"


def test_replay_decides_every_year_from_the_first():
    challengers = [
        Contender("3", 2014, 280.0),  # in any order
        Contender("1", 2012, 400.0),
        Contender("2", 2013, 300.0),
    ]
    # version 2 (the 2013 model) scores 250 on December 2014, better than the 2014 model
    scores = {("1", 2013): 350.0, ("2", 2014): 250.0}
    asked: list[tuple[str, int]] = []

    def december_rmse(version: str, year: int) -> float:
        asked.append((version, year))
        return scores[version, year]

    decisions = replay_champions(challengers, december_rmse)
    assert [d.year for d in decisions] == [2012, 2013, 2014]
    assert [d.winner.version for d in decisions] == ["1", "2", "2"]
    assert decisions[2].incumbent == Contender("2", 2013, 250.0)  # scored on December 2014
    assert decisions[2] == decide_champion(2014, challengers[0], Contender("2", 2013, 250.0))
    assert asked == [("1", 2013), ("2", 2014)]  # only the champions are scored


def test_replay_of_one_year_has_no_incumbent():
    (decision,) = replay_champions([Contender("1", 2012, 400.0)], lambda *_: 0.0)
    assert decision.incumbent is None and decision.challenger_won
