"""The certificates of the fast MES completion checked directly: whenever the sandwich
certificate accepts a pair (competitor, winner) of a round between two per-voter budgets, the
competitor's exact price factor exceeds the winner's (or it is unaffordable) at every budget in
between; and the fast completion equals the unit-by-unit scan on medium-sized elections where
these certificates are used; and the jumps over a change of the funding order (``_swapped``)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from pnyx.methods import mes, pb


def _problem(seed: int) -> tuple[mes._Problem, int]:
    rng = np.random.default_rng(seed)
    n_ballots, n_projects = int(rng.integers(20, 90)), int(rng.integers(4, 12))
    approval = bool(seed % 2)
    costs = rng.integers(20, 400, size=n_projects) * int(rng.choice([1, 3, 10]))
    if approval:
        utilities = (rng.random((n_ballots, n_projects)) < rng.uniform(0.2, 0.6)).astype(np.int64)
    else:
        utilities = rng.integers(0, 6, size=(n_ballots, n_projects))
        utilities = utilities * (rng.random((n_ballots, n_projects)) < 0.5)
    mult = rng.integers(1, 4, size=n_ballots)
    budget = int(costs.sum()) * int(rng.integers(30, 70)) // 100 + 1
    pr = mes._Problem(costs, budget, utilities, mult, rng.permutation(n_projects), approval)
    return pr, int(rng.integers(1, 4))


def _forced(pr: mes._Problem, b: Fraction, seq: list[int]) -> mes._State:
    state = mes._forced(pr, b, seq)
    assert state is not None  # the monotonicity lemma: affordable at a larger budget
    return state


def _exact_rho(state: mes._State, j: int) -> Fraction | None:
    """The exact price factor of ``j`` in this state, in Fractions only; None if unaffordable."""
    if not state.exact_affordable(j):
        return None
    return state._exact_rho_slow(j)


def _base_run(seed: int) -> tuple[mes._Problem, int, mes._State, list[int]]:
    """A random election, its MES run at a budget a few units up, and that run's sequence
    (skips the test when nothing is funded)."""
    pr, unit = _problem(seed)
    start = Fraction(pr.budget, pr.n_voters)
    base = mes._run(pr, start + unit * (seed % 5))
    seq = [j for j, _ in base.rounds]
    if not seq:
        pytest.skip("nothing funded")
    return pr, unit, base, seq


@pytest.mark.parametrize("seed", range(24))
def test_a_forced_run_played_on_from_a_run_sharing_its_first_rounds_is_the_same(seed):
    """``_forced(..., start)`` starts from the end of the prefix it shares with ``start`` (the
    swap's second certificate moves one project up): same rounds, prices, payers, budgets and
    per-round records as the forced run played from the first round."""
    pr, _, base, seq = _base_run(seed)
    rng = np.random.default_rng(seed)
    t = int(rng.integers(0, len(seq)))
    moved = [p for p in base.pr.candidates if p not in seq[:t]]
    other = seq[:t] + [moved[int(rng.integers(0, len(moved)))]]
    other += [p for p in seq[t:] if p not in other]
    scratch = mes._forced(pr, base.b, other)
    played_on = mes._forced(pr, base.b, other, base)
    if scratch is None:
        assert played_on is None
        return
    assert played_on is not None
    assert played_on.rounds == scratch.rounds
    np.testing.assert_array_equal(played_on.beta, scratch.beta)
    np.testing.assert_array_equal(played_on.exhausted, scratch.exhausted)
    assert played_on.rho_fs == scratch.rho_fs
    assert len(played_on.snapshots) == len(played_on.pays_all) == len(scratch.rounds)
    for mine, theirs in zip(played_on.pays_all, scratch.pays_all, strict=True):
        np.testing.assert_array_equal(mine, theirs)
    for r in range(len(scratch.rounds)):
        np.testing.assert_array_equal(played_on.at_round(r).beta, scratch.at_round(r).beta)
    assert played_on.remaining == scratch.remaining
    # the exact budgets' common representation: the same prices over its denominator
    assert [Fraction(w, played_on.denominator) for w in played_on.rho_scaled] == [
        Fraction(w, scratch.denominator) for w in scratch.rho_scaled
    ]


@pytest.mark.parametrize("seed", range(24))
def test_sandwich_certificate_holds_at_every_budget_in_between(seed):
    pr, unit, base, seq = _base_run(seed)
    accepted = checked = 0
    for width in (1, 3, 8):
        top = base.b + width * unit
        forced_top = _forced(pr, top, seq)
        between = [_forced(pr, base.b + Fraction(k, 2) * unit, seq) for k in range(1, 2 * width)]
        between.append(forced_top)
        for t, (j_t, theta) in enumerate(base.rounds):
            lo, hi = base.at_round(t), forced_top.at_round(t)
            for j in pr.candidates:
                if j in seq[: t + 1]:
                    continue
                checked += 1
                if not mes._sandwich(pr, lo, hi, j, j_t, theta):
                    continue
                accepted += 1
                for other in [base, *between]:
                    state = other.at_round(t)
                    rho_t = _exact_rho(state, j_t)
                    rho_j = _exact_rho(state, j)
                    assert rho_t is not None
                    assert rho_j is None or rho_j > rho_t, (t, j, j_t, other.b)
    assert checked == 0 or accepted > 0  # the certificate is exercised, not vacuous


def test_sandwich_rejects_a_competitor_that_wins_and_accepts_one_that_loses():
    # two projects with the same supporters and utility 1: price factors 6 and 5 at any budget
    # from 6 on, so project 1 always beats project 0
    costs = np.array([60, 50], dtype=np.int64)
    utilities = np.ones((10, 2), dtype=np.int64)
    pr = mes._Problem(costs, 110, utilities, np.ones(10, dtype=np.int64), np.arange(2), False)
    lo, hi = mes._State(pr, Fraction(11)), mes._State(pr, Fraction(14))
    assert not mes._sandwich(pr, lo, hi, 1, 0, Fraction(6))
    assert mes._sandwich(pr, lo, hi, 0, 1, Fraction(5))


@pytest.mark.parametrize("seed", range(40))
def test_fast_completion_equals_the_unit_scan_on_medium_elections(seed):
    pr, unit = _problem(1000 + seed)
    costs = np.asarray(pr.costs, dtype=np.int64)
    utilities = pr.util if not pr.cost_utility else (pr.util > 0).astype(np.int64)
    prio = np.asarray(pr.prio, dtype=np.int64)
    for completion in ("add1", "add1-no-stop"):
        kwargs = dict(cost_utility=pr.cost_utility, completion=completion, increment=unit)
        fast = mes.equal_shares(costs, pr.budget, utilities, pr.mult, prio, **kwargs)
        slow = mes.equal_shares(costs, pr.budget, utilities, pr.mult, prio, **kwargs, scan="unit")
        assert fast.selected == slow.selected, completion
        assert fast.final_budget == slow.final_budget, completion
        np.testing.assert_array_equal(fast.payments, slow.payments)


@pytest.mark.parametrize("seed", range(24))
def test_chained_bounds_hold_at_every_budget_in_between(seed):
    """The chained sandwich's claims checked at budgets inside the interval: each winner's price
    factor lies between its two lines, and an accepted competitor's price factor stays above
    the winner's."""
    pr, unit, base, seq = _base_run(seed)
    accepted = tighter = 0
    for width in (1, 4, 16):
        top = base.b + width * unit
        forced_top = _forced(pr, top, seq)
        inside = [base.b + Fraction(k, 2) * unit for k in range(1, 2 * width)]
        between = [(b, _forced(pr, b, seq)) for b in inside]
        chain = mes._Chain(pr, base, forced_top)
        for t, (j_t, theta) in enumerate(base.rounds):
            rho_y = forced_top.rounds[t][1]
            v = chain.winner_bound(t)
            assert v >= float(rho_y) * (1 - 1e-12)
            lo, hi = base.at_round(t), forced_top.at_round(t)
            for j in pr.candidates:
                if j in seq[: t + 1]:
                    continue
                if not chain.clears(t, lo, hi, j, theta, v):
                    continue
                accepted += 1
                for _, run in between:
                    rho_j = _exact_rho(run.at_round(t), j)
                    assert rho_j is None or rho_j > run.rounds[t][1], (t, j, j_t, run.b)
            for b, run in between:
                s = float((b - base.b) / (top - base.b))
                rho = float(run.rounds[t][1])
                assert rho <= (float(theta) + (v - float(theta)) * s) * (1 + 1e-9), (t, b)
        chain.winner_bound(len(seq) - 1)
        for t, (at_y, at_x) in enumerate(chain.lower):
            tighter += at_x > float(forced_top.rounds[t][1])
            for b, run in between:
                s = float((b - base.b) / (top - base.b))
                rho = float(run.rounds[t][1])
                assert rho >= (at_x + (at_y - at_x) * s) * (1 - 1e-9), (t, b)
    assert accepted > 0 or tighter > 0  # the bounds are exercised, not vacuous


def _exact_f(state: mes._State, j: int, x: Fraction | None) -> Fraction:
    """``f_j(x) = sum m min(beta, x u)`` over ``j``'s supporters, exactly (``x`` None: their
    money)."""
    pr = state.pr
    betas = state._exact_budgets(pr.sup[j])
    total = Fraction(0)
    for beta, u, m in zip(betas, pr.sup_u[j].tolist(), pr.sup_m[j].tolist(), strict=True):
        total += m * (beta if x is None else min(beta, x * u))
    return total


@pytest.mark.parametrize("seed", range(24))
def test_recalled_screens_bound_the_money_at_other_budgets(seed):
    """A screen carried from the forced run at one budget to another of the same sequence
    (``_recalled``) bounds the exact ``f_j(x)`` there, at larger and smaller budgets alike, for
    the competitor's money and for ``f_j`` at the screen's point or below it; nothing follows
    above that point, nor for a project without a fact."""
    pr, unit, base, seq = _base_run(seed)
    budgets = [base.b + k * unit for k in (0, 1, 3, 9, 20)]
    runs = [_forced(pr, b, seq) for b in budgets]
    checked = below_cost = 0
    for t, (_, theta) in enumerate(base.rounds):
        x_then = float(theta) * 1.05
        others = [j for j in pr.candidates if j not in seq[: t + 1]]
        if not others:
            continue
        asked = np.array([*others, seq[t]], dtype=np.intp)  # seq[t]: no fact about it
        for y_run in runs:
            at_y = y_run.at_round(t)
            given_then = mes._given_back(pr, at_y)
            for dropped in (True, False):
                facts = mes._Facts(pr.n_projects)
                for j in others:
                    exact_y = _exact_f(at_y, j, None if dropped else Fraction(x_then))
                    bound = float(np.nextafter(float(exact_y), np.inf))
                    facts.record(j, y_run.bf, bound, x_then, dropped, float(given_then[j]))
                if not dropped:  # a point above the screen's: nothing follows
                    above = mes._recalled(pr, at_y, x_then * 1.1, given_then, asked, facts)
                    assert np.isinf(above).all()
                for z_run in runs:
                    at_z = z_run.at_round(t)
                    given_now = mes._given_back(pr, at_z)
                    for x in (x_then, x_then * 0.9):
                        bounds = mes._recalled(pr, at_z, x, given_now, asked, facts)
                        assert np.isinf(bounds[-1])
                        for j, recalled in zip(others, bounds.tolist(), strict=False):
                            exact_z = _exact_f(at_z, j, None if dropped else Fraction(x))
                            assert exact_z <= recalled, (t, j, dropped, y_run.b, z_run.b)
                            checked += 1
                            below_cost += recalled < pr.costs[j]
    assert checked == 0 or below_cost > 0  # the bound is exercised, not vacuous


def random_arguments(
    seed: int,
    rng: np.random.Generator,
    *,
    n_projects: tuple[int, int],
    n_voters: tuple[int, int],
    max_length: tuple[int, int],
    costs: tuple[int, ...],
) -> tuple[tuple, bool]:
    """A random Pabulib election (approval for an even ``seed``, else cumulative; its sizes
    drawn by ``rng`` from the given ranges) as ``equal_shares``'s positional arguments, and
    whether its utilities are costs."""
    vote_type = ("approval", "cumulative")[seed % 2]
    election = pb.random_election(
        seed,
        n_projects=int(rng.integers(*n_projects)),
        n_voters=int(rng.integers(*n_voters)),
        vote_type=vote_type,
        budget_share=float(rng.uniform(0.15, 0.6)),
        max_length=int(rng.integers(*max_length)),
        costs=costs,
    )
    profile = pb.profile_from_election(election)
    args = (
        profile.costs,
        profile.budget,
        profile.utilities,
        profile.multiplicity,
        pb.tie_priority(profile, "id"),
    )
    return args, vote_type == "approval"


@pytest.mark.parametrize("seed", range(60))
def test_a_swap_certificate_holds_at_every_budget_in_between(seed, monkeypatch):
    """Whenever ``_swapped`` accepts a jump over a change of the funding order, MES at every
    unit of the interval funds one of the two sequences it certified; its certificates
    started from the rounds the failed certificate had shown decide as those played from the
    first round; and the completion that makes such jumps equals the unit-by-unit scan."""
    args, cost_utility = random_arguments(
        40_000 + seed,
        np.random.default_rng(seed + 99),
        n_projects=(8, 30),
        n_voters=(60, 400),
        max_length=(2, 8),
        costs=(1000, 1300, 2000, 2500, 3100, 5000, 7700, 10000),
    )
    jumps: list[tuple[Fraction, Fraction, tuple[int, ...], tuple[int, ...]]] = []
    original = mes._swapped

    def recording(pr, base, b, t, j, chained, partial):
        run = original(pr, base, b, t, j, chained, partial)
        again = original(pr, base, b, t, j, chained, None)
        assert (run is None) == (again is None)
        if run is not None:
            assert again is not None and run.rounds == again.rounds
            first = tuple(p for p, _ in base.rounds)
            jumps.append((base.b, b, first, tuple(p for p, _ in run.rounds)))
        return run

    monkeypatch.setattr(mes, "_swapped", recording)
    kwargs = dict(cost_utility=cost_utility, completion="add1", increment=1)
    fast = mes.equal_shares(*args, **kwargs)
    unit = mes.equal_shares(*args, **kwargs, scan="unit")
    assert fast.selected == unit.selected and fast.final_budget == unit.final_budget
    np.testing.assert_array_equal(fast.payments, unit.payments)
    pr = mes._Problem(*args, kwargs["cost_utility"])
    for low, high, first, second in jumps:
        assert first != second
        for k in range(int(high - low) + 1):
            seq = tuple(j for j, _ in mes._run(pr, low + k).rounds)
            assert seq in (first, second), (low, high, k)
