"""Greedy rules, the ballot arrays and tie-breaking (pnyx.methods.pb), on hand-worked cases and
against pabutools' ``greedy_utilitarian_welfare`` with ``Cost_Sat``."""

from fractions import Fraction

import numpy as np
import pytest
from pabutools.election import Cost_Sat
from pabutools.election.pabulib import parse_pabulib_from_string
from pabutools.rules import greedy_utilitarian_welfare
from pabutools.tiebreaking import (
    app_score_tie_breaking,
    lexico_tie_breaking,
    min_cost_tie_breaking,
)

from pnyx.methods.pabulib import parse_pb, write_pb
from pnyx.methods.pb import profile_from_election, random_election, tally, tie_priority

PABUTOOLS_TIES = {
    "id": lexico_tie_breaking,
    "cost": min_cost_tie_breaking,
    "votes": app_score_tie_breaking,
}


def election(
    projects: str, votes: str, budget: str = "100", vote_type: str = "approval", meta: str = ""
):  # type: ignore[no-untyped-def]
    """``projects`` as ``id:cost`` words; ``votes`` one ballot per line (``a,b`` or ``a,b;2,1``),
    an empty line being an empty ballot."""
    rows = "\n".join(f"{p.split(':')[0]};{p.split(':')[1]}" for p in projects.split())
    with_points = vote_type in ("cumulative", "scoring")
    header = "voter_id;vote;points" if with_points else "voter_id;vote"
    ballots = "\n".join(f"{k};{line.strip()}" for k, line in enumerate(votes.split("\n")))
    return parse_pb(
        f"META\nkey;value\nbudget;{budget}\nvote_type;{vote_type}\n{meta}"
        f"PROJECTS\nproject_id;cost\n{rows}\nVOTES\n{header}\n{ballots}\n"
    )


# ---------------------------------------------------------------------------------- the arrays


def test_equal_ballots_are_counted_once_with_their_multiplicity() -> None:
    e = election("a:10 b:20 c:30", "a,b\nb,a\na\n\nb,b,a")
    profile = profile_from_election(e)
    rows = {
        tuple(r): int(m)
        for r, m in zip(profile.utilities.tolist(), profile.multiplicity, strict=True)
    }
    # "a,b", "b,a" and "b,b,a" are one ballot; the empty ballot is a voter too
    assert rows == {(1, 1, 0): 3, (1, 0, 0): 1, (0, 0, 0): 1}
    assert profile.n_voters == 5
    assert profile.votes.tolist() == [4, 3, 0]
    assert profile.scores.tolist() == [4, 3, 0]


def test_each_voter_maps_to_its_distinct_ballot() -> None:
    profile = profile_from_election(election("a:10 b:20", "a,b\nb\nb,a"))
    first, second, third = profile.voter_ballot.tolist()
    assert first == third != second
    assert profile.utilities[second].tolist() == [0, 1]
    assert profile.multiplicity[first] == 2


def test_ordinal_points_follow_rank_three_two_one() -> None:
    e = election("a:1 b:1 c:1 d:1", "a,b,c\nc,a\nd,d,a", vote_type="ordinal", meta="max_length;3\n")
    profile = profile_from_election(e)
    # a: 3 + 2 + 2 (a repeated project keeps its first rank: d=3, a=2); b: 2; c: 1 + 3; d: 3
    assert profile.scores.tolist() == [7, 2, 4, 3]
    assert profile.votes.tolist() == [3, 1, 2, 1]
    listed = election("a:1 b:1 c:1", "a,b,c", vote_type="ordinal", meta="scoring_fn;5,1\n")
    assert profile_from_election(listed).scores.tolist() == [5, 1, 0]


def test_fractional_costs_are_scaled_to_integers() -> None:
    e = election("a:0.5 b:1331751.11", "a,b", budget="1331751.61")
    profile = profile_from_election(e)
    assert profile.scale == 100
    assert profile.costs.tolist() == [50, 133175111]
    assert profile.budget == 133175161
    outcome = tally(e, "greedy")
    assert outcome.selected == ("a", "b")
    assert outcome.cost == Fraction(133175161, 100) == outcome.budget


def test_tie_priority_orders_ids_as_strings_then_cost_then_votes() -> None:
    e = election("9:5 10:5 2:3", "9,10\n9\n2")
    profile = profile_from_election(e)
    assert tie_priority(profile, "id").tolist() == [2, 0, 1]  # "10" < "2" < "9"
    assert tie_priority(profile, "cost").tolist() == [2, 1, 0]  # 2 is cheapest; 10 before 9
    assert tie_priority(profile, "votes").tolist() == [0, 1, 2]  # 9 has 2 votes


# ---------------------------------------------------------------------------------- edge cases


def test_ties_in_score_are_broken_by_the_chosen_rule() -> None:
    # a, b, c all have 2 votes; only 60 of the budget: two of them fit.
    e = election("c:20 b:40 a:30", "a,b,c\na,b,c", budget="60")
    assert tally(e, "greedy", ties="id").selected == ("a", "c")  # a (30), b does not fit, c
    assert tally(e, "greedy", ties="cost").selected == ("c", "a")  # cheapest first
    skipped = tally(e, "greedy", ties="id").result("b")
    assert (skipped.reason, skipped.rank, skipped.remaining) == ("did-not-fit", 2, 30)


def test_ties_by_votes_on_points_ballots() -> None:
    # a and b both score 4 points; b has 2 voters, a has 1.
    e = election("a:60 b:60", "a;4\nb;2\nb;2", vote_type="cumulative", meta="max_sum_points;4\n")
    assert tally(e, "greedy", ties="id").selected == ("a",)
    assert tally(e, "greedy", ties="votes").selected == ("b",)


def test_project_nobody_approved() -> None:
    e = election("a:10 b:10 z:10", "a\na,b")
    assert tally(e, "greedy").selected == ("a", "b")
    assert tally(e, "greedy").result("z").reason == "no-support"
    # pabutools' greedy (Cost_Sat) funds it last since it fits
    assert tally(e, "greedy-cost").selected == ("a", "b", "z")


def test_approved_project_costing_nothing() -> None:
    e = election("a:100 free:0 b:50", "a,free\na\nb,free\nfree")
    greedy = tally(e, "greedy")
    assert greedy.selected == ("free", "a")  # free has 3 votes: 1st
    assert greedy.result("b").reason == "did-not-fit"
    # Cost_Sat gives a free project no satisfaction: pabutools ranks it last, still funds it
    assert tally(e, "greedy-cost").selected == ("a", "free")


def test_empty_ballots_change_nothing_but_the_voter_count() -> None:
    with_empty = election("a:60 b:50", "a\nb\nb\n\n")
    without = election("a:60 b:50", "a\nb\nb")
    assert tally(with_empty, "greedy").selected == tally(without, "greedy").selected == ("b",)
    assert profile_from_election(with_empty).n_voters == 5
    only_empty = election("a:60", "\n")
    assert tally(only_empty, "greedy").selected == ()
    assert tally(only_empty, "greedy-cost").selected == ("a",)  # as pabutools


def test_project_repeated_in_a_ballot_counts_once() -> None:
    e = election("a:60 b:50", "a,a,a\nb\nb")
    assert profile_from_election(e).votes.tolist() == [1, 2]
    assert tally(e, "greedy").selected == ("b",)


def test_project_costing_more_than_the_budget() -> None:
    e = election("huge:500 a:40 b:30", "huge,a\nhuge,a\nhuge,b\nb")
    outcome = tally(e, "greedy")
    assert outcome.selected == ("a", "b")
    assert outcome.result("huge").reason == "over-budget"
    stopped = tally(e, "greedy-no-skip")
    assert stopped.selected == ()  # the first project does not fit: counting stops
    assert stopped.result("a").reason == "not-reached"
    assert stopped.result("a").spent_on == ("huge",)


def test_every_project_fits() -> None:
    e = election("a:10 b:20 c:30", "a\nb\nc,a", budget="1000")
    for rule in ("greedy", "greedy-no-skip", "greedy-cost", "phragmen"):
        outcome = tally(e, rule)
        assert set(outcome.selected) == {"a", "b", "c"}, rule
        assert outcome.cost == 60 and outcome.budget == 1000


def test_no_skip_stops_at_the_first_project_that_does_not_fit() -> None:
    e = election("a:50 b:60 c:10", "a,b,c\na,b\na", budget="100")
    assert tally(e, "greedy").selected == ("a", "c")
    assert tally(e, "greedy-no-skip").selected == ("a",)


def test_threshold_counts_points() -> None:
    meta = "max_sum_points;3\nmin_project_score_threshold;4\n"
    e = election("a:10 b:10 c:10", "a,b;2,1\na,c;2,1\nb;3", vote_type="cumulative", meta=meta)
    outcome = tally(e, "greedy-threshold")
    assert outcome.selected == ("a", "b")  # a: 4 points, b: 4, c: 1
    assert outcome.result("c").reason == "below-threshold"
    assert outcome.threshold == 4
    with pytest.raises(ValueError, match="min_project_score_threshold"):
        tally(election("a:1", "a"), "greedy-threshold")


def test_bad_arguments_are_refused() -> None:
    e = election("a:1", "a")
    with pytest.raises(ValueError, match="unknown rule"):
        tally(e, "borda")
    with pytest.raises(ValueError, match="only applies to the rule mes"):
        tally(e, "greedy", completion="add1")
    with pytest.raises(ValueError, match="unknown tie-breaking"):
        tally(e, "greedy", ties="random")


# ---------------------------------------------------------------------------------- pabutools


def _pabutools_greedy_cost(e, ties: str) -> list[str]:  # type: ignore[no-untyped-def]
    instance, profile = parse_pabulib_from_string(write_pb(e))
    result = greedy_utilitarian_welfare(
        instance,
        profile.as_multiprofile(),
        sat_class=Cost_Sat,
        tie_breaking=PABUTOOLS_TIES[ties],
    )
    return [p.name for p in result]


@pytest.mark.parametrize("vote_type", ["approval", "choose-1", "cumulative", "ordinal"])
def test_greedy_cost_equals_pabutools_on_random_elections(vote_type: str) -> None:
    ties_used = ("id", "cost", "votes") if vote_type in ("approval", "choose-1") else ("id", "cost")
    for seed in range(50):
        e = random_election(
            seed,
            n_projects=3 + seed % 12,
            n_voters=5 + seed,
            vote_type=vote_type,
            budget_share=0.2 + 0.1 * (seed % 6),
            zero_cost=seed % 5 == 0,
        )
        for ties in ties_used:
            ours = tally(e, "greedy-cost", ties=ties).selected
            assert list(ours) == _pabutools_greedy_cost(e, ties), (seed, ties)


def test_greedy_is_greedy_cost_without_the_projects_nobody_voted_for() -> None:
    # On approval ballots without free projects both rank by votes; pabutools' greedy-cost also
    # funds projects with no vote when money is left, ours does not.
    for seed in range(20):
        e = random_election(seed, 12, 60)
        cost = tally(e, "greedy-cost")
        supported = tuple(p for p in cost.selected if cost.result(p).votes > 0)
        assert tally(e, "greedy").selected == supported


def test_random_elections_are_reproducible() -> None:
    assert random_election(7, 10, 50, "cumulative") == random_election(7, 10, 50, "cumulative")
    assert random_election(7, 10, 50) != random_election(8, 10, 50)
    e = random_election(3, 6, 200)
    profile = profile_from_election(e)
    assert len(profile.multiplicity) < 200  # repeated ballots happen
    assert np.all(profile.multiplicity >= 1)
