"""Time pnyx's Method of Equal Shares with a completion (``equal_shares``) on the shared Pabulib
files, best of ``--repeat`` runs (reading the file not timed): wall-clock seconds and the CPU
seconds of this process (``time.process_time``; on a machine shared with other jobs the CPU time
moves less than the wall clock); ``--profile`` prints a cProfile. ``--count`` prints what the
completion did, which does not move with the machine's load: certificates tried (and how many
held; one that fails at the next unit also finishes the MES run there), MES runs started
afresh, screens and exact price factors. ``equal_shares`` hands some small elections to
``mes_small``; ``--mes-only`` switches that off to time ``mes``'s own completion.

    python benchmarks/bench_mes_add1.py [--data /work/shared/data/pb] [--only NAME[,NAME]]
        [--repeat 3] [--completion add1] [--profile] [--count] [--mes-only]
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import pstats
import time
from pathlib import Path
from typing import Any

from pnyx.methods import mes, pabulib, pb
from pnyx.methods.mes import MesResult, equal_shares


def _counting() -> collections.Counter[str]:
    """Wrap the completion's steps with counters (for ``--count``)."""
    counts: collections.Counter[str] = collections.Counter()
    certify, run = mes._certify, mes._run
    screen, exact_rho = mes._State.screen, mes._State.exact_rho

    def counted_certify(*args: Any, **kwargs: Any) -> Any:
        result = certify(*args, **kwargs)
        counts["certificates"] += 1
        counts["held"] += result[0] is not None
        return result

    def counted_run(*args: Any, **kwargs: Any) -> Any:
        counts["fresh MES runs"] += 1
        return run(*args, **kwargs)

    def counted_screen(self: Any, *args: Any) -> Any:
        counts["screens"] += 1
        return screen(self, *args)

    def counted_exact_rho(self: Any, *args: Any) -> Any:
        counts["exact price factors"] += 1
        return exact_rho(self, *args)

    mes._certify, mes._run = counted_certify, counted_run
    mes._State.screen, mes._State.exact_rho = counted_screen, counted_exact_rho  # type: ignore[method-assign]
    return counts


def _run(profile: pb.Profile, completion: str) -> MesResult:
    return equal_shares(
        profile.costs,
        profile.budget,
        profile.utilities,
        profile.multiplicity,
        pb.tie_priority(profile, "id"),
        cost_utility=profile.vote_type in ("approval", "choose-1"),
        completion=completion,
        increment=profile.scale,
    )


_ORIGINAL = (mes._certify, mes._run)
_ORIGINAL_STATE = (mes._State.screen, mes._State.exact_rho)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="/work/shared/data/pb")
    ap.add_argument("--only", default="")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--completion", default="add1")
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--count", action="store_true")
    ap.add_argument("--mes-only", action="store_true")
    args = ap.parse_args()
    if args.mes_only:
        from pnyx.methods import mes_small

        mes_small.ENABLED = False
    files = sorted(Path(args.data).glob("*.pb"))
    if args.only:
        files = [f for f in files if any(o in f.name for o in args.only.split(","))]
    for f in files:
        profile = pb.profile_from_election(pabulib.read_pb(f))
        if args.profile:
            prof = cProfile.Profile()
            prof.runcall(_run, profile, args.completion)
            pstats.Stats(prof).sort_stats("tottime").print_stats(25)
            continue
        if args.count:
            counts = _counting()
            _run(profile, args.completion)
            print(f"{f.stem:50s} " + ", ".join(f"{n} {k}" for k, n in counts.items()), flush=True)
            mes._certify, mes._run = _ORIGINAL
            mes._State.screen, mes._State.exact_rho = _ORIGINAL_STATE  # type: ignore[method-assign]
            continue
        best = best_cpu = float("inf")
        for _ in range(args.repeat):
            t0, c0 = time.perf_counter(), time.process_time()
            result = _run(profile, args.completion)
            best = min(best, time.perf_counter() - t0)
            best_cpu = min(best_cpu, time.process_time() - c0)
        print(
            f"{f.stem:50s} {best:8.3f} s  (cpu {best_cpu:8.3f} s)  {len(result.selected)} selected",
            flush=True,
        )


if __name__ == "__main__":
    main()
