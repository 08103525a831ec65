"""Participatory-budgeting benchmark: pnyx against pabutools on the shared Pabulib files.

    python benchmarks/bench_pb.py [--data DIR] [--pabutools-timeout 600] [--only NAME[,NAME...]]
                                  [--rules greedy-cost,mes,mes-add1,phragmen,greedy] [--no-pabutools]
                                  [--pabutools-cache FILE.json] [--pabutools-only]
                                  [--skip-uncached] [--pabutools-warm] [--pnyx-records]
                                  [--pnyx-seconds 0.2] [--pnyx-first-runs 3]

For every file and rule it times pnyx (``pnyx.methods.pb.tally`` on arrays already built) and
pabutools 1.2.3 (in a subprocess killed after ``--pabutools-timeout`` seconds, on pabutools
objects built from the very same arrays, so both count the same ballots and points), checks that
both select the same projects, prints a Markdown table and writes it to
``benchmarks/results/pb-<date>.md``.

Timing: two comparisons, each like for like.

*First call* (columns "pnyx ms (first call)" and "pabutools s (first call)"): each side counts
once in a fresh process, its modules imported and its profile built before the clock starts, so
each pays what a first count costs: whatever it derives from the ballots (pnyx's positive cells,
supporter lists, tie order ...), lazy imports, and the interpreter's first pass through cold
code. pnyx: the best of ``--pnyx-first-runs`` (3) processes; pabutools: the best of three
processes where its first call takes under a second (``FIRST_RUNS_LIMIT``), one process above
(a run takes up to minutes), cached. This is what ``pnyx tally`` pays after reading a file.

*Warm* (columns "pnyx ms (best warm)" and "pabutools s (best warm)"): the best of repeated calls
on the same objects, the usual estimate of the cost of a computation on a noisy machine (other
processes only ever add time). pnyx: one untimed call, then calls until ``--pnyx-seconds``
(0.2 s) have been spent (at least 1, at most 100); its profile keeps what the first call derived
from the ballots, so these are recounts. pabutools (``--pabutools-warm``): a fresh process
repeats its call on the same objects likewise (at most 100 calls or 0.2 s, each checked to select
the same projects), only where its first call took under 50 ms (``WARM_LIMIT``); cached under
the key ``<file>|<rule>|<timeout>|warm`` as ``[best, selection, first call]``. A longer
pabutools count is not repeated: its first call stands for its warm cost, marked "(first call)"
(its first-call costs, a few milliseconds, are within the noise of such counts).

The summary line lists every cell where pabutools is less than 100 times slower, by either
comparison. The greedy rules, MES and Phragmén (up to 32 projects) leave the per-project
explanation records (``Outcome.projects``), and MES its dense matrix of payments per ballot
(``Outcome.payments``), to the first access, which the timed calls do not make (pabutools builds
neither); ``--pnyx-records`` reads both inside the warm calls.

pabutools needs about half an hour for the whole table (its MES+add1 on Budapest does not finish in
10 minutes). ``--pabutools-cache FILE.json`` keeps pabutools' times and winners per (file, rule,
timeout) so a re-run after changing pnyx only re-times pnyx; ``--pabutools-only`` just fills it
(run it in the background) and ``--skip-uncached`` leaves out the (file, rule) pairs it does not
hold yet.

``--only`` keeps the files whose name contains one of its comma-separated parts
(``--only Gdansk,Assen``).

Rules: ``greedy-cost`` (pabutools ``greedy_utilitarian_welfare`` with ``Cost_Sat``),
``mes`` (Method of Equal Shares without completion: ``method_of_equal_shares`` with ``Cost_Sat``
for approval/choose-1, else ``Additive_Cardinal_Sat``; pnyx ``mes`` with completion ``none``),
``mes-add1`` (the same with ``voter_budget_increment=1``; pnyx completion ``add1``), ``phragmen``
(``sequential_phragmen``, approval only) and ``greedy`` (by score; pabutools'
``greedy_utilitarian_welfare`` with satisfaction ``points x cost``, whose density is the score;
pabutools would also fund projects nobody voted for if money were left, pnyx does not, so those
are left out of the comparison). Ties: project id as a string on both sides.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = Path(os.environ.get("PNYX_REFERENCE_DATA", REPO.parent / "shared" / "data")) / "pb"
RULES = ("greedy-cost", "mes", "mes-add1", "phragmen", "greedy")
PNYX_RULE = {
    "greedy-cost": ("greedy-cost", "none"),
    "mes": ("mes", "none"),
    "mes-add1": ("mes", "add1"),
    "phragmen": ("phragmen", "none"),
    "greedy": ("greedy", "none"),
}
PNYX_TIME_BUDGET = 0.2  # seconds of timed pnyx calls per (file, rule), best one reported
PNYX_MAX_CALLS = 100
WARM_LIMIT = 0.05  # seconds: --pabutools-warm repeats pabutools' calls below this
FIRST_RUNS = 3  # fresh processes timing pabutools' first call where it takes under ...
FIRST_RUNS_LIMIT = 1.0  # ... this many seconds (the best one kept, as pnyx's)


def load_profile(path: Path):  # type: ignore[no-untyped-def]
    from pnyx.methods.pabulib import read_pb
    from pnyx.methods.pb import profile_from_election

    return profile_from_election(read_pb(path))


def is_approval(profile) -> bool:  # type: ignore[no-untyped-def]
    return profile.vote_type in ("approval", "choose-1")


def applies(profile, rule: str) -> bool:  # type: ignore[no-untyped-def]
    return rule != "phragmen" or is_approval(profile)


# --- pabutools side (runs in a worker process) -------------------------------------------------


def to_pabutools(profile):  # type: ignore[no-untyped-def]
    import numpy as np
    from pabutools.election import (
        ApprovalBallot,
        ApprovalProfile,
        CardinalBallot,
        CardinalProfile,
        Instance,
        Project,
    )

    def money(x: int) -> Fraction | int:
        value = Fraction(int(x), profile.scale)
        return int(value) if value.denominator == 1 else value

    projects = [
        Project(profile.project_ids[j], money(profile.costs[j])) for j in range(profile.n_projects)
    ]
    instance = Instance(projects, budget_limit=money(profile.budget))
    approval = is_approval(profile)
    prof = ApprovalProfile(instance=instance) if approval else CardinalProfile(instance=instance)
    for row, count in zip(profile.utilities, profile.multiplicity, strict=True):
        liked = np.flatnonzero(row)
        for _ in range(int(count)):
            if approval:
                prof.append(ApprovalBallot([projects[j] for j in liked]))
            else:
                points = {projects[j]: Fraction(int(row[j]), profile.points_scale) for j in liked}
                prof.append(CardinalBallot(points))
    return instance, prof


def pabutools_rule(  # type: ignore[no-untyped-def]
    profile, rule: str, warm: bool = False
) -> tuple[float, list[str], float | None]:
    """pabutools' time for its first call and its selection; with ``warm``, also the best of
    repeated calls on the same objects when the first took under :data:`WARM_LIMIT` seconds
    (else None)."""
    from pabutools.election import Additive_Cardinal_Sat, Cost_Sat
    from pabutools.election.satisfaction.additivesatisfaction import AdditiveSatisfaction
    from pabutools.rules import (
        greedy_utilitarian_welfare,
        method_of_equal_shares,
        sequential_phragmen,
    )

    class PointsTimesCostSat(AdditiveSatisfaction):  # density = total points (the score)
        def __init__(self, instance, profile, ballot):  # type: ignore[no-untyped-def]
            def func(inst, prof, bal, project, pre):  # type: ignore[no-untyped-def]
                if project not in bal:
                    return 0
                points = 1 if is_approval(profile_) else bal[project]
                return points * project.cost

            AdditiveSatisfaction.__init__(self, instance, profile, ballot, func)

    profile_ = profile
    instance, prof = to_pabutools(profile)
    sat = Cost_Sat if is_approval(profile) else Additive_Cardinal_Sat

    def call() -> Any:
        if rule == "greedy-cost":
            return greedy_utilitarian_welfare(instance, prof, sat_class=Cost_Sat)
        if rule == "greedy":
            return greedy_utilitarian_welfare(instance, prof, sat_class=PointsTimesCostSat)
        if rule == "phragmen":
            return sequential_phragmen(instance, prof)
        if rule == "mes":
            return method_of_equal_shares(instance, prof, sat_class=sat)
        return method_of_equal_shares(instance, prof, sat_class=sat, voter_budget_increment=1)

    start = time.perf_counter()
    outcome = call()
    seconds = time.perf_counter() - start
    best: float | None = None
    if warm and seconds < WARM_LIMIT:
        best, spent, calls = seconds, 0.0, 0
        while calls < PNYX_MAX_CALLS and spent < PNYX_TIME_BUDGET:
            start = time.perf_counter()
            again = call()
            took = time.perf_counter() - start
            best, spent, calls = min(best, took), spent + took, calls + 1
            if sorted(p.name for p in again) != sorted(p.name for p in outcome):
                raise AssertionError(f"pabutools {rule}: a repeated call selected differently")
    selected = [p.name for p in outcome]
    if rule == "greedy":  # pnyx does not fund projects nobody voted for
        score = dict(zip(profile.project_ids, profile.scores.tolist(), strict=True))
        selected = [p for p in selected if score[p] > 0]
    return seconds, sorted(selected), best


def worker(path: str, rule: str, warm: bool = False) -> None:
    seconds, selected, best = pabutools_rule(load_profile(Path(path)), rule, warm)
    print(json.dumps({"seconds": seconds, "selected": selected, "warm": best}))


def run_pabutools(
    path: Path, rule: str, timeout: float, warm: bool = False
) -> tuple[float | None, list[str] | None, float | None]:
    """pabutools in a fresh process: first-call seconds (None on timeout), selection, and with
    ``warm`` the best of repeated calls (None for instances of :data:`WARM_LIMIT` or more)."""
    cmd = [sys.executable, __file__, "--worker", str(path), rule]
    if warm:
        cmd.append("--warm")
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=True)
    except subprocess.TimeoutExpired:
        return None, None, None
    except subprocess.CalledProcessError as error:
        print(error.stderr, file=sys.stderr)
        return float("nan"), None, None
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    best = answer.get("warm")
    return float(answer["seconds"]), list(answer["selected"]), best


# --- pnyx side ----------------------------------------------------------------------------------


def pnyx_worker(path: str, rule: str) -> None:
    """pnyx's first call, timed as pabutools' is: a fresh process, its modules imported and the
    profile built before the clock starts; whatever the count builds on first use (the
    profile's derived arrays, lazy imports, the interpreter's warm-up of cold code) is timed."""
    from pnyx.methods import mes, mes_small, pb  # noqa: F401 (imported before the clock)

    profile = load_profile(Path(path))
    name, completion = PNYX_RULE[rule]
    start = time.perf_counter()
    outcome = pb.tally(profile, name, completion=completion, ties="id")
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "selected": sorted(outcome.selected)}))


def run_pnyx_first(path: Path, rule: str, runs: int) -> tuple[float, list[str]]:
    """The best of ``runs`` first calls, each in a fresh process (:func:`pnyx_worker`)."""
    best, selected = float("inf"), []
    for _ in range(runs):
        cmd = [sys.executable, __file__, "--pnyx-worker", str(path), rule]
        done = subprocess.run(cmd, capture_output=True, text=True, check=True)
        answer = json.loads(done.stdout.strip().splitlines()[-1])
        best, selected = min(best, float(answer["seconds"])), list(answer["selected"])
    return best, selected


def run_pnyx(  # type: ignore[no-untyped-def]
    profile, rule: str, records: bool = False, budget: float = PNYX_TIME_BUDGET
) -> tuple[float, list[str]]:
    """Best of repeated warm ``tally`` calls (at most ``budget`` seconds of them, at least
    one); with ``records`` each call also reads ``Outcome.projects`` and ``Outcome.payments``
    (built on first access by the greedy rules, MES and Phragmén)."""
    from pnyx.methods.pb import tally

    name, completion = PNYX_RULE[rule]
    outcome = tally(profile, name, completion=completion, ties="id")  # warm-up, untimed
    best, spent, calls = float("inf"), 0.0, 0
    while calls < PNYX_MAX_CALLS and (calls == 0 or spent < budget):
        start = time.perf_counter()
        outcome = tally(profile, name, completion=completion, ties="id")
        if records:
            outcome.projects  # noqa: B018 (builds the deferred records)
            outcome.payments  # noqa: B018 (MES: the payments too)
        seconds = time.perf_counter() - start
        best, spent, calls = min(best, seconds), spent + seconds, calls + 1
    return best, sorted(outcome.selected)


def significant(value: float) -> str:
    """Four significant digits, never an exponent (0.003512, 730.1, 163532)."""
    if not math.isfinite(value) or value == 0:
        return f"{value:g}"
    decimals = max(0, 3 - math.floor(math.log10(abs(value))))
    return f"{value:.{decimals}f}"


def compare(
    ours: float | None, theirs: float | None, args: argparse.Namespace, missing: str = "—"
) -> list[str]:
    """Three cells: pnyx ms, pabutools s (``missing`` where pabutools has no figure) and the
    speed-up."""
    mine = "—" if ours is None else significant(ours * 1e3)
    if args.no_pabutools:
        return [mine, "—", "—"]
    if theirs is None:
        return [mine, missing, "—"]
    speedup = "—" if ours is None else f"{theirs / max(ours, 1e-7):.0f}×"
    return [mine, significant(theirs), speedup]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--pabutools-timeout", type=float, default=600.0)
    parser.add_argument(
        "--only", help="run only files whose name contains one of these (comma-separated)"
    )
    parser.add_argument("--rules", default=",".join(RULES))
    parser.add_argument("--no-pabutools", action="store_true")
    parser.add_argument("--pabutools-cache", type=Path)
    parser.add_argument("--pabutools-only", action="store_true")
    parser.add_argument("--skip-uncached", action="store_true")
    parser.add_argument(
        "--pabutools-warm",
        action="store_true",
        help="also time pabutools as the best of repeated calls where one takes under 50 ms",
    )
    parser.add_argument(
        "--pnyx-records",
        action="store_true",
        help="time pnyx's tally together with building Outcome.projects",
    )
    parser.add_argument(
        "--pnyx-seconds",
        type=float,
        default=PNYX_TIME_BUDGET,
        help="seconds of timed pnyx calls per file and rule, the best one reported "
        f"(default {PNYX_TIME_BUDGET}; at most {PNYX_MAX_CALLS} calls)",
    )
    parser.add_argument(
        "--pnyx-first-runs",
        type=int,
        default=3,
        help="fresh processes timing pnyx's first call per file and rule, the best one "
        "reported (default 3; 0 leaves the first-call columns out)",
    )
    parser.add_argument("--worker", nargs=2, metavar=("FILE", "RULE"), help=argparse.SUPPRESS)
    parser.add_argument("--pnyx-worker", nargs=2, metavar=("FILE", "RULE"), help=argparse.SUPPRESS)
    parser.add_argument("--warm", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker[0], args.worker[1], warm=args.warm)
        return 0
    if args.pnyx_worker:
        pnyx_worker(args.pnyx_worker[0], args.pnyx_worker[1])
        return 0
    rules = [r for r in args.rules.split(",") if r]
    unknown = set(rules) - set(RULES)
    if unknown:
        parser.error(f"unknown rules {sorted(unknown)}; choose from {', '.join(RULES)}")
    files = sorted(args.data.glob("*.pb"), key=lambda p: p.stat().st_size)
    if args.only:
        parts = [part for part in args.only.split(",") if part]
        files = [f for f in files if any(part in f.name for part in parts)]
    header = (
        "| instance | rule | pnyx ms (first call) | pabutools s (first call) | speed-up "
        "| pnyx ms (best warm) | pabutools s (best warm) | speed-up (warm) | same winners |"
    )
    lines = [header, "|---|---|---:|---:|---:|---:|---:|---:|---|"]
    print(header)
    print(lines[1])
    mismatches = 0
    under: list[str] = []  # cells where pabutools is not 100 times slower
    cache: dict[str, list[object]] = {}
    if args.pabutools_cache and args.pabutools_cache.exists():
        cache = json.loads(args.pabutools_cache.read_text())
    for path in files:
        profile = load_profile(path)
        for rule in rules:
            if not applies(profile, rule):
                continue
            key = f"{path.name}|{rule}|{args.pabutools_timeout:g}"
            warm_key = f"{key}|warm"  # [best warm seconds, selection, first call seconds]
            warm: float | None = None
            theirs: float | None
            their_selected: list[str] | None
            if args.no_pabutools:
                theirs, their_selected = None, None
            elif key in cache:
                theirs, their_selected = cache[key]  # type: ignore[assignment]  # from JSON
            elif args.skip_uncached:
                continue
            else:
                theirs, their_selected, warm = run_pabutools(
                    path, rule, args.pabutools_timeout, warm=args.pabutools_warm
                )
                # a short count is timed in more fresh processes, as pnyx's first call is
                runs = 1
                while theirs is not None and theirs < FIRST_RUNS_LIMIT and runs < FIRST_RUNS:
                    again, _selected, _warm = run_pabutools(path, rule, args.pabutools_timeout)
                    theirs, runs = min(theirs, again if again is not None else theirs), runs + 1
                if args.pabutools_cache:
                    cache[key] = [theirs, their_selected]
                    if warm is not None:
                        cache[warm_key] = [warm, their_selected, theirs]
                    args.pabutools_cache.write_text(json.dumps(cache, indent=1))
            quick = theirs is not None and theirs < WARM_LIMIT  # False for nan too
            if args.pabutools_warm and quick and warm is None:
                if warm_key not in cache:  # a fresh process, timed warm (seconds, not minutes)
                    once, again, warm = run_pabutools(path, rule, args.pabutools_timeout, True)
                    if warm is not None and again == their_selected:
                        cache[warm_key] = [warm, again, once]
                        if args.pabutools_cache:
                            args.pabutools_cache.write_text(json.dumps(cache, indent=1))
                if warm_key in cache:
                    warm = cache[warm_key][0]  # type: ignore[assignment]
            if args.pabutools_only:
                print(f"{key}: {theirs}" + (f" (warm {warm})" if args.pabutools_warm else ""))
                continue
            ours, selected = run_pnyx(
                profile, rule, records=args.pnyx_records, budget=args.pnyx_seconds
            )
            first: float | None = None
            if args.pnyx_first_runs:
                first, first_selected = run_pnyx_first(path, rule, args.pnyx_first_runs)
                mismatches += first_selected != selected
            same = "n/a"
            if theirs is not None and not args.no_pabutools:
                same = "yes" if selected == their_selected else "**NO**"
                mismatches += selected != their_selected
            cells = [path.stem, rule]
            cells += compare(first, theirs, args, f"> {args.pabutools_timeout:.0f} (timeout)")
            # a count of pabutools of 50 ms or more is not repeated: its first call stands for
            # its warm cost (its first-call costs are a few milliseconds)
            steady = warm if warm is not None or quick else theirs
            cells += compare(ours, steady, args)
            if steady is not None and warm is None and not args.no_pabutools:
                cells[-2] += " (first call)"
            line = "| " + " | ".join(cells + [same]) + " |"
            for label, mine, other in (("first call", first, theirs), ("warm", ours, steady)):
                if mine is not None and other is not None and other < 100 * mine:
                    under.append(f"{path.stem} {rule} ({label}: {other / mine:.0f}×)")
            lines.append(line)
            print(line, flush=True)
    if under:
        summary = f"\nUnder 100× ({len(under)}): " + "; ".join(under)
    else:
        summary = "\nUnder 100×: none"
    lines.append(summary)
    print(summary)
    out = REPO / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = out / f"pb-{stamp}.md"
    target.write_text(
        f"# PB benchmark {stamp}\n\nCPU cores: {os.cpu_count()}\n\n" + "\n".join(lines) + "\n"
    )
    print(f"\nwritten to {target}")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
