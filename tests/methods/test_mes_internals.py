"""Internal helpers of the MES module checked against plain computations: supporters and overlap,
the exact sums of budgets (every code path), and elections with utilities too large for exact
float sums."""

from __future__ import annotations

import collections
from fractions import Fraction

import numpy as np
import pytest

from pnyx.methods import mes


@pytest.mark.parametrize(
    ("n", "p", "density"),
    [(0, 3, 0.5), (1, 1, 1.0), (7, 5, 0.3), (64, 4, 0.2), (65, 9, 0.1), (300, 12, 0.05)],
)
@pytest.mark.parametrize("cost_utility", [False, True])
def test_supporters_and_overlap_equal_the_dense_computation(n, p, density, cost_utility):
    rng = np.random.default_rng(n * 31 + p)
    points = rng.integers(1, 5, size=(n, p)) * (rng.random((n, p)) < density)
    costs = rng.integers(0, 3, size=p) * 10  # some projects cost 0: no utility under cost utility
    pr = mes._Problem(costs, 100, points, np.ones(n, dtype=np.int64), np.arange(p), cost_utility)
    util = np.where(points > 0, costs[None, :] if cost_utility else points, 0)
    np.testing.assert_array_equal(pr.util, util)
    support = util > 0
    expected = (support.T.astype(np.int64) @ support.astype(np.int64)) > 0
    for j in range(p):
        np.testing.assert_array_equal(pr.overlap(j), expected[j])
        np.testing.assert_array_equal(pr.sup[j], np.flatnonzero(support[:, j]))
        np.testing.assert_array_equal(pr.sup_u[j], util[support[:, j], j])


def _problem(seed: int, cost_utility: bool, scale: int = 1) -> mes._Problem:
    rng = np.random.default_rng(seed)
    n_ballots, n_projects = int(rng.integers(5, 40)), int(rng.integers(2, 9))
    costs = rng.integers(1, 50, size=n_projects) * scale
    utilities = rng.integers(0, 4, size=(n_ballots, n_projects))
    utilities *= rng.random((n_ballots, n_projects)) < 0.5
    mult = rng.integers(1, 4, size=n_ballots)
    budget = int(costs.sum()) * 2 // 3 + 1
    return mes._Problem(costs, budget, utilities, mult, rng.permutation(n_projects), cost_utility)


@pytest.mark.parametrize("seed", range(30))
def test_exact_sums_agree_on_every_path(seed):
    pr = _problem(seed, cost_utility=bool(seed % 2))
    state = mes._run(pr, Fraction(pr.budget, pr.n_voters) + seed % 3)
    rng = np.random.default_rng(seed)
    for j in range(pr.n_projects):
        if pr.sup[j].size == 0:
            continue
        # several subsets in a row: the aggregates are updated from the previous subset
        for _ in range(4):
            mask = rng.random(pr.sup[j].size) < rng.choice([0.1, 0.7, 0.95])
            rows = pr.sup[j][mask]
            betas = state._exact_budgets(rows)
            expected = sum(
                (int(pr.mult[r]) * beta for r, beta in zip(rows.tolist(), betas, strict=True)),
                Fraction(0),
            )
            assert state._exact_sum(j, mask) == expected
            pr.float_exact = False  # the int64 paths
            assert state._exact_sum(j, mask) == expected
            pr.float_exact = True


@pytest.mark.parametrize("seed", range(6))
def test_utilities_beyond_exact_float_sums_match_the_unit_scan(seed):
    rng = np.random.default_rng(seed)
    n_ballots, n_projects = 6, 4
    costs = rng.integers(1, 30, size=n_projects).astype(np.int64) * 10**15
    utilities = (rng.random((n_ballots, n_projects)) < 0.6).astype(np.int64)
    mult = rng.integers(1, 4, size=n_ballots).astype(np.int64)
    prio = rng.permutation(n_projects).astype(np.int64)
    budget = int(costs.sum()) // 2
    kwargs = dict(cost_utility=True, completion="add1", increment=10**14)
    fast = mes.equal_shares(costs, budget, utilities, mult, prio, **kwargs)
    unit = mes.equal_shares(costs, budget, utilities, mult, prio, **kwargs, scan="unit")
    assert fast.selected == unit.selected
    assert fast.final_budget == unit.final_budget


@pytest.mark.parametrize("seed", range(10))
def test_money_of_every_project_is_the_same_by_both_paths(seed, monkeypatch):
    pr = _problem(seed, cost_utility=bool(seed % 2))
    state = mes._run(pr, Fraction(pr.budget, pr.n_voters))
    expected = np.array([float(pr.sup_mf[j] @ state.beta[pr.sup[j]]) for j in range(pr.n_projects)])
    small = state.money()
    monkeypatch.setattr(mes, "_SPARSE_MIN", 0)
    state._money = None
    large = state.money()
    np.testing.assert_allclose(small, expected, rtol=1e-12)
    np.testing.assert_allclose(large, expected, rtol=1e-12)


@pytest.mark.parametrize("seed", range(12))
def test_state_at_a_round_is_the_run_replayed_up_to_it(seed):
    pr = _problem(seed, cost_utility=bool(seed % 2))
    state = mes._run(pr, Fraction(pr.budget, pr.n_voters) + seed % 3)
    for t in range(len(state.rounds) + 1):
        replay = mes._State(pr, state.b)
        for j, rho in state.rounds[:t]:
            replay.fund(j, rho, state.pays_all[len(replay.rounds)])
        if t == len(state.rounds):
            np.testing.assert_array_equal(replay.beta, state.beta)
            continue
        copy = state.at_round(t)
        np.testing.assert_array_equal(copy.beta, replay.beta)
        np.testing.assert_array_equal(copy.exhausted, replay.exhausted)
        np.testing.assert_array_equal(copy.clean, replay.clean)
        assert copy.rounds == replay.rounds
        assert copy._exact_budgets(np.arange(pr.n_ballots)) == replay._exact_budgets(
            np.arange(pr.n_ballots)
        )


@pytest.mark.parametrize(("seed", "n_projects"), [(0, 12), (1, 90), (2, 160)])
def test_reasons_name_every_funded_project_a_supporter_paid_for(seed, n_projects):
    # up to 160 projects: more than 64 rounds, so the paid rounds span several 64-bit words
    rng = np.random.default_rng(seed)
    n_ballots = 120
    costs = rng.integers(1, 20, size=n_projects)
    utilities = (rng.random((n_ballots, n_projects)) < 0.08).astype(np.int64)
    mult = rng.integers(1, 3, size=n_ballots)
    budget = int(costs.sum()) * 3 // 4
    pr = mes._Problem(costs, budget, utilities, mult, np.arange(n_projects), True)
    state = mes._run(pr, Fraction(pr.budget, pr.n_voters))
    funded = [j for j, _ in state.rounds]
    rest = [j for j in range(n_projects) if j not in funded]
    got = state.spent_by_supporters(rest)
    for j in rest:
        supporters = set(pr.sup[j].tolist())
        expected = tuple(
            k for k, rows, pay in state.payments if supporters & set(rows[pay > 0].tolist())
        )
        assert got[j] == expected
    assert n_projects < 64 or len(funded) >= 64


@pytest.mark.parametrize("seed", range(20))
def test_clean_flags_are_the_same_for_one_run_and_for_many(seed):
    # one run derives them from the ballots paying for the first time, a completion from
    # cached overlap rows: same flags after every round, so the same rounds
    pr = _problem(seed, cost_utility=True)
    b = Fraction(pr.budget, pr.n_voters) + seed % 4
    one = mes._run(pr, b)
    pr.many_runs = True
    many = mes._run(pr, b)
    assert one.touched is not None and many.touched is None
    assert one.rounds == many.rounds
    np.testing.assert_array_equal(one.clean, many.clean)
    for t in range(len(one.rounds)):
        np.testing.assert_array_equal(one.at_round(t).clean, many.at_round(t).clean)


@pytest.mark.parametrize("seed", range(30))
def test_a_split_settled_from_a_guess_is_the_split_found_afresh(seed):
    """``_settle`` started from any guess (empty, everybody, the answer, a few voters off, at
    random) gives the poor set that ``_solve`` finds from nothing, or gives up (None)."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 300))
    beta = rng.uniform(0, 10, size=n) * (rng.random(n) < 0.9)
    uf = rng.integers(1, 6, size=n).astype(np.float64)
    m = rng.integers(1, 4, size=n).astype(np.float64)
    mb, muf = m * beta, m * uf
    target = float(mb.sum()) * rng.uniform(0.2, 0.95)
    solved = mes._solve(beta, uf, mb, muf, target, None, float(muf.sum()))
    assert solved is not None
    answer = solved[1]
    # the sums it returns are those of its poor set, and a solve started from that set with
    # them (as evaluate's upper bound is) settles at once on the same split
    poor_mass, rich = solved[2], solved[3]
    assert poor_mass == pytest.approx(float(mb @ answer), rel=1e-12, abs=1e-9)
    assert rich == pytest.approx(float(muf.sum() - muf @ answer), rel=1e-12, abs=1e-9)
    assert poor_mass + solved[0] * rich == pytest.approx(target, rel=1e-9)
    again = mes._solve(
        beta, uf, mb, muf, target, answer.copy(), float(muf.sum()), (poor_mass, rich)
    )
    assert again is not None
    np.testing.assert_array_equal(again[1], answer)
    assert again[0] == solved[0]
    near = answer.copy()
    near[rng.choice(n, size=min(n, 3), replace=False)] ^= True
    guesses = [
        np.zeros(n, dtype=np.bool_),
        np.ones(n, dtype=np.bool_),
        answer,
        near,
        rng.random(n) < 0.5,
    ]
    settled_any = False
    for guess in guesses:
        settled = mes._settle(beta, uf, mb, muf, target, np.flatnonzero(guess), float(muf.sum()))
        if settled is not None:
            settled_any = True
            np.testing.assert_array_equal(settled, answer)
    assert settled_any  # at least the answer itself settles at once


def test_screens_agree_with_exact_budgets():
    # what a screen claims at x, checked in exact arithmetic in every round of runs of 40
    # random elections: unaffordable (kind 0) means the supporters hold less than the cost;
    # rho_j > x (kind 1) that f_j(x) < c_j, with ``lo`` below the price factor; the bound is
    # above f_j(x)
    kinds: collections.Counter[object] = collections.Counter()
    for seed in range(40):
        pr = _problem(seed, cost_utility=bool(seed % 2))
        run = mes._run(pr, Fraction(pr.budget, pr.n_voters) + seed % 3)
        rng = np.random.default_rng(seed)
        for t in range(len(run.rounds) + 1):
            state = run.at_round(t) if t < len(run.rounds) else run
            funded = {j for j, _ in state.rounds}
            for j in range(pr.n_projects):
                if j in funded or pr.sup[j].size == 0 or pr.costs[j] == 0:
                    continue
                betas = state._exact_budgets(pr.sup[j])
                weights = pr.mult.take(pr.sup[j]).tolist()
                utils = [pr.costs[j]] * len(betas) if pr.cost_utility else pr.sup_u[j].tolist()
                money = sum(m * b for m, b in zip(weights, betas, strict=True))
                for x in rng.uniform(0, 2.5, size=3) / max(1, min(utils)):
                    kind, lo, bound = state.screen(j, float(x))
                    xf = Fraction(float(x))
                    fx = sum(
                        m * min(b, xf * u) for m, b, u in zip(weights, betas, utils, strict=True)
                    )
                    rich = any(b > xf * u for b, u in zip(betas, utils, strict=True))
                    kinds[(kind, rich)] += 1
                    if kind == 0:
                        assert money < pr.costs[j]
                        assert Fraction(bound) >= money
                    elif kind == 1:
                        assert fx < pr.costs[j]
                        assert Fraction(bound) >= fx
                        if money >= pr.costs[j]:
                            assert Fraction(lo) <= mes._State._exact_rho_slow(state, j)
    # every verdict was given, unaffordable ones among them while some supporter could pay x u
    assert kinds[(0, True)] and kinds[(0, False)] and kinds[(1, True)]
    assert kinds[(2, True)] + kinds[(2, False)]
