"""Sequential Phragmén (pnyx.methods.pb.phragmen): hand-worked cases and pabutools'
``sequential_phragmen`` on random and small real elections."""

from fractions import Fraction

import pytest
from pabutools.election.pabulib import parse_pabulib_from_string
from pabutools.rules import sequential_phragmen
from pabutools.tiebreaking import lexico_tie_breaking

from pnyx.methods.pabulib import Election, parse_pb, write_pb
from pnyx.methods.pb import random_election, tally

from .test_pb_greedy import election


def _pabutools(e: Election) -> set[str]:
    instance, profile = parse_pabulib_from_string(write_pb(e))
    result = sequential_phragmen(
        instance, profile.as_multiprofile(), tie_breaking=lexico_tie_breaking
    )
    return {p.name for p in result}


def test_hand_worked_loads() -> None:
    # a (6) by v0 v1 v2; b (4) by v3; c (3) by v0 v3. Budget 10.
    # Round 1: a 6/3 = 2, b 4/1 = 4, c 3/2 = 1.5 -> c; v0 and v3 carry 1.5.
    # Round 2: a (1.5 + 6)/3 = 2.5, b (1.5 + 4)/1 = 5.5 -> a; spent 9.
    # Round 3: b costs 4, only 1 left -> stop.
    e = election("a:6 b:4 c:3", "a,c\na\na\nb,c", budget="10")
    outcome = tally(e, "phragmen")
    assert outcome.selected == ("c", "a")
    assert outcome.result("c").load == Fraction(3, 2)
    assert outcome.result("a").load == Fraction(5, 2)
    assert (outcome.result("b").reason, outcome.result("b").remaining) == ("did-not-fit", 1)
    assert _pabutools(e) == {"a", "c"}


def test_loads_stay_exact() -> None:
    # 1/3 and 2/3 style loads, where floats would carry rounding: a (1) by 3 voters gives 1/3;
    # b (2) by the same 3 voters + 3 others: (3 * 1/3 + 2) / 6 = 1/2; c (1) by 2 fresh voters 1/2
    e = election("a:1 b:2 c:1", "a,b\na,b\na,b\nb\nb\nb\nc\nc", budget="4")
    outcome = tally(e, "phragmen")
    assert outcome.result("a").load == Fraction(1, 3)
    # b and c tie at exactly 1/2: ties by id put b first
    assert outcome.selected == ("a", "b", "c")
    assert outcome.result("b").load == Fraction(1, 2) == outcome.result("c").load


def test_ties_by_id_as_strings() -> None:
    e = election("9:10 10:10 2:10", "9\n10\n2", budget="20")
    assert tally(e, "phragmen").selected == ("10", "2")
    assert tally(e, "phragmen").result("9").reason == "did-not-fit"


def test_stops_when_a_tied_project_does_not_fit_even_if_the_winner_would() -> None:
    # x first (load 1). Then a (2, one voter) and b (4, two voters) tie at load 2; a wins the
    # tie by id but b does not fit in the 3 left: pabutools stops there, so does ours.
    e = election("x:2 a:2 b:4", "x\nx\na\nb\nb", budget="5")
    outcome = tally(e, "phragmen")
    assert outcome.selected == ("x",)
    assert outcome.result("a").reason == "not-reached"
    assert outcome.result("a").spent_on == ("b",)
    assert _pabutools(e) == {"x"}


def test_project_nobody_approved_is_funded_last_while_all_fit() -> None:
    e = election("a:10 z:5 y:1", "a\na", budget="20")
    outcome = tally(e, "phragmen")
    assert outcome.selected == ("a", "y", "z")  # infinite load: tie order by id
    assert _pabutools(e) == {"a", "y", "z"}
    tight = election("a:10 z:5 y:1", "a\na", budget="12")
    # y and z tie at infinity and z does not fit: the count stops before y
    assert tally(tight, "phragmen").selected == ("a",)
    assert _pabutools(tight) == {"a"}


def test_free_project_and_empty_ballots() -> None:
    e = election("free:0 a:10 b:10", "free,a\n\n\nb\nb", budget="10")
    outcome = tally(e, "phragmen")
    assert outcome.selected == ("free", "b")
    assert _pabutools(e) == {"free", "b"}


def test_repeated_project_and_project_over_budget() -> None:
    e = election("a:5 big:50", "a,a,big\nbig\nbig", budget="20")
    outcome = tally(e, "phragmen")
    assert outcome.selected == ("a",)
    assert outcome.result("big").reason == "over-budget"
    assert _pabutools(e) == {"a"}


def test_only_approval_ballots() -> None:
    e = election("a:1", "a;1", vote_type="cumulative", meta="max_sum_points;1\n")
    with pytest.raises(ValueError, match="approval"):
        tally(e, "phragmen")


def test_progress_is_reported() -> None:
    seen: list[float] = []
    tally(random_election(2, 8, 50), "phragmen", progress=seen.append)
    assert seen and seen == sorted(seen) and 0 < seen[-1] <= 1


@pytest.mark.parametrize("vote_type", ["approval", "choose-1"])
def test_equals_pabutools_on_random_elections(vote_type: str) -> None:
    for seed in range(50):
        e = random_election(
            seed,
            n_projects=3 + seed % 12,
            n_voters=5 + seed,
            vote_type=vote_type,
            budget_share=0.2 + 0.1 * (seed % 6),
            zero_cost=seed % 5 == 0,
        )
        assert set(tally(e, "phragmen").selected) == _pabutools(e), seed


def test_selection_is_the_same_after_a_write_read_round_trip() -> None:
    e = random_election(11, 12, 80)
    assert tally(parse_pb(write_pb(e)), "phragmen") == tally(e, "phragmen")
