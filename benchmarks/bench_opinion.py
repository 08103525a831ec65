"""Benchmark of the opinion map (``pnyx.methods.opinion``), with red-dwarf timed alongside.

Run:  python benchmarks/bench_opinion.py [--data /work/shared/data] [--repeat 3]

Times the full computation (PCA, base and group clusters, repness, consensus) on each shared
Pol.is conversation (target < 100 ms each; reading the CSV files is not timed) and on a synthetic
10,000 participants x 1,000 statements matrix at 10 % density (target < 2 s). red-dwarf (PyPI
``red-dwarf``, a benchmark-only reference) is timed on the same votes when it is installed; it
has no base clustering, so it clusters participants directly.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from pnyx.methods.opinion import VoteMatrix, compute_opinion_map
from pnyx.methods.polis_format import read_polis_export

DEFAULT_DATA = Path(
    os.environ.get("PNYX_REFERENCE_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
)


def best_of(repeat: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def synthetic(n_participants: int, n_statements: int, density: float, seed: int = 7) -> VoteMatrix:
    """Two opinion camps plus noise; ``density`` of the cells voted."""
    rng = np.random.default_rng(seed)
    camp = rng.integers(0, 2, n_participants)
    leaning = rng.choice([-1.0, 1.0], size=(2, n_statements))
    agree_with_camp = rng.random((n_participants, n_statements)) < 0.75
    votes = np.where(agree_with_camp, leaning[camp], -leaning[camp])
    votes[rng.random((n_participants, n_statements)) < 0.15] = 0.0
    votes[rng.random((n_participants, n_statements)) >= density] = np.nan
    return VoteMatrix(tuple(range(n_participants)), tuple(range(n_statements)), votes)


def red_dwarf_runner(
    matrix: VoteMatrix, moderated_out: frozenset[int]
) -> Callable[[], object] | None:
    try:
        from reddwarf.implementations.polis import run_pipeline
    except ImportError:
        return None
    rows, cols = np.nonzero(~np.isnan(matrix.votes))
    votes = [
        {
            "participant_id": matrix.participants[i],
            "statement_id": matrix.statements[j],
            "vote": int(matrix.votes[i, j]),
            "modified": 0,
        }
        for i, j in zip(rows.tolist(), cols.tolist(), strict=True)
    ]
    mod_out = sorted(moderated_out)

    def run() -> object:
        return run_pipeline(votes=votes, mod_out_statement_ids=mod_out, random_state=0)

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-red-dwarf", action="store_true")
    args = parser.parse_args()

    rows: list[tuple[str, str, float, float | None]] = []
    polis = args.data / "polis"
    cases: list[tuple[str, VoteMatrix, frozenset[int]]] = []
    if polis.is_dir():
        for folder in sorted(p for p in polis.iterdir() if (p / "comments.csv").is_file()):
            conversation = read_polis_export(folder)
            cases.append((folder.name, conversation.matrix, conversation.moderated_out))
    else:
        print(f"(no Pol.is data at {polis}: only the synthetic case)")
    cases.append(("synthetic 10000x1000 @10%", synthetic(10_000, 1_000, 0.10), frozenset()))

    for name, matrix, moderated_out in cases:
        ours = best_of(args.repeat, lambda m=matrix, mo=moderated_out: compute_opinion_map(m, mo))
        theirs = None
        runner = None if args.no_red_dwarf else red_dwarf_runner(matrix, moderated_out)
        if runner is not None:
            theirs = best_of(1 if "synthetic" in name else args.repeat, runner)
        shape = f"{matrix.votes.shape[0]}x{matrix.votes.shape[1]}"
        rows.append((name, shape, ours, theirs))
        print(
            f"{name:42s} {shape:>11s}  pnyx {1000 * ours:8.1f} ms"
            + (f"  red-dwarf {1000 * theirs:8.1f} ms" if theirs is not None else "  red-dwarf n/a"),
            flush=True,
        )

    print()
    print("| conversation | participants x statements | Pnyx (ms) | red-dwarf (ms) |")
    print("|---|---|---|---|")
    for name, shape, ours, theirs in rows:
        rd = f"{1000 * theirs:.0f}" if theirs is not None else "n/a"
        print(f"| {name} | {shape} | {1000 * ours:.0f} | {rd} |")


if __name__ == "__main__":
    main()
