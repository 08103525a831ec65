"""A floor for a plain-Python MES run: how fast the rule goes with none of pnyx's exactness.

    python benchmarks/bench_mes_floor.py [--data DIR] [--only NAME[,NAME]] [--seconds 1] \
        [--rule {mes,phragmen}]

For each file it times, on the same ballots, one Method of Equal Shares run (no completion)
written as lean as we could in plain Python and with nothing pnyx adds for exactness: floats
only, no error bounds, no certified splits, no exact price factors, ties left to the first
project met. A round evaluates the candidates by increasing last price factor (price factors
only grow along a run) until one exceeds the round's best, reusing the last one of a project
none of whose supporters paid since; an evaluation gathers the supporters' budgets, and sorts
them by budget over utility only when some cannot pay their share at ``c / sum m u``. It is a
reference, not a counting method: floats may pick another winner on a near tie, which the
table reports.

Next to it, ``pnyx.methods.pb.tally(profile, "mes")`` (the exact count, as ``bench_pb.py``
times it) and pabutools' first call from a ``bench_pb.py`` cache where given. By default the
files where pnyx's MES is nearest the 100x asked: Assen 2024, Zürich S5R and D5, Toulouse
2019. ``--rule phragmen`` does the same for sequential Phragmén (approval files: pass
``--only``), in floats ballot by ballot. On 2026-11-29 (see the README)
the floor took 75 µs on Assen 2024, where 100x pabutools' 2 ms asks for 18 µs, and 0.18 and
0.11 ms on Zürich S5R and D5, where it asks for 0.10 and 0.07 ms; the exact count was within
10-20 % of the floor there, and faster than it on the larger files.
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

from pnyx.methods.pb import Profile, tally  # noqa: E402

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
    args = parser.parse_args()
    cache_path = Path(args.pabutools_cache)
    cache = json.loads(cache_path.read_text()) if cache_path.exists() else {}
    print("| instance | float-only floor (ms) | pnyx exact (ms) | pabutools (s) | same winners |")
    print("|---|---|---|---|---|")
    for name in args.only.split(","):
        profile = load_profile(next(args.data.glob(name + "*.pb")))
        rows, utils, mults, masks = supporters(profile)
        costs = [int(c) for c in profile.costs]
        n_ballots = profile.multiplicity.size
        b = profile.budget / int(profile.multiplicity.sum())

        if args.rule == "mes":
            floor_run = partial(float_mes, costs, n_ballots, b, rows, utils, mults, masks)
            exact = partial(tally, profile, "mes", completion="none", ties="id")
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
        pnyx_ms = best_of(exact, args.seconds)
        same = [profile.project_ids[j] for j in floor_run()] == list(exact().selected)
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
            f"| {name} | {floor_ms:.3f} | {pnyx_ms:.3f} | {pabutools} | {'yes' if same else 'no'} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
