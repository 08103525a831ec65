"""Time pnyx's Method of Equal Shares with a completion (``equal_shares``) on the shared Pabulib
files, best of ``--repeat`` runs (reading the file not timed): wall-clock seconds and the CPU
seconds of this process (``time.process_time``; on a machine shared with other jobs the CPU time
moves less than the wall clock); ``--profile`` prints a cProfile. ``equal_shares`` hands some
small elections to ``mes_small``; ``--mes-only`` switches that off to time ``mes``'s own
completion.

    python benchmarks/bench_mes_add1.py [--data /work/shared/data/pb] [--only NAME[,NAME]]
        [--repeat 3] [--completion add1] [--profile] [--mes-only]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time
from pathlib import Path

from pnyx.methods import pabulib, pb
from pnyx.methods.mes import MesResult, equal_shares


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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="/work/shared/data/pb")
    ap.add_argument("--only", default="")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--completion", default="add1")
    ap.add_argument("--profile", action="store_true")
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
