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
``b_k``) overspends (returning ``O_{k-1}``) or, for ``add1``, is exhaustive (returning ``O_k``).
Here the MES runs at a *block* of consecutive budgets ``b_k .. b_{k+K-1}`` are played side by
side: ballots x K arrays of float budgets, one column per budget, each column its own MES run
(the funded project may differ per column). The blocks grow geometrically (1, 4, 16, ... up to a
cap set by the number of supporter entries), so a scan that stops at once costs one run. A
column that overspends ends the block's work for every later column (the scan stops there at the
latest), and so does a column whose finished run is where the scan stops. The outcomes are then
read in order of ``k``: this *is* the unit-by-unit scan, provided each column's run is the exact
MES run at its budget, which the rest of this docstring shows.

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
   previous round's poor set) gives ``rho'`` with ``|rho' - rho_S| <= err = (D + 2 (M + 2) eps
   (money' + c)) / R_S + 4 eps rho'`` (``M`` supporters; the sum of the poor budgets is off by at
   most ``D`` plus its rounding, ``R_S`` is an exact integer in float64, checked up front), so
   ``lo = rho' - err <= rho_j`` whatever the split.
2. Certified split. If moreover every supporter not exhausted has ``|beta'_i - rho' u_ij| >
   D / m_i + err u_ij + 4 eps (beta'_i + rho' u_ij)`` with the sign given by ``S`` (poor: below),
   then at ``rho_S`` exactly the poor of ``S`` hold ``beta_i < rho_S u_ij`` and the others
   ``beta_i > rho_S u_ij``: ``f_j(rho_S) = c`` and ``f_j < c`` left of it (slope ``>= R_S > 0``),
   so ``rho_j = rho_S``, ``rho_j <= hi = rho' + err``, and the voters who pay everything are
   exactly ``S`` (no voter sits on the boundary).
3. Affordability (``sum_i m_i beta_i >= c``) is decided when the float money differs from ``c``
   by more than ``D`` plus its rounding.
4. The round's winner. With ``w`` the float minimum and its split certified, a project with
   ``lo_j > hi_w`` has ``rho_j > rho_w``: it loses whatever the priorities. The other
   *contenders* get certified splits too; when more than one remains, the winner is the least
   ``(rho, priority)`` computed exactly: a contender none of whose poor supporters holds money
   (all exhausted) has ``rho = c / R_S`` exactly (integers); *twins* (same cost, same utility
   column) have equal ``rho`` in every state, so among them the priority decides.
5. Funding. The winner's poor supporters go to exactly 0, the others pay ``rho' u``; over the
   rich ``sum m |rho' - rho| u = |rho' - rho| R_S``, which is at most the poor supporters' share
   of ``D`` (they leave it, going to exactly 0) plus the rounding of ``rho'``; so ``D`` grows
   only by the round's rounding, ``4 (M + 5) eps (money' + c)``. At the start
   ``D = 2 n eps b``.

Whenever a decision is not certified by 2-4 (a margin within the error bound, or a tie this
module cannot settle exactly), the column's run is set aside and, only if the scan reaches its
budget, computed by :func:`pnyx.methods.mes.equal_shares` (``completion="none"``, total budget
``b_k n``: the MES run at ``b_k``, exact). Payments of the reported run are replayed from its
funded projects and float price factors (the same float operations, so the same splits).

Tiny elections (few supporter entries, e.g. Gdańsk 2020 Przeróbka: 3 projects, 44 entries) take
the same algorithm with one column at a time in plain Python floats, where numpy's per-call cost
would be the whole cost.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from pnyx.methods.mes import COMPLETIONS, MesResult

__all__ = ["equal_shares_small", "small_applies"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
IndexArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]

_EPS = 2.0**-53
_MAX_ENTRIES = 20_000  # supporter entries above which ``mes`` is the faster path
_CELLS = 1 << 17  # entries x columns of one block, at most


def small_applies(
    costs: IntArray, utilities: IntArray, multiplicity: IntArray, cost_utility: bool
) -> bool:
    """True where :func:`equal_shares_small` is the faster path: at most ``_MAX_ENTRIES``
    supporter entries, and every sum of ``m_i u_ij`` an integer below ``2**53`` (exact in
    float64). Arguments as validated by ``mes.equal_shares``."""
    n_entries = int(np.count_nonzero(utilities))
    if n_entries > _MAX_ENTRIES:
        return False
    if cost_utility:
        top = int(costs.max(initial=0))
    else:
        top = int(utilities.max(initial=0))
    return max(1, top) * max(1, int(multiplicity.sum())) < 2**53


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
        self.util = util
        self.support = support
        total = multiplicity @ util
        self.total_sat = [int(t) for t in total]
        bound = max(1, int(util.max(initial=0))) * max(1, self.n_voters)
        if bound >= 2**53:
            raise ValueError("utilities times voters exceed 2**53: use mes.equal_shares")
        self.cands = [j for j in range(self.n_projects) if self.total_sat[j] > 0 and self.costs[j] > 0]
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


class _Outcome:
    """One MES run at per-voter budget ``b``: funded candidates (local indices) in order with
    their float price factors; ``exact`` is set when the run came from ``mes``."""

    __slots__ = ("b", "rounds", "rhos", "spent", "over", "exact")

    def __init__(self, b: Fraction) -> None:
        self.b = b
        self.rounds: list[int] = []
        self.rhos: list[float] = []
        self.spent = 0
        self.over = False
        self.exact: MesResult | None = None


def _stops(prep: _Prep, out: _Outcome, exhaustive: bool) -> bool:
    if exhaustive:
        left = prep.budget - out.spent
        funded = set(out.rounds)
        return all(
            prep.c_int[q] > left for q in range(len(prep.cands)) if q not in funded
        )
    return len(out.rounds) == len(prep.cands)


def _block(
    prep: _Prep, bs: list[Fraction], exhaustive: bool | None
) -> list[_Outcome | None]:
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return _block_run(prep, bs, exhaustive)


def _block_run(
    prep: _Prep, bs: list[Fraction], exhaustive: bool | None
) -> list[_Outcome | None]:
    """MES runs at the budgets ``bs`` side by side. An entry is None when the scan cannot reach
    it (an earlier column overspent or stops); an outcome with ``exact`` None but ``rounds``
    None-marked (``over`` False, ``spent`` -1) needs the exact fallback."""
    K = len(bs)
    n = prep.n_ballots
    outs: list[_Outcome | None] = [_Outcome(b) for b in bs]
    for o in outs:
        assert o is not None
        o.spent = prep.free_cost
    bf = np.array([float(b) for b in bs], dtype=np.float64)
    B = np.empty((n, K), dtype=np.float64)
    B[:] = bf[None, :]
    exh = np.zeros((n, K), dtype=np.bool_)
    P = len(prep.cands)
    alive = np.ones((P, K), dtype=np.bool_)
    e_q, e_row, e_u, e_m, e_mu = prep.e_q, prep.e_row, prep.e_u, prep.e_m, prep.e_mu
    starts = prep.starts
    poor = np.zeros((e_q.size, K), dtype=np.bool_)
    D = 2.0 * prep.n_voters * _EPS * bf
    cols = np.arange(K)  # original column of each current column
    fallback: list[int] = []
    c = prep.c[:, None]
    cnt = prep.cnt[:, None]
    eu = e_u[:, None]
    em = e_m[:, None]
    emu = e_mu[:, None]
    sizes = (prep.ends - prep.starts).astype(np.intp)
    qs = np.arange(P)  # candidates still alive somewhere (current local order)
    cut = -1  # columns from this original index on are not needed

    while True:
        act: BoolArray = np.asarray(alive.any(axis=0))
        if cut >= 0:
            act &= cols < cut
        if not act.any():
            break
        # compact columns and projects when many are done
        if act.sum() * 2 <= act.size or (alive.any(axis=1).sum() * 4 <= 3 * qs.size):
            keep_c = np.flatnonzero(act)
            live_q: BoolArray = np.asarray(alive[:, keep_c].any(axis=1))
            keep_q = np.flatnonzero(live_q)
            emask = live_q[e_q]
            B, exh, D, cols = B[:, keep_c], exh[:, keep_c], D[keep_c], cols[keep_c]
            alive = alive[np.ix_(keep_q, keep_c)]
            poor = poor[np.ix_(emask, keep_c)]
            remap = np.full(qs.size, -1, dtype=np.intp)
            remap[keep_q] = np.arange(keep_q.size)
            qs = qs[keep_q]
            e_q = remap[e_q[emask]]
            e_row, e_u, e_m, e_mu = e_row[emask], e_u[emask], e_m[emask], e_mu[emask]
            sizes = np.bincount(e_q, minlength=qs.size).astype(np.intp)
            starts = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.intp)
            c = prep.c[qs][:, None]
            cnt = sizes.astype(np.float64)[:, None]
            eu, em, emu = e_u[:, None], e_m[:, None], e_mu[:, None]
            act = np.ones(cols.size, dtype=np.bool_)
            if cut >= 0:
                act &= cols < cut
        Kc = cols.size
        Bg = B[e_row]
        exhG = exh[e_row]
        mB = Bg * em
        money = np.add.reduceat(mB, starts, axis=0)
        errM = D[None, :] + 2.0 * (cnt + 2.0) * _EPS * (money + c)
        alive &= ~(money < c - errM)
        alive[:, ~act] = False
        unsure = alive & (money <= c + errM)
        bad_cols: BoolArray = np.asarray(unsure.any(axis=0))
        aliveE = alive[e_q]
        poor |= exhG
        Pm = np.add.reduceat(np.where(poor, mB, 0.0), starts, axis=0)
        R = np.add.reduceat(np.where(poor, 0.0, emu), starts, axis=0)
        while True:
            rho = np.where(R > 0, (c - Pm) / np.where(R > 0, R, 1.0), np.inf)
            rhoU = rho[e_q] * eu
            new = Bg < rhoU
            new &= ~poor
            new &= aliveE
            if not new.any():
                break
            poor |= new
            Pm += np.add.reduceat(np.where(new, mB, 0.0), starts, axis=0)
            R -= np.add.reduceat(np.where(new, emu, 0.0), starts, axis=0)
        bad_cols |= (alive & ~(R > 0)).any(axis=0)
        err = (D[None, :] + 2.0 * (cnt + 2.0) * _EPS * (money + c)) / R + 4 * _EPS * rho
        rho_m = np.where(alive, rho, np.inf)
        w0 = np.argmin(rho_m, axis=0)
        has = alive[w0, np.arange(Kc)]
        hi0 = rho[w0, np.arange(Kc)] + err[w0, np.arange(Kc)]
        contenders = alive & (rho - err <= hi0[None, :])
        # certify the contenders' splits (the float winner is one of them)
        ce, ck = np.nonzero(contenders[e_q] & ~exhG)
        if ce.size:
            g_b = Bg[ce, ck]
            g_ru = rhoU[ce, ck]
            gap = g_b - g_ru
            tol = (
                D[ck] / e_m[ce]
                + err[e_q[ce], ck] * e_u[ce]
                + 4 * _EPS * (np.abs(g_b) + np.abs(g_ru))
            )
            fail = (np.abs(gap) <= tol) | ((gap < 0) != poor[ce, ck])
            if fail.any():
                bad_cols[ck[fail]] = True
        w = np.where(has, w0, -1)
        n_cont = contenders.sum(axis=0)
        multi = np.flatnonzero((n_cont > 1) & ~bad_cols)
        if multi.size:
            live_poor = np.add.reduceat((poor & ~exhG).astype(np.float64), starts, axis=0)
            for k in multi.tolist():
                w[k] = _resolve(prep, qs, np.flatnonzero(contenders[:, k]), live_poor[:, k], R[:, k])
                if w[k] < 0:
                    bad_cols[k] = True
        # set aside the columns with an uncertain decision
        if bad_cols.any():
            for k in np.flatnonzero(bad_cols).tolist():
                fallback.append(int(cols[k]))
                o = outs[int(cols[k])]
                assert o is not None
                o.spent = -1
            alive[:, bad_cols] = False
            w[bad_cols] = -1
        # finished columns (nothing affordable): does the scan stop there?
        for k in np.flatnonzero((w < 0) & act & ~bad_cols).tolist():
            o = outs[int(cols[k])]
            assert o is not None
            if exhaustive is not None and _stops(prep, o, exhaustive):
                ck0 = int(cols[k])
                cut = ck0 + 1 if cut < 0 else min(cut, ck0 + 1)
        # fund the winners
        fund = np.flatnonzero(w >= 0)
        if fund.size == 0:
            continue
        wq = w[fund]
        seg_s, lens = starts[wq], sizes[wq]
        fe = np.repeat(seg_s - np.concatenate(([0], np.cumsum(lens)[:-1])), lens) + np.arange(
            int(lens.sum())
        )
        fk = np.repeat(fund, lens)
        old = Bg[fe, fk]
        pa = poor[fe, fk]
        newb = np.where(pa, 0.0, old - rhoU[fe, fk])
        rows = e_row[fe]
        B[rows, fk] = newb
        exh[rows, fk] |= pa
        kk = fund
        alive[wq, kk] = False
        D[kk] += 4.0 * (cnt[wq, 0] + 5.0) * _EPS * (money[wq, kk] + c[wq, 0])
        rho_w = rho[wq, kk].tolist()
        for k, q, r in zip(kk.tolist(), wq.tolist(), rho_w, strict=True):
            ck0 = int(cols[k])
            o = outs[ck0]
            assert o is not None
            gq = int(qs[q])
            o.rounds.append(gq)
            o.rhos.append(r)
            o.spent += prep.c_int[gq]
            if o.spent > prep.budget:
                o.over = True
                alive[:, k] = False
                cut = ck0 + 1 if cut < 0 else min(cut, ck0 + 1)
    if cut >= 0:
        for i in range(cut, K):
            outs[i] = None
    return outs


def _resolve(
    prep: _Prep, qs: IndexArray, cont: IndexArray, live_poor: FloatArray, R: FloatArray
) -> int:
    """The exact least ``(rho, priority)`` among contenders with certified splits (current
    local indices); -1 when it cannot be settled here."""
    classes: dict[int, list[int]] = {}
    for q in cont.tolist():
        classes.setdefault(prep.twin[int(qs[q])], []).append(q)
    best: tuple[Fraction, int] | None = None
    best_q = -1
    for members in classes.values():
        q = min(members, key=lambda x: prep.prio[prep.cands[int(qs[x])]])
        gq = int(qs[q])
        if len(classes) > 1:
            if live_poor[q] != 0:
                return -1
            key = (Fraction(prep.c_int[gq], int(R[q])), prep.prio[prep.cands[gq]])
        else:
            key = (Fraction(0), prep.prio[prep.cands[gq]])
        if best is None or key < best:
            best, best_q = key, q
    return best_q


def _exact_outcome(prep: _Prep, b: Fraction) -> _Outcome:
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
    out.rounds = [local[j] for j in res.selected[len(prep.free) :]]
    out.spent = prep.free_cost + sum(prep.c_int[q] for q in out.rounds)
    out.over = out.spent > prep.budget
    out.exact = res
    return out


def _payments(prep: _Prep, out: _Outcome) -> FloatArray:
    """Replay the run's float budgets along its funded projects (the block's float operations)."""
    if out.exact is not None:
        return np.asarray(out.exact.payments, dtype=np.float64)
    pay_m = np.zeros((prep.n_ballots, prep.n_projects), dtype=np.float64)
    beta = np.full(prep.n_ballots, float(out.b), dtype=np.float64)
    exh = np.zeros(prep.n_ballots, dtype=np.bool_)
    for q, r in zip(out.rounds, out.rhos, strict=True):
        s, e = int(prep.starts[q]), int(prep.ends[q])
        rows = prep.e_row[s:e]
        old = beta[rows]
        ru = r * prep.e_u[s:e]
        pa = exh[rows] | (old < ru)
        pay = np.where(pa, old, np.minimum(old, ru))
        beta[rows] = np.where(pa, 0.0, old - ru)
        exh[rows] |= pa
        pay_m[rows, prep.cands[q]] = pay
    return pay_m


def _scan(
    prep: _Prep,
    completion: str,
    increment: int,
    progress: Callable[[float], None] | None,
) -> _Outcome:
    start = Fraction(prep.budget, prep.n_voters)
    if completion == "none":
        (out,) = _block(prep, [start], None)
        assert out is not None
        return out if out.spent >= 0 else _exact_outcome(prep, start)
    exhaustive = completion in ("add1", "add1-greedy")
    k0, K = 0, 1
    cap = max(4, _CELLS // max(1, prep.e_q.size))
    prev: _Outcome | None = None
    while True:
        outs = _block(prep, [start + (k0 + i) * increment for i in range(K)], exhaustive)
        for out in outs:
            assert out is not None, "a column the scan reaches was dropped"
            if out.spent < 0:
                out = _exact_outcome(prep, out.b)
            if out.over:
                if prev is None:
                    raise AssertionError("MES overspent its own budget")
                return prev
            if _stops(prep, out, exhaustive):
                return out
            prev = out
        k0 += K
        K = min(cap, 4 * K)
        if progress is not None:
            progress(min(0.99, prev.spent / max(1, prep.budget)) if prev else 0.0)


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
    if completion not in COMPLETIONS:
        raise ValueError(f"unknown completion {completion!r}; expected one of {COMPLETIONS}")
    costs = np.asarray(costs, dtype=np.int64)
    utilities = np.asarray(utilities, dtype=np.int64)
    multiplicity = np.asarray(multiplicity, dtype=np.int64)
    if utilities.ndim != 2 or utilities.shape[1] != costs.shape[0]:
        raise ValueError("utilities must be n_ballots x n_projects")
    if multiplicity.shape != (utilities.shape[0],):
        raise ValueError("multiplicity must have one entry per ballot")
    if np.any(costs < 0) or np.any(utilities < 0) or np.any(multiplicity < 0):
        raise ValueError("costs, utilities and multiplicities must be non-negative")
    if completion != "none" and increment <= 0:
        raise ValueError("increment must be positive")
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
) -> MesResult:
    """:func:`equal_shares_small` on validated int64 arrays (what ``mes.equal_shares`` has)."""
    keep = multiplicity > 0
    n_all = keep.size
    if not keep.all():
        utilities, multiplicity = utilities[keep], multiplicity[keep]
    prep = _Prep(costs, budget, utilities, multiplicity, tie_priority, cost_utility)
    full_payments = np.zeros((n_all, costs.size), dtype=np.float64)
    reasons: dict[int, tuple[str, tuple[int, ...]]] = {}
    if prep.n_voters == 0:
        reasons = {j: ("no-supporters", ()) for j in range(prep.n_projects)}
        return MesResult((), full_payments, 0, Fraction(0), reasons)
    if progress is not None:
        progress(0.0)
    out = _scan(prep, completion, increment, progress)
    rounds = [prep.cands[q] for q in out.rounds]
    selected = list(prep.free) + rounds
    spent = sum(prep.costs[j] for j in selected)
    payments = _payments(prep, out)
    chosen = set(selected)
    paid = (prep.support.T.astype(np.int64) @ (payments > 0).astype(np.int64)) > 0
    for j in range(prep.n_projects):
        if j in chosen:
            continue
        if prep.total_sat[j] == 0:
            reasons[j] = ("no-supporters", ())
        elif prep.costs[j] > prep.budget:
            reasons[j] = ("did-not-fit", ())
        else:
            reasons[j] = ("unaffordable", tuple(s for s in rounds if paid[j, s]))
    if completion == "add1-greedy":
        selected += _greedy_rest(prep, selected, reasons)
        spent = sum(prep.costs[j] for j in selected)
    if keep.all():
        full_payments = payments
    else:
        full_payments[keep] = payments
    if progress is not None:
        progress(1.0)
    return MesResult(tuple(selected), full_payments, spent, out.b, reasons)


def _greedy_rest(
    prep: _Prep, selected: list[int], reasons: dict[int, tuple[str, tuple[int, ...]]]
) -> list[int]:
    """Utilitarian greedy on the projects not selected (as ``mes``)."""
    left = prep.budget - sum(prep.costs[j] for j in selected)
    chosen = set(selected)
    rest = [j for j in range(prep.n_projects) if j not in chosen]

    def key(j: int) -> tuple[int, Fraction, int]:
        if prep.total_sat[j] == 0:
            return (2, Fraction(0), prep.prio[j])
        if prep.costs[j] == 0:
            return (0, Fraction(0), prep.prio[j])
        return (1, -Fraction(prep.total_sat[j], prep.costs[j]), prep.prio[j])

    added = []
    for j in sorted(rest, key=key):
        if prep.costs[j] <= left:
            added.append(j)
            left -= prep.costs[j]
            reasons.pop(j, None)
        elif j in reasons and reasons[j][0] != "no-supporters":
            reasons[j] = ("did-not-fit", ())
    return added
