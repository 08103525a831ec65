"""The plain-Python walk of a completion (``mes_small._tiny_walk``): runs at budgets far apart,
accepted by monotone certificates shown inside the run or afterwards from two runs (the
bisection toward a change), against ``mes``'s unit-by-unit scan."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from pnyx.methods import mes, mes_small, pabulib, pb
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
    """What each run of the walk was: "first" (at the first budget), "jump" (its certificate
    against the last resolved run held), "diverged" (it funds another sequence) or
    "unshown" (the same sequence, the certificate failed); then, for each certificate shown
    afterwards from two runs, "certified afterwards" or "not certified afterwards"."""
    seen: list[str] = []
    original, certified = mes_small._tiny_run, mes_small._tiny_certified

    def recording(el, b, base=None, keep=True):  # type: ignore[no-untyped-def]
        out = original(el, b, base, keep)
        if out is None:
            return out
        if base is None:
            seen.append("first")
        elif out.held:
            seen.append("jump")
        else:
            seen.append("diverged" if out.rounds != base.rounds else "unshown")
        return out

    def recording_certified(el, low, high):  # type: ignore[no-untyped-def]
        out = certified(el, low, high)
        seen.append("certified afterwards" if out else "not certified afterwards")
        return out

    monkeypatch.setattr(mes_small, "_tiny_run", recording)
    monkeypatch.setattr(mes_small, "_tiny_certified", recording_certified)
    return seen


def _n_runs(runs: list[str]) -> int:
    return sum(1 for r in runs if not r.endswith("afterwards"))


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
    """Not vacuous: over many random elections the walk accepts certified jumps, shown in the
    run or afterwards, and sees certificates fail both ways."""
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
    assert {
        "first",
        "jump",
        "diverged",
        "unshown",
        "certified afterwards",
        "not certified afterwards",
    } <= set(runs)


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
    assert _n_runs(runs) < 40


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


def test_the_affine_certificate_spares_runs_near_ties(
    reference_data: Path, runs: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where a competitor's price factor stays close to the winner's, the monotone
    certificate fails over even a few units; the affine one (same supporters paying
    everything at both budgets) accepts the jump. On Assen 2024 (MES+add1, the city's rule)
    the walk needs fewer runs with it and finds the same outcome as without it, which is the
    city's."""
    path = reference_data / "pb" / "Netherlands_Assen_2024.pb"
    if not path.is_file():
        pytest.skip(f"{path} not in the reference data")
    profile = pb.profile_from_election(pabulib.read_pb(path))
    args = _count_args(profile)
    kwargs = dict(cost_utility=True, completion="add1", increment=profile.scale)
    with_affine = _walk(*args, **kwargs)  # type: ignore[arg-type]
    runs_with = _n_runs(runs)
    runs.clear()
    monkeypatch.setattr(mes_small, "_same_split", lambda a, b: False)  # no affine certificate
    without = _walk(*args, **kwargs)  # type: ignore[arg-type]
    assert with_affine is not None and without is not None
    assert_same(with_affine, without)
    assert runs_with < _n_runs(runs)
    funded = {profile.project_ids[j] for j in with_affine.selected}
    city = {p.id for p in pabulib.read_pb(path).projects if p.extra.get("selected") == "1"}
    assert funded == city


def _count_args(profile: pb.Profile) -> tuple[object, ...]:
    """A profile's arguments for a count, ties by project id."""
    return (
        profile.costs,
        profile.budget,
        profile.utilities,
        profile.multiplicity,
        pb.tie_priority(profile, "id"),
    )


def _mid_sized(seed: int) -> tuple[tuple[object, ...], dict[str, object]]:
    """Elections about Assen's size (10-15 projects, 60-200 voters), where price factors come
    close to each other often enough for the affine certificate to matter."""
    vote_type = ["approval", "cumulative", "approval"][seed % 3]
    election = pb.random_election(
        seed, n_projects=10 + seed % 6, n_voters=60 + 7 * (seed % 20), vote_type=vote_type
    )
    profile = pb.profile_from_election(election)
    args = _count_args(profile)
    return args, dict(cost_utility=vote_type == "approval", increment=profile.scale)


@pytest.mark.parametrize("seed", range(48))
def test_the_walk_of_mid_sized_elections_equals_the_unit_scan(seed: int) -> None:
    args, kwargs = _mid_sized(seed)
    for completion in ("add1", "add1-no-stop"):
        ours = _walk(*args, completion=completion, **kwargs)  # type: ignore[arg-type]
        ref = equal_shares(*args, completion=completion, scan="unit", **kwargs)  # type: ignore[arg-type]
        if ours is not None:
            assert_same(ours, ref, (seed, completion))


def test_the_affine_certificate_is_used_on_mid_sized_elections(
    runs: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not vacuous: on a fair share of the elections above the walk needs fewer runs with the
    affine certificate than without it."""
    spared = 0
    for seed in range(48):
        args, kwargs = _mid_sized(seed)
        monkeypatch.setattr(mes_small, "_same_split", _SAME_SPLIT)
        runs.clear()
        _walk(*args, completion="add1", **kwargs)  # type: ignore[arg-type]
        with_affine = _n_runs(runs)
        monkeypatch.setattr(mes_small, "_same_split", lambda a, b: False)
        runs.clear()
        _walk(*args, completion="add1", **kwargs)  # type: ignore[arg-type]
        spared += with_affine < _n_runs(runs)
    assert spared >= 6, spared


_SAME_SPLIT = mes_small._same_split


def test_guessing_where_the_outcome_changes_spares_runs(
    runs: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The walk runs next where the interpolation of ``_crossing`` puts the change of outcome
    between two runs, rather than in the middle: on the mid-sized elections above it needs
    fewer runs in all (measured: 1,198 against 1,667) and fewer on most of them."""
    with_guess: list[int] = []
    without: list[int] = []
    for seed in range(48):
        args, kwargs = _mid_sized(seed)
        for crossing, counts in ((_CROSSING, with_guess), (lambda *a: None, without)):
            monkeypatch.setattr(mes_small, "_crossing", crossing)
            runs.clear()
            _walk(*args, completion="add1", **kwargs)  # type: ignore[arg-type]
            counts.append(_n_runs(runs))
    assert sum(with_guess) < 0.85 * sum(without), (sum(with_guess), sum(without))
    assert sum(a < b for a, b in zip(with_guess, without, strict=True)) >= 36


_CROSSING = mes_small._crossing


@pytest.mark.parametrize("chunk", range(3))
def test_a_certificate_shown_afterwards_is_the_one_shown_in_the_run(chunk: int) -> None:
    """The walk's bisection runs budgets below one already computed, then certifies the gap
    from both runs (``_tiny_certified``): it must decide exactly as the run at the higher
    budget does given the lower one as its base, pair by pair."""
    seen = {True: 0, False: 0}
    for seed in range(chunk, 48, 3):
        args, kwargs = _mid_sized(seed)
        el = mes_small._tiny_election(*args[:5], kwargs["cost_utility"], None)  # type: ignore[arg-type]
        assert el is not None
        n, step = el.n_voters, 3 * kwargs["increment"]  # type: ignore[operator]
        done = [mes_small._tiny_run(el, el.b0 + Fraction(k * step)) for k in range(40)]
        for a, low in enumerate(done):
            for high in done[a + 1 : a + 8]:
                if low is None or high is None or low.rounds != high.rounds:
                    continue
                afterwards = mes_small._tiny_certified(el, low, high)
                in_the_run = mes_small._tiny_run(el, high.b, low)
                assert in_the_run is not None
                assert afterwards == in_the_run.held, (seed, low.b * n, high.b * n)
                seen[afterwards] += 1
    assert seen[True] > 50 and seen[False] > 50, seen


@pytest.fixture
def jumps(monkeypatch: pytest.MonkeyPatch) -> list[tuple[object, object, object]]:
    """Every jump the walk accepts: (election, run at the lower budget, run at the higher),
    certified in the run at the higher budget or afterwards."""
    accepted: list[tuple[object, object, object]] = []
    original, certified = mes_small._tiny_run, mes_small._tiny_certified

    def recording(el, b, base=None, **kwargs):  # type: ignore[no-untyped-def]
        out = original(el, b, base, **kwargs)
        if base is not None and out is not None and out.held:
            accepted.append((el, base, out))
        return out

    def recording_certified(el, low, high):  # type: ignore[no-untyped-def]
        out = certified(el, low, high)
        if out:
            accepted.append((el, low, high))
        return out

    monkeypatch.setattr(mes_small, "_tiny_run", recording)
    monkeypatch.setattr(mes_small, "_tiny_certified", recording_certified)
    return accepted


def _units_checked(jumps: list[tuple[object, object, object]], increment: int) -> int:
    """Asserts that MES funds the base's sequence at every unit inside each jump (plain runs;
    a unit too close for floats is left to the jump); the units checked."""
    checked = 0
    for el, base, run in jumps:
        unit = base.b + increment  # type: ignore[attr-defined]
        while unit < run.b:  # type: ignore[attr-defined]
            inside = _PLAIN_RUN(el, unit)  # type: ignore[arg-type]
            if inside is not None:
                assert isinstance(inside, mes_small._TinyRun)
                assert inside.rounds == base.rounds, (base.b, unit, run.b)  # type: ignore[attr-defined]
                checked += 1
            unit += increment
    return checked


_PLAIN_RUN = mes_small._tiny_run


@pytest.mark.parametrize("chunk", range(4))
def test_every_jump_of_the_walk_keeps_the_outcome_at_every_unit_in_between(
    chunk: int, jumps: list[tuple[object, object, object]]
) -> None:
    """Each certificate the walk accepts (monotone or affine) claims that MES funds the same
    sequence at every unit between its two budgets: checked unit by unit by plain runs."""
    checked = 0
    for seed in range(chunk, 48, 4):
        args, kwargs = _mid_sized(seed)
        jumps.clear()
        _walk(*args, completion="add1", **kwargs)  # type: ignore[arg-type]
        checked += _units_checked(jumps, kwargs["increment"])  # type: ignore[arg-type]
    assert checked > 0


@pytest.mark.parametrize("seed", [198, 449])
def test_jumps_where_the_affine_premises_matter(
    seed: int, jumps: list[tuple[object, object, object]]
) -> None:
    """Two elections (found by searching 900 random ones) where the affine certificate,
    without its premise that the competitor's supporters paying everything are the same at
    both budgets (449; 198 also needs the winners'), would accept a jump over a change of
    outcome: every accepted jump is checked unit by unit."""
    vote_type = ["approval", "cumulative", "approval"][seed % 3]
    election = pb.random_election(
        seed, n_projects=6 + seed % 12, n_voters=30 + 5 * (seed % 40), vote_type=vote_type
    )
    profile = pb.profile_from_election(election)
    el = mes_small._tiny_election(
        *_count_args(profile)[:4],  # type: ignore[arg-type]
        pb.tie_priority(profile, "id"),
        vote_type == "approval",
        None,
    )
    assert el is not None
    assert mes_small._tiny_walk(el, "add1", profile.scale, None) is not None
    assert jumps
    _units_checked(jumps, profile.scale)
