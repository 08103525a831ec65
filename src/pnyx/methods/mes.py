"""The Method of Equal Shares (MES) for participatory budgeting, with its completions.

References: Peters, Pierczyński and Skowron, "Proportional Participatory Budgeting with Additive
Utilities", NeurIPS 2021; equalshares.net; and, for the exact semantics reproduced here, pabutools
1.2.3 (``pabutools.rules.mes.method_of_equal_shares`` with ``voter_budget_increment``).

The rule
--------
Every voter starts with the same per-voter budget ``b`` (``budget / n``, ``n`` = number of ballots
counting multiplicity, empty ballots included). A project ``j`` of cost ``c_j`` is *affordable* when
its supporters (the voters with positive utility ``u_ij``) hold at least ``c_j`` together. Its
price factor ``rho_j`` is the least ``rho`` with ``f_j(rho) = sum_i m_i min(beta_i, rho u_ij) >= c_j``
(``beta_i`` = voter budget, ``m_i`` = ballot multiplicity). Each round the affordable project with
the least ``(rho_j, tie_priority_j)`` is funded; each supporter pays ``min(beta_i, rho_j u_ij)``.
The run stops when nothing remaining is affordable. As in pabutools:

* utilities are the cost (``Cost_Sat``) with ``cost_utility=True``, else the given points
  (``Additive_Cardinal_Sat``); a supporter is a ballot with positive utility;
* a project without supporters is never funded, not even by MES when it costs nothing; a project
  of cost 0 with supporters is funded before the first round (under cost utility its utility is 0,
  so it has no supporters and is not funded);
* an empty profile funds nothing.

Completions (pabutools' iterated MES, ``voter_budget_increment = increment``): let
``b_k = budget / n + k * increment`` and ``O_k`` the MES outcome with per-voter budget ``b_k``.
For ``k = 0, 1, ...``: if ``cost(O_k) > budget`` return ``O_{k-1}``; with ``add1`` return ``O_k``
if it is exhaustive (no non-funded project with supporters and positive cost fits in what is left
of the budget). ``add1-no-stop`` never stops on exhaustiveness, only on overspending (it also stops
once every such project is funded, where nothing can change any more). ``add1-greedy`` runs
``add1`` and then utilitarian greedy on the rest (highest ``sum_i m_i u_ij / c_j`` first, cost 0
first of all, ties by priority, a project is added whenever it fits), as pabutools'
``completion_by_rule_combination`` does with ``greedy_utilitarian_welfare``.

Exact arithmetic
----------------
Every decision (which project wins a round, whether a project is affordable, which supporters pay
their whole budget) is exact. Budgets are kept as floats *and* can be recomputed exactly: a voter
who has never been exhausted holds ``b - sum_s rho_s u_{i j_s}`` with the exact ``rho_s`` of the
rounds so far (Fractions), and an exhausted voter holds exactly 0. A float budget is ``float(b)``
minus at most one rounded product per round, each at most ``b``, so its error is at most
``(2t + 1) 2^-53 b``; we use the margin ``delta = 1e-8 b`` (valid for fewer than 10^7 rounds). A
float decision is taken only when its margin exceeds the error bound (a sum over supporters gets
``2 M_j delta + 1e-12 c_j``, ``M_j`` = their number); otherwise the comparison is redone in
Fractions. In particular a project's exact ``rho`` is computed from the float poor/rich split as
``(c - sum_poor m_i beta_i) / sum_rich m_i u_i`` (the poor sums come from exact integer aggregates
``sum_poor m_i u_{i j_s}`` of the funded projects ``j_s``: int64 dots per round, or one weighted
bincount over the poor ballots' own entries, exact in float64 because every partial sum is an
integer below ``n * max u < 2^53``, checked up front) and the split is then checked exactly for the
voters whose float margin is too small; should it be wrong, ``rho`` is recomputed fully in
Fractions. Since that check covers every supporter, the float split may be found any way: when
a run follows another of the same sequence at a nearby budget (a certificate and its base, an
MES run and the run it expects), the winner's split there is the starting guess, moved both
ways until it settles (:func:`_settle`), else found afresh.
Before a full evaluation a competitor is *screened*: ``f(x) < c - err`` in one pass over its
supporters proves ``rho > x`` (``x`` = a certified upper bound of the best price so far, or the
``theta_t`` of a certificate), and concavity of ``f`` gives a lower bound of ``rho`` kept for the
next rounds (prices only grow along a run); every run starts from the static bounds
``rho_j >= c_j / sum_i m_i u_ij`` (as ``f_j(rho) <= rho sum_i m_i u_ij``), so a project whose
bound exceeds the best price found is skipped without a pass over its supporters. A screen that
finds the supporters' money short of the cost says the project is unaffordable, which the run
keeps; and a run at ``b`` leaves out from the start the candidates with ``b M_j < c_j`` (their
``M_j`` supporters never hold their cost), found by bisection in ``c_j / M_j`` order.

Fast completion, and why it equals the unit-by-unit scan
--------------------------------------------------------
Fix a sequence ``S = (j_1, ..., j_m)`` and run MES *forced* along ``S`` with per-voter budget
``b``: budgets ``beta^t(b)`` after the first ``t`` funded projects, ``rho_j^t(b)`` the price factor
of ``j`` in round ``t``.

Lemma (monotonicity). If ``b <= b'`` and every ``j_t`` is affordable in round ``t`` at ``b``, then
it is at ``b'``, and for all ``i, t, j``: ``beta_i^t(b) <= beta_i^t(b')``, and ``rho_j^t(b) >=
rho_j^t(b')`` whenever ``j`` is affordable in round ``t`` at ``b``.
Proof, by induction on ``t``. ``beta^0 = b <= b'``. If ``beta^{t-1}(b) <= beta^{t-1}(b')`` then
``f_j`` at ``b`` is pointwise at most ``f_j`` at ``b'``, so the least ``rho`` with
``f_j(rho) >= c_j`` can only be smaller at ``b'`` and affordability (``f_j(inf) >= c_j``) is kept.
A supporter's new budget ``max(0, beta - rho u)`` grows with ``beta`` and shrinks with ``rho``,
so ``beta^t(b) <= beta^t(b')``. QED.

Certificate. Let ``S`` be the MES outcome at ``b`` and ``theta_t = rho_{j_t}^t(b)``. Suppose the
run forced along ``S`` at ``b' > b`` satisfies (C1) in every round ``t``, every remaining project
``j != j_t`` affordable at ``b'`` has ``(rho_j^t(b'), prio_j) > (theta_t, prio_{j_t})``
lexicographically, and (C2) after round ``m`` no remaining project is affordable at ``b'``.
Then MES at every ``b''`` in ``[b, b']`` funds exactly ``S`` in that order.
Proof, by induction on the round: MES at ``b''`` has followed ``S`` so far, so its budgets are
``beta^{t-1}(b'')``. ``j_t`` is affordable (lemma, from ``b``). Any other remaining project ``j``
affordable at ``b''`` is affordable at ``b'`` (lemma) and ``rho_j^t(b'') >= rho_j^t(b')`` while
``rho_{j_t}^t(b'') <= theta_t``; with (C1), ``(rho_j^t(b''), prio_j) > (rho_{j_t}^t(b''),
prio_{j_t})``, so MES picks ``j_t``. After round ``m``, anything affordable at ``b''`` would be
affordable at ``b'``, contradicting (C2), so MES stops. QED.

Affine certificate. In round ``t`` call ``P_j(b)`` the supporters who pay everything for ``j``
(``beta_i <= rho_j u_ij``). Along the forced run ``beta_i^{t-1}(b) - rho_j^t(b) u_ij`` grows with
``b`` (lemma), so ``P_j(b2)`` lies between ``P_j(b')`` and ``P_j(b)`` for ``b <= b2 <= b'``. If
the funded projects of rounds ``1..t`` have the same sets at ``b`` and ``b'`` (each with some
supporter who does not pay everything), every budget and ``rho_{j_t}^t`` is an affine function of
``b2`` on ``[b, b']`` (``rho = (c - sum_P m beta) / sum_{not P} m u`` with fixed sets); if ``j``
also has the same set at both ends, so is ``rho_j^t``, and ``rho_j^t - rho_{j_t}^t`` then keeps
on ``[b, b']`` the sign it has at both ends. So (C1) may also be shown, project by project, by
``(rho_j^t(b), prio_j) > (rho_{j_t}^t(b), prio_{j_t})`` and the same at ``b'``, with equal sets.

Sandwich certificate (when the sets change inside ``[b, b']``). Write ``x = b``, ``y = b'`` and
let ``z`` be in ``[x, y]``; the forced run at ``z`` follows ``S`` up to round ``t`` (it is MES
there, by the induction of the certificate proof). Call a voter *live at x* if no earlier round
made them pay everything at ``x``. By the lemma ``rho_s^s(y) <= rho_s^s(z) <= rho_s^s(x)`` for
every earlier round ``s``, and a voter who pays everything in round ``s`` at ``z`` does so at
``x`` (``beta - rho u`` grows with the budget), so a voter live at ``x`` is live at ``z`` and at
``y``, and ``beta_i^{t-1}(z) = z - sum_s rho_s^s(z) u_{i j_s}`` gives
``L_i(z) = beta_i^{t-1}(x) + (z - x) <= beta_i^{t-1}(z) <= beta_i^{t-1}(y) - (y - z) = U_i(z)``;
for a voter not live at ``x``, ``L_i = 0 <= beta_i^{t-1}(z) <= beta_i^{t-1}(y) = U_i``. Both
bounds are affine in ``z``. Take ``X`` affine with ``X(x) >= theta_t`` and ``X(y)`` such that
``g(y) >= c_{j_t}``, where ``g(z) = sum_i m_i min(L_i(z), X(z) u_{i j_t})`` over ``j_t``'s
supporters (``X(y) = X(x)`` always qualifies, since ``L(y) >= beta(x)``). ``g`` is a sum of
minima of affine functions, so concave, and ``g(x) >= f_{j_t}(theta_t) = c_{j_t}`` at ``x``:
``g >= c_{j_t}`` on ``[x, y]``, so ``f_{j_t}(X(z)) >= g(z) >= c_{j_t}`` at ``z`` (budgets
``>= L``) and ``rho_{j_t}^t(z) <= X(z)``. For a competitor ``j``, ``h(z) = sum_i m_i min(U_i(z),
X(z) u_ij)`` over its supporters is concave as well; if its maximum on ``[x, y]`` is below
``c_j`` then ``f_j(X(z)) <= h(z) < c_j`` (budgets ``<= U``), so ``rho_j^t(z) > X(z) >=
rho_{j_t}^t(z)`` (or ``j`` is unaffordable): ``j_t`` beats ``j`` at every ``z``, whatever the
sets do in between. The maximum of ``h`` is bounded at any point ``z*`` by concavity,
``h <= h(z*) + max(0, h'(z*+)) (y - z*) + max(0, -h'(z*-)) (z* - x)``, tried at ``z*`` = both
ends and then where the tangents at both ends meet (any ``z*`` gives a valid bound). All of
this is computed in floats: every budget bound is moved outwards by both runs' error margins
``delta`` plus ``1e-12 (y + (y - x))`` (rounding of the shifts), sums must clear ``c`` by a
relative ``1e-9`` (far above the rounding of a sum), and a kink whose two pieces are within
float error counts with either slope. It is used only to *accept* a pair: when it fails, the affine certificate and then failure follow
as before. It tolerates sets that change, but its bounds ignore how much the earlier prices
fall between ``x`` and ``y`` (``U - L = beta(y) - beta(x) - (y - x)``), so it fails on pairs
closer than that.

Chained sandwich (what the completion uses; the plain sandwich above is its first step). The
plain sandwich bounds the earlier prices by constants, ``rho_s(y) <= rho_s^s(z) <= rho_s(x)``;
the chain bounds them by lines, round after round, which follow how they fall. Suppose, before
round ``s``, affine ``L_i <= beta_i^{s-1} <= U_i`` on ``[x, y]`` for every voter live at ``x``
(``L_i(x) = beta_i(x)``, ``U_i(y) >= beta_i(y)``; for the others ``0 <= beta <= beta(y)`` as
above). Upper line: ``A_s`` affine from ``theta_s`` at ``x`` to ``V_s`` at ``y`` with
``g(y) = sum m min(L(y), V_s u) >= c``; ``g(z) = sum m min(L(z), A_s(z) u)`` is concave and
``g(x) >= f_s(theta_s) = c``, so ``rho_s(z) <= A_s(z)`` on ``[x, y]`` (``V_s = theta_s`` is the
plain bound). Lower line: ``B_s`` affine with ``h(y) < c`` and ``h'(y-) > 0`` for the concave
``h(z) = sum m min(U(z), B_s(z) u)``; concavity gives ``h < c`` on ``[x, y]``, so ``f_s(B_s(z)) <=
h(z) < c`` and ``rho_s(z) > B_s(z)`` (``B_s`` is the tangent at ``y`` of the price factor with
budgets ``U``, convex in ``z`` because the set where ``sum m min(U(z), r u) >= c`` is convex,
flattened and lowered a little; the plain bound ``rho_s(y)`` when this is not shown). A voter
live at ``x`` stays live on ``[x, y]`` and pays ``rho_s u`` there, so ``L - A_s u <= beta^s <= U
- B_s u``, affine again; one who pays everything at ``x`` in round ``s`` leaves the chain. For
a competitor in round ``t`` the sandwich above then runs with ``X = A_t`` and these ``U``. Both
lines are exact at one end and only lose what is not affine in between (the changes of the
"pays everything" sets), so the certificate spans far longer intervals than the plain one on
close pairs. Each voter's lines are kept as three sums over the rounds (``_Chain``), and a
plain line is used for a voter wherever it is the tighter one (any valid line will do).

The algorithm. The forced run at a certified ``b'`` *is* the MES run there. The fast completion
runs MES at ``b_k``; if the scan would stop there (overspent, or exhaustive for ``add1``) it
returns what the scan returns. Otherwise it tries to certify ``[b_k, b_{k+s}]`` for some
``s >= 1``: then ``O_{k+1} = ... = O_{k+s} = O_k``, which neither overspends nor is exhaustive, so
the scan would not stop at any of them, and it continues from ``k + s`` with the certified run as
the new base. When no ``s >= 1`` is certified it runs MES at ``b_{k+1}`` (where the scan looks
next) and, if that overspends, returns ``O_k`` with its own payments. Hence the result is exactly
the unit-by-unit scan's. Which ``s`` to try only matters for speed: it gallops (doubling after a
success, quartering after a failure without a guess), never tries again at or past a budget where
a certificate of the same sequence failed, and aims a little short of *guesses* of the next
change: secants between the two ends of a competitor's and the winner's price factors (or of
the money of a project's supporters against its cost) at a failed try; at a certified one,
what crossed at the last failed try interpolated between the two (the gap of the pair that
overtook, priced there on purpose, or the money of the project that became affordable, against
its cost), or secants through the gaps of close competitors at two certificates. Guesses
are never trusted, only certified. Each change of outcome costs one MES run and a few forced
runs. A failed certificate stops at its first failing pair. A certificate tried at ``b_{k+1}``
that fails in round ``t`` has shown (C1) for rounds ``1..t-1``, so its forced state is MES at
``b_{k+1}`` after ``t - 1`` rounds: the run there is finished from it instead of started
afresh. A try that fails because a competitor ``j`` overtakes round ``t``'s project is first
followed by an attempt to jump over that change of order without locating it
(:func:`_swapped`, with its proof): if MES at the far end funds a sequence that first differs
there by ``j``, two certificates that leave that one pair out (one along each sequence) show
that MES funds one of the two at every budget in between, and neither stops the scan (on
Budapest 2024, 88 of the 123 changes of sequence between its runs reorder the same projects;
certificates 1,112 -> 892). Both of those certificates share their rounds before ``t`` with
the try that failed (same budget, same projects and price factors before ``t``, so the same
forced run and the same claims): they start from where it stopped (:class:`_Partial`), and the
run forced along the second sequence at the low end is played on from the base's rounds
before ``t`` (:meth:`_State.prefix`; Budapest 2024: 22,094 -> 16,910 rounds of certificates
and runs). After a run that located a change, the next try jumps a quarter of the distance
from the previous run, and at least ``_SPARSE_STEP`` units where runs have been more than
``_SPARSE_SPACING`` units apart on average (Budapest: 24,512 -> 22,094 rounds; the dense files
are unchanged). In each round of a certificate a competitor is cleared by the
cheapest argument that works: the screen or the exact monotone comparison, then the sandwich
(chained on intervals of ``_CHAIN_MIN`` units or more), then the affine certificate. Each of
these is a
claim on the forced runs at *every* budget of ``[b_k, b']``, so one shown for a competitor in a
certificate at ``b'`` that failed elsewhere still holds for any later try at ``b'' <= b'`` from
the same base, which skips that competitor (``_State.cleared``); those shown by a monotone
argument alone (the screen, the exact comparison, unaffordability) hold as well for the next base
when it is certified on the way (``_State.inherit_monotone``). A screen is also carried to the
later certificates of the same sequence, at any budget (``_State.facts``, :func:`_recalled`):
from one pass over the competitor's supporters at ``y``, its ``f_j(x)`` (or money) at another
budget ``z`` is bounded by adding ``M_j max(0, z - y)`` and what the falls of the earlier
winners' price factors can have given back to its supporters, through the co-support matrix
of the projects; when that stays below its cost there is no pass over its supporters (on
Budapest 2024, 112,000 of 194,000 screens). The tests compare the
result with a unit-by-unit scan (``scan="unit"``) on random elections, check the sandwich's claim
at budgets inside the interval directly (and each line of the chained sandwich), check the
carried screens against exact values, and compare with pabutools.

Stages on several processes (:func:`staged_stop`). The scan stops at the first ``k`` where
``O_k`` is exhaustive (``add1``; every project funded for ``add1-no-stop``) or ``O_{k+1}``
overspends, and whether it stops at ``k`` is decided by ``O_k`` and ``O_{k+1}`` alone, not by
how the scan got there. So the units can be cut into stages ``[a, a']``, each scanned from MES
run afresh at ``b_a`` (with the algorithm above, never jumping past ``b_a'``) to find the first
``k`` of the stage where the scan stops, if any; the first stage, in order, that finds one
holds the scan's stop, whatever the cut. Large completions run their stages side by side on
forked processes and read them in order (later stages are speculation, dropped at the stop);
a stage's start costs one MES run and nothing else, as its first try jumps ``_STAGE_STEP``
units (Budapest 2024 in stages of about 800 units: 878 certificates against 892 in one scan).
For the same reason a stage may be cut anywhere while it runs: once some stage has found a
stop, the stages past it are dropped and a process left idle takes the second half of what is
left of a stage before it (:func:`stage_end`, asked by the scan between its steps), so that
the processes end together. ``mes_small``'s block scan is cut the same way.

Choose-1 ballots (:func:`_complete_disjoint`). Where no ballot supports two candidates, nobody
pays for two projects, so MES at ``b`` funds exactly the projects with ``M_j b >= c_j`` (each
group of supporters pays for its own project alone; the order of the rounds does not change
the set). ``O_k`` then only grows with ``k``, and only at the first ``k`` where some ``M_j b_k``
reaches ``c_j``: the scan's tests are played over those ``k`` on the sets, and MES runs once,
at the stop.

Limits (measured on the shared Pabulib files): the completion costs about one MES run per change
of the funding order plus the certificates in between. When the order changes at almost every
unit (Toulouse 2024: about a hundred rounds and the order changes at 512 of 670 units, the set at
41; Warsaw: the pays-everything sets change at every unit and the order at a third of them)
there is little to skip and it costs about one MES run per unit, as pabutools does (there the
chained sandwich is not worth building: it is used on intervals of ``_CHAIN_MIN`` units or more,
and runs at most two units apart switch to unit-by-unit runs for a while; Toulouse 2024, many
projects of few supporters each, is counted instead by ``mes_small``'s lazy blocks, many unit
runs side by side). In Budapest 2024 the
outcome changes 66 times in 22,000 units, but competitors come within about 1e-3 of the winner's
price factor while hundreds to thousands of their supporters pay everything, so the
pays-everything sets change every few units: the affine certificate breaks at each change and
the plain sandwich (whose slack is the fall of the earlier prices) is too loose for such close
pairs (certified intervals: mean 14 units, median 4; 1,516 certified and 1,454 failed tries).
The chained sandwich makes nearly all the failures genuine (a competitor does overtake inside the
interval: 713 of 792 failing pairs) and certified intervals average about 29 units (median 16),
for about 1,100 certificates in all; what remains is the search, about 8 certificates per change
of the sequence (median), most of them successes on the way between two changes. An oracle
that knows, from each base, the farthest budget a certificate would reach (found by bisection)
needs 62 certificates on Budapest's first 3,000 units where the search tries 151 (certified
intervals: mean 70 units against 30): the reach from a base just after a change ranges from 1
to 350 units with nothing seen so far to predict it, and a certificate that fails costs as much
as one that holds (about 20 ms); growing the gallop by 3 or 4 instead of 2, or halving the
guess after a second failure from the same base, changed the count by under 5 %. Tried and
dropped: clearing a competitor by a bound of its money from the base's (its ``f_j(theta)`` there
plus all that its supporters can have gained since, from the falls of the earlier prices)
skipped too few screens to pay for itself (Budapest 52 s either way); the carried screens above
start instead from the latest screen of the pair, whatever its budget, and bound what was
given back through the co-support of each earlier winner rather than per voter.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
import traceback
from bisect import bisect_right
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from math import gcd
from multiprocessing.connection import Connection, wait
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from pnyx.methods.blas import single_threaded_blas

__all__ = ["COMPLETIONS", "MesResult", "Supporters", "equal_shares"]

COMPLETIONS = ("none", "add1", "add1-no-stop", "add1-greedy")

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
IndexArray = npt.NDArray[np.intp]
# the positive cells of a utilities matrix, row-major: rows, columns, values
Entries = tuple[IndexArray, IndexArray, IntArray]
BoolArray = npt.NDArray[np.bool_]

_DELTA = 1e-8  # budget float error margin, relative to the per-voter budget
_REL = 1e-12  # relative slack for rounding in sums and products
_NOBODY = np.zeros(0, dtype=np.intp)  # no supporter pays everything (read-only)
_NOBODY.setflags(write=False)
_CHAIN_MIN = 4  # units from which a certificate uses the chained sandwich
_SPARSE_MIN = 50_000  # supporter entries from which the money of all projects is a scipy product
# supporters x projects (summed over the projects) up to which each project's supporters keep
# a dense block of their entries' weights: an exact sum over some of them is then one
# product (Amsterdam 604, 424,872 cells: 26 -> 9 us a sum in a count, building the blocks
# included; 4 us once built)
_DENSE_AGG_CELLS = 2_000_000
# supporter entries from which a completion is scanned in stages by several processes (see
# staged_stop; measured with two, in one and two processes: Amsterdam, 17,703 entries, 0.20
# and 0.16 s; Krakow 2024, 94,230, 2.0 and 1.5 s; Budapest 2024 11-13 and 5.5-7 s); the units
# of the first stages, the seconds aimed at for each of the others, and the first jump tried in
# a stage (its start is no change of outcome)
_PARALLEL_ENTRIES = 15_000
_BLAS_CELLS = 20_000  # ballots x projects from which BLAS is held to one thread (see blas)
# the first two stages end where the stop of Amsterdam (unit 56) and Lodz 2022 (58) falls: the
# one that holds it starts at 32, while another process scans [0, 32] (first stages of 16 / 24
# / 32 / 40 units, alternated: Amsterdam 67 / 57-62 / 57-69 / 69-78 ms, Lodz 241-280 / 216-219
# / 175-181 / 209-220 ms; Krakow 2024, the Warsaw files and Budapest, whose stops are
# hundreds of units in, within noise)
_STAGE_FIRST_UNITS = 32
_STAGE_SECONDS = 1.0
_STAGE_STEP = 32
_SPLIT_SECONDS = 0.1  # a stage splits for an idle process when it has this much left ...
_SPLIT_STARTS = 2.0  # ... and at least this many times what starting it cost
# a completion whose MES runs (the changes of outcome it locates) are more than
# _SPARSE_SPACING units apart on average jumps at least _SPARSE_STEP units after each run
_SPARSE_SPACING = 32
_SPARSE_STEP = 16


Reasons = dict[int, tuple[str, tuple[int, ...]]]  # see MesResult


class MesResult:
    """The outcome of :func:`equal_shares`.

    ``selected``: project indices in funding order (projects of cost 0 first, then MES rounds,
    then the greedy completion). ``payments[i, j]``: what one voter of ballot ``i`` paid for
    project ``j`` (floats, for display). ``spent``: total cost of ``selected``. ``final_budget``:
    per-voter budget of the MES run reported. ``reasons``: for each project not selected,
    ``("unaffordable", funded projects its supporters paid for)`` when its supporters could not
    pay for it at the end of the (final) MES run, ``("did-not-fit", ())`` when it costs more than
    the whole budget or, with ``add1-greedy``, more than what greedy had left, or
    ``("no-supporters", ())``.

    ``payments`` and ``reasons`` may be given as functions building them, called on their
    first access: a dense ballots x projects matrix costs more to fill than a small count
    itself (Toulouse 2019: 0.18 of 1.8 ms), the reasons a tenth of it, and a caller that only
    wants the winners never reads them.
    """

    __slots__ = ("_payments", "_reasons", "final_budget", "selected", "spent")

    def __init__(
        self,
        selected: tuple[int, ...],
        payments: FloatArray | Callable[[], FloatArray],
        spent: int,
        final_budget: Fraction,
        reasons: Reasons | Callable[[], Reasons],
    ) -> None:
        self.selected = selected
        self._payments = payments
        self.spent = spent
        self.final_budget = final_budget
        self._reasons = reasons

    @property
    def payments(self) -> FloatArray:
        payments = self._payments
        if callable(payments):
            payments = self._payments = payments()
        return payments

    @property
    def reasons(self) -> Reasons:
        reasons = self._reasons
        if callable(reasons):
            reasons = self._reasons = reasons()
        return reasons

    def __repr__(self) -> str:
        return (
            f"MesResult(selected={self.selected!r}, spent={self.spent!r}, "
            f"final_budget={self.final_budget!r}, reasons={self.reasons!r})"
        )


def _by_ratio(items: list[int], num: list[int], den: list[int]) -> list[int]:
    """``items`` sorted by ``num[j] / den[j]`` exactly (positive ``den``), stable: sorted by
    the correctly rounded float quotients, which never invert two exact ratios, then each run of
    equal floats by Fractions (Budapest 2024, 175 projects: 0.47 -> 0.03 ms)."""
    quotient = {j: num[j] / den[j] for j in items}
    order = sorted(items, key=quotient.__getitem__)
    start = 0
    while start < len(order):
        end = start + 1
        while end < len(order) and quotient[order[end]] == quotient[order[start]]:
            end += 1
        if end - start > 1:
            order[start:end] = sorted(order[start:end], key=lambda j: Fraction(num[j], den[j]))
        start = end
    return order


class Supporters:
    """An election's supporters, utilities and multiplicities per project, as MES reads them:
    everything a count derives from the ballots alone (not from the budget or the tie order),
    built once and shared, read-only, by every count of the same election (``pb.Profile``
    keeps one per utility model)."""

    def __init__(
        self,
        costs: IntArray,
        utilities: IntArray,
        multiplicity: IntArray,
        cost_utility: bool,
        entries: Entries | None = None,
    ) -> None:
        """``entries``: the positive cells of ``utilities`` (rows, columns, values, row-major),
        if the caller keeps them (``pb.Profile.entries``)."""
        self.costs = [int(c) for c in costs]
        self.n_ballots, self.n_projects = utilities.shape
        self.mult = np.asarray(multiplicity, dtype=np.int64)
        self.n_voters = int(self.mult.sum())
        # the supporters, ballot by ballot (row-major nonzero: CSR order), then project by
        # project; everything below is built from these entries, never from dense copies
        if entries is None:
            csr_rows, csr_proj = np.nonzero(utilities > 0)
            csr_values = None
        else:
            csr_rows, csr_proj, csr_values = entries
        costs_arr = np.asarray(costs, dtype=np.int64)
        if cost_utility:
            csr_u = costs_arr.take(csr_proj)
            if csr_u.size and not csr_u.all():  # a project of cost 0 has utility 0: no support
                positive = csr_u > 0
                csr_rows, csr_proj, csr_u = csr_rows[positive], csr_proj[positive], csr_u[positive]
        elif csr_values is None:
            csr_u = utilities[csr_rows, csr_proj].astype(np.int64)
        else:
            csr_u = np.asarray(csr_values, dtype=np.int64)
        max_u = int(csr_u.max()) if csr_u.size else 0
        bound = max(1, max_u) * max(1, self.n_voters)
        if bound >= 2**62:
            raise ValueError("utilities times voters exceed 64-bit integers; rescale")
        # exact aggregates sum_i m_i u_ij of a set of ballots by float bincounts: every partial
        # sum must be an integer below 2**53. Under cost utility u_ij = c_j, so the sums count
        # multiplicities (below n_voters) and are scaled by c_j afterwards
        self.agg_scale: list[int] | None = None
        if cost_utility:
            self.float_exact = self.n_voters < 2**53
            self.agg_scale = [int(c) for c in costs]
        else:
            self.float_exact = bound < 2**53
        # a stable sort on small integers is a radix sort
        key = csr_proj.astype(np.int16) if self.n_projects < 2**15 else csr_proj
        by_proj = np.argsort(key, kind="stable")
        proj_of, row_of = csr_proj.take(by_proj), csr_rows.take(by_proj)
        sizes = np.bincount(csr_proj, minlength=self.n_projects)
        bounds = np.concatenate(([0], np.cumsum(sizes))).tolist()
        flat_u = csr_u.take(by_proj)
        flat_m = self.mult.take(row_of)
        flat_mu = flat_m * flat_u
        spans = list(zip(bounds[:-1], bounds[1:], strict=True))
        self.spans = spans  # each project's slice of the flat arrays below

        def per_project(flat: npt.NDArray[Any]) -> list[npt.NDArray[Any]]:
            flat.setflags(write=False)  # shared by every count, as its views are
            return [flat[a:b] for a, b in spans]  # views of one array: one conversion in all

        self.sup = per_project(row_of)
        self.flat_u = flat_u
        self.sup_u = per_project(flat_u)
        self.sup_uf = per_project(flat_u.astype(np.float64))
        self.flat_m = flat_m
        self.sup_m = per_project(flat_m)
        self.sup_mf = per_project(flat_m.astype(np.float64))
        self.sup_mu = per_project(flat_mu)
        self.sup_muf = per_project(flat_mu.astype(np.float64))
        self.sup_muf_sum = [float(muf.sum()) for muf in self.sup_muf]  # as the solves sum them
        nonempty = np.flatnonzero(sizes)
        sums = np.zeros((2, self.n_projects), dtype=np.int64)  # each below 2**62 (checked)
        if nonempty.size:
            starts = np.asarray(bounds[:-1], dtype=np.intp)[nonempty]
            sums[0, nonempty] = np.add.reduceat(flat_mu, starts)
            sums[1, nonempty] = np.add.reduceat(flat_m, starts)
        self.total_sat: list[int] = sums[0].tolist()
        # the same entries ballot by ballot (CSR): exact aggregates of a set of ballots
        self.row_proj = csr_proj.astype(np.intp)
        self.row_u = csr_u
        row_m = self.mult.take(csr_rows)
        self.row_aggw = (row_m if cost_utility else row_m * csr_u).astype(np.float64)
        self.row_ptr = np.zeros(self.n_ballots + 1, dtype=np.intp)
        np.cumsum(np.bincount(csr_rows, minlength=self.n_ballots), out=self.row_ptr[1:])
        self.cost_utility = cost_utility
        self.sup_count: list[int] = sums[1].tolist()
        # all supporters of all projects in one flat list (vectorised sums over every project)
        self.flat_rows = row_of
        self.flat_proj = proj_of
        self.flat_mf = flat_m.astype(np.float64)
        self.has_sup = sizes > 0
        self.flat_starts = np.asarray(bounds[:-1], dtype=np.intp)[self.has_sup]
        self.sup_countf = [float(m) for m in self.sup_count]
        self.sup_count_arr = np.asarray(self.sup_countf, dtype=np.float64)
        self.costs_f = np.asarray(self.costs, dtype=np.float64)
        # rho_j >= c_j / sum_i m_i u_ij in every state (f_j(rho) <= rho sum_i m_i u_ij): a lower
        # bound for the first rounds' screening, rounded down
        sat = np.asarray(self.total_sat, dtype=np.float64)
        lb0 = self.costs_f / np.where(sat > 0, sat, 1.0)
        self.lb0 = np.where(sat > 0, np.maximum(lb0 * (1 - 1e-12) - 1e-300, 0.0), 0.0)
        # pabutools: only projects with supporters take part; cost 0 ones are funded up front
        self.candidates = [
            j for j in range(self.n_projects) if self.total_sat[j] > 0 and self.costs[j] > 0
        ]
        # the candidates by the least per-voter budget at which their supporters hold their
        # cost, c_j / M_j (exact): a run at a budget below it can never fund them
        self.afford_order = _by_ratio(self.candidates, self.costs, self.sup_count)
        self.afford_from = [Fraction(self.costs[j], self.sup_count[j]) for j in self.afford_order]
        for array in vars(self).values():  # shared by every count: read-only
            if isinstance(array, np.ndarray):
                array.setflags(write=False)
        self.checked: tuple[IntArray, IntArray, IntArray] | None = None

    def check(
        self, costs: IntArray, utilities: IntArray, multiplicity: IntArray, cost_utility: bool
    ) -> bool:
        """Whether a count's validated arguments match (:meth:`matches`). Read-only arrays
        that own their data (a ``pb.Profile``'s: nothing can write to them) and matched once
        are remembered in ``checked`` and pass again by identity: a count of the same profile
        then skips the checks (``equal_shares``)."""
        if not self.matches(costs, utilities, multiplicity, cost_utility):
            return False
        arrays = (costs, utilities, multiplicity)
        if all(not a.flags.writeable and a.flags.owndata for a in arrays):
            self.checked = arrays
        return True

    def checked_already(
        self, costs: IntArray, utilities: IntArray, multiplicity: IntArray, cost_utility: bool
    ) -> bool:
        """Whether these are the very read-only arrays :meth:`check` passed before."""
        seen = self.checked
        return (
            seen is not None
            and seen[0] is costs
            and seen[1] is utilities
            and seen[2] is multiplicity
            and cost_utility == self.cost_utility
        )

    @cached_property
    def plain_lists(self) -> tuple[list[list[int]], list[list[int]], list[int], int]:
        """For counts in plain Python: each project's supporters (ballot rows, ascending),
        their utilities (empty lists under cost utility, where ``u = c``), ``sum m u`` per
        project, and the largest ``u`` (1 if none)."""
        rows = self._plain(self.flat_rows)
        if self.cost_utility:
            utilities: list[list[int]] = [[] for _ in range(self.n_projects)]
        else:
            utilities = self._plain(self.flat_u)
        top = int(self.row_u.max()) if self.row_u.size else 1
        return rows, utilities, list(self.total_sat), top

    def _plain(self, flat: npt.NDArray[Any]) -> list[list[Any]]:
        """A flat array laid out project by project, as one list per project (slices of one
        ``tolist``: a conversion per project costs more on small elections)."""
        values = flat.tolist()
        return [values[a:b] for a, b in self.spans]

    @cached_property
    def overlap_rows(self) -> dict[int, BoolArray]:
        """Rows of the overlap of the projects' supporters (:meth:`_Problem.overlap`), filled
        by the counts of this election as they need them and kept for the next ones."""
        return {}

    @cached_property
    def every_ballot_counts(self) -> bool:
        """Whether some voter voted and every distinct ballot has a positive multiplicity."""
        return self.n_voters > 0 and bool(self.mult.min() > 0)

    @cached_property
    def tiny_elections(self) -> dict[tuple[int, bytes], Any]:
        """``mes_small``'s elections of this profile, by budget and tie order (built there)."""
        return {}

    @cached_property
    def scan_preps(self) -> dict[tuple[int, bytes], Any]:
        """``mes_small``'s elections as its scan reads them, by budget and tie order."""
        return {}

    @cached_property
    def plain_sup_mf(self) -> list[list[float]]:
        """For counts in plain Python: each project's supporters' multiplicities as floats,
        in the order of ``plain_lists``' rows."""
        return self._plain(self.flat_mf)

    @cached_property
    def plain_masks(self) -> list[int]:
        """For counts in plain Python: each project's supporters as the bits of an integer
        (bit ``i`` for ballot ``i``): one packed row of bits per project."""
        supports = np.zeros((self.n_projects, self.n_ballots), dtype=np.bool_)
        supports[self.flat_proj, self.flat_rows] = True
        packed = np.packbits(supports, axis=1, bitorder="little")
        return [int.from_bytes(row.tobytes(), "little") for row in packed]

    @cached_property
    def plain_voters(self) -> tuple[list[int], list[float], list[int]]:
        """For counts in plain Python: the multiplicities (ints and floats) and, per project,
        the least multiplicity among its supporters (1 if none)."""
        mult = self.mult.tolist()
        least = [1] * self.n_projects
        if self.flat_starts.size:  # one reduceat over the projects with supporters
            lows = np.minimum.reduceat(self.flat_m, self.flat_starts).tolist()
            for j, low in zip(np.flatnonzero(self.has_sup).tolist(), lows, strict=True):
                least[j] = low
        return mult, [float(m) for m in mult], least

    @cached_property
    def disjoint(self) -> bool:
        """Whether no ballot supports two candidate projects (choose-1 ballots, for instance:
        see :func:`_complete_disjoint`)."""
        is_candidate = np.zeros(self.n_projects, dtype=np.bool_)
        is_candidate[self.candidates] = True
        per_ballot = np.bincount(self.flat_rows[is_candidate.take(self.flat_proj)], minlength=1)
        return int(per_ballot.max()) <= 1

    def matches(
        self, costs: IntArray, utilities: IntArray, multiplicity: IntArray, cost_utility: bool
    ) -> bool:
        """A cheap check that these are the supporters of that election (shapes, costs, voters
        and utility model)."""
        return (
            (self.n_ballots, self.n_projects) == utilities.shape
            and self.cost_utility == cost_utility
            and self.costs == [int(c) for c in costs]
            and self.n_voters == int(np.asarray(multiplicity).sum())
        )


class _Problem(Supporters):
    """A count's view of an election: its :class:`Supporters`, the budget, the tie order, and
    what the count learns on the way (caches built on first use)."""

    def __init__(
        self,
        costs: IntArray,
        budget: int,
        utilities: IntArray,
        multiplicity: IntArray,
        tie_priority: IntArray,
        cost_utility: bool,
        entries: Entries | None = None,
        supporters: Supporters | None = None,
    ) -> None:
        """``supporters``: built by the caller for this very election (else built here, from
        ``entries`` if given)."""
        if supporters is None:
            Supporters.__init__(self, costs, utilities, multiplicity, cost_utility, entries)
        else:  # checked by equal_shares
            self.__dict__.update(vars(supporters))
        self.budget = int(budget)
        self.prio = [int(p) for p in tie_priority]
        self.prio_arr = np.asarray(self.prio, dtype=np.int64)
        # built on first use: dense utilities (exact fallbacks) and rows of the overlap matrix
        self._util: IntArray | None = None
        self._util_cols: IntArray | None = None
        # a count of an election whose supporters were given shares its overlap rows with the
        # other counts of that election (each row read-only)
        self.shares_overlap = supporters is not None
        self._overlap = {} if supporters is None else supporters.overlap_rows
        self._apart: dict[int, BoolArray] = {}
        self._aggregates: dict[int, tuple[BoolArray, FloatArray]] = {}
        self._agg_blocks: dict[int, FloatArray] | None = None
        if self.float_exact and self.flat_rows.size * self.n_projects <= _DENSE_AGG_CELLS:
            self._agg_blocks = {}
        # many runs on this problem (a completion): clean flags from cached overlap rows, as on
        # an election counted again (shares_overlap); else (one run) from the ballots that pay
        # for the first time, each entry read once
        self.many_runs = False
        # a completion's mean distance between the MES runs it needed (changes of outcome it
        # located), kept across the stages a process scans (see _complete)
        self.spacing = 0.0
        self._money_matrix: Any = None
        self._cosupport: FloatArray | None = None
        self.free = sorted(
            (j for j in range(self.n_projects) if self.total_sat[j] > 0 and self.costs[j] == 0),
            key=lambda j: self.prio[j],
        )

    @property
    def util(self) -> IntArray:
        """Dense ``n_ballots x n_projects`` utilities (built on first use)."""
        if self._util is None:
            util = np.zeros((self.n_ballots, self.n_projects), dtype=np.int64)
            util[self.flat_rows, self.flat_proj] = np.concatenate(self.sup_u)
            self._util = util
        return self._util

    @property
    def util_cols(self) -> IntArray:
        """Column-major copy of :attr:`util`: exact sums gather one funded project's column."""
        if self._util_cols is None:
            self._util_cols = np.asfortranarray(self.util)
        return self._util_cols

    def utility_of(self, j: int) -> FloatArray | float:
        """The utilities of ``j``'s supporters: one number, the cost, under cost utility."""
        return float(self.costs[j]) if self.cost_utility else self.sup_uf[j]

    def entries_of(self, rows: IndexArray) -> IndexArray:
        """Positions in the CSR arrays (``row_proj``, ``row_u``, ``row_aggw``) of the given
        ballots' entries."""
        return self._entries(rows)[0]

    def _entries(self, rows: IndexArray) -> tuple[IndexArray, IndexArray]:
        starts = self.row_ptr.take(rows)
        lens = self.row_ptr.take(rows + 1) - starts
        ends = np.cumsum(lens)
        total = int(ends[-1]) if ends.size else 0
        return np.repeat(starts - (ends - lens), lens) + np.arange(total), lens

    def history(self, rows: IndexArray, cols: Sequence[int]) -> IntArray:
        """``util[rows][:, cols]`` (dense, small) from the given ballots' own entries."""
        col_of = np.full(self.n_projects, -1, dtype=np.intp)
        col_of[np.asarray(cols, dtype=np.intp)] = np.arange(len(cols))
        pos, lens = self._entries(rows)
        owner = np.repeat(np.arange(rows.size), lens)
        col = col_of.take(self.row_proj.take(pos))
        hit = col >= 0
        out = np.zeros((rows.size, len(cols)), dtype=np.int64)
        out[owner[hit], col[hit]] = self.row_u.take(pos[hit])
        return out

    def overlap(self, j: int) -> BoolArray:
        """``overlap(j)[k]``: some ballot supports both ``j`` and ``k`` (funding ``j`` changes
        what ``k``'s supporters hold); rows computed on first use from the supporters' entries."""
        row = self._overlap.get(j)
        if row is None:
            row = np.zeros(self.n_projects, dtype=np.bool_)
            row[self.row_proj.take(self.entries_of(self.sup[j]))] = True
            row.setflags(write=False)
            self._overlap[j] = row
        return row

    def apart(self, j: int) -> BoolArray:
        """``~overlap(j)``: the projects no supporter of ``j`` supports (kept)."""
        row = self._apart.get(j)
        if row is None:
            row = self._apart[j] = ~self.overlap(j)
        return row

    def aggregates(self, j: int, live: BoolArray) -> FloatArray:
        """``sum_i m_i u_ik`` for every project ``k`` (``sum_i m_i`` under cost utility) over
        the supporters of ``j`` at the positions ``live``: float bincounts over their entries,
        exact while every partial sum is an integer below 2**53 (``float_exact``). The last
        result for ``j`` is kept and updated by the ballots that changed (runs at nearby budgets
        ask for nearly the same sets). In a completion (many runs) of an election up to
        ``_DENSE_AGG_CELLS``, ``j``'s supporters keep instead a dense block of their entries'
        weights, built on first use, and the sums are one product with it."""
        sup = self.sup[j]
        blocks = self._agg_blocks
        if blocks is not None and self.many_runs:  # one run: not worth building
            block = blocks.get(j)
            if block is None:  # row p: the weights of the entries of j's p-th supporter
                pos, lens = self._entries(sup)
                block = np.zeros((sup.size, self.n_projects), dtype=np.float64)
                block[np.repeat(np.arange(sup.size), lens), self.row_proj.take(pos)] = (
                    self.row_aggw.take(pos)
                )
                blocks[j] = block
            # exact: integer weights, every partial sum below 2**53 (float_exact)
            return live.astype(np.float64) @ block
        cached = self._aggregates.get(j)
        if cached is not None:
            differs = cached[0] != live
            if not np.count_nonzero(differs):
                return cached[1]
            changed = differs.nonzero()[0]
            if changed.size * 4 < sup.size:
                pos, lens = self._entries(sup.take(changed))
                sign = np.where(live.take(changed), 1.0, -1.0)
                weights = self.row_aggw.take(pos) * np.repeat(sign, lens)
                agg = cached[1] + np.bincount(
                    self.row_proj.take(pos), weights=weights, minlength=self.n_projects
                )
                self._aggregates[j] = (live.copy(), agg)
                return agg
        pos = self.entries_of(sup[live])
        agg = np.bincount(
            self.row_proj.take(pos), weights=self.row_aggw.take(pos), minlength=self.n_projects
        ).astype(np.float64, copy=False)
        self._aggregates[j] = (live.copy(), agg)
        return agg

    def cosupport(self) -> FloatArray:
        """``cosupport()[j, k] = sum m_i u_ik`` over the ballots ``i`` that support both ``j``
        and ``k``, in floats: what ``j``'s supporters pay for ``k`` per unit of ``k``'s price
        factor when none of them pays everything, so at most what they get back per unit of a
        fall of that price. Built on first use, by a sparse product on large elections."""
        if self._cosupport is None:
            if self.flat_rows.size >= _SPARSE_MIN:
                import scipy.sparse as sparse

                shape = (self.n_ballots, self.n_projects)
                weights = self.money_matrix()  # projects x ballots, entries m_i
                utils = sparse.csr_matrix(
                    (np.concatenate(self.sup_uf), (self.flat_rows, self.flat_proj)), shape=shape
                )
                product = np.asarray((weights @ utils).toarray(), dtype=np.float64)
            else:
                util = self.util.astype(np.float64)
                weights = (util > 0) * self.mult[:, None].astype(np.float64)
                product = weights.T @ util
            self._cosupport = np.asfortranarray(product)  # read by columns (funded projects)
        return self._cosupport

    def money_matrix(self) -> Any:
        """``money_matrix() @ beta``: the money of every project's supporters (scipy imported
        here, for large elections only: the import costs about 0.2 s)."""
        if self._money_matrix is None:
            import scipy.sparse as sparse

            self._money_matrix = sparse.csr_matrix(
                (self.flat_mf, (self.flat_proj, self.flat_rows)),
                shape=(self.n_projects, self.n_ballots),
            )
        return self._money_matrix


class _Facts:
    """Screens that cleared competitors in one round, carried between the certificates of a
    sequence (:func:`_recalled`), one entry per project: ``f_j(x[j]) <= bound[j]`` (the money
    of ``j``'s supporters when ``dropped[j]``) in that round of the forced run at per-voter
    budget ``y[j]``, where :func:`_given_back` was ``given[j]``; ``known[j]``: there is one."""

    def __init__(self, n_projects: int) -> None:
        self.y = np.zeros(n_projects, dtype=np.float64)
        self.bound = np.zeros(n_projects, dtype=np.float64)
        self.x = np.zeros(n_projects, dtype=np.float64)
        self.given = np.zeros(n_projects, dtype=np.float64)
        self.dropped = np.zeros(n_projects, dtype=np.bool_)
        self.known = np.zeros(n_projects, dtype=np.bool_)

    def record(self, j: int, y: float, bound: float, x: float, dropped: bool, given: float) -> None:
        self.y[j], self.bound[j], self.x[j], self.given[j] = y, bound, x, given
        self.dropped[j], self.known[j] = dropped, True


@dataclass
class _Eval:
    """Float evaluation of a project in the current state of a run."""

    status: int  # 0 certainly unaffordable, 1 affordable (certain or checked exactly)
    lo: float = 0.0  # certified lower bound of rho
    hi: float = 0.0  # certified upper bound of rho
    poor: BoolArray | None = None  # supporters (positions) poor at the float solution
    clean: bool = False  # clean project under cost utility: rho = 1 / M exactly
    beta: FloatArray | None = None  # float budgets of the supporters when evaluated


class _State:
    """One MES run (or forced run) with per-voter budget ``b``: exact rounds, float budgets."""

    def __init__(self, pr: _Problem, b: Fraction) -> None:
        self.pr = pr
        self.b = b
        self.bf = float(b)
        self.delta = _DELTA * abs(self.bf) + 1e-300
        self.beta = np.full(pr.n_ballots, self.bf, dtype=np.float64)
        self.exhausted = np.zeros(pr.n_ballots, dtype=np.bool_)
        self.rounds: list[tuple[int, Fraction]] = []
        self._cols = np.zeros(pr.n_projects, dtype=np.intp)  # see cols
        self._rho_f: tuple[Fraction, float] | None = None  # the last float(rho) computed
        # exact budgets over a common denominator: beta_i = (b_scaled - sum_s rho_scaled[s] *
        # u_{i j_s}) / denominator for a ballot that was never exhausted
        self.denominator = b.denominator
        self.b_scaled = b.numerator
        self.rho_scaled: list[int] = []
        # lb[j]: certified lower bound of j's price factor (rho only grows along a run)
        self.lb = pr.lb0.copy()
        self._money: tuple[int, FloatArray] | None = None  # (rounds, money) cache
        # clean[j]: no supporter of j has paid anything yet, so all of them hold exactly b
        # (kept under cost utility only, where it gives rho = 1 / M)
        self.clean = np.ones(pr.n_projects, dtype=np.bool_)
        # one run: the ballots that support a funded project (see _Problem.many_runs); clean
        # flags are only read under cost utility
        self.touched: BoolArray | None = None
        if pr.cost_utility and not (pr.many_runs or pr.shares_overlap):
            self.touched = np.zeros(pr.n_ballots, dtype=np.bool_)
        # the candidates its supporters could pay for, b M_j >= c_j: the others are never
        # affordable in this run (nor screened, a pass over their supporters each time)
        self.remaining: set[int] = set(pr.afford_order[: bisect_right(pr.afford_from, b)])
        # per round: positions (in the funded project's supporters) of those who paid everything,
        # and what the round changed: the old budgets and exhaustion of its supporters, the clean
        # flags and exact scalars before it (at_round rebuilds the state for the certificates)
        self.pays_all: list[IndexArray] = []
        self.snapshots: list[tuple[FloatArray, BoolArray, BoolArray, int, list[int], int]] = []
        # as the base of certificates: cleared[t][j] = (float(b''), b'', dropped, monotone) with
        # b'' the largest budget tried so far such that j cannot beat round t's project at any
        # budget in [self.b, b''] (see _certify); dropped: j is even unaffordable at b'';
        # monotone: shown at b'' alone (rho_j(b'') beyond theta_t, or unaffordable), which then
        # also holds for any later base of the same sequence up to b'' (see inherit_monotone)
        self.cleared: dict[int, dict[int, tuple[float, Fraction, bool, bool]]] = {}
        # gaps[(t, j)] = (b, rho_j - rho_{j_t}) in round t, in floats, for the competitors a
        # certificate priced exactly at this budget: the next certificate guesses from two of
        # them (a secant) where j overtakes round t's project
        self.gaps: dict[tuple[int, int], tuple[float, float]] = {}
        # float(rho) of every round, and, shared by the certificates of one sequence (see
        # _certify), the screens that cleared a competitor in round t: facts[t]
        self.rho_fs: list[float] = []
        self.facts: dict[int, _Facts] = {}

    def at_round(self, t: int) -> _State:
        """A copy of this run's state at the start of round ``t`` (0-based)."""
        beta, exhausted = self.beta.copy(), self.exhausted.copy()
        for s in range(len(self.snapshots) - 1, t - 1, -1):  # undo rounds s = last, ..., t
            sup = self.pr.sup[self.rounds[s][0]]
            beta[sup] = self.snapshots[s][0]
            exhausted[sup] = self.snapshots[s][1]
        _, _, clean, b_scaled, rho_scaled, den = self.snapshots[t]
        other = _State.__new__(_State)
        other.pr, other.b, other.bf, other.delta = self.pr, self.b, self.bf, self.delta
        other.beta, other.exhausted, other.clean = beta, exhausted, clean.copy()
        other.touched = None
        if self.touched is not None:
            other.touched = np.zeros(self.pr.n_ballots, dtype=np.bool_)
            for j, _ in self.rounds[:t]:
                other.touched[self.pr.sup[j]] = True
        other.rounds = self.rounds[:t]
        other._cols, other._rho_f = self._cols.copy(), None
        other.denominator, other.b_scaled, other.rho_scaled = den, b_scaled, list(rho_scaled)
        other.remaining = set()
        other.lb = self.pr.lb0.copy()
        other._money = None
        other.pays_all, other.snapshots = [], []
        other.cleared = {}
        other.gaps = {}
        other.rho_fs = self.rho_fs[:t]
        other.facts = {}
        return other

    def copy(self) -> _State:
        """A copy of this run to be played on separately (what a base learnt is not copied)."""
        other = _State.__new__(_State)
        other.__dict__.update(self.__dict__)
        other.beta, other.exhausted = self.beta.copy(), self.exhausted.copy()
        other.clean, other.lb, other._cols = self.clean.copy(), self.lb.copy(), self._cols.copy()
        other.touched = None if self.touched is None else self.touched.copy()
        other.remaining = set(self.remaining)
        other.rounds, other.rho_fs = list(self.rounds), list(self.rho_fs)
        other.pays_all, other.snapshots = list(self.pays_all), list(self.snapshots)
        other.gaps = dict(self.gaps)
        other.cleared, other.facts = {}, {}
        return other

    def prefix(self, t: int) -> _State:
        """This run cut back to its first ``t`` rounds, to be played on: :meth:`at_round` with
        the records of those rounds kept (they are never changed in place)."""
        other = self.at_round(t)
        other.pays_all = self.pays_all[:t]
        other.snapshots = self.snapshots[:t]
        able = self.pr.afford_order[: bisect_right(self.pr.afford_from, self.b)]
        other.remaining = set(able).difference(j for j, _ in other.rounds)
        return other

    @property
    def cols(self) -> IndexArray:
        """The funded projects, in funding order."""
        return self._cols[: len(self.rounds)]

    def float_of(self, rho: Fraction) -> float:
        """``float(rho)`` (correctly rounded), remembered for the round's later questions: a
        price factor is a ratio of large integers, and is asked for several times."""
        last = self._rho_f
        if last is not None and last[0] is rho:
            return last[1]
        rho_f = float(rho)
        self._rho_f = (rho, rho_f)
        return rho_f

    def inherit_monotone(self, base: _State) -> None:
        """Keep, for this run as the next base, the pairs ``base`` cleared by a monotone
        argument at budgets from ``self.b`` on. This run was certified to fund ``base``'s
        sequence, so the forced runs from both are the same, and for a later try at ``b''' <=
        b''``: ``rho_j^t(b''') >= rho_j^t(b'') > theta_t(base) >= theta_t(self)`` (monotonicity
        lemma; with the priorities when equal), or ``j`` is unaffordable at ``b'''`` as at
        ``b''``."""
        bf, b = self.bf, self.b
        for t, pairs in base.cleared.items():
            # _not_below, inlined (every pair of every round, at every certified step)
            kept = {
                j: v
                for j, v in pairs.items()
                if v[3] and (v[0] > bf or (v[0] == bf and (v[1] is b or v[1] >= b)))
            }
            if kept:
                self.cleared[t] = kept

    # --- exact quantities -------------------------------------------------------------------
    def _exact_sum(self, project: int, mask: BoolArray) -> Fraction:
        """Exact sum of ``m_i beta_i`` over the supporters of ``project`` at ``mask``."""
        num, den = self._exact_sum_scaled(project, mask)
        return Fraction(num, den)

    def _exact_sum_scaled(
        self, project: int, mask: BoolArray, exh: BoolArray | None = None
    ) -> tuple[int, int]:
        """``(N, D)`` with ``N / D`` the exact sum of ``m_i beta_i`` over the supporters of
        ``project`` at the positions ``mask`` (``exh``: their exhaustion, if already taken).

        Budgets share the common denominator ``D`` (multiple of the denominators of ``b`` and of
        every ``rho_s``), so the sum is one integer dot product with the integer aggregates of
        the utilities of the funded projects."""
        pr = self.pr
        sup = pr.sup[project]
        live = mask & ~(self.exhausted.take(sup) if exh is None else exh)
        if not np.count_nonzero(live):
            return 0, 1
        if pr.n_voters < 2**53:  # a dot product (no gather) of integers below 2**53: exact
            num = self.b_scaled * int(pr.sup_mf[project] @ live)
        else:
            num = self.b_scaled * int(pr.sup_m[project][live].sum())
        if not self.rounds:
            return num, self.denominator
        if pr.float_exact:
            # sum_i m_i u_ik for every project k at once over these ballots (under cost
            # utility: sum_i m_i, times c_k below), exact integers in float64
            per_round = pr.aggregates(project, live).take(self.cols)
            paid = per_round.nonzero()[0]  # rounds some of these ballots paid for
            rho_scaled = self.rho_scaled
            scale = pr.agg_scale
            if scale is None:
                for s, a in zip(paid.tolist(), per_round.take(paid).tolist(), strict=True):
                    num -= rho_scaled[s] * int(a)
            else:
                funded = self.cols
                for s, a in zip(paid.tolist(), per_round.take(paid).tolist(), strict=True):
                    num -= rho_scaled[s] * (int(a) * scale[funded[s]])
            return num, self.denominator
        rows = sup[live]
        mult = pr.mult.take(rows)
        if rows.size * len(self.rounds) <= 100_000:  # small: one gather and one product
            cols = [j for j, _ in self.rounds]
            aggregates = (mult @ pr.history(rows, cols)).tolist()  # int64, < 2**62
            for w, a in zip(self.rho_scaled, aggregates, strict=True):
                if a:
                    num -= w * a
            return num, self.denominator
        overlap = pr.overlap(project)
        for w, (j, _) in zip(self.rho_scaled, self.rounds, strict=True):
            if not overlap[j]:  # no supporter of ``project`` paid for j
                continue
            a = int(mult @ pr.util_cols[:, j].take(rows))  # int64: n * max utility < 2**62
            if a:
                num -= w * a
        return num, self.denominator

    def _exact_budgets(self, rows: IndexArray) -> list[Fraction]:
        """Exact budgets of the given ballots (identical payment histories computed once)."""
        out: list[Fraction] = [Fraction(0)] * rows.size
        live = np.flatnonzero(~self.exhausted[rows])
        if live.size == 0:
            return out
        cols = [j for j, _ in self.rounds]
        if not cols:
            for pos in live.tolist():
                out[pos] = self.b
            return out
        hist = self.pr.history(rows[live], cols)
        keys, inverse = np.unique(hist, axis=0, return_inverse=True)
        values = []
        for key in keys.tolist():
            num = self.b_scaled
            for w, a in zip(self.rho_scaled, key, strict=True):
                if a:
                    num -= w * a
            values.append(Fraction(num, self.denominator))
        for pos, k in zip(live.tolist(), np.asarray(inverse).reshape(-1).tolist(), strict=True):
            out[pos] = values[k]
        return out

    def exact_affordable(self, j: int) -> bool:
        every = np.ones(self.pr.sup[j].size, dtype=np.bool_)
        return self._exact_sum(j, every) >= self.pr.costs[j]

    def _exact_rho_slow(self, j: int) -> Fraction:
        """Least rho with sum m_i min(beta_i, rho u_i) >= c, all in Fractions."""
        pr = self.pr
        betas = self._exact_budgets(pr.sup[j])
        items = sorted(
            zip(betas, pr.sup_u[j].tolist(), pr.sup_m[j].tolist(), strict=True),
            key=lambda x: x[0] / x[1],
        )
        remaining = Fraction(pr.costs[j])
        denom = pr.total_sat[j]
        for beta, u, m in items:
            rho = remaining / denom
            if rho * u <= beta:
                return rho
            remaining -= m * beta
            denom -= m * u
        raise AssertionError("rho of an unaffordable project")

    def exact_rho(self, j: int, ev: _Eval) -> tuple[Fraction, IndexArray]:
        """Exact rho of an affordable project and the supporter positions that pay everything
        (budget <= rho u, exhausted ones included)."""
        pr = self.pr
        sup = pr.sup[j]
        if ev.clean:  # clean project under cost utility (see evaluate)
            share = Fraction(1, pr.sup_count[j])
            every = pr.costs[j] * self.b.denominator == self.b.numerator * pr.sup_count[j]
            return share, np.arange(sup.size if every else 0, dtype=np.intp)
        poor, beta = ev.poor, ev.beta
        assert poor is not None and beta is not None
        exh = self.exhausted.take(sup)
        if not np.count_nonzero(poor) and not np.count_nonzero(exh) and pr.costs[j] > 0:
            # nobody pays everything (most rounds of a certificate): rho = c / R, and the
            # split holds where every supporter clears rho u by the margin of _check_split
            every_rich = Fraction(int(pr.costs[j]), int(pr.total_sat[j]))
            rho_f = self.float_of(every_rich)
            if pr.cost_utility:
                ru = rho_f * float(pr.costs[j])
                clear = beta.min() - ru >= 2 * self.delta + _REL * ru
            else:
                ru_all = rho_f * pr.sup_uf[j]
                clear = (beta - ru_all).min() >= 2 * self.delta + _REL * ru_all.max()
            if clear:
                return every_rich, _NOBODY
        if pr.total_sat[j] < 2**53:  # every partial sum is an integer below 2**53: exact
            rich_sat = pr.total_sat[j] - int(pr.sup_muf[j] @ poor)
        else:
            rich_sat = pr.total_sat[j] - int(pr.sup_mu[j][poor].sum())
        rho: Fraction | None = None
        if rich_sat > 0:
            num, den = self._exact_sum_scaled(j, poor, exh)
            rho = Fraction(pr.costs[j] * den - num, rich_sat * den)
            if rho.numerator <= 0:
                rho = None
        if rho is not None:
            ok, pays_all = self._check_split(j, rho, poor, beta, exh)
            if ok:
                return rho, pays_all
        rho = self._exact_rho_slow(j)
        betas = self._exact_budgets(sup)
        u = pr.sup_u[j].tolist()
        pays_all = np.array([p for p in range(sup.size) if betas[p] <= rho * u[p]], dtype=np.intp)
        return rho, pays_all

    def _check_split(
        self, j: int, rho: Fraction, poor: BoolArray, beta: FloatArray, exh: BoolArray
    ) -> tuple[bool, IndexArray]:
        """Check exactly that the float split ``poor`` is the split at ``rho`` (floats where
        their margin decides); the positions that pay everything if so."""
        pr = self.pr
        sup = pr.sup[j]
        ru = self.float_of(rho) * pr.utility_of(j)
        gap = beta - ru  # beta - rho u
        tol = 2 * self.delta + _REL * ru
        # poor must have beta <= rho u; rich beta >= rho u
        unsure = np.where(poor, gap > -tol, gap < tol)
        unsure &= ~exh
        pays_all = poor | exh
        if np.count_nonzero(unsure):
            check = unsure.nonzero()[0]
            betas = self._exact_budgets(sup[check])
            u = pr.sup_u[j][check].tolist()
            is_poor = poor[check].tolist()
            for p, b_p, ui, was_poor in zip(check.tolist(), betas, u, is_poor, strict=True):
                pay = rho * ui
                if (was_poor and b_p > pay) or (not was_poor and b_p < pay):
                    return False, np.zeros(0, dtype=np.intp)
                pays_all[p] = b_p <= pay
        return True, pays_all.nonzero()[0]

    # --- float evaluation -------------------------------------------------------------------
    def money(self) -> FloatArray:
        """Float money ``sum_i m_i beta_i`` of every project's supporters (error at most
        ``2 M_j delta + 1e-9 c_j`` near ``c_j``: ``M_j`` float budgets and a naive sum)."""
        if self._money is not None and self._money[0] == len(self.rounds):
            return self._money[1]
        pr = self.pr
        money: FloatArray
        if pr.flat_rows.size >= _SPARSE_MIN:
            money = np.asarray(pr.money_matrix() @ self.beta, dtype=np.float64)
        else:
            money = np.zeros(pr.n_projects, dtype=np.float64)
            if pr.flat_rows.size:
                weights = pr.flat_mf * self.beta.take(pr.flat_rows)
                money[pr.has_sup] = np.add.reduceat(weights, pr.flat_starts)
        self._money = (len(self.rounds), money)
        return money

    def screen(self, j: int, x: float) -> tuple[int, float, float]:
        """One pass over ``j``'s supporters: ``(0, 0, bound)`` if ``j`` is certainly
        unaffordable, ``(1, lo, bound)`` if certainly ``rho_j > x`` (``lo`` a lower bound of
        ``rho_j``), ``(2, 0, 0)`` if undecided; ``bound`` is above the exact ``f(x)`` (all their
        money when unaffordable).

        ``rho_j > x`` iff ``f(x) < c`` (``f`` non-decreasing, ``rho_j`` its least solution of
        ``f >= c``); the float ``f(x)`` is within ``err`` of the exact one (as in
        :meth:`evaluate`). ``f`` is concave, so ``f(rho) <= f(x) + S (rho - x)`` for ``rho >= x``
        with ``S`` the slope right of ``x`` (here over-estimated: every supporter who may be rich),
        which gives ``lo``; ``S = 0`` means every supporter is poor at ``x``, so ``f(x)`` is all
        their money and ``j`` is unaffordable."""
        pr = self.pr
        sup = pr.sup[j]
        c = float(pr.costs[j])
        err = 2.0 * pr.sup_countf[j] * self.delta + 8 * _REL * c
        beta = self.beta.take(sup)
        xu = x * pr.utility_of(j)  # one number under cost utility
        value = float(pr.sup_mf[j] @ np.minimum(beta, xu))
        if not value < c - err:
            return 2, 0.0, 0.0
        rich = beta > xu * (1 - 1e-12) - 2 * self.delta
        slope = float(pr.sup_muf[j] @ rich)
        if slope <= 0:
            return 0, 0.0, value + err
        money = float(pr.sup_mf[j] @ beta)  # f's limit: all they hold, within the same err
        if money < c - err:  # unaffordable, which the run keeps (rho_j > x would not be)
            return 0, 0.0, money + err
        lo = x + (c - value - err) / (slope * (1 + 1e-12))
        return 1, max(0.0, lo * (1 - 1e-12) - 1e-300), value + err

    def evaluate(self, j: int) -> _Eval:
        """Float evaluation of project ``j`` with certified bounds ``lo <= rho_j <= hi``.

        ``rho`` solves ``f(rho) = c`` by the poor/rich iteration (all rich, then move the
        supporters who cannot pay ``rho u`` to the poor side and recompute, as in pabutools'
        ``affordability_poor_rich``); no sort. ``f`` is concave, so from the float solution and
        the slope ``R`` of the strictly rich supporters, ``rho - (err + excess) / R`` is below the
        solution of ``f = c - err``; the upper bound solves ``f = c + err``."""
        pr = self.pr
        if pr.cost_utility and self.clean[j]:
            # every supporter holds b and would pay c / M: rho = 1 / M, exactly
            if self.b * pr.sup_count[j] < pr.costs[j]:
                return _Eval(0)
            rho_f = 1.0 / pr.sup_count[j]
            return _Eval(1, rho_f * (1 - 1e-15), rho_f * (1 + 1e-15), clean=True)
        sup = pr.sup[j]
        c = float(pr.costs[j])
        beta = self.beta.take(sup)
        mf = pr.sup_mf[j]
        err = 2.0 * pr.sup_countf[j] * self.delta + _REL * c
        mb = mf * beta
        avail = float(mb.sum())
        if avail < c - err:
            return _Eval(0)
        if avail <= c + err and not self.exact_affordable(j):
            return _Eval(0)
        uf = pr.utility_of(j)
        muf = pr.sup_muf[j]
        solved = _solve(beta, uf, mb, muf, c, None, pr.sup_muf_sum[j])
        if solved is None:
            return self._evaluate_sorted(j)
        rho, poor, poor_mass, rich = solved
        value = poor_mass + rho * rich
        strictly_rich = beta > rho * uf * (1 + 1e-12) + 1e-300
        slope = float(muf @ strictly_rich)
        if slope <= 0:
            return self._evaluate_sorted(j)
        lo = rho - (err + max(0.0, value - c)) / slope
        lo = lo * (1 - 1e-12) - 1e-300
        if c + err <= avail:
            up = _solve(
                beta, uf, mb, muf, c + err, poor.copy(), pr.sup_muf_sum[j], (poor_mass, rich)
            )
            if up is None:
                return self._evaluate_sorted(j)
            hi = up[0]
        else:
            hi = float(((beta + 2 * self.delta) / uf).max())
        hi = hi * (1 + 1e-12) + 1e-300
        return _Eval(1, max(lo, 0.0), hi, poor, beta=beta)

    def split(self, j: int, affordable: bool = True, guess: IndexArray | None = None) -> _Eval:
        """The float poor/rich split of a project, all that :meth:`exact_rho` needs:
        :meth:`evaluate` without its certified bounds (one solve, not two), for the project a
        forced run funds (``affordable``: known to be) or the one a run expects to fund (status
        0 if it is unaffordable). ``guess``: the supporters (positions) who paid everything
        for ``j`` in the same round of a run of the same sequence at a nearby budget, where
        the solve starts (:func:`_settle`); a wrong guess costs time only, as
        :meth:`exact_rho` checks the split on every supporter."""
        pr = self.pr
        if pr.cost_utility and self.clean[j]:
            return self.evaluate(j)
        beta = self.beta.take(pr.sup[j])
        c = float(pr.costs[j])
        uf, muf = pr.utility_of(j), pr.sup_muf[j]
        if guess is not None and not guess.size and affordable:
            # nobody paid everything in the run guessed from: _settle's first step, where
            # everybody is rich at rho = c / R, without its sums
            rho = c / float(pr.total_sat[j])
            if pr.cost_utility:  # one utility: the least budget tells
                everybody_rich = bool(beta.min() >= rho * uf)
            else:
                everybody_rich = not np.count_nonzero(beta < rho * uf)
            if everybody_rich:
                return _Eval(1, 0.0, float("inf"), np.zeros(beta.size, np.bool_), beta=beta)
        mb = pr.sup_mf[j] * beta
        if not affordable:
            avail = float(mb.sum())
            err = 2.0 * pr.sup_countf[j] * self.delta + _REL * c
            if avail < c - err or (avail <= c + err and not self.exact_affordable(j)):
                return _Eval(0)
        if guess is not None:
            settled = _settle(beta, uf, mb, muf, c, guess, float(pr.total_sat[j]))
            if settled is not None:
                return _Eval(1, 0.0, float("inf"), settled, beta=beta)
        solved = _solve(beta, uf, mb, muf, c, None, pr.sup_muf_sum[j])
        if solved is None:
            return self.evaluate(j)
        return _Eval(1, 0.0, float("inf"), solved[1], beta=beta)

    def _evaluate_sorted(self, j: int) -> _Eval:
        """Like :meth:`evaluate`, by sorting the supporters (fallback for degenerate cases)."""
        pr = self.pr
        sup = pr.sup[j]
        c = float(pr.costs[j])
        beta = self.beta.take(sup)
        mf = pr.sup_mf[j]
        err = 2.0 * float(mf.sum()) * self.delta + _REL * c
        uf = pr.sup_uf[j]
        ratio = beta / uf
        order = np.argsort(ratio, kind="stable")
        r = ratio[order]
        mb = (mf * beta)[order]
        poor_prefix = np.concatenate(([0.0], np.cumsum(mb)[:-1]))
        muf = pr.sup_muf[j][order]
        rich_suffix = np.cumsum(muf[::-1])[::-1]
        g = poor_prefix + r * rich_suffix  # f(r_k), non-decreasing
        split = int(np.searchsorted(g, c, side="left"))
        split = min(split, sup.size - 1)
        lo_target = c - err
        k_lo = min(int(np.searchsorted(g, lo_target, side="left")), sup.size - 1)
        lo = (lo_target - poor_prefix[k_lo]) / rich_suffix[k_lo]
        lo = lo * (1 - 1e-12) - 1e-300
        hi_target = c + err
        if hi_target <= g[-1]:
            k_hi = int(np.searchsorted(g, hi_target, side="left"))
            hi = (hi_target - poor_prefix[k_hi]) / rich_suffix[k_hi]
        else:
            hi = float(((beta + 2 * self.delta) / uf).max())
        hi = hi * (1 + 1e-12) + 1e-300
        poor = np.zeros(sup.size, dtype=np.bool_)
        poor[order[:split]] = True
        return _Eval(1, max(lo, 0.0), hi, poor, beta=beta)

    # --- state changes ----------------------------------------------------------------------
    def fund(
        self, j: int, rho: Fraction, pays_all: IndexArray, old: FloatArray | None = None
    ) -> None:
        """Fund ``j`` at price factor ``rho``, the supporters at ``pays_all`` paying everything
        (``old``: the supporters' budgets now, if already taken)."""
        pr = self.pr
        sup = pr.sup[j]
        if old is None:
            old = self.beta.take(sup)
        # only the supporters' entries change: keep their old values (at_round restores them)
        self.snapshots.append(
            (
                old,
                self.exhausted.take(sup),
                self.clean.copy(),
                self.b_scaled,
                self.rho_scaled,
                self.denominator,
            )
        )
        self.pays_all.append(pays_all)
        rho_f = self.float_of(rho)
        self.rho_fs.append(rho_f)
        ru = rho_f * pr.utility_of(j)  # one number under cost utility
        newb = old - ru
        newb[pays_all] = 0.0
        self.beta[sup] = newb
        self.exhausted[sup[pays_all]] = True
        self._cols[len(self.rounds)] = j
        self.rounds.append((j, rho))
        if pr.cost_utility:  # clean flags are only read under cost utility
            if self.touched is None:
                np.logical_and(self.clean, pr.apart(j), out=self.clean)
            else:
                fresh = sup[~self.touched.take(sup)]  # ballots paying for the first time
                if fresh.size:
                    self.touched[fresh] = True
                    self.clean[pr.row_proj.take(pr.entries_of(fresh))] = False
        new_den = self.denominator * rho.denominator // gcd(self.denominator, rho.denominator)
        factor = new_den // self.denominator
        if factor != 1:
            self.b_scaled *= factor
            self.rho_scaled = [w * factor for w in self.rho_scaled]
        self.rho_scaled = [*self.rho_scaled, rho.numerator * (new_den // rho.denominator)]
        self.denominator = new_den
        self.remaining.discard(j)

    @property
    def payments(self) -> list[tuple[int, IndexArray, FloatArray]]:
        """``(project, supporters, what one voter of each paid)`` for every round this state
        funded (not those a copy from :meth:`at_round` starts with), from the budgets the round
        found: built on demand, as a completion's intermediate runs never need them."""
        pr = self.pr
        first = len(self.rounds) - len(self.snapshots)
        out = []
        for (j, rho), snapshot, pays_all in zip(
            self.rounds[first:], self.snapshots, self.pays_all, strict=True
        ):
            old = snapshot[0]
            pay = np.minimum(old, float(rho) * pr.utility_of(j))
            pay[pays_all] = old[pays_all]
            out.append((j, pr.sup[j], pay))
        return out

    def spent_by_supporters(
        self,
        projects: Sequence[int],
        payments: list[tuple[int, IndexArray, FloatArray]] | None = None,
    ) -> dict[int, tuple[int, ...]]:
        """For each of ``projects``: the funded projects (in funding order) that some supporter
        of it paid for (``payments``: :attr:`payments`, if already built). Each ballot's paid
        rounds are bits of 64-bit words, OR-ed over every project's supporters at once."""
        if payments is None:
            payments = self.payments
        n_rounds = len(payments)
        if n_rounds == 0 or not projects:
            return {j: () for j in projects}
        pr = self.pr
        n_words = (n_rounds + 63) // 64
        paid = np.zeros((n_words, pr.n_ballots), dtype=np.uint64)  # a row per word: 1-D updates
        for s, (_, rows, pay) in enumerate(payments):
            word = paid[s // 64]
            word[rows[pay > 0]] |= np.uint64(1 << (s % 64))
        words = np.zeros((n_words, pr.n_projects), dtype=np.uint64)
        if pr.flat_rows.size:
            words[:, pr.has_sup] = np.bitwise_or.reduceat(
                paid.take(pr.flat_rows, axis=1), pr.flat_starts, axis=1
            )
        rounds = np.arange(n_rounds)
        shifts = (rounds % 64).astype(np.uint64)
        asked = np.asarray(projects, dtype=np.intp)
        bits = (words[:, asked][rounds // 64].T >> shifts) & np.uint64(1)  # asked x rounds
        who, when = np.nonzero(bits)
        funded = [j for j, _ in self.rounds]
        out: dict[int, list[int]] = {j: [] for j in projects}
        for k, s in zip(who.tolist(), when.tolist(), strict=True):
            out[projects[k]].append(funded[s])
        return {j: tuple(spent) for j, spent in out.items()}


def _solve(
    beta: FloatArray,
    uf: FloatArray | float,
    mb: FloatArray,
    muf: FloatArray,
    target: float,
    poor: BoolArray | None,
    muf_sum: float,
    sums: tuple[float, float] | None = None,
) -> tuple[float, BoolArray, float, float] | None:
    """Float ``rho`` with ``sum m min(beta, rho u) = target`` by the poor/rich iteration, the
    poor supporters and their ``sum m beta`` and the others' ``sum m u`` (the value of the sum
    at ``rho`` is ``poor_mass + rho rich``); None if it does not settle quickly. ``muf_sum``:
    ``float(muf.sum())``, kept per project (``Supporters.sup_muf_sum``); ``sums``: those two
    sums for the ``poor`` given, if known."""
    if poor is None:  # the first step, everybody rich, without an empty poor set
        if muf_sum <= 0:
            return None
        rho = target / muf_sum
        poor = beta < rho * uf
        if not np.count_nonzero(poor):
            return rho, poor, 0.0, muf_sum
        poor_mass = float(mb @ poor)
        rich = muf_sum - float(muf @ poor)
        steps = 63
    elif sums is not None:
        poor_mass, rich = sums
        steps = 64
    else:
        poor_mass = float(mb @ poor)
        rich = float(muf_sum - muf @ poor)
        steps = 64
    for _ in range(steps):
        if rich <= 0:
            return None
        rho = (target - poor_mass) / rich
        new = (beta < rho * uf) & ~poor
        if not np.count_nonzero(new):
            return rho, poor, poor_mass, rich
        poor |= new
        poor_mass += float(mb @ new)
        rich -= float(muf @ new)
    return None


def _settle(
    beta: FloatArray,
    uf: FloatArray | float,
    mb: FloatArray,
    muf: FloatArray,
    target: float,
    guess: IndexArray,
    rich_total: float,
) -> BoolArray | None:
    """The poor supporters of the float ``rho`` with ``sum m min(beta, rho u) = target``,
    found from a guess (positions) by moving supporters both ways: ``rho`` from the guessed
    poor set, then the poor set at that ``rho``, until they agree (then ``rho`` solves the
    equation, every poor supporter holding less than ``rho u`` and every other at least
    that); None if they do not within a few steps (:func:`_solve` then starts afresh)."""
    poor = np.zeros(beta.size, dtype=np.bool_)
    poor[guess] = True
    for _ in range(3):
        rich = rich_total - float(muf @ poor)
        if rich <= 0:
            return None
        rho = (target - float(mb @ poor)) / rich
        should = beta < rho * uf
        if not np.count_nonzero(should ^ poor):
            return poor
        poor = should
    return None


def _choose(
    state: _State, first: int = -1, guess: IndexArray | None = None
) -> tuple[int, Fraction, IndexArray, FloatArray | None] | None:
    """One MES round: the affordable project with least (rho, priority), exactly, the
    supporters who pay everything and their budgets when known; None if none.
    ``first``: the project expected to win, evaluated first; ``guess``: its split in the run
    expected (see :meth:`_State.split`)."""
    pr = state.pr
    evals: dict[int, _Eval] = {}
    exact: dict[int, tuple[Fraction, IndexArray]] = {}
    budgets: dict[int, FloatArray | None] = {}
    best_hi = float("inf")
    lb = state.lb
    rem = np.fromiter(state.remaining, dtype=np.intp, count=len(state.remaining))
    if first in state.remaining:
        # the expected winner first, exactly (it usually wins, and its exact price is needed
        # then): the tightest bound to screen the others with, for one float solve
        rem = rem[rem != first]
        ev_first = state.split(first, affordable=False, guess=guess)
        if ev_first.status == 0:
            state.remaining.discard(first)
        else:
            exact[first] = state.exact_rho(first, ev_first)
            budgets[first] = ev_first.beta
            rho_first = state.float_of(exact[first][0])  # correctly rounded: one step of rho
            best_hi = float(np.nextafter(rho_first, np.inf))
            lb[first] = max(lb[first], float(np.nextafter(rho_first, -np.inf)))
            # the loop below stops at the first bound above best_hi, which only falls: the
            # others never need sorting
            rem = rem[lb.take(rem) <= best_hi]
    order = rem[np.lexsort((pr.prio_arr.take(rem), lb.take(rem)))].tolist()
    for j in order:
        if lb[j] > best_hi:
            break
        if best_hi < float("inf") and not (pr.cost_utility and state.clean[j]):
            kind, lo, _ = state.screen(j, best_hi)
            if kind == 0:
                state.remaining.discard(j)
                continue
            if kind == 1:  # rho_j > best_hi >= the rho of some project evaluated already
                state.lb[j] = max(lo, state.lb[j])
                continue
        ev = state.evaluate(j)
        if ev.status == 0:
            state.remaining.discard(j)
            continue
        state.lb[j] = ev.lo
        evals[j] = ev
        best_hi = min(best_hi, ev.hi)
    if not evals and not exact:
        return None
    for j, ev in evals.items():
        if ev.lo <= best_hi:
            exact[j] = state.exact_rho(j, ev)
            budgets[j] = ev.beta
    best: tuple[Fraction, int, int, IndexArray] | None = None
    for j, (rho, pays_all) in exact.items():
        if best is None or (rho, pr.prio[j]) < (best[0], best[1]):
            best = (rho, pr.prio[j], j, pays_all)
    assert best is not None
    return best[2], best[0], best[3], budgets[best[2]]


def _run(pr: _Problem, b: Fraction, expect: _State | None = None) -> _State:
    return _finish(_State(pr, b), expect)


def _finish(state: _State, expect: _State | None = None) -> _State:
    """Play the remaining MES rounds of a run that is MES so far (``expect``: a run whose
    project of each round is evaluated first, which only affects speed)."""
    seq = [] if expect is None else [j for j, _ in expect.rounds]
    # while this run follows ``expect``, the expected project's split there is the guess
    same = [j for j, _ in state.rounds] == seq[: len(state.rounds)]
    while state.remaining:
        t = len(state.rounds)
        guess = None
        if same and expect is not None and t < len(expect.pays_all):
            guess = expect.pays_all[t]
        choice = _choose(state, seq[t] if t < len(seq) else -1, guess)
        if choice is None:
            break
        j, rho, pays_all, old = choice
        state.fund(j, rho, pays_all, old)
        same = same and t < len(seq) and j == seq[t]
    return state


def _not_below(af: float, a: Fraction, state: _State) -> bool:
    """``a >= state.b`` (``af = float(a)``): rounding to floats keeps the order, so floats decide
    unless they are equal (Fractions compare slowly, and this is asked for every pair)."""
    return af > state.bf or (af == state.bf and (a is state.b or a >= state.b))


def _forced(
    pr: _Problem, b: Fraction, sequence: Sequence[int], start: _State | None = None
) -> _State | None:
    """The run forced along ``sequence`` at ``b`` (each project funded in its round at its exact
    price factor), or None if one of them is unaffordable in its round. ``start``: a run at
    ``b`` whose first rounds are those of ``sequence`` (their exact state is the forced run's
    there): played on from the end of the common prefix."""
    played = 0
    if start is not None and start.b == b and len(start.snapshots) == len(start.rounds):
        funded = [j for j, _ in start.rounds]
        # at_round copies a state before one of its rounds: the last one is played again
        while played < min(len(funded) - 1, len(sequence)) and funded[played] == sequence[played]:
            played += 1
    state = start.prefix(played) if start is not None and played else _State(pr, b)
    for j in sequence[played:]:
        ev = state.split(j, affordable=False)
        if ev.status == 0:
            return None
        rho, pays_all = state.exact_rho(j, ev)
        state.fund(j, rho, pays_all, ev.beta)
    return state


def _swapped(
    pr: _Problem,
    base: _State,
    b: Fraction,
    t: int,
    j: int,
    chained: bool,
    partial: _Partial | None = None,
) -> _State | None:
    """The MES run at ``b`` if MES funds, at every budget in ``[base.b, b]``, either ``base``'s
    sequence ``S1`` or the sequence ``S2`` of MES at ``b``, where ``S2`` first differs from
    ``S1`` in round ``t``, by ``j`` (a competitor that overtook round ``t``'s project ``a``);
    else None. The completion takes the jump when neither sequence stops the scan (``S1`` is its
    base's; ``S2``'s run is checked): the scan then goes on at every budget of the interval,
    whichever of the two MES funds there, and the change of order is never located.

    Proof. Certify ``S1`` from ``base`` to ``b`` with the pair ``(t, j)`` left out, and ``S2``
    from the run forced along it at ``base.b`` to ``b`` with ``(t, a)`` left out (the
    certificate's proof only uses that the forced run at the low end is feasible). At a budget
    ``z`` in between, MES follows the common prefix of both (rounds before ``t``, checked by
    either); in round ``t`` every project but ``a`` and ``j`` is behind ``a`` (first
    certificate), so MES funds ``a`` or ``j``; if ``a``, every later round is the first
    certificate's, with its last condition (nothing affordable after the last round), so MES
    funds ``S1``; if ``j``, the same with the second, ``S2``. QED.

    ``S2`` is first guessed without running MES at ``b``: ``S1`` with ``j`` moved up to round
    ``t``. At ``b`` itself ``j`` is ahead of ``a`` (it overtook there) and ``a`` of every other
    project (first certificate), so MES funds ``j`` in round ``t``, and if the second
    certificate holds, MES at ``b`` is its forced run. Otherwise MES is run at ``b``."""
    first = [p for p, _ in base.rounds]
    # ``partial``: the certificate from ``base`` to ``b`` that failed in round ``t``, whose
    # earlier rounds both certificates share (the second one's base is forced along the same
    # rounds before ``t``)
    if partial is not None and partial.t != t:
        partial = None
    if _certify(pr, base, b, chained=chained, free=(t, j), start=partial)[0] is None:
        return None

    def second_certified(second: list[int]) -> _State | None:
        """The forced run along ``second`` at ``b`` if the second certificate holds."""
        low = _forced(pr, base.b, second, base)  # the rounds before t are base's
        if low is None:
            return None
        return _certify(pr, low, b, chained=chained, free=(t, first[t]), start=partial)[0]

    if j in first:
        # first guess S2: S1 with j moved up to round t. MES at b funds j in round t (j is
        # ahead of S1's project there, which is ahead of every other), so if the second
        # certificate holds, its forced run at b is the MES run there
        run = second_certified(first[:t] + [j] + [p for p in first[t:] if p != j])
        if run is not None:
            return run
    run = _run(pr, b, base)
    second = [p for p, _ in run.rounds]
    if second[:t] != first[:t] or len(second) <= t or second[t] != j:
        return None
    return run if second_certified(second) is not None else None


def _ahead(rho: Fraction, prio: int, other: Fraction, other_prio: int) -> bool:
    """``(rho, prio) > (other, other_prio)``, exactly; floats first when they already decide."""
    a, b = float(rho), float(other)
    if a > b * (1 + 1e-9) + 1e-300:
        return True
    if a < b * (1 - 1e-9) - 1e-300:
        return False
    return (rho, prio) > (other, other_prio)


_Crossing = tuple[int, int, float, float, bool]  # see _certify


@dataclass(frozen=True)
class _Partial:
    """What a certificate that failed in round ``t`` had shown (see :func:`_certify`): the
    forced run at its budget at the start of round ``t`` (not to be played on: copied), whether
    the earlier rounds' poor supporters were the base's, and :func:`_given_back` there."""

    t: int
    state: _State
    same_prefix: bool
    given_back: FloatArray


def _deficit(state: _State, t: int, j: int) -> float:
    """``c_j`` less the money of ``j``'s supporters at the start of round ``t`` of this run
    (after its last round when ``t`` is the number of rounds), in floats."""
    pr = state.pr
    if t >= len(state.rounds):
        return pr.costs[j] - float(state.money()[j])
    beta = state.at_round(t).beta
    return pr.costs[j] - float(pr.sup_mf[j] @ beta.take(pr.sup[j]))


def _certify(
    pr: _Problem,
    base: _State,
    b: Fraction,
    resume: bool = False,
    chained: bool = True,
    watch: tuple[int, int] | None = None,
    free: tuple[int, int] | None = None,
    start: _Partial | None = None,
) -> tuple[_State | None, Fraction | None, _State | None, _Crossing | None, _Partial | None]:
    """``(run, forecast)`` with ``run`` the MES run at ``b`` if MES funds exactly ``base``'s
    sequence for every per-voter budget in ``[base.b, b]`` (the certificate of the module
    docstring), else ``(None, hint)``. ``hint``/``forecast``, when known, is a guess (never
    trusted, only used to choose the next budget to try) of the first budget where the sequence
    changes: where the failing competitor's price factor meets the winner's (secant between the
    two ends), where a close competitor would overtake (secant through its gaps at this and the
    base's certificate), or where a project left out becomes affordable.

    A failure stops at once. With ``resume`` the MES run at ``b`` is then finished from there
    (warm start): ``(None, None, run)``; otherwise the third item is None. This is exact: (C1)
    held in every earlier round for ``[base.b, b]``, so MES at ``b`` funds ``base``'s projects
    in those rounds (its state is the forced run's), and what the failing round learnt
    (unaffordable projects dropped, lower bounds of price factors) holds for MES at ``b`` as
    well. ``chained``: use the chained sandwich (it pays for itself on long intervals only),
    else the plain one.

    The fourth item, on a failure where a competitor ``j`` overtakes round ``t``'s project, is
    ``(t, j, b, gap, False)`` (``gap = rho_j - rho_t < 0`` at ``b``, floats); where ``j`` became
    affordable (in round ``t``, or after the last round for ``t`` = their number), ``(t, j, b,
    c_j - money, True)`` (``< 0``). ``watch = (t, j)`` asks a certificate to price that pair
    exactly and record its gap in ``gaps`` even when a cheaper argument clears it, so that the
    caller can interpolate where it crosses (see :func:`_deficit` for the money). ``free =
    (t, j)``: ``j`` is not checked against round ``t``'s project (:func:`_swapped`); the run
    returned is then only the forced run at ``b``, with that claim for every other pair.

    The fifth item, with the crossing of a competitor, is what the certificate had shown when
    it failed: the forced run at ``b`` at the start of round ``t``, every earlier round's pairs
    cleared on ``[base.b, b]``. A certificate from a base whose first ``t`` rounds are the same
    (same projects and price factors, so the same claims), to the same ``b``, may ``start``
    from it (:func:`_swapped`, whose two certificates share those rounds with the one that
    failed)."""
    hints: list[Fraction] = []
    failed = False
    chain: _Chain | bool | None = None  # built at the first sandwich (False: not usable)
    if start is None:
        state = _State(pr, b)
        first_round = 0
        same_prefix = True  # every round so far has the same poor supporters at base.b and at b
        given_back = _given_back(pr, state)  # kept up to date round by round
    else:
        assert start.state.b == b
        assert [p for p, _ in start.state.rounds] == [p for p, _ in base.rounds[: start.t]]
        state, first_round = start.state.copy(), start.t
        same_prefix, given_back = start.same_prefix, start.given_back
    for t in range(first_round, len(base.rounds)):
        j_t, theta = base.rounds[t]
        ev_t = state.split(j_t, guess=base.pays_all[t])  # affordable (monotonicity lemma)
        if ev_t.status == 0:  # impossible by the monotonicity lemma
            raise AssertionError("a funded project became unaffordable with more money")
        rho_t, pays_t = state.exact_rho(j_t, ev_t)
        rho_t_f = state.float_of(rho_t)
        same_before = same_prefix
        same_prefix = (
            same_prefix
            and np.array_equal(pays_t, base.pays_all[t])
            and pays_t.size < pr.sup[j_t].size
        )
        theta_hi = float(np.nextafter(float(theta), np.inf))
        base_t: _State | None = None
        x_hi_t: float | None = None  # the chain's bound of rho_t on [base.b, b]
        # every pair certificate below is a claim on the forced runs at all budgets in
        # [base.b, b]: one shown at a larger b (a certificate that failed elsewhere) holds here
        cleared = base.cleared.setdefault(t, {})
        rem = np.array(sorted(state.remaining), dtype=np.intp)
        todo_at = rem[state.lb[rem] <= theta_hi]
        todo = todo_at.tolist()
        facts = base.facts.get(t)
        by_fact = [False] * len(todo)
        if facts is not None and todo:
            bounds = _recalled(pr, state, theta_hi, given_back, todo_at, facts)
            by_fact = (bounds < pr.costs_f.take(todo_at)).tolist()
        for j, known_by_fact in zip(todo, by_fact, strict=True):
            if j == j_t or (t, j) == free:  # free: see _swapped
                continue
            known = cleared.get(j)
            if known is not None and _not_below(known[0], known[1], state):
                if known[2]:
                    state.remaining.discard(j)
                continue
            if not (pr.cost_utility and state.clean[j]):
                if known_by_fact:
                    assert facts is not None
                    kind, lo = (0 if facts.dropped[j] else 1), theta_hi
                else:
                    kind, lo, bound = state.screen(j, theta_hi)
                    if kind != 2:
                        if facts is None:
                            facts = base.facts[t] = _Facts(pr.n_projects)
                        facts.record(j, state.bf, bound, theta_hi, kind == 0, given_back[j])
                if kind == 0:  # unaffordable at b, so at every smaller budget
                    state.remaining.discard(j)
                    cleared[j] = (state.bf, b, True, True)
                    continue
                if kind == 1:  # rho_j > theta_hi >= theta: monotone certificate
                    state.lb[j] = max(lo, state.lb[j])
                    cleared[j] = (state.bf, b, False, True)
                    continue
            ev = state.evaluate(j)
            if ev.status == 0:
                state.remaining.discard(j)
                cleared[j] = (state.bf, b, True, True)
                continue
            state.lb[j] = ev.lo
            if ev.lo > theta_hi:
                cleared[j] = (state.bf, b, False, True)
                continue
            rho, pays = state.exact_rho(j, ev)
            state.lb[j] = max(ev.lo, float(np.nextafter(float(rho), -np.inf)))
            gap = float(rho) - rho_t_f
            state.gaps[(t, j)] = (state.bf, gap)
            before = base.gaps.get((t, j))
            if before is not None and before[1] > gap > 0 and before[0] < state.bf:
                # secant through the two certificates: where the gap would close
                hints.append(Fraction(state.bf + gap * (state.bf - before[0]) / (before[1] - gap)))
            if _ahead(rho, pr.prio[j], theta, pr.prio[j_t]):
                cleared[j] = (state.bf, b, False, True)
                continue  # monotone certificate
            # affine certificate: same poor sets at both ends => prices affine in between
            if base_t is None:
                base_t = base.at_round(t)
            # j behind j_t at b itself? If not, MES at b funds j in this round and no
            # certificate can hold: the sandwiches are not tried (they would show j behind
            # at b as well)
            ahead = _ahead(rho, pr.prio[j], rho_t, pr.prio[j_t])
            sandwiched = False
            if ahead:
                # the plain sandwich first: the chain costs a pass over every earlier round,
                # and on Budapest 2024 one certificate in seven that builds it needs it for
                # no pair
                sandwiched = _sandwich(pr, base_t, state, j, j_t, theta)
                if not sandwiched and chain is None:
                    chain = _Chain(pr, base, state) if chained and _Chain.usable(base) else False
                if not sandwiched and isinstance(chain, _Chain):
                    if x_hi_t is None:
                        x_hi_t = chain.winner_bound(t)
                    sandwiched = chain.clears(t, base_t, state, j, theta, x_hi_t)
            if sandwiched:
                cleared[j] = (state.bf, b, False, False)
                continue  # sandwich certificate
            ev_x = base_t.evaluate(j)
            if ev_x.status == 0:
                if resume:
                    return None, None, _finish(state, base), None, None
                # guess where its supporters' money reaches its cost (secant)
                sup_mf = pr.sup_mf[j]
                has_x = float(sup_mf @ base_t.beta.take(pr.sup[j]))
                has_b = float(sup_mf @ state.beta.take(pr.sup[j]))
                if not has_b > has_x:
                    return None, None, None, None, None
                share = Fraction((pr.costs[j] - has_x) / (has_b - has_x))
                became = (t, j, state.bf, pr.costs[j] - has_b, True)
                return None, base.b + (b - base.b) * share, None, became, None
            rho_x, pays_x = base_t.exact_rho(j, ev_x)
            if (
                ahead
                and same_prefix
                and pays.size < pr.sup[j].size
                and np.array_equal(pays_x, pays)
                and _ahead(rho_x, pr.prio[j], theta, pr.prio[j_t])
            ):
                cleared[j] = (state.bf, b, False, False)
                continue
            # not certified: stop here; guess where j's price meets j_t's (secant between the
            # two ends)
            if resume:
                return None, None, _finish(state, base), None, None
            gap_x, gap_b = rho_x - theta, rho - rho_t
            if not ahead and gap_x > gap_b and gap_x >= 0:
                crossing = (t, j, state.bf, float(gap_b), False)
                partial = _Partial(t, state, same_before, given_back)
                share = gap_x / (gap_x - gap_b)
                return None, base.b + (b - base.b) * share, None, crossing, partial
            return None, None, None, None, None
        if watch is not None and watch[0] == t and watch not in state.gaps:
            j = watch[1]
            ev = state.evaluate(j) if j in state.remaining else _Eval(0)
            if ev.status == 1:
                state.gaps[watch] = (state.bf, float(state.exact_rho(j, ev)[0]) - rho_t_f)
        state.fund(j_t, rho_t, pays_t, ev_t.beta)
        given_back = given_back + state.rho_fs[-1] * pr.cosupport()[:, j_t]
    forecast: list[float] = []
    affordable: _Crossing | None = None
    funded = {j for j, _ in base.rounds}
    # the money of each project's supporters after the last round grows with the budget; guess
    # (secant) where it reaches the project's cost
    money_x = base.money()
    money_b = state.money()
    for j in pr.candidates:
        if j in funded:
            continue
        at_x, at_b = float(money_x[j]), float(money_b[j])
        if at_b > at_x and at_x < pr.costs[j]:
            forecast.append((pr.costs[j] - at_x) / (at_b - at_x))
        if not failed and j in state.remaining:
            # (C2): is j affordable at b? floats when they decide, else exactly
            err = 2.0 * pr.sup_countf[j] * state.delta + 1e-9 * pr.costs[j]
            if at_b > pr.costs[j] + err or (
                at_b >= pr.costs[j] - err and state.exact_affordable(j)
            ):
                failed = True
                affordable = (len(base.rounds), j, state.bf, pr.costs[j] - at_b, True)
    if forecast and (not failed or min(forecast) <= 1):
        hints.append(base.b + (b - base.b) * Fraction(min(forecast)))
    guess = min(hints) if hints else None
    if failed and resume:
        return None, None, _finish(state, base), None, None
    return (None, guess, None, affordable, None) if failed else (state, guess, None, None, None)


def _given_back(pr: _Problem, state: _State) -> FloatArray:
    """``sum_s rho_s cosupport[j, j_s]`` for every project ``j``, over the rounds this run has
    played (float price factors): what ``j``'s supporters would have paid for the funded
    projects at those prices had none of them paid everything."""
    played = len(state.rho_fs)
    if not played:
        return np.zeros(pr.n_projects, dtype=np.float64)
    rho = np.asarray(state.rho_fs, dtype=np.float64)
    return np.asarray(pr.cosupport().take(state.cols[:played], axis=1) @ rho, dtype=np.float64)


def _recalled(
    pr: _Problem,
    state: _State,
    x: float,
    given_back: FloatArray,
    projects: IndexArray,
    facts: _Facts,
) -> FloatArray:
    """Screens of earlier certificates of the same sequence, carried to this one without a
    pass over the supporters: for each ``j`` of ``projects``, an upper bound of ``f_j(x)``
    here, in the round ``t`` this run is at (of the money of ``j``'s supporters when the fact
    is about that), from ``f_j(x') <= bound`` in round ``t`` of the forced run at ``y``
    (``facts``, of that round); infinity where there is no fact or ``x > x'``.
    ``given_back``: :func:`_given_back` here.

    Along forced runs of one sequence at ``y`` and at ``z`` (this run), before round ``t``:
    ``beta_i(z) <= beta_i(y)`` when ``z <= y`` (monotonicity lemma), and when ``z > y``,
    ``beta_i(z) - beta_i(y) <= G_i = z - y + sum_s (rho_s(y) - rho_s(z)) u_{i j_s}`` over the
    rounds ``s < t`` (each term ``>= 0`` by the lemma), by induction on the rounds: a round
    where ``i`` pays ``rho u`` at both adds ``(rho_s(y) - rho_s(z)) u`` to the difference; one
    where ``i`` pays everything at ``z`` leaves ``0 - beta_i(y) <= 0``; one where ``i`` pays
    everything at ``y`` (held at most ``rho_s(y) u`` before it) and not at ``z`` leaves
    ``beta_i(z) <= beta_i(y) + G - rho_s(z) u <= G + (rho_s(y) - rho_s(z)) u``; and a voter
    left with 0 at ``y`` only loses money at ``z``. With ``min(beta + G, x u) <= min(beta, x'
    u) + G`` for ``x <= x'``, ``f_j(x)`` here is at most ``f_j(x')`` at ``y`` plus ``sum_i
    m_i G_i = M_j (z - y) + given_back_j(y) - given_back_j(z)`` when ``z > y``. Floats, with
    margins for their rounding (correctly rounded price factors keep the lemma's order)."""
    y = facts.y.take(projects)
    then, now = facts.given.take(projects), given_back.take(projects)
    counts = pr.sup_count_arr.take(projects)
    gain = np.where(state.bf > y, counts * (state.bf - y) + np.maximum(then - now, 0.0), 0.0)
    slack = 1e-12 * (counts * state.bf + pr.costs_f.take(projects) + then + now)
    found = facts.bound.take(projects) + gain * (1 + 1e-9) + slack
    usable = facts.known.take(projects) & (
        facts.dropped.take(projects) | (x <= facts.x.take(projects))
    )
    return np.where(usable, found, np.inf)


def _sandwich(pr: _Problem, lo: _State, hi: _State, j: int, j_t: int, theta: Fraction) -> bool:
    """The sandwich certificate of the module docstring for one pair: True only if, for every
    per-voter budget ``z`` in ``[x, y]`` (``lo`` and ``hi``: the forced runs at ``x < y`` at the
    start of the same round ``t``, ``theta`` the exact price factor of ``j_t`` there at ``x``),
    ``rho_j(z) > rho_{j_t}(z)`` (or ``j`` is unaffordable). Floats only, with margins: a False
    proves nothing."""
    dx = float(hi.b - lo.b)
    # every float below is within ``tol`` of the exact value it stands for
    tol = lo.delta + hi.delta + 1e-12 * (hi.bf + dx)
    # winner: L_i(z) = beta_i(x) + (z - x) if i was not exhausted at x, else 0; L <= beta(z).
    # X(z) affine, X(x) >= theta; X(y) with sum m min(L(y), X(y) u) >= c, so the concave
    # g(z) = sum m min(L(z), X(z) u) is >= c at both ends, hence on [x, y]: rho_t(z) <= X(z)
    live = ~lo.exhausted.take(pr.sup[j_t])
    ly = np.where(live, np.maximum(lo.beta.take(pr.sup[j_t]) + (dx - tol), 0.0), 0.0)
    # x_hi = theta (rounded up) is exact: L(y) >= beta(x), so g(y) there >= f_t(theta) at x = c
    x_hi = _upper_line(pr, j_t, ly, float(theta) * (1 + 1e-12) + 1e-300)
    if x_hi is None:
        return False
    # competitor: U_i(z) = beta_i(y) - (y - z) if i was not exhausted at x, else beta_i(y)
    sup = pr.sup[j]
    live = ~lo.exhausted.take(sup)
    uy = hi.beta.take(sup) + tol
    ux = np.where(live, uy - dx, uy)
    return _competitor_below(pr, j, ux, uy, theta, x_hi, tol)


def _upper_line(
    pr: _Problem, j: int, ly: FloatArray, theta_hi: float, poor: IndexArray | None = None
) -> float | None:
    """The end at ``y`` of a sandwich's upper line of ``j``'s price factor: the least ``V``
    (rounded up, at most ``theta_hi``) with ``sum m min(L(y), V u) >= c``, ``ly`` the lower
    bounds ``L(y)`` of its supporters' budgets; None when the floats do not show it. ``poor``:
    supporters (positions) known to be poor there, where the solve starts (those who pay
    everything for ``j`` at ``y``: ``L(y) <= beta(y)`` and ``V >= rho(y)``); a wrong start
    only costs the bound, as ``V`` is checked."""
    uf, mf, muf = pr.sup_uf[j], pr.sup_mf[j], pr.sup_muf[j]
    c = float(pr.costs[j])
    mb = mf * ly
    target = c * (1 + 1e-9) + 1e-300
    if not float(mb.sum()) > target:
        return None
    start = None
    if poor is not None:
        start = np.zeros(ly.size, dtype=np.bool_)
        start[poor] = True
    solved = _solve(ly, uf, mb, muf, target, start, pr.sup_muf_sum[j])
    if solved is None:
        return None
    v = solved[0] * (1 + 1e-12)
    if v >= theta_hi:
        return theta_hi
    if not float(mf @ np.minimum(ly, v * uf)) * (1 - 1e-9) >= c:
        return None
    return v


def _competitor_below(
    pr: _Problem, j: int, ux: FloatArray, uy: FloatArray, theta: Fraction, x_hi: float, tol: float
) -> bool:
    """The competitor's half of a sandwich: ``U`` affine from ``ux`` at ``x`` to ``uy`` at
    ``y`` above the budgets of ``j``'s supporters, ``X`` affine from ``theta`` (rounded up) to
    ``x_hi`` above the winner's price factor. ``h(z) = sum m min(U(z), X(z) u)`` is concave;
    ``h < c`` on ``[x, y]`` means ``rho_j(z) >= rho_j[U(z)] > X(z) >= rho_t(z)``. In ``s = (z -
    x) / (y - x)`` in ``[0, 1]``: ``U = a + bs s``, ``X u = p + q s``."""
    uf, mf = pr.sup_uf[j], pr.sup_mf[j]
    c = float(pr.costs[j])
    x_lo = float(theta) * (1 + 1e-12) + 1e-300  # >= theta
    a = ux
    bs = uy - ux
    p = uf * x_lo
    q = uf * (x_hi - x_lo)
    bs_q_max, bs_q_min = np.maximum(bs, q), np.minimum(bs, q)

    def at(s_star: float) -> tuple[float, float, float, float]:
        """h(s*) and the bound max h <= h(s*) + max(0, D+) (1 - s*) + max(0, -D-) s*, with
        D+ >= h'(s*+) and D- <= h'(s*-) (concavity; a term whose two pieces are within float
        error counts with either slope)."""
        u_s = a + bs * s_star
        v_s = p + q * s_star
        close = np.abs(u_s - v_s) <= 1e-9 * (np.abs(u_s) + np.abs(v_s)) + 4 * tol
        piece = np.where(u_s < v_s, bs, q)
        d_plus = float(mf @ np.where(close, bs_q_max, piece))
        d_minus = float(mf @ np.where(close, bs_q_min, piece))
        value = float(mf @ np.minimum(u_s, v_s))
        bound = value + max(0.0, d_plus) * (1 - s_star) + max(0.0, -d_minus) * s_star
        return value, bound, d_plus, d_minus

    # s* = 1, then 0, then where the tangents at both ends meet (any s* gives a valid bound)
    h1, bound1, _, dm1 = at(1.0)
    if not h1 * (1 + 1e-9) + 1e-300 < c:
        return False
    h0, bound0, dp0, _ = at(0.0)
    bound = min(bound0, bound1)
    if bound * (1 + 1e-9) + 1e-300 < c:
        return True
    if not h0 * (1 + 1e-9) + 1e-300 < c or not dp0 > 0 or not dm1 < 0:
        return False
    s_star = min(1.0, max(0.0, (h1 - h0 - dm1) / (dp0 - dm1)))
    bound = at(s_star)[1]
    return bool(bound * (1 + 1e-9) + 1e-300 < c)


class _Chain:
    """The chained sandwich of the module docstring: affine bounds, on ``[x, y]``, of every
    earlier winner's price factor and of every voter's budget along the forced runs between
    ``base`` (MES at ``x``) and ``state`` (the forced run at ``y``, possibly still running).

    For a voter live at ``x`` (never made to pay everything there) in round ``s``:
    ``L(y) = beta(y) - D``, ``L(x) = beta(x)`` and ``U(x) = beta(x) + E``, ``U(y) = beta(y) +
    F``; the arrays ``D``, ``E``, ``F`` add up over the rounds so far what the price bounds of
    each round give away (``V_s - rho_s(y)``, ``rho_s(x) - W_s``, ``rho_s(y) - B_s(y)``, times
    the voter's utility). Floats throughout, every bound moved outwards by its error."""

    def __init__(self, pr: _Problem, base: _State, state: _State) -> None:
        self.pr, self.base, self.state = pr, base, state
        self.dx = float(state.b - base.b)
        self.tol = base.delta + state.delta + 1e-12 * (state.bf + self.dx)
        self.low = np.zeros(pr.n_ballots, dtype=np.float64)  # D
        self.high_x = np.zeros(pr.n_ballots, dtype=np.float64)  # E
        self.high_y = np.zeros(pr.n_ballots, dtype=np.float64)  # F
        self.upper: list[float] = []  # V_s: rho_s(z) <= theta_s + (V_s - theta_s)(z - x)/dx
        self.lower: list[tuple[float, float]] = []  # (B_s(y), B_s(x)): the line below rho_s
        self.applied = 0  # rounds whose bounds are in D, E, F

    @staticmethod
    def usable(base: _State) -> bool:
        """The chain reads each round's budgets at ``x`` from ``base``'s snapshots."""
        return len(base.snapshots) == len(base.rounds) and base.rounds != []

    def _at(self, s: int) -> tuple[IndexArray, FloatArray, BoolArray, FloatArray]:
        """Round ``s``'s supporters, their budgets and exhaustion at ``x`` and budgets at ``y``
        before it."""
        j = self.base.rounds[s][0]
        sup = self.pr.sup[j]
        bx, ex = self.base.snapshots[s][0], self.base.snapshots[s][1]
        if s < len(self.state.snapshots):
            by = self.state.snapshots[s][0]
        else:
            by = self.state.beta.take(sup)
        return sup, bx, ~ex, by

    def _upper_bounds(
        self, sup: IndexArray, bx: FloatArray, live: BoolArray, by: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        """``(U(x), U(y))`` of the ballots ``sup`` (budgets ``bx`` at ``x``, ``by`` at ``y``):
        the chained line where it is lower at ``x`` than the plain sandwich's ``(beta(y) - (y -
        x), beta(y))``, which is valid too; ``beta(y)`` (constant) for those not live at
        ``x``."""
        tol, dx = self.tol, self.dx
        chained_x = bx + self.high_x.take(sup) * (1 + 1e-9)
        plain_x = by - dx
        use = live & (chained_x < plain_x)
        ux = np.where(use, chained_x, np.where(live, plain_x, by)) + tol
        uy = np.where(use, by + self.high_y.take(sup) * (1 + 1e-9), by) + tol
        return ux, uy

    def winner_bound(self, t: int) -> float:
        """``V_t``: ``rho_t(z) <= theta_t + (V_t - theta_t) (z - x) / (y - x)`` on ``[x, y]``
        (the forced run at ``y`` has played rounds ``0..t-1``)."""
        state = self.state
        for s in range(self.applied, t):
            if len(self.upper) <= s:
                self.upper.append(self._winner(s))
            self._apply(s, state.rounds[s][1], state.pays_all[s])
        self.applied = max(self.applied, t)
        if len(self.upper) <= t:
            self.upper.append(self._winner(t))
        return self.upper[t]

    def _winner(self, s: int) -> float:
        """``V_s`` with ``g(y) = sum m min(L(y), V_s u) >= c``; ``g`` is concave and ``g(x) >=
        f_s(theta_s) = c``, so ``g >= c`` on ``[x, y]`` and ``rho_s`` stays below the line. The
        plain bound ``theta_s`` (monotonicity) when nothing better is shown."""
        j, theta = self.base.rounds[s]
        sup, bx, live, by = self._at(s)
        theta_hi = float(theta) * (1 + 1e-12) + 1e-300
        ly = np.maximum(by - self.low.take(sup) * (1 + 1e-9), bx + self.dx) - self.tol
        ly = np.where(live, np.maximum(ly, 0.0), 0.0)
        paid_all = self.state.pays_all
        v = _upper_line(self.pr, j, ly, theta_hi, paid_all[s] if s < len(paid_all) else None)
        return theta_hi if v is None else v

    def _apply(self, s: int, rho_y: Fraction, pays_y: IndexArray) -> None:
        """Add round ``s``'s price bounds to ``D``, ``E``, ``F``."""
        pr = self.pr
        j, theta = self.base.rounds[s]
        sup, bx, live, by = self._at(s)
        uf = pr.sup_uf[j]
        rho_f, theta_f = float(rho_y), float(theta)
        v = self.upper[s]
        self.low[sup] += (max(0.0, v - rho_f) * (1 + 1e-9) + 1e-15 * v) * uf
        at_y, w = self._lower(s, sup, bx, live, by, rho_f, pays_y)
        self.lower.append((at_y, w))
        self.high_x[sup] += (max(0.0, theta_f - w) * (1 + 1e-9) + 1e-15 * theta_f) * uf
        self.high_y[sup] += (max(0.0, rho_f - at_y) * (1 + 1e-9) + 1e-15 * rho_f) * uf

    def _lower(
        self,
        s: int,
        sup: IndexArray,
        bx: FloatArray,
        live: BoolArray,
        by: FloatArray,
        rho_f: float,
        pays_y: IndexArray,
    ) -> tuple[float, float]:
        """``(B(y), B(x))`` of a line below ``rho_s`` on ``[x, y]``: the tangent at ``y`` of
        ``Q(z)``, the price factor with budgets ``U`` (convex in ``z``: ``U`` is affine), made a
        little flatter and lower. Shown by ``h(z) = sum m min(U(z), B(z) u)``, concave: ``h(y) <
        c`` and ``h'(y-) > 0`` give ``h < c`` on ``[x, y]``, so ``f_s(B(z)) <= h(z) < c`` and
        ``rho_s(z) > B(z)``. The plain bound ``rho_s(y)`` (monotonicity) when not shown."""
        pr = self.pr
        j = self.base.rounds[s][0]
        plain = (rho_f * (1 - 1e-12) - 1e-300, rho_f * (1 - 1e-12) - 1e-300)
        uf, mf = pr.sup_uf[j], pr.sup_mf[j]
        c = float(pr.costs[j])
        ux, uy = self._upper_bounds(sup, bx, live, by)
        slope = (uy - ux) / self.dx
        den = float(pr.total_sat[j]) - float(pr.sup_muf[j].take(pays_y).sum())
        if not den > 0:
            return plain
        mf_poor = mf.take(pays_y)
        sigma = -float(mf_poor @ slope.take(pays_y)) / den * (1 - 1e-6)  # Q'(y-), flattened
        excess = float(mf_poor @ (uy.take(pays_y) - by.take(pays_y)))
        at_y = rho_f * (1 - 1e-12) - 2 * (excess + 1e-9 * c) / den
        if not at_y > 0:
            return plain
        v = at_y * uf
        if not float(mf @ np.minimum(uy, v)) * (1 + 1e-9) < c:
            return plain
        close = np.abs(uy - v) <= 1e-9 * (np.abs(uy) + np.abs(v)) + 4 * self.tol
        su = sigma * uf
        left = np.where(close, np.minimum(slope, su), np.where(uy < v, slope, su))
        if not float(mf @ left) > 0:
            return plain
        return at_y, at_y - sigma * self.dx

    def clears(self, t: int, lo: _State, hi: _State, j: int, theta: Fraction, x_hi: float) -> bool:
        """The sandwich for competitor ``j`` in round ``t`` with the chained bounds (``lo``,
        ``hi``: the runs at ``x`` and ``y`` at the start of round ``t``; ``x_hi = V_t``)."""
        pr = self.pr
        sup = pr.sup[j]
        live = ~lo.exhausted.take(sup)
        assert self.applied == t
        ux, uy = self._upper_bounds(sup, lo.beta.take(sup), live, hi.beta.take(sup))
        return _competitor_below(pr, j, ux, uy, theta, x_hi, self.tol)


def _cost(pr: _Problem, projects: list[int]) -> int:
    return sum(pr.costs[j] for j in projects)


def _exhaustive(pr: _Problem, state: _State) -> bool:
    return _fills(pr, {j for j, _ in state.rounds})


def _fills(pr: _Problem, funded: set[int]) -> bool:
    """Whether the outcome funding ``funded`` (and the free projects) is exhaustive: no other
    candidate fits in what is left of the budget."""
    left = pr.budget - _cost(pr, pr.free) - _cost(pr, list(funded))
    return all(pr.costs[j] > left for j in pr.candidates if j not in funded)


def _outcome_cost(pr: _Problem, state: _State) -> int:
    return _cost(pr, pr.free) + sum(pr.costs[j] for j, _ in state.rounds)


def _complete(
    pr: _Problem,
    completion: str,
    increment: int,
    scan: str,
    progress: Callable[[float], None] | None,
    first: int = 0,
    last: int | None = None,
) -> _State | None:
    """The scan from ``b_first`` (see the module docstring): the run where it stops, or, with
    ``last``, None if it does not stop at any ``k`` of ``[first, last]`` (one stage of
    :func:`staged_stop`; a run at ``b_first`` that overspends is then the previous
    stage's stop)."""
    start = Fraction(pr.budget, pr.n_voters)
    pr.many_runs = True
    stop_when_exhaustive = completion in ("add1", "add1-greedy")
    n_candidates = len(pr.candidates)

    def budget_at(k: int) -> Fraction:
        return start + k * increment

    def last_below(b: Fraction) -> int:
        """The last ``k`` with ``b_k < b``."""
        return int(-((start - b) // increment) - 1)

    def short_of(guess: int | None) -> int | None:
        """Aim a little short of a guess from ``k``: a secant over a long interval errs, and a
        certificate ending just before a change is the hardest to show."""
        if guess is None or guess - k <= 1:
            return guess
        return k + max(1, (guess - k) * 19 // 20)

    def stops(state: _State) -> bool:
        if stop_when_exhaustive:
            return _exhaustive(pr, state)
        return len(state.rounds) == n_candidates

    k = first
    step = 1 if first == 0 else _STAGE_STEP
    last_run = first  # where MES was last run: the distance between runs sets the first jump
    adjacent = 0  # consecutive runs at neighbouring budgets (the outcome changes at every unit)
    plain, plain_len = 0, 8  # while ``plain`` > 0, run MES unit by unit without certifying
    fail_at: int | None = None  # least k' where a certificate from the current sequence failed
    failed_step = 1  # the length of that try
    k_hint: int | None = None  # guessed last k' before the sequence changes
    # what crossed at the last failed try of this sequence (a competitor that overtook, or a
    # project that became affordable; see _certify)
    crossing: _Crossing | None = None
    while True:
        state = _run(pr, budget_at(k))
        if _outcome_cost(pr, state) > pr.budget:
            if k == 0:
                raise AssertionError("MES overspent its own budget")  # b_0 * n == budget
            stage_past_stop()
            return None
        while True:  # invariant: ``state`` is the MES run at b_k and the scan has not stopped
            if progress is not None:
                progress(min(0.99, _outcome_cost(pr, state) / max(1, pr.budget)))
            if stops(state):
                return state
            last = stage_end(k, last)
            if last is not None and k >= last:
                return None
            if scan == "unit" or plain > 0:
                plain = max(0, plain - 1)
                nxt = _run(pr, budget_at(k + 1), state)
                if _outcome_cost(pr, nxt) > pr.budget:
                    return state
                state, k = nxt, k + 1
                last_run, step = k, 1
                fail_at = k_hint = crossing = None
                continue
            # try to certify O_{k+1} = ... = O_target = O_k and jump (galloping), never past
            # where a certificate of this sequence failed, nor past the guessed next change
            target = k + step
            if fail_at is not None:
                target = min(target, fail_at - 1)
            if k_hint is not None:
                target = min(target, k_hint)
            if last is not None:
                target = min(target, last)
            target = max(target, k + 1)
            watch = None if crossing is None or crossing[4] else (crossing[0], crossing[1])
            certified, hint, resumed, crossed, partial = _certify(
                pr, state, budget_at(target), target == k + 1, target - k >= _CHAIN_MIN, watch
            )
            new_hint = None if hint is None else last_below(hint)
            if certified is not None:
                certified.inherit_monotone(state)
                certified.facts = state.facts
                crawled = target == k + 1
                step = 2 * (target - k)
                state, k = certified, target
                new_hint = short_of(new_hint)
                # what overtook at a failed try (a competitor's price factor, or the money of
                # a project's supporters): interpolate between here and there
                value: float | None = None
                bracketed = False  # the guess interpolates between a success and a failure
                if crossing is not None and crossing[4]:
                    value = _deficit(certified, crossing[0], crossing[1])
                elif watch is not None and crossing is not None and watch in certified.gaps:
                    value = certified.gaps[watch][1]
                if crossing is not None and value is not None and value > 0:
                    at = certified.bf
                    if crossing[2] > at:
                        z = at + value * (crossing[2] - at) / (value - crossing[3])
                        k_z = last_below(Fraction(z))
                        new_hint = k_z if new_hint is None else min(new_hint, k_z)
                        bracketed = True
                # a guess of a change at k + 1 is tried there, unless the last try was that
                # and the guess is not bracketed
                if new_hint is not None and (
                    new_hint > k or (new_hint == k and (bracketed or not crawled))
                ):
                    k_hint = new_hint
                else:
                    k_hint = None
                if fail_at is not None and fail_at <= k:  # that failure was the proof's
                    fail_at = None
                    step = max(step, failed_step // 2)  # gallop on as before it
                continue
            if target > k + 1 and crossed is not None and not crossed[4]:
                # a competitor overtook: if the order changes there but not what the scan
                # looks at, jump over the change without finding it
                jumped = _swapped(
                    pr,
                    state,
                    budget_at(target),
                    crossed[0],
                    crossed[1],
                    target - k >= _CHAIN_MIN,
                    partial,
                )
                if (
                    jumped is not None
                    and _outcome_cost(pr, jumped) <= pr.budget
                    and not stops(jumped)
                ):
                    step = max(1, (target - k) // 2)
                    state, k, last_run = jumped, target, target
                    fail_at = k_hint = crossing = None
                    continue
            if target > k + 1:
                # a failed try: look below it, where the failing pair's secant puts the change
                fail_at, failed_step = target, target - k
                if crossed is not None:
                    crossing = crossed
                new_hint = short_of(new_hint)
                if new_hint is not None and new_hint < target:
                    k_hint = max(new_hint, k)  # <= k: the change is expected at k + 1
                else:
                    k_hint = None
                    step = max(1, (target - k) // 4)
                continue
            # the outcome may change at k + 1: run MES there (finished from the failed
            # certificate's prefix)
            nxt = resumed if resumed is not None else _run(pr, budget_at(k + 1), state)
            if _outcome_cost(pr, nxt) > pr.budget:
                return state
            state, k = nxt, k + 1
            fail_at = k_hint = crossing = None
            adjacent = adjacent + 1 if k - last_run <= 2 else 0
            if adjacent >= 3:  # certificates keep failing at once: stop paying for them a while
                plain, plain_len, adjacent = plain_len, 2 * plain_len, 0
            elif k - last_run > 8:
                plain_len = 8
            # the next jump: a quarter of the distance from the last run, and at least
            # _SPARSE_STEP units where the runs have been far apart on average (Budapest 2024:
            # 24,500 -> 22,100 rounds of certificates and runs), as they are few there
            pr.spacing = 0.9 * pr.spacing + 0.1 * (k - last_run)
            sparse = _SPARSE_STEP if pr.spacing > _SPARSE_SPACING else 1
            step, last_run = max(1, (k - last_run) // 4, sparse), k


def _complete_disjoint(pr: _Problem, completion: str, increment: int) -> _State:
    """The scan of :func:`_complete` where no ballot supports two candidates, in closed form.

    Nobody then pays for two projects, so at every budget ``b`` MES funds exactly the projects
    whose ``M_j`` supporters hold their cost, ``M_j b >= c_j``: the outcome only grows, at the
    first ``k`` where ``M_j (b_0 + k) >= c_j`` for some ``j``. The scan is played over those
    thresholds (the same stop and overspending tests, on the same sets), and MES is run once,
    where it stops."""
    n, budget = pr.n_voters, pr.budget
    first_k: dict[int, int] = {}  # project -> the least k with M_j b_k >= c_j (exact)
    for j in pr.candidates:
        m = pr.sup_count[j]
        short = pr.costs[j] * n - m * budget  # c_j - M_j b_0, times n
        first_k[j] = 0 if short <= 0 else -(-short // (m * increment * n))

    def stops(funded: set[int]) -> bool:
        if completion in ("add1", "add1-greedy"):
            return _fills(pr, funded)
        return len(funded) == len(pr.candidates)

    def run_at(k: int) -> _State:
        return _run(pr, Fraction(budget, n) + k * increment)

    funded = {j for j, k in first_k.items() if k == 0}
    if stops(funded):
        return run_at(0)
    for k in sorted(set(first_k.values()) - {0}):
        grown = funded | {j for j, k_j in first_k.items() if k_j == k}
        if _cost(pr, pr.free) + _cost(pr, list(grown)) > budget:
            return run_at(k - 1)
        funded = grown
        if stops(funded):
            return run_at(k)
    raise AssertionError("every candidate funded without the scan stopping")


# the scan of one stage of a parallel completion, set before the worker processes are forked
_STAGED: Callable[[int, int], tuple[Any, float]] | None = None
_Stop = TypeVar("_Stop")  # what a stage's scan reports of its stop
# in a worker process: its pipe to the parent, and the first unit, start time and start cost
# (seconds to the scan's first question, -1 before it) of its stage
_CONTROL: Connection | None = None
_STAGE_STARTED: list[Any] = [0, 0.0, -1.0]
_STAGE_CUT: int | None = None  # where the stage now ends, once a split was granted


class _Cancelled(Exception):
    """The parent process no longer needs the stage being scanned (it lies past a stop)."""


class _PastStop(Exception):
    """The first run of the stage being scanned overspends: the scan stops before the stage."""


def stage_past_stop() -> None:
    """Told by a stage's scan whose first run overspends (``O_first``; the scan stops at some
    ``k < first``, in an earlier stage): in a worker of :func:`staged_stop` the parent hears
    it at once (:class:`_PastStop`) and drops the later stages; outside one, nothing."""
    if _CONTROL is not None:
        raise _PastStop


def stage_end(k: int, last: int | None) -> int | None:
    """Where the stage being scanned ends, asked by the scan once it has found no stop at the
    units up to ``k``: ``last``, unless the parent process has asked since to split the stage
    (then the first half of what is left, the rest going to an idle process; also when the
    split was granted during a block, :func:`stage_poll`) or to drop it (:class:`_Cancelled`
    is raised). Outside a worker of :func:`staged_stop`, ``last``."""
    conn = _CONTROL
    if conn is None or last is None:
        return last
    stage = _STAGE_STARTED
    if stage[2] < 0:  # the scan's first question: what starting the stage cost
        stage[2] = time.perf_counter() - stage[1]
    return _answer(conn, k, last)


def stage_poll(k: int, last: int | None) -> None:
    """Asked by a scan between the rounds of a block, having found no stop at the units up to
    ``k``: the parent's requests are answered now, not at the block's end (a block of
    Toulouse 2024 takes 0.1-0.2 s, which an idle process would wait), as :func:`stage_end`
    answers them: a drop raises :class:`_Cancelled`; a split hands on the second half of what
    is left past ``k``, and :func:`stage_end` ends the stage at the cut (the block's runs past
    it are lost). Requests wait for the end of the stage's first block, which measures what
    starting the stage costs."""
    conn = _CONTROL
    if conn is None or last is None or _STAGE_STARTED[2] < 0 or not conn.poll():
        return
    _answer(conn, k, last)


def _answer(conn: Connection, k: int, last: int) -> int:
    """Answer the requests waiting from the parent for a stage that found no stop at the units
    up to ``k``: the stage's last unit, cut if a split was granted (now or earlier)."""
    global _STAGE_CUT
    if _STAGE_CUT is not None:
        last = min(last, _STAGE_CUT)
    while conn.poll():
        request = conn.recv()
        if request[0] == "cancel":
            raise _Cancelled
        first, started, start_cost = _STAGE_STARTED
        # the time left at the rate of the units scanned since the start; a split costs the
        # idle process a stage start of its own (about this one's), so it is only worth it
        # when much more is left (Toulouse 2024: stages of a few units split again and
        # again, each half starting in 0.1 s, took 0.5 s after the stop was known)
        scanning = time.perf_counter() - started - start_cost
        left = (last - k) * scanning / max(1, k - first)
        if last - k >= 2 and left >= max(_SPLIT_SECONDS, _SPLIT_STARTS * start_cost):
            middle = k + (last - k) // 2
            conn.send(("split", middle, last))
            last = _STAGE_CUT = middle
        else:
            conn.send(("split", None, None))
    return last


def _serve(conn: Connection) -> None:
    """A worker process of :func:`staged_stop`: scans the stages it is sent, ``("stage",
    first, last)``, and sends back ``("done", stop, progress, seconds, past)`` (``past``: its
    first run overspends, see :func:`stage_past_stop`), or ``("error",
    traceback)``; answers requests to split (see :func:`stage_end`), refusing those that come
    after their stage ended."""
    global _CONTROL, _STAGE_STARTED, _STAGE_CUT
    assert _STAGED is not None
    _CONTROL = conn
    while True:
        request = conn.recv()
        if request[0] != "stage":
            if request[0] == "split":
                conn.send(("split", None, None))
            continue
        _, first, last = request
        try:
            started = time.perf_counter()
            _STAGE_STARTED = [first, started, -1.0]
            _STAGE_CUT = None
            stop, reached = _STAGED(first, last)
            conn.send(("done", stop, reached, time.perf_counter() - started, False))
        except _Cancelled:
            conn.send(("done", None, 0.0, 0.0, False))
        except _PastStop:
            conn.send(("done", None, 0.0, 0.0, True))
        except BaseException:  # reported to the parent, which raises it
            conn.send(("error", traceback.format_exc()))
            return


def available_workers() -> int:
    """How many processes a long completion may use: the CPUs this process may run on, and
    one only where forking is unavailable or unsafe (other threads may hold locks)."""
    if "fork" not in multiprocessing.get_all_start_methods() or threading.active_count() > 1:
        return 1
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def staged_stop(
    scan_range: Callable[[int, int], tuple[_Stop | None, float]],
    workers: int,
    progress: Callable[[float], None] | None,
    first_units: int | None = None,
    meanwhile: Callable[[_Stop], None] | None = None,
) -> _Stop:
    """Where a completion's scan stops, the scan cut into stages run side by side by
    ``workers`` forked processes, and read in order.
    ``scan_range(first, last)``: ``(stop, progress)`` with ``stop`` where the scan stops within
    ``[b_first, b_last]`` started afresh at ``b_first`` (its budget, or whatever the caller
    needs of it, sent back through a pipe), None if it does not stop there; it may ask
    :func:`stage_end` whether its stage has been cut shorter.

    The scan stops at the first ``k`` where ``O_k`` is exhaustive (``add1``) or ``O_{k+1}``
    overspends, which the outcomes at ``k`` and ``k + 1`` alone decide, so a stage finds on its
    own whether the scan stops inside it: the first stage that does holds the scan's stop,
    whatever the stages' lengths. The first stages are short (``first_units``, by default
    ``_STAGE_FIRST_UNITS``); then each is sized to take about ``_STAGE_SECONDS`` at the rate of
    the stages so far (Budapest 2024: 22,001 fast units; Warsaw: a few hundred slow ones).
    Once a stage has found a stop, or finds that its first run overspends (the stop is before
    it, :func:`stage_past_stop`), the stages past it are dropped and a process left idle takes
    the second half of what is left of a stage before it (each start costs about one MES run),
    so that the processes end together; the stage refuses (:func:`stage_end`) when less is
    left than a few such starts. ``meanwhile(stop)`` is called once, with the stop of the
    first stage that found one, while stages before it still run (the caller's work at the
    stop, done while this process would wait; the stop is the scan's unless one of them
    finds an earlier one)."""
    global _STAGED
    _STAGED = scan_range
    context = multiprocessing.get_context("fork")
    processes: list[Any] = []
    # stages by their first unit: [last unit, result (stop, progress) or None]; each stage's
    # last unit is the next one's first
    stages: dict[int, list[Any]] = {}
    busy: dict[Connection, int] = {}  # a process's connection -> the stage it scans
    asked: dict[Connection, Connection] = {}  # asked to split -> the idle process waiting
    whole: set[int] = set()  # stages that refused to split (too little left)
    dropped: set[int] = set()  # stages past a stop, cancelled
    past_stop: set[int] = set()  # stages whose first run overspends (the stop is before)
    frontier = 0  # the first unit of the next new stage
    stop_at: int | None = None  # the first stage known to stop, or to start past the stop
    units = seconds = 0.0  # of the stages done

    def start(conn: Connection, first: int, last: int) -> None:
        stages[first] = [last, None]
        busy[conn] = first
        conn.send(("stage", first, last))

    def assign(conn: Connection) -> None:
        """Give an idle process work: a new stage while no stop is known, else half of what
        is left of the stage before the stop with the most units left, if any."""
        nonlocal frontier
        if stop_at is None:
            size = _STAGE_FIRST_UNITS if first_units is None else first_units
            if seconds > 0:
                size = max(size, int(units / seconds * _STAGE_SECONDS))
            frontier += size
            start(conn, frontier - size, frontier)
            return
        running = [
            (stages[first][0] - first, other)
            for other, first in busy.items()
            if first < stop_at and first not in whole and other not in asked
        ]
        if running:
            victim = max(running, key=lambda item: item[0])[1]
            asked[victim] = conn
            victim.send(("split",))

    def found_stop(first: int) -> None:
        """The stop is in the stage beginning at ``first``, or in an earlier one."""
        nonlocal stop_at
        stop_at = first
        for other, at in busy.items():
            if at > first and at not in dropped:
                dropped.add(at)
                other.send(("cancel",))

    # plain processes and pipes, not a Pool: stopping a Pool whose idle workers wait for tasks
    # can deadlock (its handler threads and the workers share a lock on the task queue)
    found = False  # the stop, not an error: the processes are not waited for
    try:
        for _ in range(workers):
            mine, theirs = context.Pipe()
            process = context.Process(target=_serve, args=(theirs,), daemon=True)
            process.start()
            theirs.close()
            processes.append(process)
            assign(mine)
        read = 0  # the first unit of the next stage to read, in order
        shown = 0.0  # the progress reported so far
        while True:
            while read in stages and stages[read][1] is not None:
                if read in past_stop:
                    raise AssertionError("a stage starts past a stop no earlier stage found")
                result: tuple[_Stop | None, float] = stages[read][1]
                stop, reached = result
                if stop is not None:
                    found = True
                    return stop
                if progress is not None:
                    shown = max(shown, reached)  # a stage ended before its first report says 0
                    progress(shown)
                read = stages[read][0]
            if meanwhile is not None and stop_at is not None and stop_at != read:
                ahead = stages[stop_at][1]
                if ahead is not None and ahead[0] is not None:  # not a stage past the stop
                    meanwhile(ahead[0])
                    meanwhile = None
            listening = set(busy) | set(asked)
            for conn in wait(list(listening)):
                assert isinstance(conn, Connection)
                try:
                    message: tuple[Any, ...] = conn.recv()
                except EOFError:
                    raise RuntimeError("a process of the completion ended unexpectedly") from None
                if message[0] == "error":
                    raise RuntimeError(f"a stage of the completion failed:\n{message[1]}")
                if message[0] == "split":
                    waiting = asked.pop(conn)
                    middle, last = message[1], message[2]
                    if conn not in busy:  # refused after its stage ended: idle now
                        middle = None
                        assign(conn)
                    elif middle is None:
                        whole.add(busy[conn])
                    else:
                        stages[busy[conn]][0] = middle
                    if middle is not None and (stop_at is None or middle < stop_at):
                        start(waiting, middle, last)
                    else:
                        assign(waiting)
                    continue
                first = busy.pop(conn)
                stop, reached, spent, past = message[1:]
                stages[first][1] = (stop, reached)
                if past:
                    past_stop.add(first)
                if first not in dropped:
                    if not past:
                        units += stages[first][0] - first
                        seconds += spent
                    # a stage past the stop bounds it as a stage that stops would: the
                    # stages after it are dropped, those before it split for idle processes
                    if (stop is not None or past) and (stop_at is None or first < stop_at):
                        found_stop(first)
                if conn not in asked:  # else idle once its answer to the split comes
                    assign(conn)
    finally:
        _STAGED = None
        for process in processes:
            process.kill()
        # once the stop is known the count does not wait for the killed processes to end
        # (1-3 ms on Wieliczka 2023): multiprocessing reaps them when it next starts one, or
        # at exit; on an error they are reaped now
        for process in processes:
            process.join(0 if found else None)


def _complete_parallel(
    pr: _Problem,
    completion: str,
    increment: int,
    progress: Callable[[float], None] | None,
    workers: int,
) -> _State:
    """The scan of :func:`_complete` by :func:`staged_stop`; the run at the stop played again
    here, while the stages before it end where a later stage found it first."""
    pr.many_runs = True
    pr.cosupport()  # built once, before the fork (with the money matrix on large elections)

    def scan_range(first: int, last: int) -> tuple[Fraction | None, float]:
        reached = [0.0]
        state = _complete(pr, completion, increment, "fast", reached.append, first, last)
        return (None if state is None else state.b), reached[-1]

    played: dict[Fraction, _State] = {}  # the run at a stop found while earlier stages run

    def play(b: Fraction) -> None:
        played[b] = _run(pr, b)

    stop = staged_stop(scan_range, workers, progress, meanwhile=play)
    return played[stop] if stop in played else _run(pr, stop)


def _greedy_rest(
    pr: _Problem, selected: list[int], reasons: dict[int, tuple[str, tuple[int, ...]]]
) -> list[int]:
    return greedy_rest(pr.budget, pr.costs, pr.total_sat, pr.prio, selected, reasons)


def greedy_rest(
    budget: int,
    costs: Sequence[int],
    total_sat: Sequence[int],
    prio: Sequence[int],
    selected: list[int],
    reasons: dict[int, tuple[str, tuple[int, ...]]],
) -> list[int]:
    """Utilitarian greedy on the projects not selected (pabutools' greedy_utilitarian_welfare),
    the ``add1-greedy`` completion: the projects it adds, in order; ``reasons`` updated."""
    left = budget - sum(costs[j] for j in selected)
    chosen = set(selected)
    rest = [j for j in range(len(costs)) if j not in chosen]

    def key(j: int) -> tuple[int, Fraction, int]:
        # pabutools' satisfaction density: inf for cost 0 with support, 0 without support
        if total_sat[j] == 0:
            return (2, Fraction(0), prio[j])
        if costs[j] == 0:
            return (0, Fraction(0), prio[j])
        return (1, -Fraction(total_sat[j], costs[j]), prio[j])

    added = []
    for j in sorted(rest, key=key):
        if costs[j] <= left:
            added.append(j)
            left -= costs[j]
            reasons.pop(j, None)
        elif j in reasons and reasons[j][0] != "no-supporters":
            reasons[j] = ("did-not-fit", ())
    return added


def _small_dispatch() -> Callable[..., MesResult | None]:
    """``mes_small.dispatch``, imported on first use (mes_small imports this module)."""
    global _dispatch
    if _dispatch is None:
        from pnyx.methods.mes_small import dispatch

        _dispatch = dispatch
    return _dispatch


_dispatch: Callable[..., MesResult | None] | None = None


def _holds_blas(utilities: IntArray, completion: str) -> bool:
    """Whether a count holds BLAS to one thread (see blas): a completion (many runs) of
    ``_BLAS_CELLS`` ballots x projects or more. A single run is a few milliseconds, no slower
    with BLAS's own threads (Amsterdam 604, Warszawa 2021 Mokotow, Budapest 2024, on two
    cores), and the first hold of a process costs 5 ms (threadpoolctl's import and library
    scan): more than Amsterdam's whole run."""
    return completion != "none" and np.size(utilities) >= _BLAS_CELLS


def validated_arguments(
    costs: IntArray,
    utilities: IntArray,
    multiplicity: IntArray,
    completion: str,
    increment: int,
) -> tuple[IntArray, IntArray, IntArray]:
    """The arguments of :func:`equal_shares` as int64 arrays, or a ValueError saying what is
    wrong with them."""
    if completion not in COMPLETIONS:
        raise ValueError(f"unknown completion {completion!r}; expected one of {COMPLETIONS}")
    costs = np.asarray(costs, dtype=np.int64)
    utilities = np.asarray(utilities, dtype=np.int64)
    multiplicity = np.asarray(multiplicity, dtype=np.int64)
    if utilities.ndim != 2 or utilities.shape[1] != costs.shape[0]:
        raise ValueError("utilities must be n_ballots x n_projects")
    if multiplicity.shape != (utilities.shape[0],):
        raise ValueError("multiplicity must have one entry per ballot")
    if costs.min(initial=0) < 0 or utilities.min(initial=0) < 0 or multiplicity.min(initial=0) < 0:
        raise ValueError("costs, utilities and multiplicities must be non-negative")
    if completion != "none" and increment <= 0:
        raise ValueError("increment must be positive")
    return costs, utilities, multiplicity


def equal_shares(
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
    scan: str = "fast",
    workers: int | None = None,
    supporters: Supporters | None = None,
) -> MesResult:
    """Method of Equal Shares with an optional completion (see the module docstring).

    ``costs`` (n_projects) and ``budget`` in integer units, ``increment`` = one currency unit in
    those units; ``utilities`` (n_ballots x n_projects) 1/0 for approval or points;
    ``multiplicity`` (n_ballots); ``tie_priority`` (n_projects), lower wins a tie.
    ``scan="unit"`` runs the completion one increment at a time (slow; for verification).
    ``workers``: processes for a completion; by default every CPU available for elections of
    ``_PARALLEL_ENTRIES`` supporter entries or more, one process below (the result is the same).
    ``supporters``: this election's :class:`Supporters` (with this utility model), for a
    caller that keeps them between counts (``pb.Profile.mes_supporters``); checked cheaply
    (shapes, costs, voters), not cell by cell.
    """
    # the products of a MES run are small: BLAS threads would only spin (see blas)
    blas_held = _holds_blas(utilities, completion)
    with single_threaded_blas() if blas_held else nullcontext():
        if scan not in ("fast", "unit"):
            raise ValueError(f"unknown scan {scan!r}")
        if workers is not None and (not isinstance(workers, int) or workers < 1):
            raise ValueError(f"workers must be a positive integer, not {workers!r}")
        if supporters is not None and supporters.checked_already(
            costs, utilities, multiplicity, cost_utility
        ):  # validated by an earlier count (read-only arrays)
            if completion not in COMPLETIONS or (completion != "none" and increment <= 0):
                validated_arguments(costs, utilities, multiplicity, completion, increment)
        else:
            costs, utilities, multiplicity = validated_arguments(
                costs, utilities, multiplicity, completion, increment
            )
            if supporters is not None and not supporters.check(
                costs, utilities, multiplicity, cost_utility
            ):
                raise ValueError("the supporters given are not those of this election")
        if scan == "fast":
            small = _small_dispatch()(
                costs,
                budget,
                utilities,
                multiplicity,
                np.asarray(tie_priority),
                cost_utility=cost_utility,
                completion=completion,
                increment=increment,
                progress=progress,
                workers=workers,
                supporters=supporters,
            )
            if small is not None:
                return small
        keep = multiplicity > 0
        all_kept = bool(keep.all())
        if not all_kept:
            utilities, multiplicity = utilities[keep], multiplicity[keep]
        pr = _Problem(
            costs,
            budget,
            utilities,
            multiplicity,
            np.asarray(tie_priority),
            cost_utility,
            supporters=supporters if all_kept else None,  # of the unfiltered ballots
        )
        if pr.n_voters == 0:
            nobody: Reasons = {j: ("no-supporters", ()) for j in range(pr.n_projects)}
            return MesResult((), np.zeros((keep.size, costs.size)), 0, Fraction(0), nobody)
        if progress is not None:
            progress(0.0)
        n_workers = workers
        if n_workers is None:
            n_workers = available_workers() if pr.flat_rows.size >= _PARALLEL_ENTRIES else 1
        if completion == "none":
            state = _run(pr, Fraction(pr.budget, pr.n_voters))
        elif scan == "fast" and pr.disjoint:
            state = _complete_disjoint(pr, completion, increment)
        elif scan == "fast" and n_workers > 1:
            state = _complete_parallel(pr, completion, increment, progress, n_workers)
        else:
            completed = _complete(pr, completion, increment, scan, progress)
            assert completed is not None  # a scan without a last stage stops
            state = completed
        selected = list(pr.free) + [j for j, _ in state.rounds]
        spent = _cost(pr, selected)
        # the payments and the reasons are built on first access (see MesResult); the run
        # keeps what they are made of
        rounds_paid: list[list[tuple[int, IndexArray, FloatArray]]] = []

        def payments_of_rounds() -> list[tuple[int, IndexArray, FloatArray]]:
            if not rounds_paid:
                rounds_paid.append(state.payments)
            return rounds_paid[0]

        def reasons_of_mes() -> Reasons:
            chosen = set(selected)
            spent_on = state.spent_by_supporters(
                [j for j in range(pr.n_projects) if j not in chosen and pr.total_sat[j] > 0],
                payments_of_rounds(),
            )
            reasons: Reasons = {}
            for j in range(pr.n_projects):
                if j in chosen:
                    continue
                if pr.total_sat[j] == 0:
                    reasons[j] = ("no-supporters", ())
                elif pr.costs[j] > pr.budget:
                    reasons[j] = ("did-not-fit", ())
                else:
                    reasons[j] = ("unaffordable", spent_on[j])
            return reasons

        reasons: Reasons | Callable[[], Reasons] = reasons_of_mes
        if completion == "add1-greedy":  # greedy's choices update the reasons: built now
            reasons = reasons_of_mes()
            selected = selected + _greedy_rest(pr, selected, reasons)
            spent = _cost(pr, selected)
        shape = (pr.n_ballots, pr.n_projects)

        def payments() -> FloatArray:
            full = np.zeros((keep.size, costs.size), dtype=np.float64)
            kept = full if all_kept else np.zeros(shape)
            for j, rows, pay in payments_of_rounds():
                kept[rows, j] = pay
            if not all_kept:
                full[keep] = kept
            return full

        if progress is not None:
            progress(1.0)
        return MesResult(tuple(selected), payments, spent, state.b, reasons)
