"""The small-election MES path (``mes_small``) against ``mes.equal_shares``: random elections
(every completion, both utilities, three tie orders), the shared Pabulib files its predicate
accepts, and hand-made near ties that need the exact fallback or the exact tie rules."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from pnyx.methods import mes, mes_small, pabulib, pb
from pnyx.methods.mes import COMPLETIONS, MesResult, equal_shares
from pnyx.methods.mes_small import dispatch, equal_shares_small, small_applies

from .test_mes import random_instance


def _args(
    costs: list[int] | np.ndarray,
    ballots: list[list[int]] | np.ndarray,
    mult: list[int] | np.ndarray | None = None,
    prio: list[int] | np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    c = np.asarray(costs, dtype=np.int64)
    u = np.asarray(ballots, dtype=np.int64).reshape(-1, c.size)
    m = np.ones(u.shape[0], dtype=np.int64) if mult is None else np.asarray(mult, dtype=np.int64)
    p = np.arange(c.size, dtype=np.int64) if prio is None else np.asarray(prio, dtype=np.int64)
    return c, u, m, p


def assert_same(ours: MesResult, ref: MesResult, label: object = "") -> None:
    assert ours.selected == ref.selected, label
    assert ours.spent == ref.spent, label
    assert isinstance(ours.final_budget, Fraction)
    assert ours.final_budget == ref.final_budget, label
    assert ours.reasons == ref.reasons, label
    assert ours.payments.shape == ref.payments.shape, label
    # the same float operations with the same exact price factors: equal bit for bit
    np.testing.assert_array_equal(ours.payments, ref.payments, err_msg=str(label))


def both(
    costs: np.ndarray,
    budget: int,
    utilities: np.ndarray,
    mult: np.ndarray,
    prio: np.ndarray,
    *,
    cost_utility: bool,
    completion: str,
    increment: int = 1,
) -> tuple[MesResult, MesResult]:
    kwargs = dict(cost_utility=cost_utility, completion=completion, increment=increment)
    ref = equal_shares(costs, budget, utilities, mult, prio, scan="unit", **kwargs)  # type: ignore[arg-type]
    ours = equal_shares_small(costs, budget, utilities, mult, prio, **kwargs)  # type: ignore[arg-type]
    return ours, ref


def both_on_case(
    profile: pb.Profile, ties: str, approval: bool, completion: str
) -> tuple[MesResult, MesResult]:
    """:func:`both` on a profile of :func:`random_case`."""
    return both(
        profile.costs,
        profile.budget,
        profile.utilities,
        profile.multiplicity,
        pb.tie_priority(profile, ties),
        cost_utility=approval,
        completion=completion,
        increment=max(1, profile.scale),
    )


@pytest.fixture(params=["every project", "lazy"])
def blocks(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both kinds of block: every project evaluated each round (small elections), or only
    those that may win it (``_block_run_lazy``, large elections), forced on any size."""
    if request.param == "lazy":
        monkeypatch.setattr(mes_small, "_LAZY_ENTRIES", -1)
    return str(request.param)


@pytest.fixture
def fallbacks(monkeypatch: pytest.MonkeyPatch) -> list[Fraction]:
    """Budgets at which the exact fallback (``mes`` at one budget) was used."""
    seen: list[Fraction] = []
    original = mes_small._exact_outcome

    def counting(prep: mes_small._Prep, b: Fraction) -> mes_small._Outcome:
        seen.append(b)
        return original(prep, b)

    monkeypatch.setattr(mes_small, "_exact_outcome", counting)
    return seen


# --- random elections ---------------------------------------------------------------------------

VOTE_TYPES = ("approval", "cumulative", "ordinal")


def random_case(seed: int) -> tuple[pb.Profile, str, bool]:
    rng = np.random.default_rng(10_000 + seed)
    vote_type = VOTE_TYPES[seed % 3]
    election = pb.random_election(
        seed,
        n_projects=int(rng.integers(1, 12)),
        n_voters=int(rng.integers(1, 40)),
        vote_type=vote_type,
        budget_share=float(rng.choice([0.1, 0.3, 0.5, 0.9])),
        zero_cost=bool(rng.random() < 0.2),
        costs=(100, 200, 250, 500, 1000) if rng.random() < 0.5 else (1, 2, 3, 5),
    )
    ties = ("id", "cost", "votes")[(seed // 3) % 3]
    return pb.profile_from_election(election), ties, vote_type == "approval"


@pytest.mark.parametrize("seed", range(240))
def test_random_elections_equal_the_unit_scan(seed: int, blocks: str) -> None:
    profile, ties, approval = random_case(seed)
    for completion in COMPLETIONS:
        ours, ref = both_on_case(profile, ties, approval, completion)
        assert_same(ours, ref, (seed, completion))


def raw_instance(seed: int) -> tuple[np.ndarray, int, np.ndarray, np.ndarray, np.ndarray, bool]:
    """Tiny raw arrays: costs 0 included, repeated and empty ballots, zero multiplicities."""
    return random_instance(seed, zero_multiplicities=True)


@pytest.mark.parametrize("seed", range(150))
def test_raw_random_instances_equal_the_unit_scan(seed: int, blocks: str) -> None:
    costs, budget, utilities, mult, prio, approval = raw_instance(seed)
    for completion in COMPLETIONS:
        ours, ref = both(
            costs, budget, utilities, mult, prio, cost_utility=approval, completion=completion
        )
        assert_same(ours, ref, (seed, completion))


@pytest.mark.parametrize("seed", range(12))
def test_larger_random_elections_cross_block_boundaries(seed: int, blocks: str) -> None:
    """Enough voters and a small increment that the scan runs over several blocks."""
    vote_type = VOTE_TYPES[seed % 3]
    election = pb.random_election(
        500 + seed, n_projects=12, n_voters=120, vote_type=vote_type, budget_share=0.3
    )
    profile = pb.profile_from_election(election)
    for completion in ("add1", "add1-no-stop"):
        ours, ref = both(
            profile.costs,
            profile.budget,
            profile.utilities,
            profile.multiplicity,
            pb.tie_priority(profile, "id"),
            cost_utility=vote_type == "approval",
            completion=completion,
            increment=max(1, profile.scale // 10),
        )
        assert_same(ours, ref, (seed, completion))


@pytest.mark.parametrize("seed", range(24))
def test_lazy_blocks_record_lower_bounds_below_the_exact_price_factors(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every lower bound a lazy block records (from its screens and solves, carried from round
    to round) is at most the exact price factor of that project in that round, replayed in
    Fractions along the block's own sequence."""
    monkeypatch.setattr(mes_small, "_LAZY_ENTRIES", -1)
    vote_type = VOTE_TYPES[seed % 3]
    election = pb.random_election(
        900 + seed, n_projects=16, n_voters=90, vote_type=vote_type, budget_share=0.4
    )
    profile = pb.profile_from_election(election)
    approval = vote_type == "approval"
    costs = np.asarray(profile.costs, dtype=np.int64)
    utilities = np.asarray(profile.utilities, dtype=np.int64)
    mult = np.asarray(profile.multiplicity, dtype=np.int64)
    prio = pb.tie_priority(profile, "id")
    prep = mes_small._Prep(costs, profile.budget, utilities, mult, prio, approval)
    problem = mes._Problem(costs, profile.budget, utilities, mult, prio, approval)
    start = Fraction(profile.budget, prep.n_voters)
    outs = mes_small._block(prep, [start + k * profile.scale for k in range(6)], True)
    checked = dropped = 0
    for out in outs:
        if out is None or out.pending:
            continue
        state = mes._State(problem, out.b)
        los = out.los
        for t, q in enumerate(out.rounds):
            for r in range(len(prep.cands)):
                j = prep.cands[r]
                if np.isfinite(los[t, r]) and state.exact_affordable(j):
                    assert Fraction(float(los[t, r])) <= state._exact_rho_slow(j), (t, j)
                    checked += 1
                elif not np.isfinite(los[t, r]) and r not in out.rounds[: t + 1]:
                    # inf: neither funded nor affordable (dropped by a screen, or from the
                    # start as its supporters never hold its cost at that budget)
                    assert not state.exact_affordable(j), (t, j)
                    dropped += 1
            winner = prep.cands[q]
            rho, pays_all = state.exact_rho(winner, state.split(winner))
            assert abs(float(rho) - out.rhos[t]) <= 1e-9 * float(rho)
            state.fund(winner, rho, pays_all)
    assert checked and dropped


# --- the shared Pabulib files ---------------------------------------------------------------------

SHARED = [
    "Poland_Gdansk_2020_Przerobka",
    "Switzerland_Zurich_D5",
    "Switzerland_Zurich_S5R",
    "Netherlands_Assen_2024",
    "Poland_Wieliczka_2023_Green_Budget",
    "Poland_Wroclaw_2016_Rejon_nr_13_250",
    "Poland_Poznan_2024_8_-_Chartowo_Rataje_Zegrze__small",
    "Poland_Katowice_2020_Welnowiec-Jozefowiec",
    "Poland_Katowice_2024_Murcki",
    "Poland_Swiecie_2023",
    "France_Toulouse_2019",
    "Poland_Krakow_2023_Bienczyce",
    "Poland_Katowice_2023",
]
# and the larger ones, whose single run is cheap to check
EVERY_SHARED = [
    *SHARED,
    "France_Toulouse_2024",
    "Netherlands_Amsterdam_604",
    "Poland_Lodz_2022",
    "Poland_Krakow_2024",
    "Poland_Warszawa_2021_Mokotow",
    "Poland_Warszawa_2026",
    "Hungary_Budapest_2024",
]


# the files the predicate accepts (checked below: a change of the rule shows up here)
ACCEPTED = {
    "Poland_Gdansk_2020_Przerobka",
    "Poland_Katowice_2020_Welnowiec-Jozefowiec",
    "Poland_Katowice_2024_Murcki",
    "Switzerland_Zurich_D5",
    "Switzerland_Zurich_S5R",
    "Netherlands_Assen_2024",
    "Poland_Wieliczka_2023_Green_Budget",
    "Poland_Swiecie_2023",
}


@pytest.mark.parametrize("name", SHARED)
def test_shared_files_equal_mes(reference_data: Path, name: str) -> None:
    """Every listed file through ``equal_shares_small`` (correct on any input), and through
    ``dispatch`` where the predicate accepts it, against ``mes``'s unit-by-unit scan."""
    path = reference_data / "pb" / f"{name}.pb"
    if not path.is_file():
        pytest.skip(f"{path} not in the reference data")
    profile = pb.profile_from_election(pabulib.read_pb(path))
    approval = profile.vote_type in ("approval", "choose-1")
    costs = np.asarray(profile.costs, dtype=np.int64)
    utilities = np.asarray(profile.utilities, dtype=np.int64)
    mult = np.asarray(profile.multiplicity, dtype=np.int64)
    prio = pb.tie_priority(profile, "id")
    accepted = small_applies(costs, utilities, mult, approval)
    assert accepted == (name in ACCEPTED)
    for completion in ("add1", "add1-greedy"):
        ours, ref = both(
            costs,
            profile.budget,
            utilities,
            mult,
            prio,
            cost_utility=approval,
            completion=completion,
            increment=profile.scale,
        )
        assert_same(ours, ref, completion)
        routed = dispatch(
            costs,
            profile.budget,
            utilities,
            mult,
            prio,
            cost_utility=approval,
            completion=completion,
            increment=profile.scale,
        )
        if accepted:
            assert routed is not None
            assert_same(routed, ref, ("dispatch", completion))
        else:
            assert routed is None


# large files where lazy blocks are measured faster than mes (accepted) or slower (declined)
LAZY_RULE = {
    "France_Toulouse_2024": True,
    "Netherlands_Amsterdam_604": False,
    "Poland_Warszawa_2021_Mokotow": False,
    "Poland_Lodz_2022": False,
}


def _shared_arrays(
    reference_data: Path, name: str
) -> tuple[pb.Profile, np.ndarray, np.ndarray, np.ndarray, np.ndarray, bool]:
    path = reference_data / "pb" / f"{name}.pb"
    if not path.is_file():
        pytest.skip(f"{path} not in the reference data")
    profile = pb.profile_from_election(pabulib.read_pb(path))
    return (
        profile,
        np.asarray(profile.costs, dtype=np.int64),
        np.asarray(profile.utilities, dtype=np.int64),
        np.asarray(profile.multiplicity, dtype=np.int64),
        pb.tie_priority(profile, "id"),
        profile.vote_type in ("approval", "choose-1"),
    )


@pytest.mark.parametrize("name", sorted(LAZY_RULE))
def test_lazy_rule_on_large_shared_files(reference_data: Path, name: str) -> None:
    _, costs, utilities, mult, _, approval = _shared_arrays(reference_data, name)
    assert small_applies(costs, utilities, mult, approval) == LAZY_RULE[name]


def test_toulouse_2024_by_lazy_blocks_equals_the_unit_scan(reference_data: Path) -> None:
    """The shared file the lazy blocks were built for: MES+add1 through ``dispatch`` (about 4 s)
    against ``mes``'s unit-by-unit scan (one MES run per unit, 670 of them)."""
    profile, costs, utilities, mult, prio, approval = _shared_arrays(
        reference_data, "France_Toulouse_2024"
    )
    kwargs = dict(cost_utility=approval, completion="add1", increment=profile.scale)
    routed = dispatch(costs, profile.budget, utilities, mult, prio, **kwargs)  # type: ignore[arg-type]
    assert routed is not None
    ref = equal_shares(costs, profile.budget, utilities, mult, prio, scan="unit", **kwargs)  # type: ignore[arg-type]
    assert_same(routed, ref)


@pytest.mark.parametrize("seed", range(12))
def test_single_run_of_mid_sized_elections_in_plain_python(seed: int) -> None:
    """Without completion, elections of up to ``_TINY_CELLS_ONE_RUN`` ballots x projects are
    counted by the plain-Python run; the result is ``mes``'s, bit for bit."""
    vote_type = VOTE_TYPES[seed % 3]
    election = pb.random_election(
        900 + seed, n_projects=15, n_voters=150 + 10 * seed, vote_type=vote_type
    )
    profile = pb.profile_from_election(election)
    cells = profile.utilities.size
    assert mes_small._TINY_CELLS < cells <= mes_small._TINY_CELLS_ONE_RUN
    args = _args(profile.costs, profile.utilities, profile.multiplicity)
    prio = pb.tie_priority(profile, "id")
    kwargs = dict(cost_utility=vote_type == "approval", completion="none", increment=1)
    routed = dispatch(args[0], profile.budget, args[1], args[2], prio, **kwargs)  # type: ignore[arg-type]
    ref = equal_shares(args[0], profile.budget, args[1], args[2], prio, scan="unit", **kwargs)  # type: ignore[arg-type]
    assert routed is not None
    assert_same(routed, ref, seed)
    # from the supporters the profile keeps (twice: they are shared, never changed)
    supporters = profile.mes_supporters(vote_type == "approval")
    for _ in range(2):
        kept = dispatch(
            args[0], profile.budget, args[1], args[2], prio, supporters=supporters, **kwargs
        )  # type: ignore[arg-type]
        assert kept is not None
        assert_same(kept, ref, ("supporters", seed))


@pytest.mark.parametrize("name", EVERY_SHARED)
def test_shared_files_single_run_equals_mes(reference_data: Path, name: str) -> None:
    """MES without completion through ``dispatch`` (plain Python up to
    ``_TINY_CELLS_ONE_RUN`` cells, or ``_TINY_PER_PROJECT_ONE_RUN`` supporter entries per
    project with the profile's supporters) against ``mes``'s own run."""
    path = reference_data / "pb" / f"{name}.pb"
    if not path.is_file():
        pytest.skip(f"{path} not in the reference data")
    profile = pb.profile_from_election(pabulib.read_pb(path))
    c, u, m, _ = _args(profile.costs, profile.utilities, profile.multiplicity)
    prio = pb.tie_priority(profile, "id")
    approval = profile.vote_type in ("approval", "choose-1")
    kwargs = dict(cost_utility=approval, completion="none")
    ref = equal_shares(c, profile.budget, u, m, prio, scan="unit", increment=1, **kwargs)  # type: ignore[arg-type]
    routed = dispatch(c, profile.budget, u, m, prio, increment=1, **kwargs)  # type: ignore[arg-type]
    if routed is not None:
        assert_same(routed, ref, name)
    supporters = profile.mes_supporters(approval)
    kept = dispatch(c, profile.budget, u, m, prio, increment=1, supporters=supporters, **kwargs)  # type: ignore[arg-type]
    if mes_small.plain_one_run("none", u.size, supporters):
        assert kept is not None, name  # every shared file's run is decided
    if kept is not None:
        assert_same(kept, ref, ("supporters", name))


@pytest.mark.parametrize("seed", range(8))
def test_single_run_of_many_projects_with_few_supporters_each(seed: int) -> None:
    """Without completion, an election of more than ``_TINY_CELLS_ONE_RUN`` cells but few
    supporter entries per project (Toulouse 2024: 183 projects, 70 entries each) is counted
    by the plain-Python run when the profile's supporters are given; ``mes``'s result."""
    vote_type = VOTE_TYPES[seed % 3]
    election = pb.random_election(
        5_000 + seed, n_projects=160, n_voters=260, vote_type=vote_type, max_length=4
    )
    profile = pb.profile_from_election(election)
    approval = vote_type == "approval"
    supporters = profile.mes_supporters(approval)
    cells = profile.utilities.size
    assert cells > mes_small._TINY_CELLS_ONE_RUN
    assert mes_small.plain_one_run("none", cells, supporters)
    assert not mes_small.plain_one_run("add1", cells, supporters)
    # not where the runs' bit masks of supporters would grow large
    assert not mes_small.plain_one_run("none", mes_small._LAZY_CELLS + 1, supporters)
    args = _args(profile.costs, profile.utilities, profile.multiplicity)
    for ties in ("id", "cost", "votes"):
        prio = pb.tie_priority(profile, ties)
        kwargs = dict(cost_utility=approval, completion="none", increment=1)
        ref = equal_shares(args[0], profile.budget, args[1], args[2], prio, scan="unit", **kwargs)  # type: ignore[arg-type]
        assert dispatch(args[0], profile.budget, args[1], args[2], prio, **kwargs) is None  # type: ignore[arg-type]
        kept = dispatch(
            args[0], profile.budget, args[1], args[2], prio, supporters=supporters, **kwargs
        )  # type: ignore[arg-type]
        assert kept is not None, (seed, ties)
        assert_same(kept, ref, (seed, ties))


@pytest.mark.parametrize("seed", range(300))
def test_lazy_single_run_equals_mes_on_raw_instances(seed: int) -> None:
    """The plain-Python run (lazy evaluation, boundary certificates, exact comparison of
    contenders) on raw arrays, every tie order: ``mes``'s run bit for bit, or None."""
    costs, budget, utilities, mult, prio, approval = raw_instance(7_000 + seed)
    ours = mes_small._tiny(costs, budget, utilities, mult, prio, approval, "none", None)
    ref = equal_shares(
        costs, budget, utilities, mult, prio, cost_utility=approval, completion="none", increment=1
    )
    if ours is not None:
        assert_same(ours, ref, seed)


@pytest.mark.parametrize("seed", range(40))
def test_single_run_with_many_voters_per_ballot(seed: int) -> None:
    """Without completion the plain-Python run takes elections of few distinct ballots cast by
    many voters (choose-1: Poznan, Wroclaw) too."""
    vote_type = ("choose-1", "approval", "cumulative", "ordinal")[seed % 4]
    election = pb.random_election(
        3_000 + seed, n_projects=2 + seed % 9, n_voters=400, vote_type=vote_type, max_length=2
    )
    profile = pb.profile_from_election(election)
    approval = vote_type in ("approval", "choose-1")
    args = _args(profile.costs, profile.utilities, profile.multiplicity)
    for ties in ("id", "cost", "votes"):
        prio = pb.tie_priority(profile, ties)
        kwargs = dict(cost_utility=approval, completion="none", increment=1)
        routed = dispatch(args[0], profile.budget, args[1], args[2], prio, **kwargs)  # type: ignore[arg-type]
        ref = equal_shares(args[0], profile.budget, args[1], args[2], prio, scan="unit", **kwargs)  # type: ignore[arg-type]
        assert routed is not None
        assert_same(routed, ref, (seed, ties))


@pytest.mark.parametrize("name", EVERY_SHARED)
def test_shared_files_plain_python_run_equals_mes(reference_data: Path, name: str) -> None:
    """The plain-Python run decides every file it counts alone (:func:`plain_one_run`: no
    uncertain decision), in every tie order, as ``mes`` does."""
    path = reference_data / "pb" / f"{name}.pb"
    if not path.is_file():
        pytest.skip(f"{path} not in the reference data")
    profile = pb.profile_from_election(pabulib.read_pb(path))
    approval = profile.vote_type in ("approval", "choose-1")
    supporters = profile.mes_supporters(approval)
    if not mes_small.plain_one_run("none", profile.utilities.size, supporters):
        pytest.skip("counted by mes")
    c, u, m, _ = _args(profile.costs, profile.utilities, profile.multiplicity)
    for ties in ("id", "cost", "votes"):
        prio = pb.tie_priority(profile, ties)
        ours = mes_small._tiny(c, profile.budget, u, m, prio, approval, "none", None)
        mes_small_enabled = mes_small.ENABLED
        try:
            mes_small.ENABLED = False
            ref = equal_shares(
                c, profile.budget, u, m, prio, cost_utility=approval, completion="none", increment=1
            )
        finally:
            mes_small.ENABLED = mes_small_enabled
        assert ours is not None, (name, ties)
        assert_same(ours, ref, (name, ties))


# --- ties and near ties -------------------------------------------------------------------------


def test_clean_projects_with_as_many_supporters_tie_exactly_and_priority_decides(
    blocks: str,
) -> None:
    # cost utility: every project whose supporters can all pay c / M has rho = 1 / M exactly
    costs, u, m, _ = _args([30, 70, 50], [[1, 1, 1], [1, 1, 0], [0, 1, 1], [1, 0, 1]])
    for prio in ([0, 1, 2], [2, 1, 0], [1, 2, 0]):
        p = np.asarray(prio, dtype=np.int64)
        for completion in COMPLETIONS:
            ours, ref = both(costs, 400, u, m, p, cost_utility=True, completion=completion)
            assert_same(ours, ref, (prio, completion))


def test_twins_tie_in_every_state(fallbacks: list[Fraction], blocks: str) -> None:
    # projects 1 and 2: same cost, same points from the same ballots, some poor supporters
    costs, u, m, _ = _args(
        [60, 45, 45, 30], [[3, 1, 1, 0], [1, 2, 2, 1], [0, 2, 2, 3], [2, 1, 1, 1]], [1, 2, 1, 3]
    )
    for prio in ([0, 1, 2, 3], [0, 2, 1, 3], [3, 2, 1, 0]):
        p = np.asarray(prio, dtype=np.int64)
        for completion in COMPLETIONS:
            ours, ref = both(costs, 131, u, m, p, cost_utility=False, completion=completion)
            assert_same(ours, ref, (prio, completion))
    assert not fallbacks  # twins are settled without mes


def test_exact_tie_between_projects_with_money_left_uses_the_exact_fallback(
    fallbacks: list[Fraction], blocks: str
) -> None:
    # points: after project 0 the two others both need rho = 5/12 with a poor supporter who
    # still holds money, and they are not twins: only exact arithmetic can break the tie
    costs, u, m, _ = _args([6, 5, 5], [[1, 1, 0], [1, 0, 1], [0, 1, 0], [0, 0, 1], [1, 0, 0]])
    for prio in ([0, 1, 2], [0, 2, 1]):
        p = np.asarray(prio, dtype=np.int64)
        for completion in COMPLETIONS:
            ours, ref = both(costs, 12, u, m, p, cost_utility=False, completion=completion)
            assert_same(ours, ref, (prio, completion))
    assert fallbacks


def test_budget_exactly_equal_to_a_share_is_decided_exactly(
    fallbacks: list[Fraction], blocks: str
) -> None:
    # 3 voters, cost 30: at per-voter budget 10 the project is affordable with nothing to spare
    # (float money == cost); the scan passes through budget 10 with increment 1
    costs, u, m, p = _args([30, 11], [[1, 0], [1, 1], [1, 0]])
    for completion in COMPLETIONS:
        ours, ref = both(costs, 24, u, m, p, cost_utility=True, completion=completion)
        assert_same(ours, ref, completion)
    assert Fraction(10) in fallbacks


def test_supporter_paying_exactly_their_budget_is_decided_exactly(
    fallbacks: list[Fraction], blocks: str
) -> None:
    # points 1 and 2 for a project of cost 9 with per-voter budget 3: rho = 3/... the second
    # supporter pays exactly what they hold at budget 3 (a boundary the floats cannot see)
    costs, u, m, p = _args([9, 4], [[1, 0], [2, 1], [1, 1]])
    for completion in COMPLETIONS:
        ours, ref = both(costs, 6, u, m, p, cost_utility=False, completion=completion)
        assert_same(ours, ref, completion)


def test_error_bound_is_not_loose_enough_to_hide_a_real_difference(blocks: str) -> None:
    """Two projects whose price factors differ by about 1e-9 (relative): the floats decide."""
    big = 10**9
    costs, u, m, p = _args([big, big + 1], [[1, 1], [1, 1]], prio=[1, 0])
    for completion in COMPLETIONS:
        ours, ref = both(costs, 3 * big, u, m, p, cost_utility=False, completion=completion)
        assert_same(ours, ref, completion)
        assert ours.selected[0] == 0


# --- edge cases and the predicate -----------------------------------------------------------------


def test_no_voters_and_zero_multiplicities() -> None:
    costs, u, m, p = _args([5, 0], [[1, 1], [0, 1]], mult=[0, 0])
    for completion in COMPLETIONS:
        ours, ref = both(costs, 10, u, m, p, cost_utility=False, completion=completion)
        assert_same(ours, ref, completion)
        assert ours.selected == ()


def test_invalid_arguments_are_rejected() -> None:
    costs, u, m, p = _args([5], [[1]])
    with pytest.raises(ValueError, match="completion"):
        equal_shares_small(costs, 5, u, m, p, cost_utility=True, completion="x", increment=1)
    with pytest.raises(ValueError, match="increment"):
        equal_shares_small(costs, 5, u, m, p, cost_utility=True, completion="add1", increment=0)
    with pytest.raises(ValueError, match="non-negative"):
        equal_shares_small(-costs, 5, u, m, p, cost_utility=True, completion="add1", increment=1)


def test_progress_goes_from_zero_to_one() -> None:
    profile, _, _ = random_case(4)
    seen: list[float] = []
    equal_shares_small(
        profile.costs,
        profile.budget,
        profile.utilities,
        profile.multiplicity,
        pb.tie_priority(profile, "id"),
        cost_utility=False,
        completion="add1",
        increment=profile.scale,
        progress=seen.append,
    )
    assert seen[0] == 0.0 and seen[-1] == 1.0
    assert all(0.0 <= x <= 1.0 for x in seen)


def test_predicate() -> None:
    costs, u, m, _ = _args([5, 7], [[1, 0], [1, 1]])
    assert small_applies(costs, u, m, True)  # tiny
    # tiny but one distinct ballot for many voters: mes is faster
    assert not small_applies(costs, u, np.asarray([500, 500]), True)
    huge = np.full((1, 2), 2**40, dtype=np.int64)
    assert not small_applies(costs, huge, np.asarray([2**14], dtype=np.int64), False)
    many = np.ones((200, 200), dtype=np.int64)
    assert not small_applies(np.ones(200, dtype=np.int64), many, np.ones(200, dtype=np.int64), True)
    assert not small_applies(costs, u, np.zeros(2, dtype=np.int64), True)


def test_dispatch_declines_and_can_be_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    costs, u, m, p = _args([5, 7], [[1, 0], [1, 1]])
    kwargs = dict(cost_utility=True, completion="add1", increment=1)
    assert dispatch(costs, 6, u, m, p, **kwargs) is not None  # type: ignore[arg-type]
    assert dispatch(costs, 6, u, np.asarray([500, 500]), p, **kwargs) is None  # type: ignore[arg-type]
    monkeypatch.setattr(mes_small, "ENABLED", False)
    assert dispatch(costs, 6, u, m, p, **kwargs) is None  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", range(60))
def test_dispatch_equals_the_unit_scan(seed: int) -> None:
    """Random elections through ``dispatch`` (tiny first run, numpy scan, or declined)."""
    profile, ties, approval = random_case(1000 + seed)
    for completion in COMPLETIONS:
        ours, ref = both_on_case(profile, ties, approval, completion)
        routed = dispatch(
            np.asarray(profile.costs, dtype=np.int64),
            profile.budget,
            np.asarray(profile.utilities, dtype=np.int64),
            np.asarray(profile.multiplicity, dtype=np.int64),
            pb.tie_priority(profile, ties),
            cost_utility=approval,
            completion=completion,
            increment=max(1, profile.scale),
        )
        if routed is not None:
            assert_same(routed, ref, (seed, completion))


def _kept_case(seed: int, first: int, n_projects: int, n_voters: int) -> tuple:
    """The random election ``first + seed`` (its vote type by ``seed``), whether MES reads it
    with cost utilities, the profile's supporters that keep elections, and two tie orders (by
    id and reversed)."""
    vote_type = VOTE_TYPES[seed % 3]
    election = pb.random_election(
        first + seed, n_projects=n_projects, n_voters=n_voters, vote_type=vote_type
    )
    profile = pb.profile_from_election(election)
    cost_utility = vote_type == "approval"
    by_id = pb.tie_priority(profile, "id")
    priorities = (by_id, np.ascontiguousarray(by_id[::-1]))
    return profile, cost_utility, profile.mes_supporters(cost_utility), priorities


@pytest.mark.parametrize("seed", range(6))
def test_elections_kept_with_the_supporters_follow_the_budget_and_the_ties(seed: int) -> None:
    """The plain-Python run keeps its election with the profile's supporters, by budget and
    tie order: counts with another budget or another tie order must not read a kept one."""
    profile, cost_utility, supporters, priorities = _kept_case(seed, 1300, 8, 40)
    c, u, m = profile.costs, profile.utilities, profile.multiplicity
    kwargs = dict(cost_utility=cost_utility, increment=1)
    for completion in ("none", "add1"):
        for budget in (profile.budget, profile.budget // 3, profile.budget // 7):
            for prio in priorities:
                fresh = equal_shares(c, budget, u, m, prio, completion=completion, **kwargs)  # type: ignore[arg-type]
                kept = equal_shares(
                    c, budget, u, m, prio, completion=completion, supporters=supporters, **kwargs
                )  # type: ignore[arg-type]
                assert_same(kept, fresh, (seed, completion, budget))
    assert 1 <= len(supporters.tiny_elections) <= mes_small._TINY_ELECTIONS_KEPT


@pytest.mark.parametrize("seed", range(4))
def test_scans_kept_with_the_supporters_follow_the_budget_and_the_ties(seed: int) -> None:
    """The numpy scan keeps the election as it reads it with the profile's supporters, by
    budget and tie order, like the plain-Python run: another budget or tie order must not
    read a kept one, and the counts that read one give the fresh count's result."""
    profile, cost_utility, supporters, priorities = _kept_case(seed, 1400, 10, 80)
    c, u, m = profile.costs, profile.utilities, profile.multiplicity
    for _ in range(2):  # the second time every count reads a kept election
        for budget in (profile.budget, profile.budget // 3):
            for prio in priorities:
                args = (c, budget, u, m, prio)
                kwargs = dict(cost_utility=cost_utility, completion="add1", increment=1)
                fresh = mes_small._equal_shares_checked(*args, try_tiny=False, **kwargs)
                kept = mes_small._equal_shares_checked(
                    *args, try_tiny=False, supporters=supporters, **kwargs
                )
                assert_same(kept, fresh, (seed, budget))
    assert len(supporters.scan_preps) == 4


def test_budgets_that_fund_everything_are_counted_in_closed_form() -> None:
    """Where every voter's load ``sum_j rho_j u_ij`` (``rho_j = c_j / sum m u``) stays below
    the per-voter budget, the first run is written in closed form (``_all_funded``): the same
    result as the unit scan of ``mes``, every completion; elsewhere the run decides."""
    closed = declined = 0
    for seed in range(80):
        rng = np.random.default_rng(7000 + seed)
        n_projects, n_ballots = int(rng.integers(1, 7)), int(rng.integers(1, 12))
        costs = rng.integers(1, 50, size=n_projects) * int(rng.choice([1, 3, 100]))
        approval = seed % 2 == 0
        shown = rng.random((n_ballots, n_projects)) < rng.uniform(0.2, 0.9)
        utilities = shown if approval else shown * rng.integers(1, 6, size=shown.shape)
        c, u, m, _ = _args(costs, utilities, rng.integers(1, 4, size=n_ballots))
        prio = rng.permutation(n_projects).astype(np.int64)
        budget = int(int(costs.sum()) * rng.uniform(0.9, 4.0))
        el = mes_small._tiny_election(c, budget, u, m, prio, approval, None)
        if el is None:
            continue
        if mes_small._all_funded(el) is None:
            declined += 1
        else:
            closed += 1
        for completion in COMPLETIONS:
            ours, ref = both(c, budget, u, m, prio, cost_utility=approval, completion=completion)
            assert_same(ours, ref, (seed, completion))
    assert closed >= 10 and declined >= 10, (closed, declined)


def test_closed_form_ties_and_the_voter_left_with_nothing() -> None:
    # A (10) and B (20), both approved by the three voters, budget 90: rho = 1/3 for both,
    # an exact tie that the priority settles; each voter pays 10/3 and 20/3
    c, u, m, _ = _args([10, 20], [[1, 1]] * 3)
    for prio, order in (([0, 1], (0, 1)), ([1, 0], (1, 0))):
        p = np.asarray(prio, dtype=np.int64)
        el = mes_small._tiny_election(c, 90, u, m, p, True, None)
        assert el is not None
        run = mes_small._all_funded(el)
        assert run is not None and tuple(run.rounds) == order
        ours, ref = both(c, 90, u, m, p, cost_utility=True, completion="none")
        assert ours.selected == order
        assert_same(ours, ref)
        np.testing.assert_allclose(ours.payments, [[10 / 3, 20 / 3]] * 3)
    # voter 0 alone approves A (10) with a share of exactly 10: left with nothing, so the
    # closed form declines and the run funds A and B
    c, u, m, p = _args([10, 5], [[1, 0], [0, 1]])
    el = mes_small._tiny_election(c, 20, u, m, p, True, None)
    assert el is not None and mes_small._all_funded(el) is None
    ours, ref = both(c, 20, u, m, p, cost_utility=True, completion="none")
    assert set(ours.selected) == {0, 1}
    assert_same(ours, ref)
