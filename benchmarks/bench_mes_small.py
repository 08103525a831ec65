"""Time ``mes.equal_shares`` with the small-election dispatch (``mes_small.dispatch``, then
``mes``'s own path if it declines) against ``mes``'s own path alone (fast scan) on the shared
Pabulib files, both in the same run: after a warm-up, the two alternate in three rounds of
``--repeat / 3`` runs and the best time of each is kept (the machine is shared: the best of many
short runs is the least disturbed). Reading the file is not timed. Also checks that both give
the same result.

    python benchmarks/bench_mes_small.py [--data /work/shared/data/pb] [--only NAME[,NAME]]
        [--repeat 15] [--completion add1] [--all]

Without ``--all`` only the files ``small_applies`` accepts are timed. The dispatch is emulated
(``mes.equal_shares``'s input checks, ``dispatch``, then ``mes`` with ``mes_small.ENABLED =
False``), so the script times the same thing before and after the dispatch lines are added to
``mes.equal_shares``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from pnyx.methods import mes_small, pabulib, pb
from pnyx.methods.mes import MesResult, equal_shares
from pnyx.methods.mes_small import dispatch, small_applies


def _best(run: Callable[[], MesResult], repeat: int, budget_s: float) -> float:
    """Best wall time of ``repeat`` runs (fewer if they take more than ``budget_s`` in all)."""
    best = float("inf")
    spent = 0.0
    for _ in range(repeat):
        t0 = time.perf_counter()
        run()
        dt = time.perf_counter() - t0
        best = min(best, dt)
        spent += dt
        if spent > budget_s:
            break
    return best


def _same(a: MesResult, b: MesResult) -> bool:
    return (
        a.selected == b.selected
        and a.spent == b.spent
        and a.final_budget == b.final_budget
        and a.reasons == b.reasons
        and bool(np.allclose(a.payments, b.payments, rtol=1e-9, atol=1e-9))
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="/work/shared/data/pb")
    ap.add_argument("--only", default="")
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--completion", default="add1")
    ap.add_argument("--all", action="store_true", help="time files the predicate rejects too")
    args = ap.parse_args()
    files = sorted(Path(args.data).glob("*.pb"))
    if args.only:
        files = [f for f in files if any(o in f.name for o in args.only.split(","))]
    print(f"{'file':45s} {'entries':>8s} {'mes':>11s} {'small':>11s} {'speedup':>8s}  same")
    for f in files:
        _time_file(f, args.completion, args.repeat, args.all)


def _time_file(f: Path, completion: str, repeat: int, every: bool) -> None:
    profile = pb.profile_from_election(pabulib.read_pb(f))
    approval = profile.vote_type in ("approval", "choose-1")
    costs = np.asarray(profile.costs, dtype=np.int64)
    utilities = np.asarray(profile.utilities, dtype=np.int64)
    mult = np.asarray(profile.multiplicity, dtype=np.int64)
    prio = pb.tie_priority(profile, "id")
    applies = small_applies(costs, utilities, mult, approval)
    if not applies and not every:
        return

    def general() -> MesResult:
        enabled = mes_small.ENABLED
        mes_small.ENABLED = False
        try:
            return equal_shares(
                costs,
                profile.budget,
                utilities,
                mult,
                prio,
                cost_utility=approval,
                completion=completion,
                increment=profile.scale,
            )
        finally:
            mes_small.ENABLED = enabled

    def small() -> MesResult:
        """What ``mes.equal_shares`` does once it dispatches: its input checks, then
        ``dispatch``, then its own path if that declines."""
        c = np.asarray(costs, dtype=np.int64)
        u = np.asarray(utilities, dtype=np.int64)
        m = np.asarray(mult, dtype=np.int64)
        if u.ndim != 2 or u.shape[1] != c.shape[0] or m.shape != (u.shape[0],):
            raise ValueError("bad shapes")
        if np.any(c < 0) or np.any(u < 0) or np.any(m < 0):
            raise ValueError("negative input")
        result = dispatch(
            c,
            profile.budget,
            u,
            m,
            prio,
            cost_utility=approval,
            completion=completion,
            increment=profile.scale,
        )
        return general() if result is None else result

    same = _same(general(), small())  # also the warm-up
    small()
    t_mes = t_small = float("inf")
    for _ in range(3):  # alternate, so both see the same machine load
        t_mes = min(t_mes, _best(general, max(1, repeat // 3), 20.0))
        t_small = min(t_small, _best(small, max(1, repeat // 3), 20.0))
    print(
        f"{f.stem[:45]:45s} {int(np.count_nonzero(utilities)):8d} "
        f"{t_mes * 1e3:8.2f} ms {t_small * 1e3:8.2f} ms {t_mes / t_small:7.1f}x  "
        f"{'yes' if same else 'NO'}{'' if applies else '  (predicate: no)'}",
        flush=True,
    )


if __name__ == "__main__":
    main()
