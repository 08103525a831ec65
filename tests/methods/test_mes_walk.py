"""The plain-Python walk of a completion (``mes_small._tiny_walk``): runs at budgets far apart,
accepted by monotone certificates shown inside the run, against ``mes``'s unit-by-unit scan."""

from __future__ import annotations

import numpy as np
import pytest

from pnyx.methods import mes, mes_small, pb
from pnyx.methods.mes import COMPLETIONS, MesResult, equal_shares

from .test_mes_small import _args, assert_same, random_case


def _walk(
    costs: np.ndarray,
    budget: int,
    utilities: np.ndarray,
    mult: np.ndarray,
    prio: np.ndarray,
    *,
    cost_utility: bool,
    completion: str,
    increment: int,
) -> MesResult | None:
    el = mes_small._tiny_election(costs, budget, utilities, mult, prio, cost_utility, None)
    assert el is not None
    return mes_small._tiny_walk(el, completion, increment, None)


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What each run of the walk was: "unit" (at k + 1), "jump" (a certified run further
    on), "diverged" or "unshown" (a failed certificate)."""
    seen: list[str] = []
    original = mes_small._tiny_run

    def recording(el, b, base=None):  # type: ignore[no-untyped-def]
        out = original(el, b, base)
        if base is None:
            seen.append("unit")
        elif out is mes_small._DIVERGED:
            seen.append("diverged")
        elif out is mes_small._UNSHOWN:
            seen.append("unshown")
        elif out is not None:
            seen.append("jump")
        return out

    monkeypatch.setattr(mes_small, "_tiny_run", recording)
    return seen


@pytest.mark.parametrize("seed", range(120))
def test_the_walk_equals_the_unit_scan(seed: int, runs: list[str]) -> None:
    profile, ties, approval = random_case(seed)
    args = (
        np.asarray(profile.costs, dtype=np.int64),
        profile.budget,
        np.asarray(profile.utilities, dtype=np.int64),
        np.asarray(profile.multiplicity, dtype=np.int64),
        np.asarray(pb.tie_priority(profile, ties), dtype=np.int64),
    )
    if int(args[3].sum()) == 0:
        pytest.skip("nobody voted")
    for completion in COMPLETIONS[1:]:
        kwargs = dict(cost_utility=approval, completion=completion, increment=profile.scale)
        ours = _walk(*args, **kwargs)  # type: ignore[arg-type]
        ref = equal_shares(*args, **kwargs, scan="unit")  # type: ignore[arg-type]
        if ours is not None:  # None: a decision too close for floats (mes decides it)
            assert_same(ours, ref, (seed, completion))


def test_the_walk_jumps_on_random_elections(runs: list[str]) -> None:
    """Not vacuous: over many random elections the walk accepts certified jumps and sees
    certificates fail both ways."""
    for seed in range(60):
        profile, ties, approval = random_case(seed)
        if sum(profile.multiplicity) == 0:
            continue
        _walk(
            np.asarray(profile.costs, dtype=np.int64),
            profile.budget,
            np.asarray(profile.utilities, dtype=np.int64),
            np.asarray(profile.multiplicity, dtype=np.int64),
            np.asarray(pb.tie_priority(profile, ties), dtype=np.int64),
            cost_utility=approval,
            completion="add1",
            increment=profile.scale,
        )
    assert {"unit", "jump", "diverged", "unshown"} <= set(runs)


# A and B cost the same and have five supporters each, none shared; C, dearer, has three of
# A's supporters, who can only pay for it once the per-voter budget reaches about 220
TIE_COSTS = [100, 100, 601]
TIE_BALLOTS = [[1, 0, 1]] * 3 + [[1, 0, 0]] * 2 + [[0, 1, 0]] * 5


@pytest.mark.parametrize("prio", [[0, 1, 2], [1, 0, 2]])
def test_exact_ties_are_jumped_over_by_priority(prio: list[int], runs: list[str]) -> None:
    """While every supporter can pay, the price factors of A and B are equal (1 / 5) at every
    budget, so no float bound separates them: each certificate compares them exactly, with
    the priority."""
    costs, u, m, p = _args(TIE_COSTS, TIE_BALLOTS, prio=prio)
    kwargs = dict(cost_utility=True, completion="add1", increment=1)
    ref = equal_shares(costs, 1_000, u, m, p, scan="unit", **kwargs)  # type: ignore[arg-type]
    ours = _walk(costs, 1_000, u, m, p, **kwargs)  # type: ignore[arg-type]
    assert ours is not None
    assert_same(ours, ref)
    first = 0 if prio[0] < prio[1] else 1
    assert ours.selected == (first, 1 - first, 2)  # the tie went by priority
    assert ours.final_budget == 221  # the scan moved from 100 ...
    assert runs.count("jump") >= 3  # ... by jumps over budgets where A and B tie
    assert len(runs) < 40


def test_the_dispatch_walks_small_elections_and_not_merged_ones(runs: list[str]) -> None:
    costs, u, m, p = _args(TIE_COSTS, TIE_BALLOTS)
    kwargs = dict(cost_utility=True, completion="add1", increment=1)
    walked = mes_small.dispatch(costs, 1_000, u, m, p, **kwargs)  # type: ignore[arg-type]
    assert walked is not None and walked.selected == (0, 1, 2) and runs
    runs.clear()
    # the same election with 100 voters for each: 300 to 500 voters a distinct ballot, where
    # mes's own certificates are the faster path
    costs, u, m, p = _args(
        [c * 100 for c in TIE_COSTS], [[1, 0, 1], [1, 0, 0], [0, 1, 0]], [300, 200, 500]
    )
    merged = mes.equal_shares(costs, 100_000, u, m, p, **kwargs)  # type: ignore[arg-type]
    assert merged.selected == (0, 1, 2) and not runs
    # the same two choices where the voters per ballot are read from the supporters given
    supporters = mes.Supporters(costs, u, m, True)
    merged = mes.equal_shares(costs, 100_000, u, m, p, supporters=supporters, **kwargs)  # type: ignore[arg-type]
    assert merged.selected == (0, 1, 2) and not runs
    costs, u, m, p = _args(TIE_COSTS, TIE_BALLOTS)
    supporters = mes.Supporters(costs, u, m, True)
    walked = mes.equal_shares(costs, 1_000, u, m, p, supporters=supporters, **kwargs)  # type: ignore[arg-type]
    assert walked.selected == (0, 1, 2) and runs
