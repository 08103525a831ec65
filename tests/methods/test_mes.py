"""Method of Equal Shares: hand-worked cases, fast completion vs a unit-by-unit scan, pabutools,
and the official outcomes of the three Pabulib cities that used MES."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from pnyx.methods import pb
from pnyx.methods.mes import COMPLETIONS, Supporters, _by_ratio, equal_shares


def mes(
    costs,
    budget,
    ballots,
    *,
    mult=None,
    prio=None,
    cost_utility=True,
    completion="none",
    increment=1,
    scan="fast",
):
    costs = np.asarray(costs, dtype=np.int64)
    utilities = np.asarray(ballots, dtype=np.int64).reshape(-1, costs.size)
    mult = np.ones(utilities.shape[0], dtype=np.int64) if mult is None else np.asarray(mult)
    prio = np.arange(costs.size, dtype=np.int64) if prio is None else np.asarray(prio)
    return equal_shares(
        costs,
        budget,
        utilities,
        mult,
        prio,
        cost_utility=cost_utility,
        completion=completion,
        increment=increment,
        scan=scan,
    )


# --- hand-worked cases ------------------------------------------------------------------------


def test_two_groups_share_the_budget_proportionally():
    # 6 voters, budget 60, 10 each. Four like A (cost 40), two like B (cost 20), all like C (30).
    # Round 1: rho = 1/n_j for cost utility: A 1/4, B 1/2, C 1/6 -> C, each pays 5.
    # Round 2: A's supporters hold 4*5 = 20 < 40, B's hold 2*5 = 10 < 20: nothing else.
    ballots = [[1, 0, 1]] * 4 + [[0, 1, 1]] * 2
    result = mes([40, 20, 30], 60, ballots)
    assert result.selected == (2,)
    assert result.spent == 30
    assert result.final_budget == 10
    np.testing.assert_allclose(result.payments[:, 2], 5.0)
    assert result.reasons[0] == ("unaffordable", (2,))
    assert result.reasons[1] == ("unaffordable", (2,))


def test_poor_supporters_pay_everything_and_rich_ones_the_rest():
    # budget 30, 3 voters with 10 each; after P0 (cost 9, voter 0 alone? no: voters 0,1) ...
    # P0 cost 12 liked by voters 0 and 1: 6 each (rho = 1/2). P1 cost 14 liked by 1 and 2:
    # voter 1 has 4 left, voter 2 has 10: voter 1 pays 4, voter 2 pays 10 -> exactly 14.
    ballots = [[1, 0], [1, 1], [0, 1]]
    result = mes([12, 14], 30, ballots)
    assert result.selected == (0, 1)
    assert result.payments[1].tolist() == [6.0, 4.0]
    assert result.payments[2].tolist() == [0.0, 10.0]


def test_exact_tie_is_broken_by_priority():
    ballots = [[1, 1], [1, 1]]
    assert mes([10, 10], 10, ballots, prio=[0, 1]).selected == (0,)
    assert mes([10, 10], 10, ballots, prio=[1, 0]).selected == (1,)


def test_tie_in_rho_between_different_projects_is_broken_by_priority():
    # additive utilities: A cost 6 with 3 points from each of 2 voters -> rho = 1;
    # B cost 4 with 2 points from each -> rho = 1 as well.
    ballots = [[3, 2], [3, 2]]
    assert mes([6, 4], 10, ballots, cost_utility=False, prio=[1, 0]).selected == (1, 0)
    assert mes([6, 4], 10, ballots, cost_utility=False, prio=[0, 1]).selected == (0, 1)


def test_project_nobody_approved_is_not_funded_even_if_it_fits():
    result = mes([5, 5], 100, [[1, 0], [1, 0]], completion="add1")
    assert result.selected == (0,)
    assert result.reasons[1] == ("no-supporters", ())


def test_zero_cost_project_follows_pabutools():
    # cost utility: a free project gives no satisfaction, so MES never funds it
    result = mes([0, 10], 10, [[1, 1]])
    assert result.selected == (1,)
    assert result.reasons[0] == ("no-supporters", ())
    # additive utility: a free project with support is funded before the first round
    result = mes([0, 10], 10, [[2, 1]], cost_utility=False)
    assert result.selected == (0, 1)


def test_empty_ballots_take_their_share_of_the_budget():
    # 2 voters approve P (cost 10), 2 empty ballots: 5 each, supporters hold 10 -> funded;
    # with 3 empty ballots (4 each) supporters hold 8 < 10 -> not funded without completion
    assert mes([10], 20, [[1], [1], [0], [0]]).selected == (0,)
    result = mes([10], 20, [[1], [1], [0]], mult=[1, 1, 3])
    assert result.selected == ()
    assert result.reasons[0] == ("unaffordable", ())
    # add1 raises each voter's budget until the supporters can pay: 4 -> 5
    result = mes([10], 20, [[1], [1], [0]], mult=[1, 1, 3], completion="add1")
    assert result.selected == (0,)
    assert result.final_budget == 5


def test_project_costing_more_than_the_budget_is_never_funded():
    for completion in COMPLETIONS:
        result = mes([50, 10], 40, [[1, 1]] * 4, completion=completion)
        assert result.selected == (1,)
        assert result.reasons[0] == ("did-not-fit", ())


def test_everything_fits():
    ballots = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]]
    for completion in ("add1", "add1-no-stop", "add1-greedy"):
        result = mes([10, 20, 30], 60, ballots, completion=completion)
        assert sorted(result.selected) == [0, 1, 2]
        assert result.spent == 60


def test_add1_returns_the_last_outcome_that_did_not_overspend():
    # budget 10, 2 voters (5 each). A (cost 6) by voter 0, B (cost 6) by voter 1.
    # b = 5: nothing; b = 6: both -> cost 12 > 10, so the outcome at b = 5 (nothing) is kept.
    result = mes([6, 6], 10, [[1, 0], [0, 1]], completion="add1")
    assert result.selected == ()
    assert result.final_budget == 5
    # greedy completion then funds A (tie by priority)
    assert mes([6, 6], 10, [[1, 0], [0, 1]], completion="add1-greedy").selected == (0,)


def test_add1_increment_is_one_currency_unit_in_scaled_costs():
    # costs in cents (scale 100): one unit of increment is 100
    a = mes([600, 400], 1000, [[1, 0], [0, 1]], completion="add1", increment=100)
    b = mes([6, 4], 10, [[1, 0], [0, 1]], completion="add1", increment=1)
    assert a.selected == b.selected
    assert a.final_budget == 100 * b.final_budget


def test_no_ballots_funds_nothing():
    result = mes([0, 5], 10, np.zeros((0, 2)))
    assert result.selected == ()


def test_unknown_completion_is_rejected():
    with pytest.raises(ValueError, match="completion"):
        mes([1], 1, [[1]], completion="add2")


# --- random elections: fast completion == unit-by-unit scan == pabutools ------------------------


def random_instance(seed: int, zero_multiplicities: bool = False):
    """Tiny raw arrays: costs 0 included, repeated and empty ballots (and, with
    ``zero_multiplicities``, ballots of multiplicity 0 in some instances)."""
    rng = np.random.default_rng(seed)
    n_projects = int(rng.integers(1, 9))
    n_ballots = int(rng.integers(1, 14))
    approval = bool(rng.integers(0, 2))
    costs = rng.integers(0 if rng.random() < 0.2 else 1, 40, size=n_projects)
    costs = costs * int(rng.choice([1, 1, 5, 20]))
    if approval:
        utilities = (rng.random((n_ballots, n_projects)) < rng.uniform(0.1, 0.8)).astype(np.int64)
    else:
        utilities = rng.integers(0, 4, size=(n_ballots, n_projects))
        utilities = utilities * (rng.random((n_ballots, n_projects)) < 0.6)
    mult = rng.integers(0 if zero_multiplicities and rng.random() < 0.3 else 1, 4, size=n_ballots)
    budget = int(rng.integers(1, 3 * max(1, int(costs.sum())) // 2 + 2))
    prio = rng.permutation(n_projects)
    return (
        costs.astype(np.int64),
        budget,
        utilities.astype(np.int64),
        mult.astype(np.int64),
        prio.astype(np.int64),
        approval,
    )


@pytest.mark.parametrize("seed", range(100))
def test_fast_completion_equals_unit_by_unit_scan(seed):
    costs, budget, utilities, mult, prio, approval = random_instance(seed)
    for completion in ("add1", "add1-no-stop", "add1-greedy"):
        kwargs = dict(cost_utility=approval, completion=completion, increment=1)
        fast = equal_shares(costs, budget, utilities, mult, prio, **kwargs)
        unit = equal_shares(costs, budget, utilities, mult, prio, **kwargs, scan="unit")
        assert fast.selected == unit.selected, completion
        assert fast.final_budget == unit.final_budget, completion
        np.testing.assert_allclose(fast.payments, unit.payments)
        assert fast.spent <= budget


@pytest.mark.parametrize("seed", range(40))
def test_supporters_built_by_the_caller_give_the_same_count(seed):
    # pb.Profile builds each election's Supporters once, from the positive cells it keeps; the
    # count from them must be the count from the dense matrix (costs 0, empty ballots and
    # multiplicities 0 included). This module runs mes's own count (conftest), which reads them
    costs, budget, utilities, mult, prio, approval = random_instance(seed, zero_multiplicities=True)
    rows, cols = np.nonzero(utilities > 0)
    entries = (rows, cols, utilities[rows, cols])
    supporters = Supporters(costs, utilities, mult, approval, entries)
    for completion in ("none", "add1"):
        kwargs = dict(cost_utility=approval, completion=completion, increment=1)
        dense = equal_shares(costs, budget, utilities, mult, prio, **kwargs)
        for _ in range(2):  # shared by two counts
            given = equal_shares(
                costs, budget, utilities, mult, prio, **kwargs, supporters=supporters
            )
            assert given.selected == dense.selected, completion
            assert given.final_budget == dense.final_budget, completion
            assert given.reasons == dense.reasons, completion
            np.testing.assert_array_equal(given.payments, dense.payments)


def test_the_count_reads_the_supporters_it_is_given():
    # supporters built without project 0's cells: the count sees nobody supporting it
    costs = np.array([10, 20, 30], dtype=np.int64)
    utilities = np.array([[1, 1, 0], [1, 0, 1], [1, 1, 1]], dtype=np.int64)
    mult, prio = np.ones(3, dtype=np.int64), np.arange(3, dtype=np.int64)
    rows, cols = np.nonzero(utilities > 0)
    kept = cols != 0
    entries = (rows[kept], cols[kept], utilities[rows[kept], cols[kept]])
    supporters = Supporters(costs, utilities, mult, True, entries)
    kwargs = dict(cost_utility=True, completion="none", increment=1)
    assert 0 in equal_shares(costs, 60, utilities, mult, prio, **kwargs).selected
    given = equal_shares(costs, 60, utilities, mult, prio, **kwargs, supporters=supporters)
    assert 0 not in given.selected
    assert given.reasons[0] == ("no-supporters", ())


def test_supporters_of_another_election_are_refused_and_cannot_be_changed():
    costs = np.array([10, 20], dtype=np.int64)
    utilities = np.array([[1, 1], [1, 0]], dtype=np.int64)
    mult, prio = np.ones(2, dtype=np.int64), np.arange(2, dtype=np.int64)
    supporters = Supporters(costs, utilities, mult, True)
    kwargs = dict(completion="none", increment=1, supporters=supporters)
    with pytest.raises(ValueError, match="not those of this election"):
        equal_shares(costs * 2, 40, utilities, mult, prio, cost_utility=True, **kwargs)
    with pytest.raises(ValueError, match="not those of this election"):
        equal_shares(costs, 40, utilities, mult, prio, cost_utility=False, **kwargs)
    with pytest.raises(ValueError, match="read-only"):
        supporters.sup[0][0] = 1
    with pytest.raises(ValueError, match="read-only"):
        supporters.lb0[0] = 0.0


@pytest.mark.parametrize("approval", [True, False])
def test_reasons_name_what_the_supporters_paid_for_over_more_than_64_rounds(approval):
    # the paid rounds are kept as bits of 64-bit words: 90 funded projects need two words
    rng = np.random.default_rng(5)
    n_projects, n_ballots = 120, 400
    costs = rng.integers(1, 6, size=n_projects) * 10
    utilities = (rng.random((n_ballots, n_projects)) < 0.05) * rng.integers(1, 4, (n_ballots, 1))
    mult = rng.integers(1, 3, size=n_ballots)
    prio = np.arange(n_projects)
    result = equal_shares(
        costs,
        int(costs.sum()) * 3 // 4,
        utilities,
        mult,
        prio,
        cost_utility=approval,
        completion="none",
        increment=1,
    )
    assert len(result.selected) > 64
    unaffordable = [j for j, (kind, _) in result.reasons.items() if kind == "unaffordable"]
    assert unaffordable
    for j in unaffordable:
        payers = utilities[:, j] > 0
        expected = tuple(k for k in result.selected if (result.payments[payers, k] > 0).any())
        assert result.reasons[j] == ("unaffordable", expected), j


@pytest.mark.parametrize("seed", range(60))
def test_completion_of_disjoint_supporters_equals_unit_by_unit_scan(seed, monkeypatch):
    # no ballot supports two projects (choose-1 ballots): the scan is played in closed form
    from pnyx.methods import mes as mes_module

    played = []
    closed_form = mes_module._complete_disjoint
    monkeypatch.setattr(
        mes_module, "_complete_disjoint", lambda *a: played.append(1) or closed_form(*a)
    )
    rng = np.random.default_rng(seed)
    n_projects = int(rng.integers(1, 7))
    n_ballots = int(rng.integers(1, 9))
    approval = bool(rng.integers(0, 2))
    costs = rng.integers(0 if seed % 4 == 0 else 1, 60, size=n_projects) * 10
    utilities = np.zeros((n_ballots, n_projects), dtype=np.int64)
    choice = rng.integers(-1, n_projects, size=n_ballots)  # -1: an empty ballot
    for i, j in enumerate(choice.tolist()):
        if j >= 0:
            utilities[i, j] = 1 if approval else int(rng.integers(1, 4))
    mult = rng.integers(1, 40, size=n_ballots)
    prio = rng.permutation(n_projects)
    budget = int(rng.integers(1, int(costs.sum()) + 20))
    for completion in ("add1", "add1-no-stop", "add1-greedy"):
        kwargs = dict(cost_utility=approval, completion=completion, increment=1)
        fast = equal_shares(costs, budget, utilities, mult, prio, **kwargs)
        unit = equal_shares(costs, budget, utilities, mult, prio, **kwargs, scan="unit")
        assert fast.selected == unit.selected, completion
        assert fast.final_budget == unit.final_budget, completion
        assert fast.reasons == unit.reasons, completion
        np.testing.assert_array_equal(fast.payments, unit.payments)
    assert len(played) == 3


def to_pabutools(costs, budget, utilities, mult, prio, approval):
    """The same election as pabutools objects; names sort in priority order (lexico ties)."""
    from pabutools.election import (
        ApprovalBallot,
        ApprovalProfile,
        CardinalBallot,
        CardinalProfile,
        Instance,
        Project,
    )

    projects = [Project(f"p{int(prio[j]):04d}", int(costs[j])) for j in range(costs.size)]
    instance = Instance(projects, budget_limit=budget)
    if approval:
        profile = ApprovalProfile(instance=instance)
    else:
        profile = CardinalProfile(instance=instance)
    for i in range(utilities.shape[0]):
        liked = np.flatnonzero(utilities[i])
        for _ in range(int(mult[i])):
            if approval:
                profile.append(ApprovalBallot([projects[j] for j in liked]))
            else:
                profile.append(CardinalBallot({projects[j]: int(utilities[i, j]) for j in liked}))
    return instance, profile, projects


def pabutools_mes(instance, profile, projects, approval, increment):
    from pabutools.election import Additive_Cardinal_Sat, Cost_Sat
    from pabutools.rules import method_of_equal_shares

    sat = Cost_Sat if approval else Additive_Cardinal_Sat
    outcome = method_of_equal_shares(
        instance, profile, sat_class=sat, voter_budget_increment=increment
    )
    index = {p.name: j for j, p in enumerate(projects)}
    return sorted(index[p.name] for p in outcome)


@pytest.mark.parametrize("seed", range(100))
def test_mes_equals_pabutools_on_random_elections(seed):
    pytest.importorskip("pabutools")
    costs, budget, utilities, mult, prio, approval = random_instance(seed)
    instance, profile, projects = to_pabutools(costs, budget, utilities, mult, prio, approval)
    for completion, increment in (("none", None), ("add1", 1)):
        ours = equal_shares(
            costs,
            budget,
            utilities,
            mult,
            prio,
            cost_utility=approval,
            completion=completion,
            increment=1,
        )
        assert sorted(ours.selected) == pabutools_mes(
            instance, profile, projects, approval, increment
        ), completion


def test_larger_random_elections_with_many_ties_match_pabutools():
    pytest.importorskip("pabutools")
    rng = np.random.default_rng(7)
    for _ in range(6):
        n_projects, n_ballots = 12, 60
        costs = rng.choice([1000, 2000, 2500, 5000], size=n_projects).astype(np.int64)
        utilities = (rng.random((n_ballots, n_projects)) < 0.25).astype(np.int64)
        mult = rng.integers(1, 3, size=n_ballots).astype(np.int64)
        prio = rng.permutation(n_projects).astype(np.int64)
        budget = int(costs.sum() * 0.4)
        instance, profile, projects = to_pabutools(costs, budget, utilities, mult, prio, True)
        for completion, increment in (("none", None), ("add1", 1)):
            ours = equal_shares(
                costs,
                budget,
                utilities,
                mult,
                prio,
                cost_utility=True,
                completion=completion,
                increment=1,
            )
            assert sorted(ours.selected) == pabutools_mes(
                instance, profile, projects, True, increment
            )


# --- real MES elections: the city's own outcome ---------------------------------------------------


CITY_RUNS = [
    ("Netherlands_Assen_2024.pb", "add1"),
    ("Poland_Swiecie_2023.pb", "add1"),
    ("Poland_Wieliczka_2023_Green_Budget.pb", "add1-no-stop"),
]


@pytest.mark.parametrize(("name", "completion"), CITY_RUNS)
def test_city_outcome_is_reproduced(reference_data: Path, name: str, completion: str):
    from pnyx.methods.pabulib import read_pb
    from pnyx.methods.pb import profile_from_election, tie_priority

    election = read_pb(reference_data / "pb" / name)
    profile = profile_from_election(election)
    result = equal_shares(
        profile.costs,
        profile.budget,
        profile.utilities,
        profile.multiplicity,
        tie_priority(profile, "id"),
        cost_utility=True,
        completion=completion,
        increment=profile.scale,
    )
    official = {p.id for p in election.projects if p.extra.get("selected", "").strip() == "1"}
    assert {profile.project_ids[j] for j in result.selected} == official
    assert result.spent <= profile.budget
    assert result.final_budget >= Fraction(profile.budget, profile.n_voters)


def test_payments_cover_each_funded_project_exactly():
    costs, budget, utilities, mult, prio, approval = random_instance(5)
    for completion in COMPLETIONS:
        result = equal_shares(
            costs,
            budget,
            utilities,
            mult,
            prio,
            cost_utility=approval,
            completion=completion,
            increment=1,
        )
        paid = (result.payments * mult[:, None]).sum(axis=0)
        mes_funded = [j for j in result.selected if paid[j] > 0]
        for j in mes_funded:
            assert paid[j] == pytest.approx(costs[j])


def test_greedy_completion_marks_what_did_not_fit():
    # add1 funds A (cost 6) for voter 0 ... B and C each too dear for their single supporter
    # within budget 10; greedy then adds the best that fits and marks the other
    result = mes([6, 3, 5], 10, [[1, 0, 0], [0, 1, 0], [0, 0, 1]], completion="add1-greedy")
    assert result.spent <= 10
    for kind, _ in result.reasons.values():
        assert kind in ("did-not-fit", "unaffordable", "no-supporters")
    assert all(result.reasons[j][0] == "did-not-fit" for j in range(3) if j not in result.selected)


def test_progress_is_reported_from_zero_to_one():
    seen: list[float] = []
    equal_shares(
        np.array([10, 20]),
        25,
        np.array([[1, 0], [1, 1], [0, 1]]),
        np.ones(3, np.int64),
        np.arange(2),
        cost_utility=True,
        completion="add1",
        increment=1,
        progress=seen.append,
    )
    assert seen[0] == 0.0 and seen[-1] == 1.0
    assert all(0.0 <= x <= 1.0 for x in seen)


def test_read_only_arrays_are_checked_once_and_others_still_refused():
    # a pb.Profile's arrays are read-only: a count trusts what an earlier count checked on the
    # very same arrays, but other arrays (read-only or not) are still checked
    election = pb.random_election(41, n_projects=6, n_voters=30, vote_type="approval")
    profile = pb.profile_from_election(election)
    with pytest.raises(ValueError, match="read-only"):
        profile.costs[0] = 1
    supporters = profile.mes_supporters(True)
    prio = pb.tie_priority(profile, "id")
    kwargs = dict(cost_utility=True, completion="none", increment=1, supporters=supporters)
    first = equal_shares(
        profile.costs, profile.budget, profile.utilities, profile.multiplicity, prio, **kwargs
    )
    again = equal_shares(
        profile.costs, profile.budget, profile.utilities, profile.multiplicity, prio, **kwargs
    )
    assert first.selected == again.selected
    doubled = profile.costs * 2
    doubled.setflags(write=False)
    with pytest.raises(ValueError, match="not those of this election"):
        equal_shares(
            doubled, profile.budget, profile.utilities, profile.multiplicity, prio, **kwargs
        )
    negative = profile.multiplicity.copy()
    negative[0] = -1
    with pytest.raises(ValueError, match="non-negative"):
        equal_shares(profile.costs, profile.budget, profile.utilities, negative, prio, **kwargs)
    with pytest.raises(ValueError, match="unknown completion"):
        equal_shares(
            profile.costs,
            profile.budget,
            profile.utilities,
            profile.multiplicity,
            prio,
            **{**kwargs, "completion": "add2"},
        )
    # a read-only view of arrays someone else may write is checked at every count
    base = profile.multiplicity.copy()
    view = base[:]
    view.setflags(write=False)
    own = Supporters(profile.costs, profile.utilities, view, True)
    kwargs = {**kwargs, "supporters": own}
    equal_shares(profile.costs, profile.budget, profile.utilities, view, prio, **kwargs)
    base[0] = -1
    with pytest.raises(ValueError, match="non-negative"):
        equal_shares(profile.costs, profile.budget, profile.utilities, view, prio, **kwargs)


@pytest.mark.parametrize("seed", range(6))
def test_counts_of_an_election_share_the_overlap_of_its_supporters(seed):
    """A count given the election's supporters keeps the rows of the overlap of the projects'
    supporters it needed there (read-only) for the next counts, which then decide which
    projects are clean from them; counts without shared supporters mark the ballots paying
    for the first time instead. Same decisions and payments either way, bit for bit."""
    # mes's own run: this module's counts are not handed to mes_small (conftest.py)
    election = pb.random_election(
        500 + seed, n_projects=12, n_voters=150, vote_type="approval", budget_share=0.6
    )
    profile = pb.profile_from_election(election)
    supporters = profile.mes_supporters(True)
    prio = pb.tie_priority(profile, "id")
    arrays = (profile.costs, profile.budget, profile.utilities, profile.multiplicity, prio)
    kwargs = dict(cost_utility=True, completion="none", increment=1)
    alone = equal_shares(*arrays, **kwargs)  # no shared supporters: the first payers
    assert supporters.overlap_rows == {}
    first = equal_shares(*arrays, **kwargs, supporters=supporters)
    rows = dict(supporters.overlap_rows)
    assert set(rows) >= set(first.selected)  # every winner's row, at least
    support = np.asarray(profile.utilities) > 0
    for j, row in rows.items():
        assert not row.flags.writeable
        np.testing.assert_array_equal(row, support[support[:, j]].any(axis=0))
    again = equal_shares(*arrays, **kwargs, supporters=supporters)
    assert supporters.overlap_rows.keys() == rows.keys()  # nothing new to compute
    for result in (first, again):
        assert result.selected == alone.selected
        assert result.reasons == alone.reasons
        np.testing.assert_array_equal(result.payments, alone.payments)


def test_projects_by_cost_per_supporter_sort_exactly_where_floats_tie() -> None:
    """The order in which MES can first afford projects (``c / M``) is exact: ratios one unit
    apart at 10**18 round to the same float and are still told apart; equal ratios keep their
    order."""
    rng = np.random.default_rng(7)
    for _ in range(500):
        n = int(rng.integers(0, 25))
        num = [int(x) for x in rng.choice([3, 10**17, 10**17 + 1, 10**18 - 1, 2 * 10**17 + 2], n)]
        den = [int(x) for x in rng.choice([1, 3, 10**15, 10**15 + 1, 2], n)]
        items = [int(j) for j in rng.permutation(n)]
        exact = sorted(items, key=lambda j: Fraction(num[j], den[j]))
        assert _by_ratio(items, num, den) == exact
