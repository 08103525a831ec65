"""A floor for a plain-Python MES run: how fast the rule goes with none of pnyx's exactness.

    python benchmarks/bench_mes_floor.py [--data DIR] [--only NAME[,NAME]] [--seconds 1] \
        [--rule {mes,phragmen}] [--walk]

For each file it times, on the same ballots, one Method of Equal Shares run (no completion)
written as lean as we could in plain Python and with nothing pnyx adds for exactness: floats
only, no error bounds, no certified splits, no exact price factors, ties left to the first
project met. A round evaluates the candidates by increasing last price factor (price factors
only grow along a run) until one exceeds the round's best, reusing the last one of a project
none of whose supporters paid since; an evaluation gathers the supporters' budgets, and sorts
them by budget over utility only when some cannot pay their share at ``c / sum m u``. It is a
reference, not a counting method: floats may pick another winner on a near tie, which the
table reports.

Next to it, for approval files, the same run with the voters grouped by what they hold
(bit sets of voters, one popcount per class instead of one read per supporter); then
``pnyx.methods.pb.tally(profile, "mes")`` (the exact count, as ``bench_pb.py`` times it) and
pabutools' first call from a ``bench_pb.py`` cache where given. By default the files where
pnyx's MES is nearest the 100x asked: Assen 2024, Zürich S5R and D5, Toulouse 2019.
``--rule phragmen`` does the same for sequential Phragmén (approval files: pass ``--only``),
in floats ballot by ballot. On 2026-11-29 (see HISTORY.md) the floor took 75 µs on Assen 2024,
where 100x pabutools' 2 ms asks for 18 µs, and 0.18 and 0.11 ms on Zürich S5R and D5, where it
asks for 0.10 and 0.07 ms; the exact count was within 10-20 % of the floor there, and faster
than it on the larger files.

``--walk`` counts instead, along MES+add1's unit-by-unit scan, how often the outcome and its
structure change (:func:`walk_changes`): what any walk between budgets must at least run.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from functools import partial
from operator import mul, truediv
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_pb import DEFAULT_DATA, load_profile  # noqa: E402

from pnyx.methods.pb import Profile, tally, tie_priority  # noqa: E402

SMALLEST = (
    "Netherlands_Assen_2024,Switzerland_Zurich_S5R,Switzerland_Zurich_D5,France_Toulouse_2019"
)


def supporters(
    profile: Profile,
) -> tuple[list[list[int]], list[list[float]], list[list[float]], list[int]]:
    """Per project: its supporters (ballot rows), their utilities and multiplicities, and the
    rows as a bit set."""
    cost_utility = profile.vote_type in ("approval", "choose-1")
    rows, utils, mults = [], [], []
    live = profile.multiplicity > 0
    for j in range(profile.n_projects):
        who = np.flatnonzero((profile.utilities[:, j] > 0) & live)
        u = np.full(who.size, profile.costs[j]) if cost_utility else profile.utilities[who, j]
        rows.append(who.tolist())
        utils.append(u.astype(float).tolist())
        mults.append(profile.multiplicity[who].astype(float).tolist())
    masks = [sum(1 << i for i in r) for r in rows]
    return rows, utils, mults, masks


def float_mes(
    costs: list[int],
    n_ballots: int,
    b: float,
    rows: list[list[int]],
    utils: list[list[float]],
    mults: list[list[float]],
    masks: list[int],
) -> list[int]:
    """One MES run at per-voter budget ``b`` in floats: the funded projects in order.
    ``masks``: each project's supporters as a bit set of ballots."""
    beta = [b] * n_ballots
    total = [sum(map(mul, u, m)) for u, m in zip(utils, mults, strict=True)]
    alive = [j for j in range(len(costs)) if total[j] > 0]
    last = {j: costs[j] / total[j] for j in alive}  # a lower bound of each price factor
    current: set[int] = set()  # whose last is their price factor: none of their supporters paid
    funded: list[int] = []
    while alive:
        alive.sort(key=last.__getitem__)
        best, winner = float("inf"), -1
        short: list[int] = []
        for j in alive:
            rho = last[j]
            if rho > best:
                break
            if j not in current:
                r, us, ms, c = rows[j], utils[j], mults[j], costs[j]
                held = list(map(beta.__getitem__, r))
                if sum(map(mul, ms, held)) < c:
                    short.append(j)
                    continue
                keys = list(map(truediv, held, us))
                paid, rich = 0.0, total[j]
                rho = c / rich
                if min(keys) < rho:  # some supporters cannot pay rho u: find who
                    for t in sorted(range(len(r)), key=keys.__getitem__):
                        rho = (c - paid) / rich
                        if rho <= keys[t]:
                            break
                        paid += ms[t] * held[t]
                        rich -= ms[t] * us[t]
                last[j] = rho
                current.add(j)
            if rho < best:
                best, winner = rho, j
        for j in short:
            alive.remove(j)
        if winner < 0:
            break
        funded.append(winner)
        alive.remove(winner)
        for i, u in zip(rows[winner], utils[winner], strict=True):
            left = beta[i] - best * u
            beta[i] = left if left > 0 else 0.0
        paid_mask = masks[winner]
        current = {j for j in current if not masks[j] & paid_mask}
    return funded


def voter_masks(profile: Profile) -> list[int]:
    """Per project: its supporters as a bit set of *voters* (a ballot of multiplicity m is m
    bits), for :func:`float_mes_by_classes`."""
    starts = np.concatenate([[0], np.cumsum(profile.multiplicity)]).tolist()
    masks = []
    for j in range(profile.n_projects):
        mask = 0
        for i in np.flatnonzero(profile.utilities[:, j] > 0).tolist():
            mask |= ((1 << (starts[i + 1] - starts[i])) - 1) << starts[i]
        masks.append(mask)
    return masks


def float_mes_by_classes(costs: list[int], n_voters: int, b: float, masks: list[int]) -> list[int]:
    """:func:`float_mes` for cost utilities with the voters grouped by budget: every supporter
    of a winner who can pays the same ``rho c``, so the voters holding one amount form a class
    (a bit set), a project's money is a sum over classes of amount x popcount, and a round
    splits each class in two at most (merging equal amounts). ``masks``: :func:`voter_masks`.
    The round loop is :func:`float_mes`'s, written out again: a floor pays no call per
    evaluation."""
    counts = [m.bit_count() for m in masks]
    classes = {b: (1 << n_voters) - 1}  # amount held -> who holds it
    alive = [j for j in range(len(costs)) if counts[j]]
    last = {j: 1.0 / counts[j] for j in alive}  # rho = c / (count c) when everybody can pay
    current: set[int] = set()
    funded: list[int] = []
    while alive:
        alive.sort(key=last.__getitem__)
        best, winner = float("inf"), -1
        short: list[int] = []
        for j in alive:
            rho = last[j]
            if rho > best:
                break
            if j not in current:
                mj, c = masks[j], costs[j]
                parts = [
                    (held, (mj & who).bit_count()) for held, who in classes.items() if mj & who
                ]
                if sum([held * k for held, k in parts]) < c:
                    short.append(j)
                    continue
                rich, paid = counts[j], 0.0
                share = c / rich
                if len(parts) > 1:
                    parts.sort()
                    for held, k in parts:  # the poorest classes pay everything first
                        share = (c - paid) / rich
                        if share <= held:
                            break
                        paid += held * k
                        rich -= k
                rho = last[j] = share / c
                current.add(j)
            if rho < best:
                best, winner = rho, j
        for j in short:
            alive.remove(j)
        if winner < 0:
            break
        funded.append(winner)
        alive.remove(winner)
        mw, pay = masks[winner], best * costs[winner]
        split: dict[float, int] = {}
        for held, who in classes.items():
            paying = who & mw
            if paying:
                left = held - pay if held > pay else 0.0
                split[left] = split.get(left, 0) | paying
                who &= ~mw
                if who:
                    split[held] = split.get(held, 0) | who
            else:
                split[held] = split.get(held, 0) | who
        classes = split
        current = {j for j in current if not masks[j] & mw}
    return funded


def float_phragmen(
    costs: list[int],
    budget: int,
    rows: list[list[int]],
    mults: list[list[float]],
    ballot_projects: list[list[int]],
    multiplicity: list[int],
) -> list[int]:
    """Sequential Phragmén in floats, ballot by ballot: the funded projects in order. ``x[j]``
    is ``c_j`` plus the loads of ``j``'s supporters; the least ``x[j] / M_j`` is bought (stop
    when it does not fit), and its supporters' loads rise to that value."""
    count = [sum(m) for m in mults]
    load = [0.0] * len(multiplicity)
    x = [float(c) for c in costs]
    live = [j for j in range(len(costs)) if count[j] and costs[j] <= budget]
    spent, funded = 0, []
    while live:
        w = min(live, key=lambda j: x[j] / count[j])
        if costs[w] > budget - spent:
            break
        t = x[w] / count[w]
        funded.append(w)
        live.remove(w)
        spent += costs[w]
        for i in rows[w]:
            delta = multiplicity[i] * (t - load[i])
            load[i] = t
            for j in ballot_projects[i]:
                x[j] += delta
    return funded


def walk_changes(profile: Profile) -> tuple[int, list[int], list[int]]:
    """For MES+add1 (one currency unit more per voter at each step), run MES unit by unit up to
    where the scan stops, and return that unit, the units (0 first) where the outcome (the
    winners in order) changes, and those where its *structure* changes: the outcome or, in
    some round, who pays everything for the winner. Between two structure changes the winners'
    price factors are affine in the budget, so a walk that computed the next change from a run
    (rather than locating it by runs on both sides) would still need a run per structure
    change. Reads ``mes_small``'s private plain-Python run: a diagnostic, not an API."""
    from fractions import Fraction

    from pnyx.methods import mes_small

    cost_utility = profile.vote_type in ("approval", "choose-1")
    utilities = (profile.utilities > 0).astype(np.int64) if cost_utility else profile.utilities
    election = mes_small._tiny_election(
        profile.costs,
        profile.budget,
        utilities,
        profile.multiplicity,
        tie_priority(profile, "id"),  # as the count of bench_pb.py breaks ties
        cost_utility,
        profile.mes_supporters(cost_utility),
    )
    assert election is not None
    n = int(profile.multiplicity.sum())
    outcomes: list[int] = []
    structures: list[int] = []
    last_outcome: object = None
    last_structure: object = None
    unit = 0
    while True:
        run = mes_small._tiny_run(election, Fraction(profile.budget + unit * n, n))
        assert run is not None and run.poor_counts is not None
        if run.spent > profile.budget:
            unit -= 1  # the scan stops at the unit before
            break
        payers = [
            frozenset(rows[:k]) for rows, k in zip(run.pay_rows, run.poor_counts, strict=True)
        ]
        outcome, structure = tuple(run.rounds), (tuple(run.rounds), tuple(payers))
        if outcome != last_outcome:
            outcomes.append(unit)
        if structure != last_structure:
            structures.append(unit)
        last_outcome, last_structure = outcome, structure
        if mes_small._tiny_stops(election, run, "add1"):
            break
        unit += 1
    return unit, outcomes, structures


def best_of(call: Callable[[], object], seconds: float) -> float:
    """Best time of repeated calls over about ``seconds``, in milliseconds."""
    call()
    times: list[float] = []
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
    return min(times) * 1e3


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--only", default=SMALLEST)
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--pabutools-cache", default="benchmarks/results/pabutools-cache.json")
    parser.add_argument("--rule", choices=("mes", "phragmen"), default="mes")
    parser.add_argument(
        "--walk",
        action="store_true",
        help="count the outcome and structure segments of MES+add1's unit scan instead",
    )
    args = parser.parse_args()
    if args.walk:
        print("| instance | stop (unit) | outcome segments | structure segments |")
        print("|---|---|---|---|")
        for name in args.only.split(","):
            profile = load_profile(next(args.data.glob(name + "*.pb")))
            stop, outcomes, structures = walk_changes(profile)
            print(f"| {name} | {stop} | {len(outcomes)} | {len(structures)} |")
        return 0
    cache_path = Path(args.pabutools_cache)
    cache = json.loads(cache_path.read_text()) if cache_path.exists() else {}
    print(
        "| instance | float-only floor (ms) | by budget classes (ms) | pnyx exact (ms) "
        "| pabutools (s) | same winners |"
    )
    print("|---|---|---|---|---|---|")
    for name in args.only.split(","):
        profile = load_profile(next(args.data.glob(name + "*.pb")))
        rows, utils, mults, masks = supporters(profile)
        costs = [int(c) for c in profile.costs]
        n_ballots = profile.multiplicity.size
        b = profile.budget / int(profile.multiplicity.sum())
        classes_run: Callable[[], list[int]] | None = None

        if args.rule == "mes":
            floor_run = partial(float_mes, costs, n_ballots, b, rows, utils, mults, masks)
            exact = partial(tally, profile, "mes", completion="none", ties="id")
            if profile.vote_type in ("approval", "choose-1"):
                n_voters = int(profile.multiplicity.sum())
                classes_run = partial(
                    float_mes_by_classes, costs, n_voters, b, voter_masks(profile)
                )
        else:  # approval ballots only, as pnyx and pabutools count Phragmén
            on_ballot: list[list[int]] = [[] for _ in range(n_ballots)]
            for j, r in enumerate(rows):
                for i in r:
                    on_ballot[i].append(j)
            multiplicity = profile.multiplicity.tolist()
            budget = int(profile.budget)
            floor_run = partial(float_phragmen, costs, budget, rows, mults, on_ballot, multiplicity)
            exact = partial(tally, profile, "phragmen", ties="id")
        floor_ms = best_of(floor_run, args.seconds)
        classes_ms = "" if classes_run is None else f"{best_of(classes_run, args.seconds):.3f}"
        pnyx_ms = best_of(exact, args.seconds)
        winners = list(exact().selected)
        same = all(
            [profile.project_ids[j] for j in run()] == winners
            for run in (floor_run, classes_run)
            if run is not None
        )
        entry = next(  # its first call, in a fresh process (not the warm figure)
            (
                v
                for k, v in cache.items()
                if k.split("|")[:2] == [name + ".pb", args.rule] and not k.endswith("|warm")
            ),
            None,
        )
        pabutools = "" if entry is None or entry[0] is None else f"{entry[0]:.3f}"
        print(
            f"| {name} | {floor_ms:.3f} | {classes_ms} | {pnyx_ms:.3f} | {pabutools} "
            f"| {'yes' if same else 'no'} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
