"""The three exact Phragmén counts (ballot by ballot, voters as bit sets, grouped by load level
with numpy) agree, and the per-profile caches and record building behind the lean paths change
no result."""

import numpy as np
import pytest

from pnyx.methods.pb import (
    _outcome,
    _phragmen_bitsets,
    _phragmen_grouped,
    _phragmen_integers,
    _priority,
    profile_from_election,
    random_election,
    tally,
    tie_priority,
)

from .test_pb_greedy import election


def _both(profile, ties):  # type: ignore[no-untyped-def]
    priority = _priority(profile, ties)
    by_ballot = _phragmen_integers(profile, priority, None)
    assert _phragmen_bitsets(profile, priority, None) == by_ballot
    return by_ballot, _phragmen_grouped(profile, priority, None)


@pytest.mark.parametrize("kept", [True, False], ids=["kept-coapprovals", "gathered"])
@pytest.mark.parametrize("ties", ["id", "cost", "votes"])
@pytest.mark.parametrize("vote_type", ["approval", "choose-1"])
def test_phragmen_ballot_by_ballot_and_grouped_counts_agree(
    ties: str, vote_type: str, kept: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Also where the profile does not keep its co-approvals (too many of them): the grouped
    count gathers a winner's from its supporters' ballots."""
    import pnyx.methods.pb as pb

    if not kept:
        monkeypatch.setattr(pb, "_COAPPROVALS_MAX", 0)
    for seed in range(60):
        e = random_election(
            seed,
            n_projects=2 + seed % 12,
            n_voters=5 + 7 * seed,
            vote_type=vote_type,
            budget_share=0.2 + (seed % 7) / 10,
            zero_cost=seed % 5 == 0,
        )
        profile = profile_from_election(e)
        (sel_i, det_i), (sel_s, det_s) = _both(profile, ties)
        assert (profile._coapprovals is not None) == kept
        assert sel_i == sel_s, seed
        assert det_i == det_s, seed  # the same reasons, remaining money and exact loads


def test_phragmen_integer_count_with_ties_and_repeated_loads() -> None:
    # b and c tie at exactly 1/2 after a; equal loads from different denominators
    e = election("a:1 b:2 c:1", "a,b\na,b\na,b\nb\nb\nb\nc\nc", budget="4")
    profile = profile_from_election(e)
    for ties in ("id", "cost", "votes"):
        (sel_i, det_i), (sel_s, det_s) = _both(profile, ties)
        assert (sel_i, det_i) == (sel_s, det_s)


def test_the_grouped_count_decides_exactly_where_floats_misorder_two_loads() -> None:
    """A costs 1 + 3t and has 3 voters, B costs 2 + 7t and has 7: B's load, t + 2/7, is below
    A's, t + 1/3, by less than floats can tell at t = 10^16 + 259, where they even order the
    two the other way. B comes first only if the grouped count compares them exactly."""
    t = 10**16 + 259
    cost_a, cost_b = 1 + 3 * t, 2 + 7 * t
    assert float(cost_a) / 3 < float(cost_b) / 7  # floats alone would buy A first
    votes = "\n".join(["a"] * 3 + ["b"] * 7)
    e = election(f"a:{cost_a} b:{cost_b}", votes, budget=str(cost_a + cost_b))
    profile = profile_from_election(e)
    by_ballot, grouped = _both(profile, "id")
    assert grouped == by_ballot
    assert [profile.project_ids[j] for j in grouped[0]] == ["b", "a"]


def test_phragmen_large_profiles_take_the_grouped_count(monkeypatch: pytest.MonkeyPatch) -> None:
    import pnyx.methods.pb as pb

    e = random_election(7, n_projects=12, n_voters=300)
    small = tally(e, "phragmen")
    monkeypatch.setattr(pb, "PHRAGMEN_BITSET_PROJECTS", 0)
    assert tally(e, "phragmen") == small
    monkeypatch.setattr(pb, "PHRAGMEN_BALLOT_BY_BALLOT_CELLS", 0)
    assert tally(e, "phragmen") == small


@pytest.mark.parametrize("ties", ["id", "cost", "votes"])
def test_cached_tie_priority_matches_a_fresh_sort(ties: str) -> None:
    for seed in range(20):
        profile = profile_from_election(random_election(seed, n_projects=1 + seed, n_voters=50))
        ids = profile.project_ids
        id_rank = np.argsort(np.argsort(np.array(ids, dtype=object), kind="stable"))
        key = {"id": np.zeros(len(ids)), "cost": profile.costs, "votes": -profile.votes}[ties]
        order = np.lexsort((id_rank, key))
        expected = np.empty(len(ids), dtype=np.int64)
        expected[order] = np.arange(len(ids))
        assert tie_priority(profile, ties).tolist() == expected.tolist()
        assert tie_priority(profile, ties).tolist() == expected.tolist()  # cached


def test_repeated_tallies_on_one_profile_are_equal() -> None:
    profile = profile_from_election(random_election(3, n_projects=9, n_voters=80))
    for rule in ("greedy", "greedy-no-skip", "greedy-cost", "phragmen"):
        for ties in ("id", "cost", "votes"):
            assert tally(profile, rule, ties=ties) == tally(profile, rule, ties=ties)


def test_results_built_without_init_equal_the_dataclass_constructor() -> None:
    from dataclasses import fields

    from pnyx.methods.pb import Outcome, ProjectResult

    e = election("a:6 b:4 c:3", "a,c\na\na\nb,c", budget="10")
    for rule in ("greedy", "greedy-cost", "phragmen", "mes"):
        outcome = tally(e, rule)
        rebuilt = Outcome(**{f.name: getattr(outcome, f.name) for f in fields(Outcome)})
        assert rebuilt == outcome and repr(rebuilt) == repr(outcome)
        for result in outcome.projects:
            values = {f.name: getattr(result, f.name) for f in fields(ProjectResult)}
            assert vars(result) == values  # every field set, nothing else
            again = ProjectResult(**values)
            assert again == result and hash(again) == hash(result)


def test_phragmen_counts_agree_on_long_ballots_and_many_rounds() -> None:
    for seed in range(4):
        e = random_election(
            100 + seed, n_projects=30, n_voters=1500, max_length=12, budget_share=0.9
        )
        for ties in ("id", "votes"):
            (sel_i, det_i), (sel_g, det_g) = _both(profile_from_election(e), ties)
            assert len(sel_i) > 10
            assert (sel_i, det_i) == (sel_g, det_g), seed


@pytest.mark.parametrize("ties", ["id", "cost", "votes"])
def test_phragmen_level_count_with_unsupported_free_and_tied_projects(ties: str) -> None:
    """Projects nobody approved (reached last, all tied), free projects, equal costs and
    supports (exact ties) and budgets that stop the count on a tie: the bit-set count with
    deferred records equals the ballot-by-ballot count."""
    for seed in range(80):
        e = random_election(
            1000 + seed,
            n_projects=1 + seed % 16,
            n_voters=1 + 3 * seed,
            costs=(1000, 1000, 2000) if seed % 2 else (1000, 3000),
            budget_share=(0.1, 0.3, 0.6, 0.95, 1.0)[seed % 5],
            zero_cost=seed % 4 == 0,
            max_length=1 + seed % 4,
        )
        profile = profile_from_election(e)
        priority = _priority(profile, ties)
        assert _phragmen_bitsets(profile, priority, None) == _phragmen_integers(
            profile, priority, None
        ), seed
        outcome = tally(profile, "phragmen", ties=ties)
        selected, details = _phragmen_integers(profile, priority, None)
        assert outcome == _outcome(profile, "phragmen", ties, selected, details), seed


def test_phragmen_level_count_hand_made_ties() -> None:
    # Exact ties: a and b at 1/3 first, then two projects at 1/2 (which, depends on ``ties``); d and e
    # (nobody approved) tie at an infinite load; e does not fit: the count stops before d.
    e = election("a:1 b:2 c:1 d:1 e:5", "a,b\na,b\na,b\nb\nb\nb\nc\nc", budget="6")
    profile = profile_from_election(e)
    for ties in ("id", "cost", "votes"):
        priority = _priority(profile, ties)
        expected = _phragmen_integers(profile, priority, None)
        assert _phragmen_bitsets(profile, priority, None) == expected
        outcome = tally(profile, "phragmen", ties=ties)
        assert sorted(outcome.selected) == ["a", "b", "c"]  # in an order set by ``ties``
        assert outcome.result("d").reason == "no-support"
        assert outcome.result("e").reason == "did-not-fit"


def test_phragmen_level_count_reports_progress() -> None:
    seen: list[float] = []
    profile = profile_from_election(random_election(4, n_projects=12, n_voters=90))
    assert profile.n_projects <= 32
    tally(profile, "phragmen", progress=seen.append)
    assert seen and seen == sorted(seen) and 0 < seen[-1] <= 1


@pytest.mark.parametrize("vote_type", ["approval", "cumulative", "ordinal"])
def test_profile_entries_are_the_positive_cells_and_cannot_be_changed(vote_type: str) -> None:
    profile = profile_from_election(random_election(3, n_projects=9, vote_type=vote_type))
    rows, cols, values = profile.entries
    expected_rows, expected_cols = np.nonzero(profile.utilities > 0)
    assert rows.tolist() == expected_rows.tolist()
    assert cols.tolist() == expected_cols.tolist()
    assert values.tolist() == profile.utilities[expected_rows, expected_cols].tolist()
    with pytest.raises(ValueError, match="read-only"):
        values[0] = 99  # shared by every MES count on the profile
    first = tally(profile, "mes", completion="add1")
    assert tally(profile, "mes", completion="add1") == first


@pytest.mark.parametrize("vote_type", ["approval", "cumulative"])
def test_mes_counts_of_a_profile_share_its_supporters(vote_type: str) -> None:
    election = random_election(11, n_projects=12, n_voters=400, vote_type=vote_type)
    profile = profile_from_election(election)
    cost_utility = vote_type == "approval"
    supporters = profile.mes_supporters(cost_utility)
    assert profile.mes_supporters(cost_utility) is supporters
    assert profile.mes_supporters(not cost_utility) is not supporters
    for completion in ("none", "add1"):
        first = tally(profile, "mes", completion=completion, ties="cost")
        again = tally(profile, "mes", completion=completion, ties="cost")
        fresh = tally(profile_from_election(election), "mes", completion=completion, ties="cost")
        assert first == again == fresh
    assert profile.mes_supporters(cost_utility) is supporters
