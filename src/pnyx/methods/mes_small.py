"""The Method of Equal Shares on small elections: the unit-by-unit completion scan, vectorised.

Same rule, same result as :func:`pnyx.methods.mes.equal_shares` (whose module docstring gives
the semantics: pabutools 1.2.3's MES, its ``add1`` / ``add1-no-stop`` / ``add1-greedy``
completions, exact decisions); this module is the faster path where the general machinery of
``mes`` (certificates, screening, sparse structures) costs more than it saves, see
:func:`small_applies`.

The scan
--------
The completion looks at the per-voter budgets ``b_k = budget / n + k * increment``,
``k = 0, 1, ...`` in order and stops at the first ``k`` where ``O_k`` (the MES outcome at
``b_k``) overspends (returning ``O_{k-1}``) or, for ``add1``, is exhaustive (returning ``O_k``;
``add1-no-stop``: once every candidate is funded). Here MES runs at a *block* of budgets
(probes) are played side by side: ballots x K arrays of float budgets, one column per budget,
each column its own MES run (the funded project may differ per column). A column that
overspends ends the work of every later column of its block (the scan stops there at the
latest), and so does a column whose finished run is where the scan stops.
A scan may also start at ``b_first`` and end at ``b_last`` (one stage of
``mes.staged_stop``, which runs the stages of a large election on several processes; the
proof that the first stage that stops holds the scan's stop is in ``mes``'s docstring). The
stage that stops sends back the run there (funded candidates and float price factors), from
which the payments are replayed as after a scan in one process.

The scan then *walks*: from the last resolved unit ``k`` (``O_k`` known, the scan has not
stopped) to the next computed probe ``p``. If ``p = k + 1`` its outcome is the next one of the
unit scan. If ``p > k + 1`` it is accepted only with a *certificate* that MES funds the same
sequence at every budget of ``[b_k, b_p]`` (so ``O_{k+1} = ... = O_p = O_k``, which neither
overspends nor stops): the certificates of ``pnyx.methods.mes``'s docstring, with the same
proofs, shown from the block's certified float bounds (below). Same sequence at both ends, and
in every round ``t``, for every other project ``j`` still alive at ``b_p``:

* monotone: ``lo_j(b_p) > hi_w(b_k)`` (``w`` the round's winner; for ``b`` in between,
  ``rho_j(b) >= rho_j(b_p)`` and ``rho_w(b) <= rho_w(b_k)`` by the monotonicity lemma); or
* exact: both price factors are known exactly (step 4 below) and ``(rho_j(b_p), prio_j) >
  (rho_w(b_k), prio_w)``; or ``j`` is a twin of ``w`` (equal price factors in every state, and
  ``w`` won at both ends, so it has the better priority); or
* affine: the winners of rounds ``1..t`` pay with the same poor supporters at both ends, and
  ``j`` has the same *certified* split (step 2) at both ends, where it lost: ``rho_j - rho_w`` is
  then affine in the budget on ``[b_k, b_p]`` and keeps its sign (kept only for blocks of at
  most ``_DETAIL_CELLS`` entries x budgets, which keep each round's state).

After the last round nothing is affordable at ``b_p``, hence at any smaller budget. A gap that
is not certified is refined by a later block (every such gap at once, one unit at a time where
the block has room, else a finer grid); beyond the known probes a short grid extends the scan,
its stride doubling while certificates hold. Which probes are tried only matters for speed:
every outcome the walk accepts is the unit scan's, so the result is exactly the unit-by-unit
scan's (the tests compare it with ``mes.equal_shares(..., scan="unit")``).

Why a column is the exact MES run
---------------------------------
Notation for one column and one round: ``beta_i`` the exact budgets, ``beta'_i`` the float ones,
``D`` a bound of ``sum_i m_i |beta'_i - beta_i|`` (ballot multiplicities ``m_i``), ``eps =
2^-53``. A voter who paid everything holds exactly 0 in both (a boolean records it).

1. Lower bound for any split. For a project ``j`` of cost ``c`` and any set ``S`` of its
   supporters with ``R_S = sum_{i not in S} m_i u_ij > 0``, let ``rho_S = (c - sum_{i in S} m_i
   beta_i) / R_S``. Since ``min(beta, rho u) <= beta`` and ``<= rho u``, ``f_j(x) = sum_i m_i
   min(beta_i, x u_ij) <= sum_S m_i beta_i + x R_S``, which is ``< c`` for ``x < rho_S``; so the
   price factor ``rho_j >= rho_S``. The float iteration (poor/rich, warm-started from the
   previous round's poor set: the poor only grow along a run) gives ``rho'`` with
   ``|rho' - rho_S| <= err = (D + 2 (M + 2) eps (n b + c)) / R_S + 4 eps rho'`` (``M``
   supporters, ``n b`` all the money there is; the sum of the poor budgets is off by at most
   ``D`` plus its rounding, ``R_S`` is an exact integer in float64, checked up front), so
   ``lo = rho' - err <= rho_j`` whatever the split.
2. Certified split. If moreover every supporter not exhausted has ``|beta'_i - rho' u_ij| >
   D / m_i + err u_ij + 4 eps (beta'_i + rho' u_ij)`` with the sign given by ``S`` (poor: below),
   then at ``rho_S`` exactly the poor of ``S`` hold ``beta_i < rho_S u_ij`` and the others
   ``beta_i > rho_S u_ij``: ``f_j(rho_S) = c`` and ``f_j < c`` left of it (slope ``>= R_S > 0``),
   so ``rho_j = rho_S``, ``rho_j <= hi = rho' + err``, and the voters who pay everything are
   exactly ``S`` (no voter sits on the boundary).
3. Affordability. The iteration ends with ``R_S = 0`` (every supporter poor) when the project
   is unaffordable; it is dropped when its float money is below ``c`` by more than ``D`` plus
   the rounding (else the decision is uncertain). A project still alive and unaffordable cannot
   pass step 2 (which proves ``f_j(rho_S) = c``), so it never wins.
4. The round's winner. With ``w`` the float minimum and its split certified, a project with
   ``lo_j > hi_w`` has ``rho_j > rho_w``: it loses whatever the priorities. The other
   *contenders* get certified splits too; when more than one remains, the winner is the least
   ``(rho, priority)`` computed exactly: a contender none of whose poor supporters holds money
   (all exhausted) has ``rho = c / R_S`` exactly (integers); *twins* (same cost, same utility
   column) have equal ``rho`` in every state, so among them the priority decides.
5. Funding. The winner's poor supporters go to exactly 0, the others pay ``rho' u``; over the
   rich ``sum m |rho' - rho| u = |rho' - rho| R_S``, which is at most the poor supporters' share
   of ``D`` (they leave it, going to exactly 0) plus the rounding of ``rho'``; so ``D`` grows
   only by the round's rounding, at most ``4 (M + 5) eps (n b + c)``. At the start
   ``D = 2 n eps b``.

Whenever a decision is not certified by 2-4 (a margin within the error bound, or a tie this
module cannot settle exactly), the column's run is set aside and, only if the scan reaches its
budget, computed by :func:`pnyx.methods.mes.equal_shares` (``completion="none"``, total budget
``b_k n``: the MES run at ``b_k``, exact). The payments of the reported run are replayed along
its rounds with the *exact* price factors (from the certified splits, over exact integer
budgets, as ``mes`` keeps them) and ``mes``'s float operations (``float(rho) u``), so they equal
``mes``'s bit for bit.

Lazy blocks
-----------
A block evaluates every alive project in every column each round, which costs about as many
operations as supporter entries times budgets. Past ``_LAZY_ENTRIES`` entries
(:func:`_block_run_lazy`) a round evaluates, column by column, only the projects that may win
it, as ``mes`` does in one run, with the same steps 1-5 and the same record:

* every pair (project, column) keeps a certified lower bound ``LB`` of its price factor, which
  stays valid for the rest of the run because price factors only grow along it: at first
  ``c / sum m u`` (``f(rho) <= rho sum m u``), then ``lo`` of step 1 whenever it is evaluated;
* in each column the project the nearest known run funded in that round is evaluated first,
  else the pair of least ``LB`` (steps 1-3; again while it turns out unaffordable), which
  gives ``x = hi``, an upper bound of the least price factor once its split is certified;
* every other pair with ``LB <= x`` is *screened* at ``x``: the float ``f(x) = sum m min(beta',
  x u)`` is within ``D`` plus its rounding of the exact ``f(x)`` (``min`` is 1-Lipschitz), so
  ``f(x) < c - D - rounding`` shows ``rho > x``: the pair cannot win, and by concavity
  ``f(rho) <= f(x) + S (rho - x)`` with ``S`` the ``sum m u`` over supporters who may hold more
  than ``x u`` (every ``beta' > x u - D / m``, an over-count), a new ``LB = x + (c - D -
  rounding - f(x)) / S``; when ``S = 0`` every supporter is poor at ``x``, ``f(x)`` is all their
  money and the project is unaffordable, as it is when their money, summed like ``f`` and with
  the same margin, is short of the cost (a pair whose ``M_j`` supporters hold less than the cost
  even with the whole budget, ``M_j b < c_j``, is unaffordable from the start);
* the pairs not so cleared are evaluated like the first; ``x`` only falls, so a pair cleared
  at an earlier ``x`` stays cleared, and any pair never evaluated has ``LB`` above the final
  ``x``: it loses to the pair whose ``hi`` that is;
* the splits are certified (step 2; a column where one is not is set aside, as above) for the
  *contenders* only, the evaluated pairs with ``lo`` at most the final ``x``: every other
  pair loses by its ``lo`` of step 1, a lower bound whatever its split, to the pair of the
  final ``x``, a contender. The winner is chosen among the contenders by step 4, and funded
  from the entries gathered to certify it.

Budgets, poor sets (where each solve starts: they only grow along a run; one a solve found
for a pair it did not certify may hold a voter who is not poor: the bounds of step 1 hold for
any set, and the sign test of step 2 finds it out if the pair becomes a contender), ``D`` and
funding are those of step 5; the record's lower bounds are ``LB``, valid for the walk's monotone
certificate. On Toulouse 2024 (12,897 supporter entries, 183 projects) this scan takes
1.8-2.8 s in one process where ``mes`` takes 10-13 s (blocks of ``_LAZY_WIDTH`` budgets; 5.2 s
with 32, in blocks of 8 to 16 budgets where the grid stayed short), and Wieliczka 2023 (7,050
entries) 0.2 s instead of 0.45 s with blocks that evaluate every project; where projects have
many supporters each (Warsaw, Budapest: hundreds to thousands) a block's evaluations cost more
than ``mes``'s unit runs, which is what :func:`small_applies` measures.

Tiny elections (at most ``_TINY_CELLS`` ballots x projects, e.g. Gdańsk 2020 Przeróbka: 26
ballots, 3 projects; without completion any election of at most ``_TINY_CELLS_ONE_RUN`` cells,
whatever its voters per ballot) first play the run at ``b_0`` by the same algorithm in plain
Python floats (one column; the split of a project is its supporters sorted by ``beta / u``,
certified as in step 2 from the two supporters either side of the boundary; budgets move by
``float(rho)`` of the exact price factor, as in ``mes``), where numpy's per-call cost would be
the whole cost. It is lazy: price factors only grow, so a project is evaluated again only if it
may win the round and one of its supporters paid since (see :func:`_tiny`). An evaluation
whose supporters all hold their share at the price factor ``c / sum m u`` (the usual case in
early rounds) is told by the least key, without sorting; one whose supporters' money is short
of the cost is dropped before sorting. Where every voter's load ``sum_j u_ij c_j / sum m u``
over all candidates stays below ``b_0``, the run is written in closed form (every candidate
funded, see :func:`_all_funded`). When the scan stops there (or ``completion="none"``) that is
the result; otherwise, or on any uncertain decision, the numpy scan starts afresh (or, from
:func:`dispatch`, ``mes`` takes over when the numpy scan does not suit the election). Small
completions are walked by such runs instead (:func:`_tiny_walk`): jumps while certificates
hold, then a search of the stretch where the outcome changed (at the budget where the two runs'
first differing round changes winner, interpolated, see :func:`_crossing`; else by halves),
each gap certified from the two runs at its ends whichever was computed first
(:func:`_tiny_certified`).

Where it applies
----------------
:func:`small_applies` (used by :func:`dispatch`, which ``mes.equal_shares`` calls first) is a
rule measured on the shared Pabulib files, see its docstring.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from math import gcd
from operator import mul, truediv
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from pnyx.methods.mes import (
    MesResult,
    Reasons,
    Supporters,
    available_workers,
    greedy_rest,
    stage_end,
    stage_past_stop,
    stage_poll,
    staged_stop,
    validated_arguments,
)

__all__ = ["ENABLED", "dispatch", "equal_shares_small", "small_applies"]

ENABLED = True  # read by the dispatch in ``mes.equal_shares`` (benchmarks switch it off)

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
IndexArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]

_EPS = 2.0**-53
# where the numpy scan is the faster path (small_applies; measured on the shared files)
_SCAN_MIN_LENGTH = 2.8  # supporter entries per distinct ballot, at least
_SCAN_MERGE = 8  # voters per distinct ballot, at most
_SCAN_ENTRIES = 3_000  # supporter entries, at most ...
_SCAN_MAX_ENTRIES = 8_000  # ... or this many with 40 projects or more
_TINY_MERGE = 10  # voters per distinct ballot for the plain-Python first run, at most
_CELLS = 1 << 16  # supporter entries x budgets of a block, about
_EXTEND = 8  # budgets of a block past the last known one
_DETAIL_CELLS = 1 << 16  # entries x budgets up to which a block keeps its rounds' state
# supporter entries from which blocks evaluate only the projects that may win (measured:
# Wieliczka 2023, 7,050 entries, 0.20-0.21 s against 0.45-0.50 s; Swiecie 2023, 2,356
# entries, 74-124 ms against 110-127 ms; Zurich D5, 619 entries, 57 ms against 28-48 ms)
_LAZY_ENTRIES = 2_000
# beyond _SCAN_MAX_ENTRIES the scan takes elections with at most this many entries per project
_LAZY_PER_PROJECT = 150
_LAZY_CELLS = 2_000_000  # ballots x projects beyond which the scan is not considered
# budgets per lazy block: a round's numpy calls are shared by more runs (Toulouse 2024 in one
# process, alternated: 32 budgets 4.9 s, 64 3.0 s, 96 2.7 s, 128-192 2.3-3.4 s; Wieliczka 2023
# 0.26 -> 0.15-0.19 s)
_LAZY_WIDTH = 128
# supporter entries from which a completion is scanned by several processes (mes.staged_stop;
# measured: Toulouse 2024 1.8 s in one process, 1.0-1.5 s in two; Wieliczka 2023, 7,050
# entries, add1 0.21-0.30 s in one, 0.16-0.26 s in two, alternated; Swiecie 2023's 2,356
# entries are counted in 0.06-0.11 s, about what starting the processes costs)
_PARALLEL_ENTRIES = 5_000
_TINY_CELLS = 400  # ballots x projects up to which the first run is plain Python
# Without completion the plain-Python run (lazy, see _tiny) is the whole count, whatever the
# voters per ballot: measured faster than mes's own run up to Toulouse 2019 (24,210 cells,
# 3,074 entries: 3.1 vs 3.5 ms; Swiecie 1.7 vs 3.1 ms, Assen 0.28 vs 1.6 ms), not on Katowice
# 2023 (45,150 cells: 3.8 vs 2.6 ms) or Amsterdam (40,368 cells: 13 vs 6 ms).
_TINY_CELLS_ONE_RUN = 30_000
# ... and beyond, where the caller keeps the supporters (their entries are then counted), up to
# this many supporter entries per project: each round evaluates a few projects, each in time
# proportional to its supporters, where mes's run reads every entry (measured, alternated:
# Toulouse 2024, 70 per project, 9.2 -> 5.4 ms; Krakow 2023 Bienczyce, 100, 0.52 -> 0.34 ms;
# Wieliczka 2023, 110, 1.8 -> 1.0 ms; Katowice 2023, 188, 0.59 -> 0.47 ms; but Lodz 2022, 689,
# 3.7 -> 13 ms; Amsterdam, 738, 1.6 -> 4.2 ms; Krakow 2024, 792, 2.3 -> 8.7 ms)
_TINY_PER_PROJECT_ONE_RUN = 300
# a completion is scanned by plain-Python runs (_tiny_walk) up to this many ballots x projects
# and voters per distinct ballot (measured on the shared files, add1: Assen 76 -> 25 ms,
# Katowice 2020 12.6 -> 8.2 ms; not Wroclaw 2016, 132 voters per ballot, 0.7 -> 4.8 ms, where
# mes's certificates jump further, nor Swiecie, 15,290 cells, 82 -> 96 ms)
_WALK_CELLS = 6_000
_WALK_MERGE = 16
# the walk's first jump past the runs it knows, in units (runs of add1 with 2 / 8 / 16: Zurich
# D5 43 / 39 / 38, S5R 24 / 23 / 23, Assen 59 / 56 / 57; the walk from below, before bisecting,
# took 66, 38 and 92)
_WALK_STEP = 8
_PY_PREP_CELLS = 128  # ballots x projects up to which _tiny reads the supporters in plain Python


def _tiny_fits(
    utilities: IntArray,
    multiplicity: IntArray,
    cells: int = _TINY_CELLS,
    merge: int = _TINY_MERGE,
    supporters: Supporters | None = None,
) -> bool:
    """Whether the plain-Python first run is worth trying (see :func:`small_applies`): at most
    ``cells`` ballots x projects and ``merge`` voters per distinct ballot (counted by the
    ``supporters`` of this election where given, with every ballot counting)."""
    n_ballots, n_projects = utilities.shape
    if n_ballots * n_projects > cells:
        return False
    if supporters is not None and supporters.every_ballot_counts:
        return bool(supporters.n_voters <= merge * n_ballots)
    mult = multiplicity.tolist()
    n_live = sum(1 for m in mult if m > 0)
    return bool(0 < sum(mult) <= merge * n_live)


def _walk_fits(
    utilities: IntArray, multiplicity: IntArray, supporters: Supporters | None = None
) -> bool:
    """Whether a completion is scanned by plain-Python runs (:func:`_tiny_walk`)."""
    return _tiny_fits(utilities, multiplicity, _WALK_CELLS, _WALK_MERGE, supporters)


def _scan_fits(
    costs: IntArray, utilities: IntArray, multiplicity: IntArray, cost_utility: bool
) -> bool:
    """Whether the numpy scan is the faster path (see :func:`small_applies`)."""
    n_ballots, n_projects = utilities.shape
    if n_ballots * n_projects > _LAZY_CELLS:  # cheap test before counting
        return False
    live = multiplicity > 0
    n_live = int(np.count_nonzero(live))
    n_voters = int(multiplicity.sum())
    if n_live == 0 or n_voters > _SCAN_MERGE * n_live:
        return False
    top = int(costs.max(initial=0)) if cost_utility else int(utilities.max(initial=0))
    if max(1, top) * n_voters >= 2**53:  # float64 sums of m_i u_ij must be exact
        return False
    entries = int(np.count_nonzero(utilities[live]))
    if entries < _SCAN_MIN_LENGTH * n_live:
        return False
    if entries <= _SCAN_ENTRIES or (entries <= _SCAN_MAX_ENTRIES and n_projects >= 40):
        return True  # blocks that evaluate every project
    return bool(_SCAN_MAX_ENTRIES < entries <= _LAZY_PER_PROJECT * n_projects)  # lazy blocks


def small_applies(
    costs: IntArray, utilities: IntArray, multiplicity: IntArray, cost_utility: bool
) -> bool:
    """True where this module is the faster path (arguments as validated by
    ``mes.equal_shares``; see :func:`dispatch`).

    Measured on the shared Pabulib files (``benchmarks/bench_mes_small.py``), not derived: the
    numpy scan wins where ``mes`` needs many MES runs (outcomes changing every few units, near
    ties) and loses where ``mes``'s certificates jump over long stretches with a few runs and
    this module's fixed cost per round (about 150 numpy calls) dominates. The rule: ballots of
    ``_SCAN_MIN_LENGTH`` supported projects or more on average, at most ``_SCAN_MERGE`` voters
    per distinct ballot, and at most ``_SCAN_ENTRIES`` supporter entries (``_SCAN_MAX_ENTRIES``
    with 40 projects or more), every sum of ``m_i u_ij`` exact in float64; or, with lazy
    blocks (module docstring), more than ``_SCAN_MAX_ENTRIES`` entries but at most
    ``_LAZY_PER_PROJECT`` per project (Toulouse 2024: 70 per project, 1.8 s in one process
    against 10-13 s by ``mes``; Amsterdam, 738 per project, 0.22 against 0.17 s; Warszawa 2021
    Mokotów, 1,210, 6.8 against 3.6 s); or a tiny election (``_TINY_CELLS`` ballots x
    projects, ``_TINY_MERGE`` voters per ballot) whose first run is tried in plain Python; or a
    small one (``_WALK_CELLS``, ``_WALK_MERGE``) whose completion is walked in plain Python."""
    return (
        _tiny_fits(utilities, multiplicity)
        or _walk_fits(utilities, multiplicity)
        or _scan_fits(costs, utilities, multiplicity, cost_utility)
    )


def plain_one_run(completion: str, cells: int, supporters: Supporters | None = None) -> bool:
    """Whether a count is the plain-Python run alone (no numpy block, no BLAS): without
    completion, up to ``_TINY_CELLS_ONE_RUN`` ballots x projects, or, given the election's
    ``supporters``, up to ``_TINY_PER_PROJECT_ONE_RUN`` supporter entries per project and
    ``_LAZY_CELLS`` ballots x projects (:func:`dispatch`)."""
    if completion != "none":
        return False
    if cells <= _TINY_CELLS_ONE_RUN:
        return True
    return (
        supporters is not None
        and cells <= _LAZY_CELLS  # the runs' supporter bit masks stay small (cells / 8 bytes)
        and supporters.flat_rows.size <= _TINY_PER_PROJECT_ONE_RUN * supporters.n_projects
    )


def dispatch(
    costs: IntArray,
    budget: int,
    utilities: IntArray,
    multiplicity: IntArray,
    tie_priority: IntArray,
    *,
    cost_utility: bool,
    completion: str,
    increment: int,
    progress: Callable[[float], None] | None = None,
    workers: int | None = None,
    supporters: Supporters | None = None,
) -> MesResult | None:
    """The result by this module where it is the faster path, else None (``mes.equal_shares``
    goes on). Arguments as validated by ``mes.equal_shares`` (int64 arrays, multiplicities
    not yet filtered); ``workers`` as there. A tiny election whose scan does not stop at the
    first budget, and that the numpy scan does not suit, returns None after the plain-Python
    run (tens of microseconds). Without completion only the plain-Python run is tried (where
    :func:`plain_one_run`); None on an uncertain decision or a larger election."""
    if not ENABLED:
        return None
    prio = np.asarray(tie_priority)
    # without completion the plain-Python run is the whole count; else mes's own run, faster
    # than a one-column numpy block (Wieliczka 11 vs 35 ms, Swiecie 3.1 vs 8.4 ms)
    if completion == "none" and not plain_one_run(completion, utilities.size, supporters):
        return None
    walked = False  # the plain-Python walk ran (and with it the first run)
    if completion != "none" and _walk_fits(utilities, multiplicity, supporters):
        el = _tiny_election(costs, budget, utilities, multiplicity, prio, cost_utility, supporters)
        if el is not None:
            result = _tiny_walk(el, completion, increment, progress)
            if result is not None:
                return result
            walked = True
    tiny = not walked and (
        completion == "none"
        or _tiny_fits(utilities, multiplicity, _TINY_CELLS, _TINY_MERGE, supporters)
    )
    if tiny:
        done = _tiny(
            costs,
            budget,
            utilities,
            multiplicity,
            prio,
            cost_utility,
            completion,
            progress,
            supporters,
        )
        if done is not None or completion == "none":
            return done
    if not _scan_fits(costs, utilities, multiplicity, cost_utility):
        return None
    return _equal_shares_checked(
        costs,
        budget,
        utilities,
        multiplicity,
        prio,
        cost_utility=cost_utility,
        completion=completion,
        increment=increment,
        progress=progress,
        try_tiny=not tiny and not walked,
        workers=workers,
        supporters=supporters,
    )


class _Prep:
    """The election once: candidate projects, their supporter entries (project-major)."""

    def __init__(
        self,
        costs: IntArray,
        budget: int,
        utilities: IntArray,
        multiplicity: IntArray,
        tie_priority: IntArray,
        cost_utility: bool,
    ) -> None:
        self.args = (costs, utilities, multiplicity, tie_priority, cost_utility)
        self.budget = int(budget)
        self.costs = [int(c) for c in costs]
        self.prio = [int(p) for p in tie_priority]
        self.n_ballots, self.n_projects = utilities.shape
        self.mult = multiplicity
        self.n_voters = int(multiplicity.sum())
        support = utilities > 0
        if cost_utility:
            util = np.where(support, costs[None, :], 0).astype(np.int64)
        else:
            util = np.where(support, utilities, 0).astype(np.int64)
        self.support = support
        total = multiplicity @ util
        self.total_sat = [int(t) for t in total]
        bound = max(1, int(util.max(initial=0))) * max(1, self.n_voters)
        if bound >= 2**53:
            raise ValueError("utilities times voters exceed 2**53: use mes.equal_shares")
        self.cands = [
            j for j in range(self.n_projects) if self.total_sat[j] > 0 and self.costs[j] > 0
        ]
        self.free = sorted(
            (j for j in range(self.n_projects) if self.total_sat[j] > 0 and self.costs[j] == 0),
            key=lambda j: self.prio[j],
        )
        self.free_cost = 0
        cand = np.asarray(self.cands, dtype=np.intp)
        sub = util[:, cand]
        q_of, row_of = np.nonzero(sub.T)
        self.e_q = q_of.astype(np.intp)
        self.e_row = row_of.astype(np.intp)
        self.e_u = sub[row_of, q_of].astype(np.float64)
        self.e_m = multiplicity[row_of].astype(np.float64)
        self.e_mu = self.e_u * self.e_m
        sizes = np.bincount(q_of, minlength=cand.size)
        self.starts = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.intp)
        self.ends = self.starts + sizes
        self.cnt = sizes.astype(np.float64)
        self.c = np.asarray([self.costs[j] for j in self.cands], dtype=np.float64)
        self.c_int = [self.costs[j] for j in self.cands]
        self.q_prio = np.asarray([self.prio[j] for j in self.cands], dtype=np.int64)
        # twins: same cost and same utility column, hence the same rho in every state
        classes: dict[tuple[int, bytes], int] = {}
        self.twin = [
            classes.setdefault((self.costs[j], util[:, j].tobytes()), len(classes))
            for j in self.cands
        ]
        self.twin_arr = np.asarray(self.twin, dtype=np.int64)


class _Detail:
    """One round of a block: budgets per entry, poor sets, price factors and error bounds."""

    __slots__ = (
        "Bg",
        "poor",
        "exh",
        "rho",
        "err",
        "R",
        "D",
        "e_row",
        "e_u",
        "e_m",
        "starts",
        "sizes",
    )

    def __init__(self, **kw: object) -> None:
        for k, v in kw.items():
            setattr(self, k, v)

    Bg: FloatArray
    poor: BoolArray
    exh: BoolArray
    rho: FloatArray
    err: FloatArray
    R: FloatArray
    D: FloatArray
    e_row: IndexArray
    e_u: FloatArray
    e_m: FloatArray
    starts: IndexArray
    sizes: IndexArray


class _Record:
    """What a block decided, round by round: the columns still running (original indices,
    increasing), the candidates still alive somewhere, their certified lower bounds ``lo`` of
    the price factor (inf when funded or certainly unaffordable), and each column's winner
    (current local index, -1 if none), float price factor and certified upper bound ``hi``."""

    def __init__(self, n_candidates: int) -> None:
        self.n = n_candidates
        self.rounds: list[
            tuple[IndexArray, IndexArray, FloatArray, IndexArray, FloatArray, FloatArray]
        ] = []
        # exact price factors found when settling ties: (round, column) -> {candidate: rho}
        self.exact: dict[tuple[int, int], dict[int, Fraction]] = {}
        # per round, when the block is small enough to keep them: the state the splits were
        # computed from (for the affine certificate), see :meth:`split`
        self.detail: list[_Detail | None] = []
        self.W = np.zeros((0, 0), dtype=np.intp)
        self.RHO = self.HI = np.zeros((0, 0))

    def split(self, t: int, col: int, q: int, certify: bool) -> bytes | None:
        """The poor supporters (ballot rows, as bytes) of candidate ``q`` in round ``t`` of
        column ``col``, or None if unknown, not alive there, or (with ``certify``) not certified
        by the margins of the module docstring (step 2)."""
        det = self.detail[t] if t < len(self.detail) else None
        if det is None:
            return None
        cols, qs = self.rounds[t][0], self.rounds[t][1]
        at = int(np.searchsorted(cols, col))
        qi = int(np.searchsorted(qs, q))
        if at >= cols.size or cols[at] != col or qi >= qs.size or qs[qi] != q:
            return None
        if not det.R[qi, at] > 0 or not np.isfinite(self.rounds[t][2][qi, at]):
            return None
        s, e = int(det.starts[qi]), int(det.starts[qi] + det.sizes[qi])
        poor = det.poor[s:e, at]
        rows = det.e_row[s:e]
        if certify:
            b = det.Bg[s:e, at]
            u = det.e_u[s:e]
            ru = det.rho[qi, at] * u
            gap = b - ru
            tol = det.D[at] / det.e_m[s:e] + det.err[qi, at] * u + 4 * _EPS * (np.abs(b) + ru)
            ok = ((np.abs(gap) > tol) & ((gap < 0) == poor)) | det.exh[rows, at]
            if not ok.all():
                return None
        return bytes(rows[poor].tobytes())

    def finish(self, K: int) -> None:
        """Arrange the winners and their price factors by column (``W``, ``RHO``, ``HI``:
        rounds x columns) for :meth:`column`."""
        T = len(self.rounds)
        self.W = np.full((T, K), -1, dtype=np.intp)
        self.RHO = np.zeros((T, K))
        self.HI = np.zeros((T, K))
        for t, (cols, qs, _, w, rho, hi) in enumerate(self.rounds):
            self.W[t, cols] = np.where(w >= 0, qs[np.maximum(w, 0)], -1)
            self.RHO[t, cols] = rho
            self.HI[t, cols] = hi

    def column(self, col: int) -> tuple[list[int], list[float], list[float], list[int]]:
        """Funded candidates, their float rho and hi, and the rounds that funded them, for the
        original column ``col``."""
        ts = np.flatnonzero(self.W[:, col] >= 0)
        return (
            self.W[ts, col].tolist(),
            self.RHO[ts, col].tolist(),
            self.HI[ts, col].tolist(),
            ts.tolist(),
        )

    def lower_bounds(self, col: int, ts: list[int]) -> FloatArray:
        """The lower bounds of every candidate in rounds ``ts`` of column ``col`` (rounds x
        candidates; inf where funded or unaffordable), read only for the high end of a
        certificate (whole blocks of them were arrays of tens of megabytes)."""
        out = np.full((len(ts), self.n), np.inf)
        for i, t in enumerate(ts):
            cols, qs, lo = self.rounds[t][:3]
            out[i, qs] = lo[:, int(np.searchsorted(cols, col))]
        return out

    def exact_of(self, col: int, ts: list[int]) -> list[dict[int, Fraction]]:
        """The exact price factors known in rounds ``ts`` of column ``col``, by candidate."""
        return [self.exact.get((t, col), {}) for t in ts]


class _Outcome:
    """One MES run at per-voter budget ``b``: funded candidates (local indices) in order with
    their float price factors (read from the block's record when asked for), the cost of the
    outcome, whether it overspends / is where the scan stops; ``exact`` is set when the run came
    from ``mes``, ``pending`` when a decision was uncertain (the run is to be done by ``mes``)."""

    __slots__ = (
        "b",
        "_rounds",
        "_rhos",
        "_his",
        "_ts",
        "spent",
        "over",
        "stops",
        "exact",
        "pending",
        "_rec",
        "_col",
    )

    def __init__(self, b: Fraction) -> None:
        self.b = b
        self._rounds: list[int] | None = None
        self._rhos: list[float] = []
        self._his: list[float] = []
        self._ts: list[int] = []
        self.spent = 0
        self.over = False
        self.stops = False
        self.exact: MesResult | None = None
        self.pending = False
        self._rec: _Record | None = None
        self._col = 0

    @property
    def rounds(self) -> list[int]:
        if self._rounds is None:
            assert self._rec is not None
            self._rounds, self._rhos, self._his, self._ts = self._rec.column(self._col)
        return self._rounds

    @property
    def los(self) -> FloatArray:
        """Per round, the certified lower bounds of every candidate's price factor."""
        _ = self.rounds
        assert self._rec is not None
        return self._rec.lower_bounds(self._col, self._ts)

    @property
    def exact_rhos(self) -> list[dict[int, Fraction]]:
        """Per round, the exact price factors found when settling ties, by candidate."""
        _ = self.rounds
        assert self._rec is not None
        return self._rec.exact_of(self._col, self._ts)

    @property
    def rhos(self) -> list[float]:
        _ = self.rounds
        return self._rhos


def _certified(prep: _Prep, low: _Outcome, high: _Outcome) -> bool:
    """MES funds ``low``'s sequence at every budget between ``low.b`` and ``high.b`` (the
    monotone certificate of ``mes``: same sequence at both ends, and in every round every other
    project ``j`` alive at the high end has ``(rho_j(high), prio_j) > (rho_w(low), prio_w)``,
    ``w`` the round's winner, shown by certified float bounds, by exact price factors, or
    because ``j`` is a twin of ``w``; nothing is affordable after the last round at the high
    end)."""
    if low.exact is not None or high.exact is not None or low.pending or high.pending:
        return False
    if low.rounds != high.rounds or high.over:
        return False
    if not low.rounds:
        return True
    lo = high.los
    w = np.asarray(low.rounds)
    lo[prep.twin_arr[None, :] == prep.twin_arr[w][:, None]] = np.inf  # w and its twins
    his = np.asarray(low._his)
    if bool((lo.min(axis=1) > his).all()):
        return True
    prefix: dict[int, bool] = {}
    exact_high, exact_low = high.exact_rhos, low.exact_rhos
    for t, j in np.argwhere(lo <= his[:, None]).tolist():
        wt = int(w[t])
        rho_j = exact_high[t].get(j)
        rho_w = exact_low[t].get(wt)
        if (
            rho_j is not None
            and rho_w is not None
            and (rho_j, prep.prio[prep.cands[j]]) > (rho_w, prep.prio[prep.cands[wt]])
        ):
            continue
        if not _affine(low, high, t, j, prefix):
            return False
    return True


def _affine(low: _Outcome, high: _Outcome, t: int, j: int, prefix: dict[int, bool]) -> bool:
    """The affine certificate of ``mes`` for candidate ``j`` in round ``t``: the winners of
    rounds ``0..t`` pay with the same poor supporters at both ends and ``j`` has the same
    certified split at both ends, so ``rho_j - rho_w`` is affine in the budget in between and
    keeps the sign (with the priorities) it has at both ends, where ``j`` lost (``prefix``
    caches the winners' test by round)."""
    rl, rh = low._rec, high._rec
    if rl is None or rh is None:
        return False
    for s in range(t + 1):
        if s not in prefix:
            w = low.rounds[s]
            a = rl.split(s, low._col, w, False)
            prefix[s] = a is not None and a == rh.split(s, high._col, w, False)
        if not prefix[s]:
            return False
    a = rl.split(t, low._col, j, True)
    return a is not None and a == rh.split(t, high._col, j, True)


def _stops(prep: _Prep, rounds: list[int], spent: int, exhaustive: bool) -> bool:
    if exhaustive:
        left = prep.budget - spent
        funded = set(rounds)
        return all(prep.c_int[q] > left for q in range(len(prep.cands)) if q not in funded)
    return len(rounds) == len(prep.cands)


def _block(
    prep: _Prep,
    bs: list[Fraction],
    exhaustive: bool | None,
    expect: list[int] | None = None,
    between_rounds: Callable[[], None] | None = None,
) -> list[_Outcome | None]:
    """MES runs at the budgets ``bs`` side by side; ``expect``: the sequence of a run at a
    nearby budget, whose project of each round lazy blocks evaluate first;
    ``between_rounds``: called before each round of a lazy block (a stage of a parallel scan
    answers its parent there, see ``mes.stage_poll``)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if prep.e_q.size > _LAZY_ENTRIES:
            return _block_run_lazy(prep, bs, exhaustive, expect or [], between_rounds)
        return _block_run(prep, bs, exhaustive)


def _segments(
    starts: IndexArray, sizes: IndexArray, qi: IndexArray
) -> tuple[IndexArray, IndexArray, IndexArray]:
    """Entry positions of the projects ``qi`` (concatenated), the pair each belongs to, and
    where each pair's segment starts in the concatenation."""
    lens = sizes[qi]
    ends = np.cumsum(lens)
    seg = ends - lens
    total = int(ends[-1]) if ends.size else 0
    pos = np.repeat(starts[qi] - seg, lens) + np.arange(total)
    return pos, np.repeat(np.arange(qi.size), lens), seg


def _close_finished(
    prep: _Prep,
    outs: list[_Outcome],
    cols: IndexArray,
    done: IndexArray,
    spent: IntArray,
    funded: BoolArray,
    exhaustive: bool | None,
    cut: int,
) -> int:
    """Record the columns ``done`` (current indices, ``cols`` their original ones) whose run is
    over (nothing affordable left): what they spent and whether the scan stops there. The new
    ``cut``: no column past one where the scan stops is needed."""
    if exhaustive is not None:
        left = prep.budget - spent[done]
        if exhaustive:
            c_int = np.asarray(prep.c_int, dtype=np.int64)
            fits = ~funded[:, done] & (c_int[:, None] <= left[None, :])
            stop = np.asarray(~fits.any(axis=0))
        else:
            stop = np.asarray(funded[:, done].sum(axis=0) == len(prep.cands))
        for k, st in zip(done.tolist(), stop.tolist(), strict=True):
            outs[int(cols[k])].stops = bool(st)
            if st:
                cut = min(cut, int(cols[k]) + 1)
    for k in done.tolist():
        outs[int(cols[k])].spent = int(spent[k])
    return cut


def _close_overspent(
    outs: list[_Outcome], cols: IndexArray, over: IndexArray, spent: IntArray, cut: int
) -> int:
    """Record the columns ``over`` (as in :func:`_close_finished`) whose run overspent; the
    new ``cut``: the scan stops at the first of them at the latest."""
    for k in over.tolist():
        outs[int(cols[k])].over = True
        outs[int(cols[k])].spent = int(spent[k])
    return min(cut, int(cols[over].min()) + 1)


def _block_run(prep: _Prep, bs: list[Fraction], exhaustive: bool | None) -> list[_Outcome | None]:
    """MES runs at the budgets ``bs`` (increasing) side by side (module docstring). An entry is
    None when the scan cannot reach it (an earlier column overspent or stops there)."""
    K = len(bs)
    n = prep.n_ballots
    P = len(prep.cands)
    outs = [_Outcome(b) for b in bs]
    rec = _Record(P)
    for i, o in enumerate(outs):
        o._rec, o._col = rec, i
    if P == 0:  # nothing to fund: every run is empty, and the scan stops at once
        rec.finish(K)
        for o in outs:
            o.stops = True
        return list(outs[:1]) + [None] * (K - 1)
    bf = np.array([float(b) for b in bs], dtype=np.float64)
    B = np.empty((n, K), dtype=np.float64)
    B[:] = bf[None, :]
    exh = np.zeros((n, K), dtype=np.bool_)
    alive = np.ones((P, K), dtype=np.bool_)
    funded = np.zeros((P, K), dtype=np.bool_)
    spent = np.full(K, prep.free_cost, dtype=np.int64)
    e_q, e_row, e_u, e_m = prep.e_q, prep.e_row, prep.e_u, prep.e_m
    starts, sizes = prep.starts, (prep.ends - prep.starts).astype(np.intp)
    poor = np.zeros((e_q.size, K), dtype=np.bool_)
    emp = np.zeros((e_q.size, K), dtype=np.float64)  # m_i on poor entries, 0 elsewhere
    R = np.repeat(np.add.reduceat(prep.e_mu, starts)[:, None], K, axis=1)
    rhoU: FloatArray | None = None  # rho u per entry at the last round's solution
    bufs: tuple[FloatArray, FloatArray, FloatArray, FloatArray, BoolArray, BoolArray] | None = None
    D = 2.0 * prep.n_voters * _EPS * bf
    Nb = prep.n_voters * bf
    cols = np.arange(K)
    qs = np.arange(P)
    c = prep.c[:, None]
    cnt = prep.cnt[:, None]
    c_int = np.asarray(prep.c_int, dtype=np.int64)
    cut = K  # columns from this original index on are not needed
    row_ptr, row_ent = _rows_csr(e_row, n)
    running = np.ones(K, dtype=np.bool_)

    while True:
        act = running & (cols < cut)
        if not np.count_nonzero(act):
            break
        if act.sum() * 2 <= act.size or (alive.any(axis=1).sum() * 2 <= qs.size):
            keep_c = np.flatnonzero(act)
            live_q = np.asarray(alive[:, keep_c].any(axis=1))
            if not np.count_nonzero(live_q):  # keep a (dead) project: the arrays stay non-empty
                live_q[0] = True
            keep_q = np.flatnonzero(live_q)
            emask = live_q[e_q]
            B, exh, D, Nb, cols, spent = (
                B[:, keep_c],
                exh[:, keep_c],
                D[keep_c],
                Nb[keep_c],
                cols[keep_c],
                spent[keep_c],
            )
            alive = alive[np.ix_(keep_q, keep_c)]
            R = R[np.ix_(keep_q, keep_c)]
            funded = funded[:, keep_c]
            poor = poor[np.ix_(emask, keep_c)]
            emp = emp[np.ix_(emask, keep_c)]
            if rhoU is not None:
                rhoU = rhoU[np.ix_(emask, keep_c)]
            running = running[keep_c]
            remap = np.full(qs.size, -1, dtype=np.intp)
            remap[keep_q] = np.arange(keep_q.size)
            qs = qs[keep_q]
            e_q = remap[e_q[emask]]
            e_row, e_u, e_m = e_row[emask], e_u[emask], e_m[emask]
            sizes = np.bincount(e_q, minlength=qs.size).astype(np.intp)
            starts = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.intp)
            c = prep.c[qs][:, None]
            cnt = sizes.astype(np.float64)[:, None]
            row_ptr, row_ent = _rows_csr(e_row, n)
            act = np.ones(cols.size, dtype=np.bool_)
        Kc, Pc = cols.size, qs.size
        ar = np.arange(Kc)
        eu = e_u[:, None]
        em = e_m[:, None]
        shape = (e_q.size, Kc)
        if bufs is None or bufs[0].shape != shape:
            # work arrays reused round after round (fresh large temporaries cost page faults)
            bufs = (
                np.empty(shape),
                np.empty(shape),
                np.empty(shape),
                np.empty(shape),
                np.empty(shape, dtype=np.bool_),
                np.empty(shape, dtype=np.bool_),
            )
            if rhoU is not None:
                bufs[1][...] = rhoU
                rhoU = bufs[1]
        Bg, rU, tmp, tmp2, lt, new = bufs
        np.take(B, e_row, axis=0, out=Bg)
        if rhoU is not None:
            # rho only grows along a run: who was poor at last round's rho is poor now
            np.greater(np.less(Bg, rhoU, out=lt), poor, out=new)
            if np.count_nonzero(new):
                poor |= new
                nm = np.multiply(new, em, out=tmp)
                emp += nm
                R -= np.add.reduceat(np.multiply(nm, eu, out=tmp2), starts, axis=0)
        Pm = np.add.reduceat(np.multiply(Bg, emp, out=tmp), starts, axis=0)
        while True:
            # R = 0: every supporter poor already (rho inf or nan: nobody becomes poor)
            rho = (c - Pm) / R
            np.take(np.where(alive, rho, 0.0), e_q, axis=0, out=rU)
            rhoU = np.multiply(rU, eu, out=rU)
            np.greater(np.less(Bg, rhoU, out=lt), poor, out=new)
            if not np.count_nonzero(new):
                break
            poor |= new
            nm = np.multiply(new, em, out=tmp)
            emp += nm
            Pm += np.add.reduceat(np.multiply(Bg, nm, out=tmp2), starts, axis=0)
            R -= np.add.reduceat(np.multiply(nm, eu, out=tmp2), starts, axis=0)
        rho[~(R > 0)] = np.inf
        bad = np.zeros(Kc, dtype=np.bool_)
        slack = 2.0 * (cnt + 2.0) * _EPS * (Nb[None, :] + c)
        broke = alive & ~(R > 0)  # every supporter poor: unaffordable unless money ~ cost
        if np.count_nonzero(broke):
            sure = broke & (Pm < c - D[None, :] - slack)
            alive &= ~sure
            bad |= np.asarray((broke & ~sure).any(axis=0))
        err = (D[None, :] + slack) / R + 4 * _EPS * rho
        lo = np.where(alive, rho - err, np.inf)
        w0 = np.argmin(np.where(alive, rho, np.inf), axis=0)
        has = alive[w0, ar]
        hi0 = rho[w0, ar] + err[w0, ar]
        contenders = alive & (lo <= hi0[None, :])
        cq, ck = np.nonzero(contenders)
        pos, pair, _ = _segments(starts, sizes, cq)
        pk = ck[pair]
        g_exh = exh[e_row[pos], pk]
        g_b = Bg[pos, pk]
        g_ru = rho[cq[pair], pk] * e_u[pos]
        gap = g_b - g_ru
        tol = (
            D[pk] / e_m[pos]
            + err[cq[pair], pk] * e_u[pos]
            + 4 * _EPS * (np.abs(g_b) + np.abs(g_ru))
        )
        fail = ((np.abs(gap) <= tol) | ((gap < 0) != poor[pos, pk])) & ~g_exh
        if np.count_nonzero(fail):
            bad[pk[fail]] = True
        w = np.where(has, w0, -1)
        n_cont = np.bincount(ck, minlength=Kc)
        multi = np.flatnonzero((n_cont > 1) & ~bad)
        if multi.size:
            live_poor = np.bincount(pair, weights=(poor[pos, pk] & ~g_exh), minlength=cq.size)
            where_pair = {(int(q), int(k)): i for i, (q, k) in enumerate(zip(cq, ck, strict=True))}
            for k in multi.tolist():
                conts = np.flatnonzero(contenders[:, k])
                lp = np.asarray([live_poor[where_pair[(int(q), k)]] for q in conts])
                w[k], exact = _resolve(prep, qs, conts, lp, R[conts, k])
                if w[k] < 0:
                    bad[k] = True
                elif exact:
                    rec.exact[(len(rec.rounds), int(cols[k]))] = exact
        if np.count_nonzero(bad):
            for k in np.flatnonzero(bad).tolist():
                outs[int(cols[k])].pending = True
            alive[:, bad] = False
            running &= ~bad
            w[bad] = -1
        fund = np.flatnonzero(w >= 0)
        wq = w[fund]
        w_all = np.full(Kc, -1, dtype=np.intp)
        w_all[fund] = wq
        hi_w = np.zeros(Kc)
        hi_w[fund] = rho[wq, fund] + err[wq, fund]
        rec.rounds.append((cols.copy(), qs.copy(), lo, w_all, rho[w_all, ar], hi_w))
        rec.detail.append(
            _Detail(
                Bg=Bg.copy(),
                poor=poor.copy(),
                exh=exh.copy(),
                rho=rho,
                err=err,
                R=R.copy(),
                D=D.copy(),
                e_row=e_row,
                e_u=e_u,
                e_m=e_m,
                starts=starts,
                sizes=sizes,
            )
            if Bg.size <= _DETAIL_CELLS
            else None
        )
        # finished columns (nothing affordable left): does the scan stop there?
        done = np.flatnonzero((w < 0) & act & ~bad)
        if done.size:
            running[done] = False
            cut = _close_finished(prep, outs, cols, done, spent, funded, exhaustive, cut)
        if fund.size == 0:
            continue
        pos, pair, _ = _segments(starts, sizes, wq)
        fk = fund[pair]
        old = Bg[pos, fk]
        pa = poor[pos, fk]
        rows = e_row[pos]
        B[rows, fk] = np.where(pa, 0.0, old - rho[wq[pair], fk] * e_u[pos])
        newly = pa & ~exh[rows, fk]
        exh[rows, fk] |= pa
        # their entries in every project are poor from now on (they hold 0)
        if np.count_nonzero(newly):
            nr, nk = rows[newly], fk[newly]
            lens = row_ptr[nr + 1] - row_ptr[nr]
            ends = np.cumsum(lens)
            at = np.repeat(row_ptr[nr] - (ends - lens), lens) + np.arange(int(ends[-1]))
            ent = row_ent[at]
            ek = np.repeat(nk, lens)
            fresh = ~poor[ent, ek]
            ent, ek = ent[fresh], ek[fresh]
            poor[ent, ek] = True
            emp[ent, ek] = e_m[ent]
            R -= np.bincount(
                e_q[ent] * Kc + ek, weights=e_m[ent] * e_u[ent], minlength=Pc * Kc
            ).reshape(Pc, Kc)
        alive[wq, fund] = False
        funded[qs[wq], fund] = True
        spent[fund] += c_int[qs[wq]]
        D[fund] += 4.0 * (cnt[wq, 0] + 5.0) * _EPS * (Nb[fund] + c[wq, 0])
        over = fund[spent[fund] > prep.budget]
        if over.size:
            alive[:, over] = False
            running[over] = False
            cut = _close_overspent(outs, cols, over, spent, cut)
    rec.finish(K)
    return [o if i < cut else None for i, o in enumerate(outs)]


def _block_run_lazy(
    prep: _Prep,
    bs: list[Fraction],
    exhaustive: bool | None,
    expect: list[int],
    between_rounds: Callable[[], None] | None = None,
) -> list[_Outcome | None]:
    """:func:`_block_run` for blocks too large to evaluate every project in every round: the
    same runs, decisions and record, but each round evaluates only the projects that may win
    it, as ``mes`` does (see "Lazy blocks" in the module docstring), ``expect[t]`` first in
    round ``t`` (where it is alive; which project comes first only matters for speed). No
    round state is kept (``detail``), so the walk's affine certificate is not used on these
    blocks."""
    K = len(bs)
    n = prep.n_ballots
    P = len(prep.cands)
    outs = [_Outcome(b) for b in bs]
    rec = _Record(P)
    for i, o in enumerate(outs):
        o._rec, o._col = rec, i
    if P == 0:
        rec.finish(K)
        for o in outs:
            o.stops = True
        return list(outs[:1]) + [None] * (K - 1)
    bf = np.array([float(b) for b in bs], dtype=np.float64)
    # budgets and exhaustion column by column (a pair's supporters are read from one column)
    B = np.empty((K, n), dtype=np.float64)
    B[:] = bf[:, None]
    exh = np.zeros((K, n), dtype=np.bool_)
    e_row, e_u, e_m = prep.e_row, prep.e_u, prep.e_m
    e_mu = prep.e_mu
    starts, sizes = prep.starts, (prep.ends - prep.starts).astype(np.intp)
    # a project whose M_j supporters hold less than its cost at b (M_j b < c_j, shown with a
    # margin for the rounding of float(b)) is never affordable in that column: dead from the
    # start, as a screen would find it round after round
    voters = np.add.reduceat(e_m, starts)  # every candidate has supporters
    alive = (voters[:, None] * bf[None, :]) * (1 + 1e-12) >= prep.c[:, None]
    funded = np.zeros((P, K), dtype=np.bool_)
    spent = np.full(K, prep.free_cost, dtype=np.int64)
    # who was poor (paid everything, or would) at the last evaluation of each project in each
    # column: poor supporters only grow along a run, so this is where the next solve starts
    E = e_row.size
    poor = np.zeros((K, E), dtype=np.bool_)
    D = 2.0 * prep.n_voters * _EPS * bf
    Nb = prep.n_voters * bf
    c = prep.c
    cnt = prep.cnt
    c_int = np.asarray(prep.c_int, dtype=np.int64)
    qs = np.arange(P)
    # certified lower bounds of every price factor (price factors only grow along a run):
    # f(rho) <= rho sum m u gives c / sum m u to start with
    total_mu = np.add.reduceat(e_mu, starts)
    LB = np.repeat((c / total_mu * (1 - 1e-12))[:, None], K, axis=1)
    running = np.ones(K, dtype=np.bool_)
    ar = np.arange(K)
    cut = K
    # flat views: (column, ballot) is read and written at column * n + ballot, (column, entry)
    # at column * E + entry, (project, column) at project * K + column
    B_flat, exh_flat, poor_flat = B.reshape(-1), exh.reshape(-1), poor.reshape(-1)
    alive_flat, LB_flat = alive.reshape(-1), LB.reshape(-1)

    def gather(
        pq: IndexArray, pk: IndexArray
    ) -> tuple[IndexArray, IndexArray, IndexArray, IndexArray]:
        """Entries of the pairs (project ``pq``, column ``pk``): positions, pair of each,
        column of each, and where each pair's segment starts (:func:`_segments`)."""
        pos, pair, seg = _segments(starts, sizes, pq)
        return pos, pair, pk[pair], seg

    def evaluate(pq: IndexArray, pk: IndexArray) -> None:
        """Solve the pairs (steps 1-3 of the module docstring); a column where affordability
        is uncertain is set aside (``bad``). Their splits are certified later, for the
        contenders only (:func:`certify`)."""
        pos, pair, kk, seg = gather(pq, pk)
        at = kk * n + e_row.take(pos)
        bg = B_flat.take(at)
        u, m, mu = e_u.take(pos), e_m.take(pos), e_mu.take(pos)
        ex = exh_flat.take(at)
        entry = kk * E + pos
        pr = poor_flat.take(entry) | ex
        Pm = np.add.reduceat(bg * m * pr, seg)
        R = np.add.reduceat(mu * ~pr, seg)
        cq = c.take(pq)
        while True:
            rho = (cq - Pm) / R  # R = 0: every supporter poor (rho inf or nan)
            ru = rho.take(pair) * u
            new = (bg < ru) & ~pr
            if not np.count_nonzero(new):
                break
            pr |= new
            Pm += np.add.reduceat(bg * m * new, seg)
            R -= np.add.reduceat(mu * new, seg)
        poor_flat[entry] = pr
        affordable = R > 0
        cell = pq * K + pk
        slack = 2.0 * (cnt.take(pq) + 2.0) * _EPS * (Nb.take(pk) + cq)
        if not affordable.all():
            broke = ~affordable
            sure = broke & (Pm < cq - D.take(pk) - slack)
            alive_flat[cell[sure]] = False
            bad[pk[broke & ~sure]] = True
        rho = np.where(affordable, rho, np.inf)
        err = (D.take(pk) + slack) / R + 4 * _EPS * rho
        ok = affordable & alive_flat.take(cell)
        at_ok = cell[ok]
        evaluated.reshape(-1)[at_ok] = True
        RHO.reshape(-1)[at_ok] = rho[ok]
        ERR.reshape(-1)[at_ok] = err[ok]
        RR.reshape(-1)[at_ok] = R[ok]
        LIVE_POOR.reshape(-1)[at_ok] = np.bincount(pair, weights=pr & ~ex, minlength=pq.size)[ok]
        LB_flat[at_ok] = np.maximum(LB_flat.take(at_ok), (rho - err)[ok])
        np.minimum.at(best_hi, pk[ok], (rho + err)[ok])

    def certify(
        pq: IndexArray, pk: IndexArray
    ) -> tuple[IndexArray, IndexArray, FloatArray, FloatArray, BoolArray]:
        """Certify the splits (step 2) the pairs' evaluations in this round found (their
        ``RHO``, ``ERR`` and poor supporters); a column where one is not certified is set
        aside (``bad``). Their entries, for the funding: the pair of each, where its budget
        is, the budget, ``rho u`` and whether the voter is poor."""
        pos, pair, kk, _ = gather(pq, pk)
        at = kk * n + e_row.take(pos)
        bg = B_flat.take(at)
        u, m = e_u.take(pos), e_m.take(pos)
        ex = exh_flat.take(at)
        pr = poor_flat.take(kk * E + pos)  # as the evaluation left it: with the exhausted
        cell = pq * K + pk
        ru = RHO.reshape(-1).take(cell).take(pair) * u
        gap = bg - ru
        err_u = ERR.reshape(-1).take(cell).take(pair) * u
        tol = D.take(kk) / m + err_u + 4 * _EPS * (np.abs(bg) + np.abs(ru))
        fail = ((np.abs(gap) <= tol) | ((gap < 0) != pr)) & ~ex
        if np.count_nonzero(fail):
            bad[kk[fail]] = True
        return pair, at, bg, ru, pr

    def screen(pq: IndexArray, pk: IndexArray) -> BoolArray:
        """``f(x) < c`` at ``x = best_hi`` shows ``rho > x`` (or, every supporter poor, that
        the project is unaffordable), with a lower bound of ``rho`` by concavity; True where
        not shown (the pair is then evaluated)."""
        pos, pair, kk, seg = gather(pq, pk)
        bg = B_flat.take(kk * n + e_row.take(pos))
        u, m = e_u.take(pos), e_m.take(pos)
        x = best_hi.take(pk)
        xu = x.take(pair) * u
        f = np.add.reduceat(m * np.minimum(bg, xu), seg)
        cq = c.take(pq)
        margin = cq - D.take(pk) - 2.0 * (cnt.take(pq) + 2.0) * _EPS * (Nb.take(pk) + cq)
        cleared = f < margin
        rich = bg > xu - D.take(kk) / m - 4 * _EPS * (np.abs(bg) + xu)
        S = np.add.reduceat(e_mu.take(pos) * rich, seg)
        cell = pq * K + pk
        # unaffordable: every supporter poor at x (f is all their money), or their money,
        # summed like f and with the same margin, short of the cost
        dead = cleared & ~(S > 0)
        dead |= cleared & (np.add.reduceat(m * bg, seg) < margin)
        if np.count_nonzero(dead):
            alive_flat[cell[dead]] = False
        up = cleared & ~dead
        if np.count_nonzero(up):
            lb = (x + (margin - f) / S) * (1 - 1e-12)
            LB_flat[cell[up]] = np.maximum(LB_flat.take(cell[up]), lb[up])
        return ~cleared

    # each round's evaluations, (project, column); allocated once and reset each round (fresh
    # arrays of this size are new pages of memory, whose faults cost more than the filling)
    evaluated = np.empty((P, K), dtype=np.bool_)
    RHO, ERR, RR, LIVE_POOR = (np.empty((P, K)) for _ in range(4))
    while True:
        if between_rounds is not None:
            between_rounds()
        act = running & (ar < cut)
        if not np.count_nonzero(act):
            break
        ak = np.flatnonzero(act)
        evaluated.fill(False)
        RHO.fill(np.inf)
        ERR.fill(0.0)
        RR.fill(0.0)
        LIVE_POOR.fill(0.0)
        best_hi = np.full(K, np.inf)
        bad = np.zeros(K, dtype=np.bool_)
        # A: in each column the expected project, then the one of least lower bound, until one
        # is affordable
        t = len(rec.rounds)
        if t < len(expect):
            ek = np.flatnonzero(act & alive[expect[t]])
            if ek.size:
                evaluate(np.full(ek.size, expect[t], dtype=np.intp), ek)
        while True:
            want = act & ~bad & ~np.isfinite(best_hi)
            if not np.count_nonzero(want):
                break
            open_ = alive[:, want] & ~evaluated[:, want]
            has = open_.any(axis=0)
            if not np.count_nonzero(has):
                break
            wk = np.flatnonzero(want)[has]
            wq = np.argmin(np.where(open_[:, has], LB[:, wk], np.inf), axis=0)
            evaluate(wq, wk)
        # B: the others that may beat it, screened at its upper bound; C: evaluate the rest
        maybe = alive & ~evaluated & (LB <= best_hi[None, :])
        maybe[:, ~act | bad | ~np.isfinite(best_hi)] = False
        sq, sk = np.nonzero(maybe)
        if sq.size:
            rest = screen(sq, sk)
            keep = rest & alive_flat.take(sq * K + sk)
            if np.count_nonzero(keep):
                evaluate(sq[keep], sk[keep])
        # the winner of each column: the least (rho, priority), exactly among contenders
        # (no evaluated affordable project in a column: nothing affordable, the run is over)
        cand = evaluated & alive
        i0 = np.argmin(np.where(cand, RHO, np.inf), axis=0)
        has = cand[i0, ar] & act & ~bad
        conts = cand & (RHO - ERR <= best_hi[None, :])
        # the contenders' splits (step 2): every other pair loses by its lower bound of step
        # 1, valid whatever its split, to the contender whose upper bound is the least
        cont_q, cont_k = np.nonzero(conts & has[None, :])
        entries = None
        if cont_q.size:
            entries = certify(cont_q, cont_k)
            has &= ~bad
        w = np.where(has, i0, -1)
        for k in np.flatnonzero(has & (conts.sum(axis=0) > 1)).tolist():
            ck = np.flatnonzero(conts[:, k])
            win, exact = _resolve(prep, qs, ck, LIVE_POOR[ck, k], RR[ck, k])
            if win < 0:
                bad[k] = True
            elif exact:
                rec.exact[(len(rec.rounds), k)] = exact
            w[k] = win
        won = np.maximum(w, 0)
        rho_w = np.where(w >= 0, RHO[won, ar], 0.0)
        hi_w = np.where(w >= 0, RHO[won, ar] + ERR[won, ar], 0.0)
        if np.count_nonzero(bad):
            for k in np.flatnonzero(bad).tolist():
                outs[k].pending = True
            alive[:, bad] = False
            running &= ~bad
            w[bad] = -1
        rec.rounds.append(
            (ak.copy(), qs, np.where(alive[:, ak], LB[:, ak], np.inf), w[ak], rho_w[ak], hi_w[ak])
        )
        rec.detail.append(None)
        done = np.flatnonzero((w < 0) & act & ~bad)
        if done.size:
            running[done] = False
            cut = _close_finished(prep, outs, ar, done, spent, funded, exhaustive, cut)
        fund = np.flatnonzero(w >= 0)
        if fund.size == 0:
            continue
        wq = w[fund]
        # the winners are contenders: their entries were gathered to certify them
        assert entries is not None
        pair, at, old, ru, pa = entries
        mine = (w.take(cont_k) == cont_q).take(pair)
        at, pa = at[mine], pa[mine]
        B_flat[at] = np.where(pa, 0.0, old[mine] - ru[mine])
        exh_flat[at] = pa
        alive[wq, fund] = False
        funded[wq, fund] = True
        spent[fund] += c_int[wq]
        D[fund] += 4.0 * (cnt[wq] + 5.0) * _EPS * (Nb[fund] + c[wq])
        over = fund[spent[fund] > prep.budget]
        if over.size:
            alive[:, over] = False
            running[over] = False
            cut = _close_overspent(outs, ar, over, spent, cut)
    rec.finish(K)
    return [o if i < cut else None for i, o in enumerate(outs)]


def _rows_csr(e_row: IndexArray, n: int) -> tuple[IndexArray, IndexArray]:
    """Entries ballot by ballot: ``row_ent[row_ptr[i]:row_ptr[i + 1]]`` are ballot ``i``'s."""
    order = np.argsort(e_row, kind="stable").astype(np.intp)
    ptr = np.zeros(n + 1, dtype=np.intp)
    np.cumsum(np.bincount(e_row, minlength=n), out=ptr[1:])
    return ptr, order


def _resolve(
    prep: _Prep, qs: IndexArray, cont: IndexArray, live_poor: FloatArray, R: FloatArray
) -> tuple[int, dict[int, Fraction]]:
    """The exact least ``(rho, priority)`` among contenders ``cont`` (current local indices)
    with certified splits; ``live_poor`` and ``R`` aligned with ``cont``: how many poor
    supporters still hold money, and the rich supporters' ``sum m u``. -1 when it cannot be
    settled here. Also the exact price factors found (by candidate)."""
    classes: dict[int, list[int]] = {}
    for i, q in enumerate(cont.tolist()):
        classes.setdefault(prep.twin[int(qs[q])], []).append(i)
    best: tuple[Fraction, int] | None = None
    best_q = -1
    exact: dict[int, Fraction] = {}
    for members in classes.values():
        i = min(members, key=lambda x: prep.prio[prep.cands[int(qs[cont[x]])]])
        gq = int(qs[cont[i]])
        if len(classes) > 1:
            if live_poor[i] != 0:
                return -1, {}
            key = (Fraction(prep.c_int[gq], int(R[i])), prep.prio[prep.cands[gq]])
            for x in members:
                exact[int(qs[cont[x]])] = key[0]
        else:
            key = (Fraction(0), prep.prio[prep.cands[gq]])
        if best is None or key < best:
            best, best_q = key, int(cont[i])
    return best_q, exact


def _exact_outcome(prep: _Prep, b: Fraction) -> _Outcome:  # noqa: D401
    """The MES run at ``b`` by ``mes`` (exact; total budget ``b n``, an integer)."""
    from pnyx.methods.mes import equal_shares

    costs, utilities, multiplicity, tie_priority, cost_utility = prep.args
    total = b * prep.n_voters
    assert total.denominator == 1
    res = equal_shares(
        costs,
        int(total),
        utilities,
        multiplicity,
        tie_priority,
        cost_utility=cost_utility,
        completion="none",
        increment=1,
        scan="unit",
    )
    out = _Outcome(b)
    local = {j: q for q, j in enumerate(prep.cands)}
    rounds = [local[j] for j in res.selected[len(prep.free) :]]
    out._rounds = rounds
    out.spent = prep.free_cost + sum(prep.c_int[q] for q in rounds)
    out.over = out.spent > prep.budget
    out.exact = res
    return out


class _ExactBudgets:
    """Exact budgets of a run replayed along known rounds and splits (integers over a common
    denominator, as in ``mes``), for the exact price factor of each round: the payments are
    then computed with ``float(rho)`` exactly as ``mes`` computes them (bit for bit)."""

    def __init__(self, n: int, b: Fraction) -> None:
        self.den = b.denominator
        self.num = [b.numerator] * n  # 0 once a voter has paid everything

    def fund(
        self, rows: list[int], u: list[int], m: list[int], poor: list[bool], cost: int
    ) -> float:
        """The exact price factor of a round (``poor``: who pays everything) rounded to the
        nearest float, and the budgets after it."""
        num = self.num
        rich = 0
        money = 0
        for i, ui, mi, p in zip(rows, u, m, poor, strict=True):
            if p:
                money += mi * num[i]
            else:
                rich += mi * ui
        top, bottom = cost * self.den - money, rich * self.den
        g = gcd(top, bottom)
        top, bottom = top // g, bottom // g
        g = gcd(self.den, bottom)
        factor = bottom // g
        if factor != 1:
            self.num = num = [x * factor for x in num]
            self.den *= factor
        r = top * (self.den // bottom)
        for i, ui, p in zip(rows, u, poor, strict=True):
            num[i] = 0 if p else num[i] - r * ui
        return top / bottom  # int / int: correctly rounded, as float(Fraction) in mes

    def fund_items(
        self, items: list[tuple[int, float, float, int]], poor: list[bool], cost: int
    ) -> float:
        """:meth:`_ExactBudgets.fund` for the plain-Python run's supporter tuples
        ``(ballot, u, m, m u)`` (floats exact: integers below 2**53)."""
        num = self.num
        rich = 0
        money = 0
        for (i, _u, m, mu), p in zip(items, poor, strict=True):
            if p:
                money += int(m) * num[i]
            else:
                rich += mu
        top, bottom = cost * self.den - money, rich * self.den
        g = gcd(top, bottom)
        top, bottom = top // g, bottom // g
        factor = bottom // gcd(self.den, bottom)
        if factor != 1:
            self.num = num = [x * factor for x in num]
            self.den *= factor
        r = top * (self.den // bottom)
        for (i, u, _m, _mu), p in zip(items, poor, strict=True):
            num[i] = 0 if p else num[i] - r * int(u)
        return top / bottom


def _payments(prep: _Prep, out: _Outcome) -> FloatArray:
    """The payments of the run, as ``mes`` computes them: its rounds replayed with the exact
    price factors (from the certified splits: who pays everything is who is poor at the block's
    float price factor) and ``mes``'s float operations."""
    if out.exact is not None:
        return np.asarray(out.exact.payments, dtype=np.float64)
    pay_m = np.zeros((prep.n_ballots, prep.n_projects), dtype=np.float64)
    beta = np.full(prep.n_ballots, float(out.b), dtype=np.float64)
    exh = np.zeros(prep.n_ballots, dtype=np.bool_)
    exact = _ExactBudgets(prep.n_ballots, out.b)
    mult = prep.mult.tolist()
    for q, r in zip(out.rounds, out.rhos, strict=True):
        s, e = int(prep.starts[q]), int(prep.ends[q])
        rows = prep.e_row[s:e]
        uf = prep.e_u[s:e]
        old = beta[rows]
        pa = exh[rows] | (old < r * uf)
        row_list = rows.tolist()
        rho = exact.fund(
            row_list,
            [int(x) for x in uf.tolist()],
            [mult[i] for i in row_list],
            pa.tolist(),
            prep.c_int[q],
        )
        ru = rho * uf
        pay = np.minimum(old, ru)
        pay[pa] = old[pa]
        newb = old - ru
        newb[pa] = 0.0
        beta[rows] = newb
        exh[rows] |= pa
        pay_m[rows, prep.cands[q]] = pay
    return pay_m


def _scan(
    prep: _Prep,
    completion: str,
    increment: int,
    progress: Callable[[float], None] | None,
    first_unit: int = 0,
    last_unit: int | None = None,
) -> _Outcome | None:
    """The unit-by-unit scan (module docstring), its MES runs computed by blocks of probes:
    a run at ``b_p`` whose sequence is certified back to the last resolved ``b_k`` stands for
    every unit in between; a gap that is not certified is filled in by a later block. From
    ``b_first_unit``; with ``last_unit``, None if the scan does not stop at a unit of
    ``[first_unit, last_unit]`` (one stage of ``mes.staged_stop``)."""
    start = Fraction(prep.budget, prep.n_voters) + first_unit * increment
    last = None if last_unit is None else last_unit - first_unit  # below, units from the first

    def resolved(out: _Outcome | None) -> _Outcome:
        assert out is not None, "a budget the scan reaches was dropped"
        if out.pending:
            exact = _exact_outcome(prep, out.b)
            if exhaustive is not None:
                exact.stops = not exact.over and _stops(prep, exact.rounds, exact.spent, exhaustive)
            return exact
        return out

    if completion == "none":
        exhaustive: bool | None = None
        return resolved(_block(prep, [start], None)[0])
    exhaustive = completion in ("add1", "add1-greedy")
    # the first block: b_0 .. b_{d-1} one by one (half a block) and a grid of stride 16 beyond
    width = _probe_width(prep)
    d = _first_stage_units(prep)
    if first_unit > 0 and (last is None or last > d):
        # a longer stage, after the first ones, may hold the stop anywhere: the budgets its
        # first block runs past the stop are lost on the way to the result, so it takes half
        # as many one by one (Wieliczka 2023, the stop 22 units into its third stage: 90-95 ms
        # -> 69-71 ms; the units it leaves go to its next block)
        d = max(min(d, 8), d // 2)
    first = list(range(d)) + [d - 1 + 16 * (i + 1) for i in range(_EXTEND)]
    if last is not None and last < first[-1]:
        # a stage whose last unit this block reaches: that unit too (the first stages, d
        # units long, would otherwise need a block of one budget for it, which costs as many
        # rounds: 5 ms of Wieliczka 2023's 50)
        first = [p for p in first if p < last] + [last]
    first_outs = _block(prep, [start + p * increment for p in first], exhaustive)
    if first_outs[0] is not None and first_outs[0].stops and not first_outs[0].pending:
        return first_outs[0]
    base = resolved(first_outs[0])
    if base.over:
        if first_unit == 0:
            raise AssertionError("MES overspent its own budget")
        stage_past_stop()
        return None  # the previous stage's stop
    if base.stops:
        return base
    k = 0

    def poll() -> None:
        """A stage answers its parent during its blocks (mes.stage_poll), from the last unit
        resolved before the block (the budgets the block runs past a cut are lost)."""
        stage_poll(first_unit + k, None if last is None else first_unit + last)

    between_rounds = None if last is None else poll
    known: dict[int, _Outcome | None] = dict(zip(first[1:], first_outs[1:], strict=True))
    if any(o is None for o in first_outs):
        cut = min(p for p, o in known.items() if o is None)
        known = {p: o for p, o in known.items() if p < cut}
    certs: dict[tuple[int, int], bool] = {}
    stride = 16
    bridged = False  # whether the walk accepted a certified gap since the last block

    def outcome_at(p: int) -> _Outcome:
        out = base if p == k else known[p]
        assert out is not None
        return out

    while True:
        if last is not None:  # the stage may have been cut shorter (mes.stage_end)
            end = stage_end(first_unit + k, first_unit + last)
            assert end is not None
            last = end - first_unit
        # walk: resolve budgets in order while each is the next unit or certified
        while True:
            nxt = min((p for p in known if p > k), default=None)
            if nxt is None:
                break
            out = known[nxt]
            if out is None:
                raise AssertionError("a budget the scan reaches was dropped")
            if nxt == k + 1:
                out = resolved(out)
            else:
                if (k, nxt) not in certs:
                    certs[(k, nxt)] = _certified(prep, base, out)
                if not certs[(k, nxt)]:
                    break
                bridged = True
            del known[nxt]
            if out.over:
                return base
            if out.stops:
                return out
            base, k = out, nxt
            if last is not None and k >= last:
                return None
        if progress is not None:
            progress(min(0.99, base.spent / max(1, prep.budget)))

        # probes: every gap between known budgets that no certificate bridges, refined (one
        # by one where the block has room, else a finer grid), nearest first; then a grid
        # beyond what is known, whose stride doubles while certificates hold and halves when
        # one fails; never past a budget where the scan stops at the latest
        pts = [k] + sorted(p for p in known if p > k)
        gaps = []
        for a, b in zip(pts, pts[1:], strict=False):
            if b - a > 1:
                if (a, b) not in certs:
                    certs[(a, b)] = _certified(prep, outcome_at(a), outcome_at(b))
                if not certs[(a, b)]:
                    gaps.append((a, b))
        probes: list[int] = []
        per = max(3, width // max(1, len(gaps)))
        for a, b in gaps:
            n_gap = min(b - a - 1, per, width - len(probes))
            if n_gap <= 0:
                break
            step = -(-(b - a) // (n_gap + 1))
            probes += list(range(a + step, b, step))[:n_gap]
        # a walk made only of next units tested no certificate: the stride stays; at stride 1
        # the grid fills the block (where the outcome changes at almost every unit, as on
        # Toulouse 2024, every probe is a unit the scan needs)
        if gaps:
            stride = max(1, stride // 2)
        elif bridged:
            stride = min(stride * 2, 1024)
        bridged = False
        horizon = min((p for p, o in known.items() if o is None or o.over or o.stops), default=None)
        room = width - len(probes)
        if stride > 1:
            room = min(room, _EXTEND)
        p = pts[-1]
        while (
            room > 0
            and (horizon is None or p + stride < horizon)
            and (last is None or p < last)  # a stage probes up to its last unit
        ):
            p = p + stride if last is None else min(p + stride, last)
            probes.append(p)
            room -= 1
        probes.sort()
        outs = _block(
            prep,
            [start + p * increment for p in probes],
            exhaustive,
            base.rounds,
            between_rounds,
        )
        for p, o in zip(probes, outs, strict=True):
            known[p] = o
        if any(o is None for o in outs):  # nothing past a budget where the scan stops
            cut = min(p for p, o in known.items() if o is None)
            known = {p: o for p, o in known.items() if p < cut}


def _prep(
    costs: IntArray,
    budget: int,
    utilities: IntArray,
    multiplicity: IntArray,
    tie_priority: IntArray,
    cost_utility: bool,
    supporters: Supporters | None,
) -> _Prep:
    """The election as the scan reads it, kept with the caller's ``supporters`` (read-only
    once built) for the next count of the same budget and tie order (Toulouse 2024: 12 ms)."""
    if supporters is None:
        return _Prep(costs, budget, utilities, multiplicity, tie_priority, cost_utility)
    key = _kept_key(budget, tie_priority)
    found: _Prep | None = supporters.scan_preps.get(key)
    if found is None:
        found = _Prep(costs, budget, utilities, multiplicity, tie_priority, cost_utility)
        _keep(supporters.scan_preps, key, found)
    return found


def _probe_width(prep: _Prep) -> int:
    """Budgets per block: enough that the per-round numpy calls are shared by many runs (the
    cells, entries x budgets, at most ``_CELLS``; 16 to 256 budgets; ``_LAZY_WIDTH`` for lazy
    blocks, whose rounds cost about the same whatever the width)."""
    if prep.e_q.size > _LAZY_ENTRIES:
        return _LAZY_WIDTH
    return int(min(256, max(16, _CELLS // max(1, prep.e_q.size))))


def _first_stage_units(prep: _Prep) -> int:
    """The units a scan's first block takes one by one (half a block), which are also the
    first stages of a parallel scan: a stage starts with one block whatever its length up to
    that (Toulouse 2024: 1.4-1.7 s with first stages of 16 units, 1.0-1.5 s with 64)."""
    return max(8, _probe_width(prep) // 2)


def equal_shares_small(
    costs: IntArray,
    budget: int,
    utilities: IntArray,
    multiplicity: IntArray,
    tie_priority: IntArray,
    *,
    cost_utility: bool,
    completion: str,
    increment: int,
    progress: Callable[[float], None] | None = None,
) -> MesResult:
    """:func:`pnyx.methods.mes.equal_shares` (same arguments but ``scan``, same result) by the
    vectorised unit-by-unit scan of this module; meant for inputs where :func:`small_applies`."""
    costs, utilities, multiplicity = validated_arguments(
        costs, utilities, multiplicity, completion, increment
    )
    return _equal_shares_checked(
        costs,
        budget,
        utilities,
        multiplicity,
        np.asarray(tie_priority),
        cost_utility=cost_utility,
        completion=completion,
        increment=increment,
        progress=progress,
    )


# what a stage of a parallel scan sends back of its stop: the budget and, unless the run there
# was done by mes, the run (funded candidates and float price factors)
_Found = tuple[Fraction, tuple[list[int], list[float]] | None]


def _equal_shares_checked(
    costs: IntArray,
    budget: int,
    utilities: IntArray,
    multiplicity: IntArray,
    tie_priority: IntArray,
    *,
    cost_utility: bool,
    completion: str,
    increment: int,
    progress: Callable[[float], None] | None = None,
    try_tiny: bool = True,
    workers: int | None = 1,
    supporters: Supporters | None = None,
) -> MesResult:
    """:func:`equal_shares_small` on validated int64 arrays (what ``mes.equal_shares`` has).
    ``workers``: processes for the scan (``mes.staged_stop``); None: every CPU available from
    ``_PARALLEL_ENTRIES`` supporter entries on, one process below. ``supporters``: the
    caller's, which keep the election as the scan reads it for the next count."""
    if try_tiny and utilities.size <= _TINY_CELLS:
        tiny = _tiny(
            costs, budget, utilities, multiplicity, tie_priority, cost_utility, completion, progress
        )
        if tiny is not None:
            return tiny
    keep = multiplicity > 0
    n_all = keep.size
    if not keep.all():
        utilities, multiplicity = utilities[keep], multiplicity[keep]
        supporters = None  # theirs are the unfiltered ballots'
    prep = _prep(costs, budget, utilities, multiplicity, tie_priority, cost_utility, supporters)
    if prep.n_voters == 0:
        nobody: Reasons = {j: ("no-supporters", ()) for j in range(prep.n_projects)}
        return MesResult((), np.zeros((n_all, costs.size)), 0, Fraction(0), nobody)
    if progress is not None:
        progress(0.0)
    n_workers = workers
    if n_workers is None:
        n_workers = available_workers() if prep.e_q.size >= _PARALLEL_ENTRIES else 1
    if completion != "none" and n_workers > 1:

        def scan_range(first: int, last: int) -> tuple[_Found | None, float]:
            reached = [0.0]
            out = _scan(prep, completion, increment, reached.append, first, last)
            if out is None:
                return None, reached[-1]
            if out.exact is not None:  # a run by mes: played again here
                return (out.b, None), reached[-1]
            return (out.b, (out.rounds, out.rhos)), reached[-1]

        b, run = staged_stop(scan_range, n_workers, progress, _first_stage_units(prep))
        if run is None:
            out = _exact_outcome(prep, b)
        else:  # the payments are replayed from the run as after a scan in this process
            out = _Outcome(b)
            out._rounds, out._rhos = run
    else:
        scanned = _scan(prep, completion, increment, progress)
        assert scanned is not None  # a scan without a last stage stops
        out = scanned
    rounds = [prep.cands[q] for q in out.rounds]
    selected = list(prep.free) + rounds
    spent = sum(prep.costs[j] for j in selected)
    # the payments and the reasons are built on first access (see MesResult)
    kept_payments: list[FloatArray] = []

    def payments_of_kept() -> FloatArray:
        if not kept_payments:
            kept_payments.append(_payments(prep, out))
        return kept_payments[0]

    def reasons_of_mes() -> Reasons:
        chosen = set(selected)
        payments = payments_of_kept()
        # counts of ballots, exact in float64 (and a BLAS product, unlike int64)
        paid = (prep.support.T.astype(np.float64) @ (payments > 0).astype(np.float64)) > 0
        reasons: Reasons = {}
        for j in range(prep.n_projects):
            if j in chosen:
                continue
            if prep.total_sat[j] == 0:
                reasons[j] = ("no-supporters", ())
            elif prep.costs[j] > prep.budget:
                reasons[j] = ("did-not-fit", ())
            else:
                reasons[j] = ("unaffordable", tuple(s for s in rounds if paid[j, s]))
        return reasons

    def payments() -> FloatArray:
        if keep.all():
            return payments_of_kept()
        full = np.zeros((n_all, costs.size), dtype=np.float64)
        full[keep] = payments_of_kept()
        return full

    reasons: Reasons | Callable[[], Reasons] = reasons_of_mes
    if completion == "add1-greedy":  # greedy's choices update the reasons: built now
        reasons = reasons_of_mes()
        selected = selected + _greedy_rest(prep, selected, reasons)
        spent = sum(prep.costs[j] for j in selected)
    if progress is not None:
        progress(1.0)
    return MesResult(tuple(selected), payments, spent, out.b, reasons)


def _supporters(
    costs: IntArray,
    c_list: list[int],
    utilities: IntArray,
    multiplicity: IntArray,
    mult: list[int],
    cost_utility: bool,
) -> tuple[list[list[int]], list[list[int]], list[int], int]:
    """Each project's supporters (ballots of positive multiplicity and utility; for cost
    utilities, of a project that costs something), their utilities (points only; empty lists
    for cost utilities, where ``u = c``), the projects' ``sum m u`` and the largest ``u``. Plain
    Python up to ``_PY_PREP_CELLS`` cells (numpy's per-call cost would dominate), else numpy."""
    n_all, n_projects = utilities.shape
    if n_all * n_projects <= _PY_PREP_CELLS:
        sup_rows: list[list[int]] = [[] for _ in range(n_projects)]
        sup_u: list[list[int]] = [[] for _ in range(n_projects)]
        for i, (row, m) in enumerate(zip(utilities.tolist(), mult, strict=True)):
            if m:
                for j, u in enumerate(row):
                    if u:
                        sup_rows[j].append(i)
                        sup_u[j].append(u)
        if cost_utility:
            sup_rows = [r if c > 0 else [] for r, c in zip(sup_rows, c_list, strict=True)]
            total = [c * sum([mult[i] for i in r]) for c, r in zip(c_list, sup_rows, strict=True)]
            top = max([c for c, r in zip(c_list, sup_rows, strict=True) if r], default=1)
            return sup_rows, [[] for _ in range(n_projects)], total, top
        total = [
            sum([mult[i] * u for i, u in zip(r, us, strict=True)])
            for r, us in zip(sup_rows, sup_u, strict=True)
        ]
        return sup_rows, sup_u, total, max([max(us) for us in sup_u if us], default=1)
    support = utilities.T > 0  # project-major
    if min(mult) == 0:
        support &= multiplicity > 0
    if cost_utility:
        if min(c_list) == 0:
            support &= (costs > 0)[:, None]
        counts = support.sum(axis=1).tolist()
        total = [c * v for c, v in zip(c_list, (support @ multiplicity).tolist(), strict=True)]
        top = max([c for c, n in zip(c_list, counts, strict=True) if n], default=1)
        u_l: list[int] = []
    else:
        counts = support.sum(axis=1).tolist()
        total = (utilities.T @ multiplicity).tolist()
        u_l = utilities.T[support].tolist()
        top = max(u_l, default=1)
    row_l = np.nonzero(support)[1].tolist()
    sup_rows = []
    sup_u = []
    s = 0
    for cnt in counts:
        e = s + cnt
        sup_rows.append(row_l[s:e])
        sup_u.append(u_l[s:e] if not cost_utility else [])
        s = e
    return sup_rows, sup_u, total, top


def _mask(rows: list[int]) -> int:
    """The set of ballots ``rows`` as the bits of an integer (bit ``i`` for ballot ``i``)."""
    if len(rows) > 32:  # one pass in numpy, not one big-integer OR per ballot
        bits = np.zeros(max(rows) + 1, dtype=np.bool_)
        bits[rows] = True
        return int.from_bytes(np.packbits(bits, bitorder="little").tobytes(), "little")
    mask = 0
    for i in rows:
        mask |= 1 << i
    return mask


class _TinyElection:
    """An election as the plain-Python runs read it, built once per count (:func:`_tiny`)."""

    __slots__ = (
        "b0",
        "budget",
        "c_list",
        "cands",
        "cost_utility",
        "counts",
        "free",
        "least_m",
        "masks",
        "mf",
        "min_u",
        "mult",
        "n_all",
        "n_projects",
        "n_voters",
        "prio",
        "sup_mf",
        "sup_groups",
        "sup_mu_dicts",
        "sup_rows",
        "sup_sets",
        "sup_u",
        "sup_uf",
        "total",
    )
    b0: Fraction  # the first per-voter budget, budget / n_voters
    budget: int
    c_list: list[int]
    cands: list[int]  # projects with supporters and a positive cost
    cost_utility: bool
    counts: list[int]  # voters supporting each project
    free: list[int]  # projects with supporters and cost 0, in tie order (funded up front)
    least_m: list[int]
    masks: list[int]
    mf: list[float]
    min_u: list[int]  # the least points of each project's supporters (1 without points)
    mult: list[int]
    n_all: int
    n_projects: int
    n_voters: int
    prio: list[int]
    sup_mf: list[list[float]]  # the multiplicities of sup_rows, as floats
    # sup_rows by utility, on first use (_tiny_run: a round where everybody is rich computes
    # rho u once per value)
    sup_groups: list[list[tuple[float, list[int]]] | None]
    sup_mu_dicts: dict[int, dict[int, int]]  # m u by ballot, on first use (_exact_money)
    sup_rows: list[list[int]]
    sup_sets: list[set[int] | None]  # the supporters as sets, on first use (_exact_money)
    sup_u: list[list[int]]
    # sup_u as floats, for the float operations (float * float is float * int's result, faster)
    sup_uf: list[list[float]]
    total: list[int]


def _tiny_election(
    costs: IntArray,
    budget: int,
    utilities: IntArray,
    multiplicity: IntArray,
    tie_priority: IntArray,
    cost_utility: bool,
    supporters: Supporters | None,
) -> _TinyElection | None:
    """The election for :func:`_tiny_run`, or None where floats could not hold its sums
    exactly (or nobody voted). Kept with the caller's ``supporters`` (read-only once built:
    the runs only read it), for the next count of the same budget and tie order."""
    if supporters is not None and not supporters.every_ballot_counts:
        supporters = None  # read from the arrays, where ballots of multiplicity 0 are left out
    if supporters is not None:
        key = _kept_key(budget, tie_priority)
        found: _TinyElection | None = supporters.tiny_elections.get(key)
        if found is not None:
            return found
    el = _TinyElection()
    el.n_all, el.n_projects = n_all, n_projects = utilities.shape
    if supporters is not None:  # the caller's (every ballot counts)
        sup_rows, sup_u, total, top = supporters.plain_lists
        mult, mf, least_m = supporters.plain_voters
        counts = supporters.sup_count
        masks = supporters.plain_masks  # the supporters as bits of integers (kept)
        sup_mf = supporters.plain_sup_mf
    else:
        mult = multiplicity.tolist()
        if sum(mult) == 0:
            return None
        sup_rows, sup_u, total, top = _supporters(
            costs, costs.tolist(), utilities, multiplicity, mult, cost_utility
        )
        mf = [float(m) for m in mult]
        least_m = [min(map(mult.__getitem__, r), default=1) for r in sup_rows]
        counts = [sum(map(mult.__getitem__, r)) for r in sup_rows]
        masks = [_mask(r) for r in sup_rows]
        sup_mf = [[mf[i] for i in r] for r in sup_rows]
    n_voters = sum(mult) if supporters is None else supporters.n_voters
    if top * n_voters >= 2**53:
        return None
    c_list = costs.tolist()
    prio = tie_priority.tolist()
    el.budget, el.n_voters, el.c_list, el.prio = int(budget), n_voters, c_list, prio
    el.b0 = Fraction(el.budget, n_voters)
    el.sup_rows, el.sup_u, el.total, el.mult, el.mf = sup_rows, sup_u, total, mult, mf
    el.sup_mf = sup_mf
    el.sup_uf = [list(map(float, us)) for us in sup_u]
    el.min_u = [min(us, default=1) for us in sup_u]
    el.least_m, el.counts, el.masks, el.cost_utility = least_m, counts, masks, cost_utility
    el.sup_sets, el.sup_mu_dicts = [None] * n_projects, {}
    el.sup_groups = [None] * n_projects
    el.cands = [j for j in range(n_projects) if total[j] > 0 and c_list[j] > 0]
    el.free = sorted(
        (j for j in range(n_projects) if total[j] > 0 and c_list[j] == 0), key=prio.__getitem__
    )
    if supporters is not None:
        _keep(supporters.tiny_elections, key, el)
    return el


# elections (budgets x tie orders) kept per Supporters, of each kind (tiny_elections, scan_preps)
_TINY_ELECTIONS_KEPT = 8


def _kept_key(budget: int, tie_priority: IntArray) -> tuple[int, bytes]:
    """Under which key an election is kept with its supporters: its budget and tie order."""
    return int(budget), tie_priority.tobytes()


def _keep(kept: dict[tuple[int, bytes], Any], key: tuple[int, bytes], election: Any) -> None:
    """Keep ``election`` under ``key``, forgetting the others once ``_TINY_ELECTIONS_KEPT``
    are kept."""
    if len(kept) >= _TINY_ELECTIONS_KEPT:
        kept.clear()
    kept[key] = election


class _TinyRun:
    """One plain-Python MES run at the per-voter budget ``b``: the winners in order, their
    exact price factors ``(P, Q)`` (reduced), who paid what in each round (the voters who paid
    everything first, ``poor_counts`` of them) and the cost of the winners. What each voter of
    ``pay_rows[r]`` paid is ``pay_held[r]`` (the budgets of the first ones), then ``rho_r u``
    for each utility of ``pay_u[r]`` (``rho_r`` the float of ``rhos[r]``): :meth:`paid`, read
    only for a result's payments and reasons, so a run does not build it."""

    __slots__ = (
        "alives",
        "b",
        "betas",
        "certified",
        "end_beta",
        "errors",
        "evals",
        "held",
        "los",
        "pay_held",
        "pay_rows",
        "pay_u",
        "poor_counts",
        "rhos",
        "rounds",
        "spent",
    )

    def __init__(
        self,
        b: Fraction,
        rounds: list[int],
        rhos: list[tuple[int, int]],
        pay_rows: list[list[int]],
        pay_held: list[list[float]],
        pay_u: list[list[float]],
        spent: int,
        poor_counts: list[int] | None = None,
    ) -> None:
        self.b, self.rounds, self.rhos, self.spent = b, rounds, rhos, spent
        self.pay_rows, self.pay_held, self.pay_u = pay_rows, pay_held, pay_u
        self.poor_counts = poor_counts
        # each round's state as its winner was chosen, kept for the certificates of another
        # run (see _tiny_run): the valid evaluations, which were certified, the budgets and
        # their error bound, the projects alive and their certified lower bounds
        self.evals: list[list[_Eval | None]] | None = None
        self.certified: list[list[bool]] | None = None
        self.betas: list[list[float]] | None = None
        self.errors: list[float] | None = None
        self.alives: list[list[int]] | None = None
        self.los: list[list[float]] | None = None
        self.end_beta: list[float] | None = None  # the budgets after the last round
        # given a base run: whether the certificate that MES funds the same sequence at every
        # budget between the two held (None: no base)
        self.held: bool | None = None

    def paid(self, r: int) -> list[float]:
        """What each voter of ``pay_rows[r]`` paid in round ``r``."""
        p_, q_ = self.rhos[r]
        rho = p_ / q_  # int / int: correctly rounded, the float the run paid with
        return self.pay_held[r] + [rho * u for u in self.pay_u[r]]


# a fresh evaluation: (rho', err, rich utility, supporters' positions by beta / u or None when
# everybody is rich, split k, the least key beta / u)
_Eval = tuple[float, float, int, list[int] | None, int, float]


def _same_split(a: _Eval, b: _Eval) -> bool:
    """Whether two evaluations of the same project have the same supporters paying all they
    hold."""
    k = a[4]
    if k != b[4]:
        return False
    if k == 0:
        return True
    order_a, order_b = a[3], b[3]
    assert order_a is not None and order_b is not None
    return set(order_a[:k]) == set(order_b[:k])


def _tiny(
    costs: IntArray,
    budget: int,
    utilities: IntArray,
    multiplicity: IntArray,
    tie_priority: IntArray,
    cost_utility: bool,
    completion: str,
    progress: Callable[[float], None] | None,
    supporters: Supporters | None = None,
) -> MesResult | None:
    """The MES run at ``b_0`` in plain Python floats, with the block's certified decisions (one
    column): the result when the scan stops there (or ``completion="none"``), else None (the
    caller then scans with numpy). None as well on any uncertain decision.

    Lazy evaluation: price factors only grow as budgets shrink, so a project's last lower bound
    ``lo`` stays one (at the start ``c / sum m u``, less a rounding margin), and a project none
    of whose supporters paid since it was evaluated keeps its price factor, bounds and split.
    Each round visits the projects by increasing ``lo`` and stops at the first whose ``lo``
    exceeds the least upper bound ``hi`` seen: only the projects visited are evaluated again.
    The contenders left (``lo <= hi``) have their splits certified from the two supporters on
    either side of the boundary (the keys ``beta / u`` are sorted, and the margin of step 2,
    divided by ``u``, grows slower than the distance to ``rho``); if more than one remains their
    price factors are compared exactly (integers cross-multiplied, then the priority). Exact
    budgets are only needed for the poor supporters of contenders: a voter who never paid
    everything holds ``b - sum rho_r u_r`` over the rounds whose winner they support."""
    el = _tiny_election(
        costs, budget, utilities, multiplicity, tie_priority, cost_utility, supporters
    )
    if el is None:
        return None
    run = _all_funded(el) or _tiny_run(el, el.b0, keep=False)  # never a base
    if not isinstance(run, _TinyRun) or not _tiny_stops(el, run, completion):
        return None
    return _tiny_result(el, run, completion, progress)


def _all_funded(el: _TinyElection) -> _TinyRun | None:
    """The run at ``b_0`` in closed form where every supporter of every candidate stays rich:
    else None. A supporter who holds ``rho u`` pays ``rho u``, so while everybody holds
    enough, project ``j``'s price factor is ``rho_j = c_j / sum m u`` whatever was funded
    before. If every voter's load ``sum_j rho_j u_ij`` over all the candidates they support
    stays below ``b_0``, each supporter holds ``rho_j u_ij`` when ``j``'s turn comes (payments
    are never negative), so MES funds every candidate by increasing ``rho_j`` (exact ties by
    the priority), each supporter paying ``rho_j u_ij``: small district elections whose
    budget covers every project (Gdansk 2020 Przerobka)."""
    cands, c_list, total = el.cands, el.c_list, el.total
    if not cands or sum([c_list[j] for j in cands]) > el.budget:  # loads sum to the cost
        return None
    sup_rows, sup_u, prio = el.sup_rows, el.sup_u, el.prio
    loads = [0.0] * el.n_all
    rho_of = [0.0] * el.n_projects
    for j in cands:
        rho = rho_of[j] = c_list[j] / total[j]  # int / int: correctly rounded
        if el.cost_utility:
            ru = rho * c_list[j]
            for i in sup_rows[j]:
                loads[i] += ru
        else:
            for i, u in zip(sup_rows[j], sup_u[j], strict=True):
                loads[i] += rho * u
    # each load is a sum of at most len(cands) rounded products: a relative error below
    # (len(cands) + 2) * 2 eps; b_0 = budget / n_voters as a float is within eps of it
    b0 = el.b0
    margin = 4 * (len(cands) + 2) * _EPS
    if max(loads) * (1.0 + margin) >= b0.numerator / b0.denominator * (1.0 - margin):
        return None
    rounds = sorted(cands, key=lambda j: (rho_of[j], prio[j]))
    # floats order the factors (rounding is monotone); exact ties go by the priority
    for a, z in zip(rounds, rounds[1:], strict=False):
        if rho_of[a] == rho_of[z] and c_list[a] * total[z] != c_list[z] * total[a]:
            return None  # equal floats of different factors: let the run compare them
    rhos: list[tuple[int, int]] = []
    for w in rounds:
        cd = gcd(c_list[w], total[w])
        rhos.append((c_list[w] // cd, total[w] // cd))
    pay_rows = [sup_rows[w] for w in rounds]
    if el.cost_utility:
        pay_u = [[float(c_list[w])] * len(sup_rows[w]) for w in rounds]
    else:
        pay_u = [el.sup_uf[w] for w in rounds]
    pay_held: list[list[float]] = [[] for _ in rounds]
    return _TinyRun(b0, rounds, rhos, pay_rows, pay_held, pay_u, sum([c_list[j] for j in rounds]))


def _split_certified(el: _TinyElection, j: int, ev: _Eval, beta: list[float], D: float) -> bool:
    """Whether the split of ``ev``, an evaluation of ``j`` at the budgets ``beta`` (float
    errors bounded by ``D``), is certified from the supporters on either side of the boundary
    (step 2); False if too close to tell."""
    sup_rows, sup_u, c_list = el.sup_rows, el.sup_u, el.c_list
    rho, err, _, order, k, low = ev
    r_j = sup_rows[j]
    tol = D / el.least_m[j]
    # the poorest rich supporter's key (order None: everybody rich, the least key)
    if order is None:
        rich_key: float | None = low
    elif k < len(order):
        t = order[k]
        rich_key = beta[t] if el.cost_utility else beta[r_j[t]] / sup_u[j][t]
    else:
        rich_key = None
    if el.cost_utility:
        cu = c_list[j]
        ru = rho * cu
        if k > 0:
            assert order is not None
            b_i = beta[order[k - 1]]
            if ru - b_i <= tol + err * cu + 8 * _EPS * (abs(b_i) + ru):
                return False
        if rich_key is not None:
            b_i = rich_key
            if b_i - ru <= tol + err * cu + 8 * _EPS * (abs(b_i) + ru):
                return False
    else:
        us = sup_u[j]
        tol /= el.min_u[j]
        if k > 0:
            assert order is not None
            t = order[k - 1]
            key = beta[r_j[t]] / us[t]
            if rho - key <= tol + err + 8 * _EPS * (abs(key) + rho):
                return False
        if rich_key is not None:
            key = rich_key
            if key - rho <= tol + err + 8 * _EPS * (abs(key) + rho):
                return False
    return True


def _evaluation(
    el: _TinyElection, j: int, beta: list[float], D: float, Nb: float
) -> _Eval | Literal[False] | None:
    """A fresh evaluation of ``j`` (steps 1-3 of the module docstring) at the float budgets
    ``beta``, within ``D`` of the exact ones (``Nb``: all the money there is): the evaluation
    if affordable, False if certainly not, None if the float money cannot tell."""
    sup_rows, c_list, total, mf, mult = el.sup_rows, el.c_list, el.total, el.mf, el.mult
    cost_utility, sup_mf, sup_u = el.cost_utility, el.sup_mf, el.sup_u
    r_j = sup_rows[j]
    c = float(c_list[j])
    pm = 0.0
    r_int = total[j]
    rho = -1.0
    k = 0
    # everybody rich (k = 0) is the usual case: told by the least key, without sorting
    order: list[int] | None = None
    slack = 2.0 * (len(r_j) + 2.0) * _EPS * (Nb + c)
    if cost_utility:
        low = min(map(beta.__getitem__, r_j))
        x = c / r_int
        if x * c <= low:
            rho = x
        elif sum(map(mul, sup_mf[j], map(beta.__getitem__, r_j))) < c - D - slack:
            return False  # its supporters' money is short of its cost (no need to sort)
        else:
            order = sorted(r_j, key=beta.__getitem__)
            mu_c = c_list[j]
            for i in order:
                x = (c - pm) / r_int
                if x * c <= beta[i]:
                    rho = x
                    break
                pm += mf[i] * beta[i]
                r_int -= mult[i] * mu_c
                k += 1
    else:
        us, uf = sup_u[j], el.sup_uf[j]
        held = list(map(beta.__getitem__, r_j))
        keys = list(map(truediv, held, uf))
        low = min(keys)
        x = c / r_int
        if x <= low:
            rho = x
        elif sum(map(mul, sup_mf[j], held)) < c - D - slack:
            return False
        else:
            order = sorted(range(len(r_j)), key=keys.__getitem__)
            for t in order:
                i = r_j[t]
                x = (c - pm) / r_int
                if x * uf[t] <= beta[i]:
                    rho = x
                    break
                pm += mf[i] * beta[i]
                r_int -= mult[i] * us[t]
                k += 1
    if rho < 0:  # everybody poor: unaffordable unless the money is about the cost
        return False if pm < c - D - slack else None
    err = (D + slack) / r_int + 4 * _EPS * rho
    return (rho, err, r_int, order, k, low)


def _exact_money(
    el: _TinyElection,
    b: Fraction,
    g: int,
    rounds: list[int],
    rhos: list[tuple[int, int]],
    live: set[int],
) -> int:
    """``sum m beta`` of the voters ``live``, exactly, times ``g`` (a common denominator of
    ``b`` and ``rhos``), after the winners ``rounds`` were funded at the exact price factors
    ``rhos``: voters who never paid everything, so ``b`` each, less ``rho_r u`` for each round
    whose winner they support (set intersections, not a loop over voters and rounds)."""
    if not live:
        return 0
    mult = el.mult
    money: int = b.numerator * (g // b.denominator) * sum(map(mult.__getitem__, live))
    for (p_, q_), w in zip(rhos, rounds, strict=True):
        supporters = el.sup_sets[w]
        if supporters is None:
            supporters = el.sup_sets[w] = set(el.sup_rows[w])
        paid = supporters & live
        if paid:
            if el.cost_utility:
                units = el.c_list[w] * sum(map(mult.__getitem__, paid))
            else:
                weighted = el.sup_mu_dicts.get(w)
                if weighted is None:
                    weighted = {
                        i: mult[i] * u for i, u in zip(el.sup_rows[w], el.sup_u[w], strict=True)
                    }
                    el.sup_mu_dicts[w] = weighted
                units = sum(map(weighted.__getitem__, paid))
            money -= p_ * (g // q_) * units
    return money


def _affine_certified(
    el: _TinyElection,
    low: _TinyRun,
    high_evals: list[list[_Eval | None]],
    t: int,
    j: int,
    ev: _Eval | None,
    kept: list[int],
) -> bool:
    """(C1) for ``j`` in round ``t`` by the affine certificate of ``mes``'s docstring, between
    ``low`` and a run at a larger budget whose kept evaluations are ``high_evals`` (``ev``:
    ``j``'s evaluation there, certified): the winners of rounds ``0..t`` and ``j`` have the
    same supporters paying everything at both budgets (certified splits), so ``rho_j -
    rho_w`` is affine in the budget in between; ``j`` lost to ``w`` in ``low`` (it was
    affordable there: a valid evaluation) and at the larger budget, so it loses at every
    budget between. ``kept[0]``: the rounds whose winners are known to have kept their
    splits (checked on first need, round by round)."""
    if low.evals is None or len(high_evals) <= t:
        return False
    assert low.certified is not None and low.betas is not None and low.errors is not None
    while kept[0] <= t:
        s_ = kept[0]
        w_ = low.rounds[s_]
        ev_low, ev_high = low.evals[s_][w_], high_evals[s_][w_]
        if ev_low is None or ev_high is None or not _same_split(ev_low, ev_high):
            return False
        kept[0] += 1
    ev_low = low.evals[t][j]
    if ev_low is None or ev is None or not _same_split(ev_low, ev):
        return False
    return low.certified[t][j] or _split_certified(el, j, ev_low, low.betas[t], low.errors[t])


def _tiny_run(
    el: _TinyElection, b: Fraction, base: _TinyRun | None = None, keep: bool = True
) -> _TinyRun | None:
    """The MES run at the per-voter budget ``b`` in plain Python (see :func:`_tiny`); None on
    any uncertain decision. With ``base``, a run at a smaller budget: the run also tries the
    monotone certificate of ``mes``'s docstring that MES funds ``base``'s sequence at every
    budget between the two (``held``), and goes on without it once it cannot be shown.
    (C1): in every round ``t`` the winner is ``base``'s, and every other project alive has
    ``(rho_j(b), prio_j) > (theta_t, prio_{j_t})``, ``theta_t`` the winner's exact price
    factor in ``base``: shown by a certified lower bound of ``rho_j(b)`` above ``theta_t``
    (rounded up; a stale bound is evaluated afresh first), else exactly, from ``j``'s
    certified split, or else by the affine certificate (:func:`_affine_certified`: the same
    supporters pay everything at both budgets). (C2): the run ends after the same rounds, when
    nothing is affordable. With ``keep``, the run keeps, round by round, its valid evaluations,
    budgets and lower bounds (``_TinyRun.evals``...), which the certificates of another run
    read (:func:`_tiny_certified`)."""
    n_all, n_projects, n_voters = el.n_all, el.n_projects, el.n_voters
    sup_rows, sup_uf, total, c_list, prio = el.sup_rows, el.sup_uf, el.total, el.c_list, el.prio
    masks = el.masks
    cost_utility = el.cost_utility
    bf = b.numerator / b.denominator  # as float(b), without its call
    D = 2.0 * n_voters * _EPS * bf
    Nb = n_voters * bf
    beta = [bf] * n_all
    exh = [False] * n_all
    # not those whose supporters never hold their cost, M_j b < c_j (exact): unaffordable in
    # every round, they would be evaluated once to be dropped
    b_top, b_bottom = b.numerator, b.denominator
    counts = el.counts
    alive = [j for j in el.cands if b_top * counts[j] >= c_list[j] * b_bottom]
    # a certified lower bound of each price factor (c / sum m u is one: f(x) <= x sum m u)
    lo = [0.0] * n_projects
    for j in el.cands:
        lo[j] = c_list[j] / total[j] * (1.0 - 4 * _EPS)
    hi = [0.0] * n_projects
    evals: list[_Eval | None] = [None] * n_projects  # the valid fresh evaluations
    certified = [False] * n_projects
    snap_evals: list[list[_Eval | None]] = []
    snap_certified: list[list[bool]] = []
    snap_betas: list[list[float]] = []
    snap_errors: list[float] = []
    snap_alives: list[list[int]] = []
    snap_los: list[list[float]] = []
    poor_counts: list[int] = []
    held = base is not None  # the certificate against base, while it can still be shown
    # with base: the first rounds whose winners are known to have kept their splits
    kept_rounds = [0]
    rounds: list[int] = []
    rhos: list[tuple[int, int]] = []  # exact price factors P / Q of the rounds
    g = b_bottom  # a common denominator of b and every price factor so far
    pay_rows: list[list[int]] = []
    pay_held: list[list[float]] = []
    pay_u: list[list[float]] = []
    spent = 0
    inf = float("inf")

    def exact_money(poor: list[int]) -> int:
        """``sum m beta`` of the voters ``poor``, exactly, times ``g``."""
        live = {i for i in poor if not exh[i]}
        return _exact_money(el, b, g, rounds, rhos, live)

    def evaluate(j: int) -> bool | None:
        """A fresh evaluation of ``j`` at the current budgets (``evals``, ``lo``, ``hi``):
        True if affordable, False if certainly not, None if the float money cannot tell."""
        ev = _evaluation(el, j, beta, D, Nb)
        if ev is None or ev is False:
            return ev
        rho, err = ev[0], ev[1]
        evals[j] = ev
        certified[j] = False
        lo[j] = rho - err
        hi[j] = rho + err
        return True

    def certify(j: int) -> bool:
        """Certify the split of ``j``'s fresh evaluation (:func:`_split_certified`)."""
        ev = evals[j]
        assert ev is not None
        if not _split_certified(el, j, ev, beta, D):
            return False
        certified[j] = True
        return True

    def exact_rho(j: int) -> tuple[int, int]:
        """The exact price factor ``P / Q`` of ``j``, from its certified split."""
        ev = evals[j]
        assert ev is not None
        _, _, r_int, order, k, _ = ev
        if order is None:  # everybody rich
            return c_list[j] * g, g * r_int
        poor = order[:k] if cost_utility else [sup_rows[j][t] for t in order[:k]]
        return c_list[j] * g - exact_money(poor), g * r_int

    def beats(w: int, t: int) -> bool:
        """(C1) in round ``t`` against ``base`` (see above), ``w`` this run's winner."""
        assert base is not None
        if t >= len(base.rounds) or base.rounds[t] != w:
            return False
        p_, q_ = base.rhos[t]
        theta_up = p_ / q_ * (1.0 + 4 * _EPS)  # int / int is correctly rounded
        for j in alive:
            if j == w or lo[j] > theta_up:
                continue
            if evals[j] is None:
                affordable = evaluate(j)
                if affordable is None:
                    return False
                if not affordable or lo[j] > theta_up:
                    continue  # (C1) reads only the affordable
            if not certified[j] and not certify(j):
                return False
            t_, u_ = exact_rho(j)
            lhs, rhs = t_ * q_, p_ * u_
            if (lhs < rhs or (lhs == rhs and prio[j] < prio[w])) and not _affine_certified(
                el, base, snap_evals, t, j, evals[j], kept_rounds
            ):
                return False
        return True

    while alive:
        if len(alive) > 1:
            alive.sort(key=lo.__getitem__)
        best_hi = inf
        seen: list[int] = []
        dropped: list[int] = []
        for j in alive:
            if lo[j] > best_hi:
                break
            if evals[j] is None:
                affordable = evaluate(j)
                if affordable is None:
                    return None
                if not affordable:
                    dropped.append(j)
                    continue
                if lo[j] > best_hi:
                    continue
            seen.append(j)
            if hi[j] < best_hi:
                best_hi = hi[j]
        for j in dropped:
            alive.remove(j)
        conts = [j for j in seen if lo[j] <= best_hi]
        if not conts:
            break
        for j in conts:
            if not certified[j] and not certify(j):
                return None
        w = conts[0]
        if len(conts) > 1:
            best_t = best_q = 0
            for j in conts:
                t_, q_ = exact_rho(j)
                if j == conts[0]:
                    best_t, best_q = t_, q_
                    continue
                lhs, rhs = t_ * best_q, best_t * q_
                if lhs < rhs or (lhs == rhs and prio[j] < prio[w]):
                    w, best_t, best_q = j, t_, q_
        if keep:  # this round's state, for the certificates of another run
            snap_evals.append(evals[:])
            snap_certified.append(certified[:])
            snap_betas.append(beta[:])
            snap_errors.append(D)
            snap_alives.append(alive[:])
            snap_los.append(lo[:])
        if held:
            held = beats(w, len(rounds))
        # fund w: the exact price factor from the certified split, budgets moved as mes does
        ev = evals[w]
        assert ev is not None
        _, _, r_int, order, k, low = ev
        r_j = sup_rows[w]
        if order is None:  # everybody rich
            poor, rich = [], r_j
        elif cost_utility:
            poor = order[:k]
            rich = order[k:]
            low = beta[rich[0]] if rich else 0.0  # sorted by budget
        else:
            poor = list(map(r_j.__getitem__, order[:k]))
            rich = list(map(r_j.__getitem__, order[k:]))
        top_, bottom = c_list[w] * g - exact_money(poor), g * r_int
        cd = gcd(top_, bottom)
        top_, bottom = top_ // cd, bottom // cd
        g *= bottom // gcd(g, bottom)
        rho = top_ / bottom  # int / int: correctly rounded, as float(Fraction) in mes
        rows_w = poor + rich
        held_w = [beta[i] for i in poor]  # the poor pay what they hold
        for i in poor:
            beta[i] = 0.0
            exh[i] = True
        if cost_utility:
            ru = rho * c_list[w]
            if not rich or low >= ru:  # the least budget among them: every rich voter pays ru
                rich_u = [float(c_list[w])] * len(rich)
                for i in rich:
                    beta[i] -= ru
            else:
                rich_u = []
                for i in rich:
                    old = beta[i]
                    held_w.append(old if old < ru else ru)
                    beta[i] = old - ru
        else:
            # the certified split (step 2) leaves every rich voter more than rho u: each
            # pays rho u, as min(beta, rho u) in mes (the payments are read from pay_u later)
            rich_u = sup_uf[w]
            if order is None:  # everybody rich: rho u once per utility value
                groups = el.sup_groups[w]
                if groups is None:
                    groups = el.sup_groups[w] = _by_utility(r_j, rich_u)
                for u, group in groups:
                    ru = rho * u
                    for i in group:
                        beta[i] -= ru
            else:
                rich_u = [rich_u[t] for t in order[k:]]
                for i, u in zip(rich, rich_u, strict=True):
                    beta[i] -= rho * u
        pay_rows.append(rows_w)
        pay_held.append(held_w)
        pay_u.append(rich_u)
        poor_counts.append(len(poor))
        rhos.append((top_, bottom))
        alive.remove(w)
        rounds.append(w)
        spent += c_list[w]
        D += 4.0 * (len(r_j) + 5.0) * _EPS * (Nb + float(c_list[w]))
        paid_mask = masks[w]
        for j in alive:
            if evals[j] is not None and masks[j] & paid_mask:
                evals[j] = None
    run = _TinyRun(b, rounds, rhos, pay_rows, pay_held, pay_u, spent, poor_counts)
    if base is not None:
        run.held = held and len(rounds) == len(base.rounds)
    if keep:
        run.evals, run.certified, run.betas, run.errors = (
            snap_evals,
            snap_certified,
            snap_betas,
            snap_errors,
        )
        run.alives, run.los = snap_alives, snap_los
        run.end_beta = beta
    return run


def _by_utility(rows: list[int], utilities: list[float]) -> list[tuple[float, list[int]]]:
    """The ``rows`` grouped by their ``utilities`` (each value once, with its rows)."""
    groups: dict[float, list[int]] = {}
    for i, u in zip(rows, utilities, strict=True):
        group = groups.get(u)
        if group is None:
            groups[u] = [i]
        else:
            group.append(i)
    return list(groups.items())


def _tiny_certified(el: _TinyElection, low: _TinyRun, high: _TinyRun) -> bool:
    """Whether MES funds ``low``'s sequence at every budget between ``low.b`` and a larger
    ``high.b``: the certificate a run at ``high.b`` given ``low`` as its base shows while
    running (:func:`_tiny_run`), shown here from the state ``high`` kept round by round, for
    a run computed before ``low`` (the walk's bisection). (C2): the same sequence at both
    budgets. (C1), in every round ``t``, for every other project alive at ``high.b``: its
    certified lower bound there is above ``theta_t`` (the winner's exact price factor at
    ``low.b``), or its price factor at ``high.b``, exact from the split it was certified
    with, is, with the priority; or else the affine certificate holds (the same supporters
    pay everything at both budgets, for it and the winners of rounds ``0..t``). A stale bound
    is evaluated afresh from the budgets kept for that round, as the run at ``high.b`` does."""
    if low.rounds != high.rounds:
        return False
    if high.evals is None or high.los is None or high.alives is None:
        return False
    assert high.certified is not None and high.betas is not None and high.errors is not None
    prio = el.prio
    nb_high = el.n_voters * (high.b.numerator / high.b.denominator)  # as in the run at high.b
    kept = [0]  # rounds whose winners are known to have kept their splits
    for t, w in enumerate(high.rounds):
        p_, q_ = low.rhos[t]
        theta_up = p_ / q_ * (1.0 + 4 * _EPS)  # int / int is correctly rounded
        lo, evals = high.los[t], high.evals[t]
        for j in high.alives[t]:
            if j == w or lo[j] > theta_up:
                continue
            ev = evals[j]
            certified = ev is not None and high.certified[t][j]
            if ev is None:  # a stale bound: evaluated afresh, as the run at high.b would
                fresh = _evaluation(el, j, high.betas[t], high.errors[t], nb_high)
                if fresh is None:
                    return False
                if fresh is False or fresh[0] - fresh[1] > theta_up:
                    continue  # (C1) reads only the affordable
                ev = fresh
            if not certified and not _split_certified(el, j, ev, high.betas[t], high.errors[t]):
                return False
            rho_j, theta = _exact_rho_at(el, high, t, j, ev), Fraction(p_, q_)
            if (rho_j < theta or (rho_j == theta and prio[j] < prio[w])) and not _affine_certified(
                el, low, high.evals, t, j, ev, kept
            ):
                return False
    return True


def _exact_rho_at(el: _TinyElection, run: _TinyRun, t: int, j: int, ev: _Eval) -> Fraction:
    """The exact price factor of ``j`` in round ``t`` of ``run``, from the evaluation ``ev``
    there, whose split is certified: ``(c - money of the poor) / R``, where a supporter who
    never paid everything holds ``b`` less ``rho_r u`` for each earlier winner they support."""
    _, _, r_int, order, k, _ = ev
    if order is None or k == 0:
        return Fraction(el.c_list[j], r_int)
    assert run.poor_counts is not None
    poor = order[:k] if el.cost_utility else [el.sup_rows[j][x] for x in order[:k]]
    gone: set[int] = set()  # who paid everything in an earlier round (hold exactly 0)
    g = run.b.denominator  # a common denominator of b and the price factors of rounds 0..t-1
    for r in range(t):
        gone.update(run.pay_rows[r][: run.poor_counts[r]])
        g *= run.rhos[r][1] // gcd(g, run.rhos[r][1])
    live = {i for i in poor if i not in gone}
    money = _exact_money(el, run.b, g, run.rounds[:t], run.rhos[:t], live)
    return Fraction(el.c_list[j] * g - money, g * r_int)


def _tiny_stops(el: _TinyElection, run: _TinyRun, completion: str) -> bool:
    """Whether the completion's scan stops at this run (which does not overspend): always
    without completion; for ``add1`` once no other candidate fits in what is left; for
    ``add1-no-stop`` once every candidate is funded."""
    if completion in ("add1", "add1-greedy"):
        funded = set(run.rounds)
        left = el.budget - run.spent
        c_list = el.c_list
        return not any(c_list[j] <= left for j in el.cands if j not in funded)
    if completion == "add1-no-stop":
        return len(run.rounds) == len(el.cands)
    return True


def _tiny_result(
    el: _TinyElection,
    run: _TinyRun,
    completion: str,
    progress: Callable[[float], None] | None,
) -> MesResult:
    """The result of a count whose scan stopped at ``run``."""
    n_all, n_projects, budget = el.n_all, el.n_projects, el.budget
    c_list, total, masks, prio = el.c_list, el.total, el.masks, el.prio
    rounds, pay_rows = run.rounds, run.pay_rows
    selected = el.free + rounds

    def reasons_of_mes() -> Reasons:
        """Why each project was not funded by the run (read on first access, see
        MesResult)."""
        chosen = set(selected)
        reasons: Reasons = {}
        # who paid for each round, as bitmasks over the ballots (one AND per pair)
        payers: list[int] = []
        for r, (w, rows_w) in enumerate(zip(rounds, pay_rows, strict=True)):
            vals = run.paid(r)
            if min(vals, default=1.0) <= 0:  # usually every supporter paid something
                payers.append(_mask([i for i, v in zip(rows_w, vals, strict=True) if v > 0]))
            else:
                payers.append(masks[w])
        for j in range(n_projects):
            if j in chosen:
                continue
            if total[j] == 0:
                reasons[j] = ("no-supporters", ())
            elif c_list[j] > budget:
                reasons[j] = ("did-not-fit", ())
            else:
                mj = masks[j]
                reasons[j] = (
                    "unaffordable",
                    tuple([s_ for s_, who in zip(rounds, payers, strict=True) if mj & who]),
                )
        return reasons

    reasons: Reasons | Callable[[], Reasons] = reasons_of_mes
    if completion == "add1-greedy":  # greedy's choices update the reasons: built now
        reasons = reasons_of_mes()
        selected = selected + greedy_rest(budget, c_list, total, prio, selected, reasons)

    def payments() -> FloatArray:
        matrix = np.zeros((n_all, n_projects), dtype=np.float64)
        if rounds:
            flat_rows: list[int] = []
            flat_cols: list[int] = []
            flat_vals: list[float] = []
            for r, (w, rows_w) in enumerate(zip(rounds, pay_rows, strict=True)):
                flat_rows += rows_w
                flat_cols += [w] * len(rows_w)
                flat_vals += run.paid(r)
            matrix[flat_rows, flat_cols] = flat_vals
        return matrix

    if progress is not None:
        progress(0.0)
        progress(1.0)
    return MesResult(tuple(selected), payments, sum([c_list[j] for j in selected]), run.b, reasons)


def _tiny_walk(
    el: _TinyElection,
    completion: str,
    increment: int,
    progress: Callable[[float], None] | None,
) -> MesResult | None:
    """The completion's scan (module docstring) by plain-Python runs. From the last resolved
    unit ``k`` (``O_k`` known, the scan has not stopped there) and the runs already computed
    past it (each the exact MES outcome at its unit), the nearest of them, at ``p``, resolves
    the units up to ``p`` if ``p = k + 1`` (the next outcome of the unit scan) or if a
    certificate shows ``O_k = ... = O_p``: in the run at ``p`` given ``O_k`` as its base, or
    afterwards from both runs (:func:`_tiny_certified`). Else the next run is where
    :func:`_crossing` guesses the outcome changes in ``(k, p)``, or in the middle, which
    halves the stretch where it changes, without a guess or after two guesses whose runs fell
    on the same side (guesses by interpolation can creep to the change from one side); with
    nothing computed past ``k``, at ``k + step``, the step doubling while certificates hold
    (halving, down to ``_WALK_STEP``, when they fail). Which budgets are run only matters
    for speed: the result is the unit scan's. None on an uncertain run."""
    n = el.n_voters
    state = _all_funded(el) or _tiny_run(el, el.b0)
    if state is None:
        return None
    k = 0
    above: dict[int, _TinyRun] = {}  # runs at units past k
    failed: set[int] = set()  # units whose run could not certify O_k (its base) up to them
    step = _WALK_STEP
    last_guess_held: bool | None = None  # whether the run at the last guess held (if guessed)
    bisect = False  # the last two guesses fell on the same side
    while not _tiny_stops(el, state, completion):
        if above:
            p = min(above)
            nxt = above[p]
            if p == k + 1 or (p not in failed and _tiny_certified(el, state, nxt)):
                if nxt.spent > el.budget:  # O_{k+1} overspends: the scan stops at O_k
                    break
                del above[p]
                state, k = nxt, p
                failed.clear()
                continue
            guess = None if bisect else _crossing(el, state, nxt, k, p)
            target = (k + p) // 2 if guess is None else guess  # p >= k + 2
        else:
            guess = None
            target = k + step
        run = _tiny_run(el, Fraction(el.budget + target * increment * n, n), state)
        if run is None:
            return None
        if guess is not None:
            bisect = last_guess_held == run.held
            last_guess_held = run.held
        else:
            bisect, last_guess_held = False, None
        if run.held:
            if not above:
                step *= 2
            state, k = run, target
            failed.clear()
        else:
            if not above:
                step = max(_WALK_STEP, step // 2)
            above[target] = run
            failed.add(target)
    return _tiny_result(el, state, completion, progress)


def _crossing(el: _TinyElection, low: _TinyRun, high: _TinyRun, k: int, p: int) -> int | None:
    """Where between the units ``k`` and ``p`` (``p >= k + 2``) the outcome of ``low`` (at
    ``k``) likely changes into that of ``high`` (at ``p``), a guess for the walk: the last
    unit of ``low``'s outcome. In the first round where the two runs differ, the gap between
    the price factors of the two winners, or, where one of them is unaffordable at one end (or
    funded by one run only, after the other's last round), the money its supporters hold
    less its cost, is a number whose sign tells the two outcomes apart; read at both ends
    from the budgets the runs kept, it is interpolated linearly. Exact while the same
    supporters pay everything in every round at every budget in between (these quantities are
    then affine in the budget, as for the affine certificate). None without a sign change
    (the same sequence at both ends, or runs without kept rounds)."""
    rounds_low, rounds_high = low.rounds, high.rounds
    if low.betas is None or high.betas is None or low.errors is None or high.errors is None:
        return None
    t = 0
    while t < len(rounds_low) and t < len(rounds_high) and rounds_low[t] == rounds_high[t]:
        t += 1

    def short(run: _TinyRun, j: int) -> float:
        """The money ``j``'s supporters hold in round ``t`` of ``run``, less its cost."""
        assert run.betas is not None
        beta = run.betas[t] if t < len(run.rounds) else run.end_beta
        assert beta is not None
        money: float = sum(map(mul, el.sup_mf[j], map(beta.__getitem__, el.sup_rows[j])))
        return money - el.c_list[j]

    def rho(run: _TinyRun, j: int) -> float | None:
        """``j``'s float price factor in round ``t`` of ``run`` (None: unaffordable)."""
        assert run.betas is not None and run.errors is not None
        b = run.b.numerator / run.b.denominator
        ev = _evaluation(el, j, run.betas[t], run.errors[t], el.n_voters * b)
        return ev[0] if ev else None

    if t < len(rounds_low) and t < len(rounds_high):
        w, v = rounds_low[t], rounds_high[t]
        v_low = rho(low, v)
        w_high = None if v_low is None else rho(high, w)
        if v_low is None:  # v becomes affordable
            d_low, d_high = short(low, v), short(high, v)
        elif w_high is None:  # w no longer is
            d_low, d_high = -short(low, w), -short(high, w)
        else:
            w_low, v_high = rho(low, w), rho(high, v)
            if w_low is None or v_high is None:
                return None
            d_low, d_high = w_low - v_low, w_high - v_high
    elif t < len(rounds_high):  # high funds one project more
        v = rounds_high[t]
        d_low, d_high = short(low, v), short(high, v)
    elif t < len(rounds_low):  # one project less
        w = rounds_low[t]
        d_low, d_high = -short(low, w), -short(high, w)
    else:
        return None
    if not d_low <= 0 <= d_high or d_high == d_low:
        return None
    guess = k + int((p - k) * -d_low / (d_high - d_low))
    return min(max(guess, k + 1), p - 1)


def _greedy_rest(
    prep: _Prep, selected: list[int], reasons: dict[int, tuple[str, tuple[int, ...]]]
) -> list[int]:
    return greedy_rest(prep.budget, prep.costs, prep.total_sat, prep.prio, selected, reasons)
