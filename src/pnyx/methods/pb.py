"""Participatory-budgeting rules over Pabulib elections, vectorised over distinct ballots.

An :class:`~pnyx.methods.pabulib.Election` is turned into a :class:`Profile`: one row per
*distinct* ballot with its multiplicity, costs and budget scaled to integers (``scale`` units per
currency unit, a power of ten, so the Kraków budget 1331751.11 is the integer 133175111), and
utilities as integers (1/0 for approval and choose-1, points for cumulative and scoring, points
by rank for ordinal ballots). Every decision that picks a winner uses exact integers or
:class:`fractions.Fraction`; floats only appear in values meant for display.

Rules (``tally(election, rule, ...)``):

``greedy``
    Projects by score (approvals, points, or points by rank), highest first, each funded if it
    still fits, else skipped. Projects nobody supports (score 0) are not funded — pabutools'
    ``greedy_utilitarian_welfare`` would fund them last if money were left; residents would not.
``greedy-no-skip``
    The same order, but counting stops at the first project that does not fit (Wrocław).
``greedy-threshold``
    ``greedy`` among projects whose score reaches META ``min_project_score_threshold``
    (Pabulib format spec; Katowice, Łódź, Warszawa).
``greedy-cost``
    pabutools' ``greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat)`` exactly:
    satisfaction per unit of cost (so, the number of voters whose ballot lists the project; 0 for
    a project costing 0, which pabutools then funds after the others), every project that fits.
``phragmen``
    pabutools' ``sequential_phragmen`` for approval ballots exactly, including its stopping rule:
    the count ends as soon as one of the projects tied for the lowest new maximal load does not
    fit; projects nobody approved have an infinite load and are reached last.
``mes``
    Method of Equal Shares, in :func:`pnyx.methods.mes.equal_shares` (cost utilities for
    approval and choose-1 ballots, as equalshares.net counts them; points otherwise), with the
    ``completion`` named.

Ties are broken explicitly (``ties``): ``"id"`` — by project id compared as a string, as
pabutools' default ``lexico_tie_breaking`` does; ``"cost"`` — the cheaper project first
(pabutools' ``min_cost_tie_breaking``), then by id; ``"votes"`` — the project more voters listed
first (``app_score_tie_breaking``), then by id.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import MISSING, dataclass, field, fields
from fractions import Fraction
from functools import cached_property
from math import gcd
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, TypeVar

import numpy as np
import numpy.typing as npt

from pnyx.methods.mes import MesResult, Supporters, equal_shares
from pnyx.methods.pabulib import (
    Election,
    Number,
    Project,
    Voter,
    format_number,
    is_given,
    parse_number,
)

__all__ = [
    "COMPLETIONS",
    "REASONS",
    "RULES",
    "TIES",
    "Outcome",
    "Profile",
    "ProjectResult",
    "Progress",
    "greedy",
    "greedy_cost",
    "method_of_equal_shares",
    "ordinal_points",
    "phragmen",
    "profile_from_election",
    "random_election",
    "tally",
    "tie_priority",
]

RULES = ("greedy", "greedy-no-skip", "greedy-threshold", "greedy-cost", "mes", "phragmen")
COMPLETIONS = ("none", "add1", "add1-no-stop", "add1-greedy")
TIES = ("id", "cost", "votes")
REASONS = (
    "funded",
    "did-not-fit",  # cost more than what was left when the rule reached it
    "over-budget",  # cost more than the whole budget
    "below-threshold",  # score under META min_project_score_threshold
    "no-support",  # nobody voted for it
    "not-reached",  # the count stopped before it (greedy-no-skip, phragmen)
    "unaffordable",  # MES: its supporters had spent their shares (see ``spent_on``)
)

Ties = Literal["id", "cost", "votes"]
Progress = Callable[[float], None]
"""Called with the share of the count done (0.0 to 1.0) while a rule counts (MES, Phragmén)."""

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
_INT64_SAFE = 2**62
_T = TypeVar("_T")


# ----------------------------------------------------------------------------------------------
# election -> arrays


@dataclass(frozen=True, eq=False)
class Profile:
    """An election as arrays over projects (file order) and distinct ballots.

    ``costs``/``budget`` are in units of ``1/scale`` currency; ``utilities[b, p]`` is what ballot
    ``b`` gives project ``p``, in units of ``1/points_scale`` points; ``multiplicity[b]`` is how
    many voters cast ballot ``b``; ``voter_ballot[i]`` is the row of the ``i``-th voter of the
    election (file order); ``votes[p]`` how many voters listed ``p``; ``scores[p]`` the
    total points (``== votes`` for approval), in units of ``1/points_scale``."""

    project_ids: tuple[str, ...]
    names: tuple[str, ...]
    costs: IntArray
    budget: int
    scale: int
    utilities: IntArray
    multiplicity: IntArray
    voter_ballot: IntArray
    points_scale: int
    votes: IntArray
    scores: IntArray
    vote_type: str
    threshold: Fraction | None = None
    meta: Mapping[str, str] = field(default_factory=dict)

    @property
    def n_projects(self) -> int:
        return len(self.project_ids)

    @property
    def n_voters(self) -> int:
        return int(self.multiplicity.sum())

    def money(self, scaled: int) -> Number:
        """A scaled amount back in currency units, exactly."""
        whole, part = divmod(int(scaled), self.scale)  # a Fraction only when one is needed
        return whole if part == 0 else Fraction(int(scaled), self.scale)

    def points(self, scaled: int) -> Number:
        whole, part = divmod(int(scaled), self.points_scale)
        return whole if part == 0 else Fraction(int(scaled), self.points_scale)

    @cached_property
    def _lists(self) -> _Lists:
        """Per-project values as Python lists, built once per profile: the rules loop over few
        projects, where numpy's per-call overhead would dominate."""
        by_id = sorted(range(self.n_projects), key=self.project_ids.__getitem__)
        id_rank = [0] * self.n_projects
        for rank, j in enumerate(by_id):
            id_rank[j] = rank
        return _Lists(
            costs=self.costs.tolist(),
            votes=self.votes.tolist(),
            scores=self.scores.tolist(),
            id_rank=id_rank,
            priority={},
            priority_arrays={},
            budget=self.money(self.budget),
        )

    @cached_property
    def _result_bases(self) -> list[dict[str, Any]]:
        """The fields of each project's :class:`ProjectResult` that no rule changes, built on
        the first read of an outcome's records (not by the counts: on a few dozen projects
        they cost more than a greedy count)."""
        lists = self._lists
        return [
            {
                **_RESULT_DEFAULTS,
                "id": self.project_ids[j],
                "name": self.names[j],
                "cost": self.money(lists.costs[j]),
                "votes": lists.votes[j],
                "score": self.points(lists.scores[j]),
                "selected": False,
            }
            for j in range(self.n_projects)
        ]

    @cached_property
    def entries(self) -> tuple[IntArray, IntArray, IntArray]:
        """The positive cells of ``utilities`` in row-major order (``np.nonzero``'s): ballot
        rows, project columns and values, found once per profile for the MES and Phragmén
        counts (on the largest files finding them in the dense matrix costs more than a whole
        MES run)."""
        # one flat scan and a divmod: 2-3x faster than a 2-D np.nonzero on large profiles
        # (Budapest 2024: 9.2 -> 6.6 ms; Lodz 2022: 8.4 -> 3.8 ms)
        flat = self.utilities.ravel()
        cells = np.flatnonzero(flat > 0)
        rows, cols = np.divmod(cells, max(self.n_projects, 1))
        values = flat.take(cells)
        for array in (rows, cols, values):
            array.setflags(write=False)  # shared by every count on this profile
        return rows, cols, values

    def mes_supporters(self, cost_utility: bool) -> Supporters:
        """The supporters of each project as the Method of Equal Shares reads them (with cost
        utilities or points), built on first use and shared by every MES count of this
        profile, as pabutools' profile keeps its ballots."""
        built = self._mes_supporters.get(cost_utility)
        if built is None:
            built = Supporters(
                self.costs, self.utilities, self.multiplicity, cost_utility, self.entries
            )
            self._mes_supporters[cost_utility] = built
        return built

    @cached_property
    def _mes_supporters(self) -> dict[bool, Supporters]:
        return {}

    @cached_property
    def _approvals(self) -> tuple[list[list[int]], list[list[int]]]:
        """For each distinct ballot the projects it gives points to, and for each project the
        ballots that do (Phragmén walks these on small profiles): slices of two flat lists,
        not an append per entry (Amsterdam 604: 1.9 -> 0.9 ms)."""
        rows, cols, _ = self.entries  # sorted by ballot
        per_ballot = np.bincount(rows, minlength=len(self.multiplicity)).cumsum().tolist()
        flat = cols.tolist()
        ballot_projects = [flat[a:b] for a, b in zip([0, *per_ballot], per_ballot, strict=False)]
        supporters, ptr = self._project_supporters
        flat, bounds = supporters.tolist(), ptr.tolist()
        project_ballots = [flat[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
        return ballot_projects, project_ballots

    @cached_property
    def _supporter_bits(self) -> list[int]:
        """Each project's supporters as a bit set over voters (ballot ``b`` owns
        ``multiplicity[b]`` consecutive bits), so a popcount counts voters: one row of
        packed bits per project, without the per-ballot lists (Amsterdam 604: 0.24 ms, against
        1.7 ms on top of the 1.9 ms of those lists)."""
        approves = self.utilities > 0
        per_voter = approves.repeat(self.multiplicity, axis=0)  # voters x projects
        packed = np.packbits(per_voter.T, axis=1, bitorder="little")
        return [int.from_bytes(row.tobytes(), "little") for row in packed]

    @cached_property
    def _project_supporters(self) -> tuple[IntArray, IntArray]:
        """The ballots approving each project, as ``rows, ptr``: project ``j``'s are
        ``rows[ptr[j]:ptr[j + 1]]``, ascending (what Phragmén's grouped count and
        :attr:`_coapprovals` read)."""
        rows, cols, _ = self.entries  # sorted by ballot
        n = self.n_projects
        # a stable sort on small integers is a radix sort
        by_project = np.argsort(cols.astype(np.int16) if n < 2**15 else cols, kind="stable")
        project_rows = rows.take(by_project)
        ptr = np.concatenate(([0], np.cumsum(np.bincount(cols, minlength=n))))
        for array in (project_rows, ptr):
            array.setflags(write=False)
        return project_rows, ptr

    @cached_property
    def _coapprovals(self) -> tuple[IntArray, IntArray, IntArray, FloatArray] | None:
        """For each project ``w``, the approvals on the ballots that approve ``w``, as
        ``ptr, ballots, projects, weights`` (``ballots[ptr[w]:ptr[w + 1]]``, ballot by ballot;
        ``weights``: each ballot's multiplicity as a float): what Phragmén's grouped update
        reads each time ``w`` is bought. Built once per profile, None where they would be too
        many (over :data:`_COAPPROVALS_MAX`: the sum of the squared ballot lengths)."""
        rows, cols, _ = self.entries  # sorted by ballot
        lengths = np.bincount(rows, minlength=len(self.multiplicity))
        if int(lengths @ lengths) > _COAPPROVALS_MAX:
            return None
        starts = np.cumsum(lengths) - lengths  # each ballot's first entry
        supporters, by_project = self._project_supporters  # by project, then ballot
        per = lengths.take(supporters)
        ends = np.cumsum(per)
        offset = np.arange(int(ends[-1]) if ends.size else 0) - np.repeat(ends - per, per)
        ballots = np.repeat(supporters, per)
        projects = cols.take(np.repeat(starts.take(supporters), per) + offset)
        ptr = np.concatenate(([0], ends)).take(by_project)
        weights = self.multiplicity.astype(np.float64).take(ballots)
        for array in (ptr, ballots, projects, weights):
            array.setflags(write=False)
        return ptr, ballots, projects, weights

    @cached_property
    def _overlaps(self) -> list[list[int]]:
        """``_overlaps[w][j]``: how many voters list both ``w`` and ``j`` (Phragmén moves
        them together)."""
        bits = self._supporter_bits
        return [[(mine & theirs).bit_count() for theirs in bits] for mine in bits]


_COAPPROVALS_MAX = 250_000
"""Pairs of approvals on a same ballot up to which a profile keeps them for Phragmén (about 4 MB;
Wieliczka 2023: 79,880, built in 1 ms; Budapest 2024's 3.6 million would cost more than its
counts)."""


class _Lists(NamedTuple):
    costs: list[int]
    votes: list[int]
    scores: list[int]
    id_rank: list[int]
    priority: dict[str, list[int]]  # tie-breaking rank per ``ties``, filled on first use
    priority_arrays: dict[str, IntArray]  # the same as read-only arrays
    budget: Number  # the budget in currency units, as Outcome.budget shows it


def _decimals(value: Number) -> int:
    """The number of decimal digits an exact decimal needs (``1331751.11`` -> 2)."""
    if isinstance(value, int) or value.denominator == 1:
        return 0
    text = format_number(value)
    return len(text.split(".")[1])


def ordinal_points(meta: Mapping[str, str], n_projects: int) -> list[int]:
    """Points for rank 1, 2, ... of an ordinal ballot, from META ``scoring_fn``.

    The format spec's default is Borda; since ballots are short, Borda here gives the first of
    ``max_length`` ranks ``max_length`` points, the next one less, down to 1 (Kraków: 3/2/1, which
    reproduces the ``score`` column of its files). ``scoring_fn`` may also list the points,
    ``"3,2,1"``; ranks past the list get 0."""
    length = int(parse_number(meta["max_length"], "max_length")) if "max_length" in meta else 0
    if length <= 0:
        length = n_projects
    spec = meta.get("scoring_fn", "borda").strip().lower()
    if spec in ("", "borda", "none"):
        return list(range(length, 0, -1))
    if re.fullmatch(r"\d+(\s*,\s*\d+)*", spec):
        return [int(x) for x in spec.split(",")]
    raise ValueError(f"unsupported scoring_fn {meta['scoring_fn']!r} (use Borda or e.g. 3,2,1)")


def _merge_equal_rows(matrix: IntArray, counts: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    """``np.unique`` over rows, summing ``counts`` (and each row's new index); rows are compared as raw bytes of the
    narrowest integer type that holds them (5-15x faster than ``np.unique(axis=0)``)."""
    low, high = int(matrix.min(initial=0)), int(matrix.max(initial=0))
    narrow: type[np.signedinteger[Any]] = np.int64
    for candidate in (np.int8, np.int16, np.int32):
        info = np.iinfo(candidate)
        if info.min <= low and high <= info.max:
            narrow = candidate
            break
    packed = np.ascontiguousarray(matrix.astype(narrow))
    rows = packed.view(np.dtype((np.void, packed.itemsize * matrix.shape[1]))).ravel()
    _, first, inverse = np.unique(rows, return_index=True, return_inverse=True)
    multiplicity = np.bincount(inverse.ravel(), weights=counts, minlength=len(first))
    return matrix[first], np.rint(multiplicity).astype(np.int64), inverse.ravel()


def profile_from_election(election: Election) -> Profile:
    """Count each distinct ballot once (with its multiplicity) and build the integer arrays."""
    # ~10^5 long-lived tuples: the cyclic GC would rescan them repeatedly (3x slower).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _profile_from_election(election)
    finally:
        if collecting:
            gc.enable()


def _profile_from_election(election: Election) -> Profile:
    projects = election.projects
    index = {p.id: i for i, p in enumerate(projects)}
    n = len(projects)
    vote_type = election.vote_type
    budget = election.budget
    digits = max([_decimals(budget), *(_decimals(p.cost) for p in projects)])
    scale = 10**digits
    costs_exact = [int(p.cost * scale) for p in projects]
    budget_scaled = int(budget * scale)
    if max([budget_scaled, *costs_exact]) >= _INT64_SAFE or sum(costs_exact) >= _INT64_SAFE:
        raise ValueError("costs too large to count exactly in 64-bit integers")
    costs = np.array(costs_exact, dtype=np.int64)

    # Distinct raw ballots first (C-speed), then a canonical form for each.
    raw: dict[tuple[tuple[str, ...], tuple[Number, ...] | None], int] = {}
    per_voter = [raw.setdefault((v.vote, v.points), len(raw)) for v in election.voters]
    rank_points = ordinal_points(election.meta, n) if vote_type == "ordinal" else []
    points_digits = 0
    if vote_type in ("cumulative", "scoring"):
        points_digits = max(
            [0, *(_decimals(x) for _, pts in raw for x in (pts or ()))],
        )
    points_scale = 10**points_digits
    default = 0
    if vote_type == "scoring" and is_given(election.meta.get("default_score", "")):
        default_exact = parse_number(election.meta["default_score"], "default_score")
        points_digits = max(points_digits, _decimals(default_exact))
        points_scale = 10**points_digits
        default = int(default_exact * points_scale)

    keys = list(raw)
    if vote_type == "ordinal":  # a repeated project keeps its first (best) rank
        keys = [(tuple(dict.fromkeys(vote)), pts) for vote, pts in keys]
    counts = np.bincount(np.array(per_voter, dtype=np.int64), minlength=len(raw)).astype(np.int64)
    lengths = np.fromiter((len(vote) for vote, _ in keys), dtype=np.int64, count=len(keys))
    cols = np.fromiter(
        (index[pid] for vote, _ in keys for pid in vote), dtype=np.int64, count=int(lengths.sum())
    )
    rows = np.repeat(np.arange(len(keys), dtype=np.int64), lengths)
    if vote_type in ("cumulative", "scoring"):
        vals = np.fromiter(
            (int(x * points_scale) for _, pts in keys for x in (pts or ())),
            dtype=np.int64,
            count=len(cols),
        )
    elif vote_type == "ordinal":
        starts = np.cumsum(lengths) - lengths
        position = np.arange(len(cols), dtype=np.int64) - np.repeat(starts, lengths)
        table = np.zeros(max(n, len(rank_points)) + 1, dtype=np.int64)
        table[: len(rank_points)] = rank_points
        vals = table[position]
    else:
        vals = np.ones(len(cols), dtype=np.int64)
    raw_utilities = np.full((len(keys), n), default, dtype=np.int64)
    raw_utilities[rows, cols] = vals
    listed = np.zeros((len(keys), n), dtype=bool)
    listed[rows, cols] = True
    votes = counts @ listed if len(keys) else np.zeros(n, dtype=np.int64)
    # Ballots written differently (order of ids, repeated ids) may still be the same ballot.
    if len(keys):
        utilities, multiplicity, row_of_key = _merge_equal_rows(raw_utilities, counts)
        voter_ballot = row_of_key[np.array(per_voter, dtype=np.int64)].astype(np.int64)
    else:
        utilities = np.zeros((0, n), dtype=np.int64)
        multiplicity = np.zeros(0, dtype=np.int64)
        voter_ballot = np.zeros(0, dtype=np.int64)
    scores = multiplicity @ utilities if len(utilities) else np.zeros(n, dtype=np.int64)

    threshold: Fraction | None = None
    if is_given(election.meta.get("min_project_score_threshold", "")):
        threshold = Fraction(
            parse_number(election.meta["min_project_score_threshold"], "threshold")
        )
    votes = np.asarray(votes, dtype=np.int64)
    scores = np.asarray(scores, dtype=np.int64)
    for array in (costs, utilities, multiplicity, voter_ballot, votes, scores):
        # a profile is frozen: its arrays too, so that a count may trust what an earlier
        # count of the same profile checked (mes.Supporters.checked)
        array.setflags(write=False)
    return Profile(
        project_ids=tuple(p.id for p in projects),
        names=tuple(p.name for p in projects),
        costs=costs,
        budget=budget_scaled,
        scale=scale,
        utilities=utilities,
        multiplicity=multiplicity,
        voter_ballot=voter_ballot,
        points_scale=points_scale,
        votes=votes,
        scores=scores,
        vote_type=vote_type,
        threshold=threshold,
        meta=dict(election.meta),
    )


def tie_priority(profile: Profile, ties: str = "id") -> IntArray:
    """Rank of each project in the tie-breaking order (0 wins every tie); read-only, cached on
    the profile."""
    arrays = profile._lists.priority_arrays
    cached = arrays.get(ties)
    if cached is None:
        cached = arrays[ties] = np.array(_priority(profile, ties), dtype=np.int64)
        cached.setflags(write=False)
    return cached


def _priority(profile: Profile, ties: str) -> list[int]:
    """:func:`tie_priority` as a list, cached on the profile."""
    lists = profile._lists
    cached = lists.priority.get(ties)
    if cached is not None:
        return cached
    if ties not in TIES:
        raise ValueError(f"unknown tie-breaking {ties!r} (expected one of {', '.join(TIES)})")
    id_rank = lists.id_rank
    if ties == "id":
        priority = id_rank
    else:
        key = lists.costs if ties == "cost" else [-v for v in lists.votes]
        order = sorted(range(profile.n_projects), key=lambda j: (key[j], id_rank[j]))
        priority = [0] * profile.n_projects
        for rank, j in enumerate(order):
            priority[j] = rank
    lists.priority[ties] = priority
    return priority


# ----------------------------------------------------------------------------------------------
# outcome


@dataclass(frozen=True)
class ProjectResult:
    """What a rule did with one project, and the facts needed to explain it.

    ``reason`` is one of :data:`REASONS`. ``order`` is the 1-based position among funded
    projects (selection order); ``rank`` the 1-based position in the rule's ranking (greedy: by
    score). ``remaining`` is the money left when the rule reached the project (before paying
    for it). ``spent_on`` names, for MES "unaffordable", the funded projects its supporters had
    paid for, those they paid most for first; for "not-reached", the project at which the count
    stopped. ``shares_left``, for MES "unaffordable", is what its supporters still held of their
    equal shares when the count ended (less than its cost; display value). ``paid`` is what its
    supporters paid under MES (display value); ``load`` the per-voter load under Phragmén."""

    id: str
    name: str
    cost: Number
    votes: int
    score: Number
    selected: bool
    reason: str
    order: int | None = None
    rank: int | None = None
    remaining: Number | None = None
    spent_on: tuple[str, ...] = ()
    shares_left: float | None = None
    paid: float | None = None
    load: Fraction | None = None


@dataclass(frozen=True)
class Outcome:
    """The result of :func:`tally`: ``selected`` in selection order, total ``cost``, ``budget``
    (currency units, exact), and one :class:`ProjectResult` per project in file order.

    For MES, ``payments[b, p]`` is what each voter with distinct ballot ``b`` paid for project
    ``p`` (display floats; voter ``i`` of the file has ballot ``voter_ballot[i]``, see
    :meth:`voter_payments`) and ``final_budget`` the per-voter budget after completion.

    The greedy rules, MES and Phragmén (up to :data:`PHRAGMEN_BITSET_PROJECTS` projects) return
    an outcome whose ``projects`` are built on their first access (equality, ``repr``, pickling
    and copies build them too), and MES one whose ``payments`` are too (``repr``, pickling and
    copies); the values are the ones an eager build gives."""

    rule: str
    completion: str
    ties: str
    selected: tuple[str, ...]
    cost: Number
    budget: Number
    projects: tuple[ProjectResult, ...]
    vote_type: str = "approval"
    payments: FloatArray | None = field(default=None, compare=False)
    voter_ballot: IntArray | None = field(default=None, compare=False)
    final_budget: Fraction | None = None
    threshold: Number | None = None

    if not TYPE_CHECKING:  # keeps mypy's attribute checks on Outcome

        def __getattr__(self, name: str) -> Any:
            """``projects`` (and MES ``payments``) built on first access by the rules that
            defer them (the per-project records and the dense payment matrix cost more than
            the count itself on small elections); the same values."""
            if name in ("projects", "payments"):
                state = self.__dict__
                pending = state.get("_pending_" + name)
                if pending is not None:
                    value = pending()
                    state[name] = value
                    state.pop("_pending_" + name, None)
                    return value
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __getstate__(self) -> dict[str, Any]:
        """Pickle and copy with the per-project records and payments built (not the functions
        deferring them)."""
        self.projects  # noqa: B018 (builds them if deferred)
        self.payments  # noqa: B018
        return dict(self.__dict__)

    def result(self, project_id: str) -> ProjectResult:
        for project in self.projects:
            if project.id == project_id:
                return project
        raise KeyError(project_id)

    def voter_payments(self, voter_index: int) -> dict[str, float]:
        """MES: what the ``voter_index``-th voter of the file paid, per funded project."""
        if self.payments is None or self.voter_ballot is None:
            return {}
        row = self.payments[int(self.voter_ballot[voter_index])]
        return {p.id: float(row[j]) for j, p in enumerate(self.projects) if row[j] > 0}


# the class default of a deferred field would be found before __getattr__ is asked (the
# generated __init__ keeps its own copy of the default)
del Outcome.payments


def _outcome(
    profile: Profile,
    rule: str,
    ties: str,
    selected: Sequence[int],
    details: Mapping[int, dict[str, Any]],
    *,
    completion: str = "none",
    payments: FloatArray | None = None,
    final_budget: Fraction | None = None,
    threshold: Number | None = None,
    records: list[dict[str, Any]] | None = None,
) -> Outcome:
    """The :class:`Outcome` of a rule that funded ``selected`` (in order); ``details[j]`` holds
    what the rule records about project ``j`` (reason, rank, remaining ...), or ``records`` the
    complete fields of every project (copies of the profile's ``_result_bases``) filled in."""
    projects = _project_results(profile, selected, details, records)
    return _new_outcome(
        profile,
        rule,
        ties,
        selected,
        projects,
        completion=completion,
        payments=payments,
        final_budget=final_budget,
        threshold=threshold,
    )


def _project_results(
    profile: Profile,
    selected: Sequence[int],
    details: Mapping[int, dict[str, Any]],
    records: list[dict[str, Any]] | None = None,
) -> tuple[ProjectResult, ...]:
    """The :class:`ProjectResult` of every project (file order), from ``details`` or complete
    ``records`` as :func:`_outcome` takes them, with the funded ones marked."""
    if records is None:
        records = []
        for j, base in enumerate(profile._result_bases):
            values = base.copy()
            info = details.get(j)
            if info:
                values.update(info)
            records.append(values)
    for rank, j in enumerate(selected, start=1):
        records[j].update(selected=True, order=rank, reason="funded")
    new, set_fields = object.__new__, object.__setattr__
    results = []
    for values in records:
        if "reason" not in values:
            raise ValueError(f"no reason recorded for project {values['id']!r}")
        result = new(ProjectResult)  # as _frozen(ProjectResult, values), inlined
        set_fields(result, "__dict__", values)
        results.append(result)
    return tuple(results)


def _new_outcome(
    profile: Profile,
    rule: str,
    ties: str,
    selected: Sequence[int],
    projects: tuple[ProjectResult, ...] | Callable[[], tuple[ProjectResult, ...]],
    *,
    completion: str = "none",
    payments: FloatArray | Callable[[], FloatArray] | None = None,
    final_budget: Fraction | None = None,
    threshold: Number | None = None,
    spent: int | None = None,
) -> Outcome:
    """The :class:`Outcome`; ``projects`` and ``payments`` may be functions building them,
    called on the first access (see :meth:`Outcome.__getattr__`)."""
    ids = profile.project_ids
    lists = profile._lists
    if spent is None:
        costs = lists.costs
        spent = sum([costs[j] for j in selected])
    values = {
        "rule": rule,
        "completion": completion,
        "ties": ties,
        "selected": tuple([ids[j] for j in selected]),
        "cost": profile.money(spent),
        "budget": lists.budget,
        "projects": projects,
        "vote_type": profile.vote_type,
        "payments": payments,
        "voter_ballot": None if payments is None else profile.voter_ballot,
        "final_budget": final_budget,
        "threshold": threshold,
    }
    if not isinstance(projects, tuple):
        del values["projects"]
        values["_pending_projects"] = projects
    if callable(payments):
        del values["payments"]
        values["_pending_payments"] = payments
    outcome = object.__new__(Outcome)  # as _frozen(Outcome, values), inlined
    object.__setattr__(outcome, "__dict__", values)
    return outcome


_RESULT_DEFAULTS: dict[str, Any] = {
    f.name: f.default for f in fields(ProjectResult) if f.default is not MISSING
}


def _frozen(cls: type[_T], values: dict[str, Any]) -> _T:
    """``cls(**values)`` for a frozen dataclass whose every field is in ``values``, without the
    generated ``__init__``, which sets each field through ``object.__setattr__`` (3x slower;
    it dominated counts of a few projects)."""
    instance = object.__new__(cls)
    object.__setattr__(instance, "__dict__", values)
    return instance


# ----------------------------------------------------------------------------------------------
# greedy rules


def greedy(
    profile: Profile,
    *,
    ties: str = "id",
    skip: bool = True,
    threshold: Fraction | int | None = None,
    rule: str | None = None,
) -> Outcome:
    """Greedy by score: highest score first; a project that no longer fits is skipped
    (``skip=True``, rule ``greedy``) or ends the count (``skip=False``, ``greedy-no-skip``).
    With ``threshold`` only projects whose score (points, in currency-free units) reaches it are
    considered (``greedy-threshold``). Projects with score 0 are never funded.

    The count only selects; the per-project records (rank, remaining money, reason) are built
    by :func:`_greedy_records` when ``Outcome.projects`` is first read."""
    priority = _priority(profile, ties)
    lists = profile._lists
    costs, scores = lists.costs, lists.scores
    n = len(scores)
    combined = [p - x * n for x, p in zip(scores, priority, strict=True)]  # as _by_key_then_...
    ranking = sorted(range(n), key=combined.__getitem__)
    # score < threshold * points_scale, in integers: score * den < num
    limit = None if threshold is None else Fraction(threshold) * profile.points_scale
    num, den = (0, 1) if limit is None else (limit.numerator, limit.denominator)
    remaining = profile.budget
    selected: list[int] = []
    for j in ranking:
        score = scores[j]
        if score <= 0 or score * den < num:
            continue
        cost = costs[j]
        if cost <= remaining:
            selected.append(j)
            remaining -= cost
        elif not skip:
            break
    name = rule or (
        "greedy"
        if skip and threshold is None
        else "greedy-no-skip"
        if not skip
        else "greedy-threshold"
    )
    shown: Number | None = None if threshold is None else Fraction(threshold)
    if isinstance(shown, Fraction) and shown.denominator == 1:
        shown = int(shown)

    def build() -> tuple[ProjectResult, ...]:
        return _greedy_records(profile, ranking, selected, skip, num, den, limit is not None)

    return _new_outcome(
        profile,
        name,
        ties,
        selected,
        build,
        threshold=shown,
        spent=profile.budget - remaining,
    )


def _greedy_records(
    profile: Profile,
    ranking: list[int],
    selected: list[int],
    skip: bool,
    num: int,
    den: int,
    with_threshold: bool,
) -> tuple[ProjectResult, ...]:
    """The records of :func:`greedy`: the count again, noting for each project its rank, the
    money left when the count reached it and why it was or was not funded (and checking that
    it funds ``selected``)."""
    lists = profile._lists
    costs, scores = lists.costs, lists.scores
    remaining = budget = profile.budget
    money = profile.money
    left = money(remaining)
    funded: list[int] = []
    records = [base.copy() for base in profile._result_bases]
    stopped_at: int | None = None
    for position, j in enumerate(ranking, start=1):
        cost = costs[j]
        score = scores[j]
        info = records[j]
        info["rank"] = position
        info["remaining"] = left
        if with_threshold and score * den < num:
            info["reason"] = "below-threshold"
        elif score <= 0:
            info["reason"] = "no-support"
        elif stopped_at is not None:
            info["reason"] = "not-reached"
            info["spent_on"] = (profile.project_ids[stopped_at],)
        elif cost <= remaining:
            funded.append(j)
            remaining -= cost
            left = money(remaining)
        else:
            info["reason"] = "over-budget" if cost > budget else "did-not-fit"
            if not skip:
                stopped_at = j
    if funded != selected:  # pragma: no cover - the two loops are kept in step by tests
        raise AssertionError("greedy records disagree with the count")
    return _project_results(profile, selected, {}, records)


def _by_key_then_priority(key: list[int], priority: list[int]) -> list[int]:
    """Project indices by ascending ``key``, ties by ``priority`` (a permutation of
    ``0..n-1``, so the order is total): one integer key ``key * n + priority`` per project."""
    n = len(priority)
    combined = [k * n + p for k, p in zip(key, priority, strict=True)]
    return sorted(range(n), key=combined.__getitem__)


def greedy_cost(profile: Profile, *, ties: str = "id") -> Outcome:
    """pabutools' ``greedy_utilitarian_welfare`` with ``Cost_Sat`` (additive scheme, resolute):
    order by total cost-satisfaction per unit of cost — ``votes`` for a project costing more than
    0, else 0 — ties by ``ties``, then fund every project that still fits.

    The count only selects; the per-project records are built by :func:`_greedy_cost_records`
    when ``Outcome.projects`` is first read (on a dozen projects they cost as much as the
    count)."""
    priority = _priority(profile, ties)
    lists = profile._lists
    costs = lists.costs
    n = len(costs)
    # density (-votes, or 0 for a free project or one nobody listed) * n + tie rank
    combined = [
        p - v * n if c > 0 else p for c, v, p in zip(costs, lists.votes, priority, strict=True)
    ]
    ranking = sorted(range(n), key=combined.__getitem__)
    remaining = profile.budget
    selected: list[int] = []
    for j in ranking:
        cost = costs[j]
        if cost <= remaining:
            selected.append(j)
            remaining -= cost

    def build() -> tuple[ProjectResult, ...]:
        return _greedy_cost_records(profile, ranking, selected)

    return _new_outcome(
        profile, "greedy-cost", ties, selected, build, spent=profile.budget - remaining
    )


def _greedy_cost_records(
    profile: Profile, ranking: list[int], selected: list[int]
) -> tuple[ProjectResult, ...]:
    """The records of :func:`greedy_cost`: rank, money left when reached, reason."""
    costs = profile._lists.costs
    remaining = budget = profile.budget
    money = profile.money
    left = money(remaining)
    funded: list[int] = []
    records = [base.copy() for base in profile._result_bases]
    for position, j in enumerate(ranking, start=1):
        cost = costs[j]
        info = records[j]
        info["rank"] = position
        info["remaining"] = left
        if cost <= remaining:
            funded.append(j)
            remaining -= cost
            left = money(remaining)
        else:
            info["reason"] = "over-budget" if cost > budget else "did-not-fit"
    if funded != selected:  # pragma: no cover - the two loops are kept in step by tests
        raise AssertionError("greedy-cost records disagree with the count")
    return _project_results(profile, selected, {}, records)


# ----------------------------------------------------------------------------------------------
# sequential Phragmén


def phragmen(profile: Profile, *, ties: str = "id", progress: Progress | None = None) -> Outcome:
    """Sequential Phragmén for approval ballots, as pabutools' ``sequential_phragmen``.

    Voters earn virtual money continuously; a project is bought when its supporters' loads can
    pay for it: its new maximal load is ``(sum of supporters' loads + cost) / supporters``. The
    lowest wins (ties by ``ties``) and all its supporters' loads become that value. The count
    stops as soon as a project tied for the lowest load does not fit in the remaining budget;
    projects costing more than the budget are never considered; projects nobody approved have
    an infinite load (so they come last, in tie order, while they all fit).

    Exact throughout: all loads are integers over one common denominator, compared by
    cross-multiplying (:func:`_phragmen_integers`). Three equivalent ways update them after a
    purchase, chosen by size (measured on the shared files): ballot by ballot for choose-1
    ballots (whose supporters of a project never support another) and small profiles; with
    voters as bit sets for up to :data:`PHRAGMEN_BITSET_PROJECTS` projects
    (:func:`_phragmen_levels`; Amsterdam 5x faster); grouped by load level, counted by numpy,
    for large profiles (:func:`_phragmen_grouped`). On the bit-set path the count only selects
    and notes each winner's load; the per-project records (remaining money, loads as
    fractions, why the others were not funded) are written when ``Outcome.projects`` is first
    read (on Assen's 14 projects, 40-50 µs against the count's 65-75 µs, mostly the exact
    loads as fractions).

    Deliberate difference: pabutools breaks ``cost``/``votes`` ties among projects equal on that
    key in set-iteration order (it varies with ``PYTHONHASHSEED``); here by project id."""
    if profile.vote_type not in ("approval", "choose-1"):
        raise ValueError("sequential Phragmén needs approval (or choose-1) ballots")
    priority = _priority(profile, ties)
    cells = len(profile.multiplicity) * profile.n_projects
    if profile.vote_type == "choose-1":
        selected, details = _phragmen_integers(profile, priority, progress)
    elif profile.n_projects <= PHRAGMEN_BITSET_PROJECTS:
        run = _phragmen_levels(profile, priority, progress)

        def build() -> tuple[ProjectResult, ...]:
            return _project_results(
                profile, run.selected, _phragmen_details(profile, priority, run)
            )

        return _new_outcome(profile, "phragmen", ties, run.selected, build)
    elif cells <= PHRAGMEN_BALLOT_BY_BALLOT_CELLS:
        selected, details = _phragmen_integers(profile, priority, progress)
    else:
        selected, details = _phragmen_grouped(profile, priority, progress)
    return _outcome(profile, "phragmen", ties, selected, details)


PHRAGMEN_BITSET_PROJECTS = 32
"""Projects up to which :func:`phragmen` keeps voters as bit sets (its work grows with projects
times load levels; Wieliczka's 64 projects are 2x faster ballot by ballot)."""
PHRAGMEN_BALLOT_BY_BALLOT_CELLS = 20_000
"""Distinct ballots x projects up to which :func:`phragmen` updates loads ballot by ballot
(below it numpy's per-call overhead costs more than it saves; Budapest, Warszawa 2026 and
Mokotów are 2-3x faster grouped)."""


def _stop_details(
    profile: Profile,
    candidates: list[int],
    too_dear: list[int],
    priority: list[int],
    remaining: int,
    details: dict[int, dict[str, Any]],
) -> None:
    """Reasons for the projects left when a project tied for the lowest load does not fit."""
    blocker = min(too_dear, key=priority.__getitem__)
    votes = profile._lists.votes
    for j in candidates:
        if j in too_dear:
            details[j] = {"reason": "did-not-fit", "remaining": profile.money(remaining)}
        elif votes[j] == 0:
            details[j] = {"reason": "no-support"}
        else:
            details[j] = {
                "reason": "not-reached",
                "spent_on": (profile.project_ids[blocker],),
                "remaining": profile.money(remaining),
            }


def _phragmen_integers(
    profile: Profile, priority: list[int], progress: Progress | None
) -> tuple[list[int], dict[int, dict[str, Any]]]:
    """Sequential Phragmén in Python integers.

    Every load is ``N / D`` for one common denominator ``D``; ``x[j] = D * (cost_j + sum of
    supporters' loads)`` is an integer, so project ``j``'s new maximal load is
    ``x[j] / (D * approvals_j)`` and two projects compare by ``x[j] * a_k`` vs ``x[k] * a_j``.
    Buying ``w`` at ``x[w] / (D a_w)``: with ``g = gcd(x[w], a_w)`` the new denominator is
    ``D * a_w / g``, so every numerator is multiplied by ``a_w / g`` and the new load's numerator
    is ``x[w] / g``; each ballot of ``w``'s supporters adds ``multiplicity * (new - old load
    numerator)`` to ``x`` of every project it approves."""
    lists = profile._lists
    costs, approvals = lists.costs, lists.votes
    mult = profile.multiplicity.tolist()
    ballot_projects, project_ballots = profile._approvals
    budget = profile.budget
    level_of = [0] * len(mult)  # each distinct ballot's load, as an index into ``levels``
    levels = [0]  # load numerators over ``denominator``
    denominator = 1
    x = list(costs)
    candidates = [j for j in range(profile.n_projects) if costs[j] <= budget]
    details: dict[int, dict[str, Any]] = {
        j: {"reason": "over-budget", "remaining": profile.money(budget)}
        for j in range(profile.n_projects)
        if costs[j] > budget
    }
    spent = 0
    selected: list[int] = []
    total_rounds = len(candidates)
    while candidates:
        best = -1
        tied: list[int] = []
        best_x = best_a = 0
        for j in candidates:
            a = approvals[j]
            if a == 0:
                continue
            if best < 0:
                best, best_x, best_a, tied = j, x[j], a, [j]
                continue
            lhs, rhs = x[j] * best_a, best_x * a
            if lhs < rhs:
                best, best_x, best_a, tied = j, x[j], a, [j]
            elif lhs == rhs:
                tied.append(j)
        if best < 0:  # only projects nobody approved are left: all tied at an infinite load
            tied = list(candidates)
        remaining = budget - spent
        too_dear = [j for j in tied if costs[j] > remaining]
        if too_dear:
            _stop_details(profile, candidates, too_dear, priority, remaining, details)
            break
        winner = min(tied, key=priority.__getitem__)
        info: dict[str, Any] = {"remaining": profile.money(remaining), "load": None}
        details[winner] = info
        selected.append(winner)
        candidates.remove(winner)
        spent += costs[winner]
        if best >= 0:
            g = gcd(best_x, best_a)
            factor, load = best_a // g, best_x // g
            info["load"] = Fraction(load, denominator * factor * profile.scale)
            if factor != 1:
                denominator *= factor
                levels = [v * factor for v in levels]
                for j in candidates:
                    x[j] *= factor
            new_level = len(levels)
            levels.append(load)
            for b in project_ballots[winner]:
                delta = mult[b] * (load - levels[level_of[b]])
                level_of[b] = new_level
                if delta:
                    for j in ballot_projects[b]:
                        x[j] += delta
        if progress is not None:
            progress(len(selected) / max(1, total_rounds))
    return selected, details


class _PhragmenRun(NamedTuple):
    """What :func:`_phragmen_levels` found, from which :func:`_phragmen_details` writes the
    per-project records: the winners in order, for each the money left before it and its load
    ``numerator / denominator`` in scaled money (denominator 0: nobody approved it), and, if a
    project tied for the lowest load did not fit, the projects left, those tied that did not
    fit and the money left."""

    selected: list[int]
    bought: list[tuple[int, int, int]]
    stop: tuple[list[int], list[int], int] | None


def _phragmen_bitsets(
    profile: Profile, priority: list[int], progress: Progress | None
) -> tuple[list[int], dict[int, dict[str, Any]]]:
    """:func:`_phragmen_levels` with its records, as :func:`_phragmen_integers` returns them."""
    run = _phragmen_levels(profile, priority, progress)
    return run.selected, _phragmen_details(profile, priority, run)


def _phragmen_levels(
    profile: Profile, priority: list[int], progress: Progress | None
) -> _PhragmenRun:
    """:func:`_phragmen_integers` with voters as bits, grouped by load level.

    ``levels`` holds each load level above 0 in use, ``[N, voters at it]``; the voters still at
    load 0 are not tracked. Buying ``w`` at load ``new`` adds to ``x[j]`` of each candidate
    ``new * |supporters(w) & supporters(j)|`` (a per-profile table, :attr:`Profile._overlaps`)
    minus ``N_l * |supporters(w) & level l & supporters(j)|`` (a popcount) for each level the
    supporters of ``w`` leave. Projects nobody approved are kept apart (infinite load, reached
    once the others are bought). The records (remaining money, exact loads as fractions) are
    left to :func:`_phragmen_details`."""
    lists = profile._lists
    costs, approvals = lists.costs, lists.votes
    supporters = profile._supporter_bits
    overlaps = profile._overlaps
    budget = profile.budget
    n = len(costs)
    x = list(costs)
    live = [j for j in range(n) if costs[j] <= budget and approvals[j]]
    unsupported = [j for j in range(n) if costs[j] <= budget and not approvals[j]]
    total_rounds = len(live) + len(unsupported)
    levels: list[list[int]] = []
    denominator = 1
    spent = 0
    selected: list[int] = []
    bought: list[tuple[int, int, int]] = []
    stop: tuple[list[int], list[int], int] | None = None
    while live or unsupported:
        remaining = budget - spent
        if not live:  # only projects nobody approved are left: all tied at an infinite load
            too_dear = [j for j in unsupported if costs[j] > remaining]
            if too_dear:
                stop = (unsupported, too_dear, remaining)
                break
            winner = min(unsupported, key=priority.__getitem__)
            unsupported.remove(winner)
            selected.append(winner)
            bought.append((remaining, 0, 0))
            spent += costs[winner]
            if progress is not None:
                progress(len(selected) / total_rounds)
            continue
        best = live[0]
        best_x, best_a = x[best], approvals[best]
        tied: list[int] | None = None
        for j in live:
            xj, a = x[j], approvals[j]
            lhs, rhs = xj * best_a, best_x * a
            if lhs < rhs:
                best, best_x, best_a, tied = j, xj, a, None
            elif lhs == rhs and j != best:
                if tied is None:
                    tied = [best, j]
                else:
                    tied.append(j)
        if tied is None:
            if costs[best] > remaining:
                stop = (live + unsupported, [best], remaining)
                break
            winner = best
        else:
            too_dear = [j for j in tied if costs[j] > remaining]
            if too_dear:
                stop = (live + unsupported, too_dear, remaining)
                break
            winner = min(tied, key=priority.__getitem__)
        live.remove(winner)
        selected.append(winner)
        spent += costs[winner]
        g = gcd(best_x, best_a)  # the winner's load equals best's: the same reduced fraction
        factor, load = best_a // g, best_x // g
        bought.append((remaining, load, denominator * factor))
        row, moving = overlaps[winner], supporters[winner]
        if factor != 1:
            denominator *= factor
            for level in levels:
                level[0] *= factor
            for j in live:
                x[j] = x[j] * factor + load * row[j]
        else:
            for j in live:
                k = row[j]
                if k:
                    x[j] += load * k
        kept: list[list[int]] = []
        for level in levels:
            voters = level[1]
            moved = voters & moving
            if moved:
                old = level[0]
                for j in live:
                    k = (moved & supporters[j]).bit_count()
                    if k:
                        x[j] -= old * k
                voters ^= moved
                if voters:
                    level[1] = voters
                    kept.append(level)
            else:
                kept.append(level)
        kept.append([load, moving])
        levels = kept
        if progress is not None:
            progress(len(selected) / total_rounds)
    return _PhragmenRun(selected, bought, stop)


def _phragmen_details(
    profile: Profile, priority: list[int], run: _PhragmenRun
) -> dict[int, dict[str, Any]]:
    """The records of a :class:`_PhragmenRun`, as :func:`_phragmen_integers` writes them."""
    costs, budget, money = profile._lists.costs, profile.budget, profile.money
    details: dict[int, dict[str, Any]] = {
        j: {"reason": "over-budget", "remaining": money(budget)}
        for j in range(profile.n_projects)
        if costs[j] > budget
    }
    scale = profile.scale
    for winner, (remaining, load, denominator) in zip(run.selected, run.bought, strict=True):
        details[winner] = {
            "remaining": money(remaining),
            "load": Fraction(load, denominator * scale) if denominator else None,
        }
    if run.stop is not None:
        left, too_dear, remaining = run.stop
        _stop_details(profile, left, too_dear, priority, remaining, details)
    return details


def _phragmen_grouped(
    profile: Profile, priority: list[int], progress: Progress | None
) -> tuple[list[int], dict[int, dict[str, Any]]]:
    """:func:`_phragmen_integers` with the update after each purchase grouped by load level,
    and the least load found by floats with a certified error, exactly only where they cannot
    tell.

    Exact state: each distinct ballot's load level, each level ``l`` a fraction ``N_l / D_l``
    whose denominator divides the common one ``D`` (the denominators only gain factors);
    project ``j``'s exact ``x[j] = D * (cost_j + sum of its supporters' loads)`` is ``D cost_j +
    sum_l N_l (D / D_l) C_j[l]``, ``C_j[l]`` the voters at level ``l`` who approve ``j`` (one
    weighted bincount), computed only for the winner and for the projects the floats cannot
    separate from it.

    Floats: ``xf[j]`` follows ``x[j] / D`` round by round. When ``w`` is bought at the load
    ``new``, its supporters leave their levels ``l``; ``xf[j]`` gains ``sum_l (new - level_l)
    C[l, j]``, ``C[l, j]`` the voters at level ``l`` who approve both ``w`` and ``j`` (one
    weighted bincount over the approvals of ``w``'s supporters, which the profile keeps for
    each project where they are few, :attr:`Profile._coapprovals`; one product by the steps).
    ``err[j]`` bounds ``|xf[j] - x[j] / D|``: the levels and the new load are the correctly
    rounded values of exact fractions (relative error ``u = 2^-53``), so each step is within
    ``4 u new`` of its exact value (every level is at most ``new``: loads only grow), the product
    over ``L`` levels adds at most ``gamma_L sum |step| C`` (Higham), and the sum one rounding:
    ``err[j] += (L + 6) u new ov_j (1 + 1 / 64) + u xf[j]``, ``ov_j`` the voters approving
    both (``err`` stays a tiny fraction of ``xf``, which includes ``new ov_j`` once ``w`` is
    bought). A project whose ratio ``xf / approvals`` is, error included, above the least
    ratio's upper end has a strictly larger exact load (rounding is monotone); the others are
    compared exactly as in :func:`_phragmen_integers` (ties by the priority). Counts of voters
    are exact in float64 below 2**53."""
    lists = profile._lists
    costs, approvals = lists.costs, lists.votes
    n = profile.n_projects
    mult_f = profile.multiplicity.astype(np.float64)
    rows, cols, _ = profile.entries  # sorted by ballot
    pairs = profile._coapprovals
    # where the profile does not keep them, a winner's co-approvals are gathered by ballot
    indptr = None if pairs is not None else np.searchsorted(rows, np.arange(len(mult_f) + 1))
    project_rows, project_ptr = profile._project_supporters
    budget = profile.budget
    level_of = np.zeros(len(mult_f), dtype=np.int64)
    levels = [(0, 1)]  # exact loads, (numerator, denominator)
    levels_f = [0.0]  # the same loads as correctly rounded floats
    denominator = 1
    u = 2.0**-53
    xf = np.asarray(costs, dtype=np.float64)
    err = xf * u  # a cost above 2**53 is rounded
    votes_f = np.asarray(approvals, dtype=np.float64)
    candidates = [j for j in range(n) if costs[j] <= budget]
    # the loads of the others are never read again (the update below counts them all the
    # same: leaving them out of it cost more than it saved)
    is_candidate = np.zeros(n, dtype=np.bool_)
    is_candidate[candidates] = True
    approved_at_all = votes_f > 0
    details: dict[int, dict[str, Any]] = {
        j: {"reason": "over-budget", "remaining": profile.money(budget)}
        for j in range(n)
        if costs[j] > budget
    }

    def exact_x(j: int) -> int:
        """``D * (cost_j + sum of j's supporters' loads)``, exactly."""
        supporters = project_rows[project_ptr[j] : project_ptr[j + 1]]
        at = np.bincount(level_of.take(supporters), weights=mult_f.take(supporters))
        total = costs[j] * denominator
        for lv in np.flatnonzero(at).tolist():
            num, den = levels[lv]
            total += num * (denominator // den) * int(at[lv])
        return total

    spent = 0
    selected: list[int] = []
    total_rounds = len(candidates)
    while candidates:
        live = np.flatnonzero(is_candidate & approved_at_all)
        best = -1
        tied: list[int] = []
        best_x = best_a = 0
        if live.size:
            xl, al = xf.take(live), votes_f.take(live)
            ratio = xl / al
            # |ratio - exact| <= (err + u xf) / a, with room for this line's own roundings
            radius = (err.take(live) + 8 * u * xl) / al
            top = int(np.argmin(ratio))
            close = live[ratio - radius <= ratio[top] + radius[top]].tolist()
            for j in close:  # in project order, as _phragmen_integers reads the candidates
                a, xj = approvals[j], exact_x(j)
                if best < 0:
                    best, best_x, best_a, tied = j, xj, a, [j]
                    continue
                lhs, rhs = xj * best_a, best_x * a
                if lhs < rhs:
                    best, best_x, best_a, tied = j, xj, a, [j]
                elif lhs == rhs:
                    tied.append(j)
        if best < 0:
            tied = list(candidates)
        remaining = budget - spent
        too_dear = [j for j in tied if costs[j] > remaining]
        if too_dear:
            _stop_details(profile, candidates, too_dear, priority, remaining, details)
            break
        winner = min(tied, key=priority.__getitem__)
        info: dict[str, Any] = {"remaining": profile.money(remaining), "load": None}
        details[winner] = info
        selected.append(winner)
        candidates.remove(winner)
        is_candidate[winner] = False
        spent += costs[winner]
        if best >= 0:
            g = gcd(best_x, best_a)  # the winner's load equals best's: the same reduced fraction
            factor, load = best_a // g, best_x // g
            info["load"] = Fraction(load, denominator * factor * profile.scale)
            denominator *= factor
            new_f = load / denominator  # int / int: correctly rounded
            supporters = project_rows[project_ptr[winner] : project_ptr[winner + 1]]
            if indptr is not None:
                lengths = indptr[supporters + 1] - indptr[supporters]
                firsts = indptr[supporters] - (np.cumsum(lengths) - lengths)
                entries = np.repeat(firsts, lengths) + np.arange(int(lengths.sum()))
                approved = cols.take(entries)
                owners = np.repeat(supporters, lengths)
                weights = mult_f.take(owners)
            else:
                assert pairs is not None
                span = slice(pairs[0][winner], pairs[0][winner + 1])
                approved, owners, weights = pairs[2][span], pairs[1][span], pairs[3][span]
            n_levels = len(levels)
            counts = np.bincount(
                level_of.take(owners) * n + approved,
                weights=weights,
                minlength=n_levels * n,
            ).reshape(n_levels, n)
            xf += (new_f - np.asarray(levels_f)) @ counts
            # xf >= 0: steps of correctly rounded loads that only grow are never negative
            err += ((n_levels + 6) * (1 + 1 / 64) * u * new_f) * counts.sum(axis=0) + u * xf
            level_of[supporters] = n_levels
            levels.append((load, denominator))
            levels_f.append(new_f)
        if progress is not None:
            progress(len(selected) / max(1, total_rounds))
    return selected, details


# ----------------------------------------------------------------------------------------------
# Method of Equal Shares (part B's module)


def method_of_equal_shares(
    profile: Profile,
    *,
    ties: str = "id",
    completion: str = "none",
    cost_utility: bool | None = None,
    progress: Progress | None = None,
) -> Outcome:
    """Method of Equal Shares via :func:`pnyx.methods.mes.equal_shares`; by default with cost
    utilities for approval and choose-1 ballots and points otherwise."""
    if cost_utility is None:
        cost_utility = profile.vote_type in ("approval", "choose-1")
    result = equal_shares(
        profile.costs,
        profile.budget,
        profile.utilities,
        profile.multiplicity,
        tie_priority(profile, ties),
        cost_utility=cost_utility,
        completion=completion,
        increment=profile.scale,
        progress=progress,
        supporters=profile.mes_supporters(cost_utility),
    )
    selected = [int(j) for j in result.selected]
    scale = profile.scale

    def projects() -> tuple[ProjectResult, ...]:
        chosen = set(selected)
        paid = profile.multiplicity.astype(np.float64) @ result.payments  # per project
        details: dict[int, dict[str, Any]] = {}
        ids = profile.project_ids
        short: dict[int, tuple[int, ...]] = {}  # the unaffordable: the projects they paid for
        for j in range(profile.n_projects):
            info: dict[str, Any] = {"paid": float(paid[j]) / scale}
            if j not in chosen:
                kind, blockers = result.reasons.get(j, ("did-not-fit", ()))
                if kind == "no-supporters" or (kind == "unaffordable" and profile.votes[j] == 0):
                    kind = "no-support"
                if kind == "did-not-fit" and int(profile.costs[j]) > profile.budget:
                    kind = "over-budget"
                if kind == "did-not-fit":
                    info["remaining"] = profile.money(profile.budget - int(result.spent))
                if kind == "unaffordable":
                    short[j] = blockers  # named below, most paid for first
                else:
                    info["spent_on"] = tuple([ids[int(b)] for b in blockers])
                info["reason"] = kind
            details[j] = info
        if short:  # the projects they paid most for first, and what they had left
            spending, left = _supporters_spending(profile, result, list(short))
            column = {w: k for k, w in enumerate(selected)}
            for row, shares_left, (j, blockers) in zip(spending, left, short.items(), strict=True):
                most_first = sorted(blockers, key=lambda w: (-row[column[w]], column[w]))
                details[j]["spent_on"] = tuple([ids[int(b)] for b in most_first])
                details[j]["shares_left"] = float(shares_left) / scale
        return _project_results(profile, selected, details)

    return _new_outcome(
        profile,
        "mes",
        ties,
        selected,
        projects,
        completion=completion,
        payments=(lambda: result.payments if scale == 1 else result.payments / scale),
        final_budget=(
            result.final_budget
            if scale == 1
            else Fraction(result.final_budget.numerator, result.final_budget.denominator * scale)
        ),
    )


def _supporters_spending(
    profile: Profile, result: MesResult, projects: list[int]
) -> tuple[FloatArray, FloatArray]:
    """For each of ``projects`` (MES, not funded), what its supporters paid for each funded
    project (columns in selection order) and what they still held of their equal shares when
    the count ended, in the count's units: one weighted bincount per column over their
    supporter entries."""
    rows, cols, _ = profile.entries
    position = np.full(profile.n_projects, -1, dtype=np.int64)
    position[projects] = np.arange(len(projects))
    at = position[cols]
    keep = at >= 0
    rows, at = rows[keep], at[keep]
    weights = profile.multiplicity[rows].astype(np.float64)
    payments = result.payments
    held = float(result.final_budget) - payments.sum(axis=1)
    np.maximum(held, 0.0, out=held)  # a voter who paid everything holds 0 (not -1e-12)
    n = len(projects)
    spending = np.empty((n, len(result.selected)), dtype=np.float64)
    for k, w in enumerate(result.selected):
        spending[:, k] = np.bincount(at, weights=weights * payments[rows, w], minlength=n)
    left = np.bincount(at, weights=weights * held[rows], minlength=n)
    return spending, left.astype(np.float64, copy=False)  # weighted: floats already


# ----------------------------------------------------------------------------------------------
# dispatcher


def tally(
    election: Election | Profile,
    rule: str,
    completion: str = "none",
    ties: str = "id",
    progress: Progress | None = None,
) -> Outcome:
    """Run ``rule`` (one of :data:`RULES`) on an election; ``completion`` (one of
    :data:`COMPLETIONS`) only applies to ``mes``. Raises ``ValueError`` for a rule that does not
    apply (``phragmen`` on non-approval ballots, ``greedy-threshold`` without a threshold)."""
    if rule not in RULES:
        raise ValueError(f"unknown rule {rule!r} (expected one of {', '.join(RULES)})")
    if completion not in COMPLETIONS:
        raise ValueError(
            f"unknown completion {completion!r} (expected one of {', '.join(COMPLETIONS)})"
        )
    if ties not in TIES:
        raise ValueError(f"unknown tie-breaking {ties!r} (expected one of {', '.join(TIES)})")
    if rule != "mes" and completion != "none":
        raise ValueError(f"--completion {completion} only applies to the rule mes")
    profile = election if isinstance(election, Profile) else profile_from_election(election)
    if rule == "greedy":
        return greedy(profile, ties=ties)
    if rule == "greedy-no-skip":
        return greedy(profile, ties=ties, skip=False)
    if rule == "greedy-threshold":
        if profile.threshold is None:
            raise ValueError("greedy-threshold needs META min_project_score_threshold")
        return greedy(profile, ties=ties, threshold=profile.threshold)
    if rule == "greedy-cost":
        return greedy_cost(profile, ties=ties)
    if rule == "phragmen":
        return phragmen(profile, ties=ties, progress=progress)
    return method_of_equal_shares(profile, ties=ties, completion=completion, progress=progress)


# ----------------------------------------------------------------------------------------------
# random elections


def random_election(
    seed: int,
    n_projects: int = 10,
    n_voters: int = 100,
    vote_type: str = "approval",
    *,
    budget_share: float = 0.4,
    max_length: int | None = None,
    max_points: int = 3,
    costs: Sequence[int] = (1000, 2000, 2500, 5000, 10000, 20000),
    zero_cost: bool = False,
) -> Election:
    """A seeded random election (numpy ``default_rng(seed)``) that round-trips through
    :func:`~pnyx.methods.pabulib.write_pb`. Projects have uneven popularity so scores spread out
    while costs come from a short list, so ties and repeated ballots happen. ``budget_share`` is
    the budget as a share of the total cost; ``zero_cost`` makes one project free."""
    if vote_type not in ("approval", "choose-1", "cumulative", "scoring", "ordinal"):
        raise ValueError(f"unknown vote_type {vote_type!r}")
    rng = np.random.default_rng(seed)
    project_costs = rng.choice(np.asarray(costs, dtype=np.int64), size=n_projects)
    if zero_cost and n_projects:
        project_costs[rng.integers(n_projects)] = 0
    popularity = rng.dirichlet(np.full(n_projects, 0.8)) if n_projects else np.zeros(0)
    longest = max_length or max(1, min(n_projects, 5))
    if vote_type == "choose-1":
        longest = 1
    budget = max(1, int(project_costs.sum() * budget_share))
    ids = [str(k + 1) for k in range(n_projects)]
    projects = tuple(
        Project(id=ids[k], cost=int(project_costs[k]), name=f"Project {ids[k]}")
        for k in range(n_projects)
    )
    voters: list[Voter] = []
    for v in range(n_voters):
        size = int(rng.integers(0 if vote_type in ("approval", "choose-1") else 1, longest + 1))
        size = min(size, n_projects)
        chosen: list[int] = (
            rng.choice(n_projects, size=size, replace=False, p=popularity).tolist() if size else []
        )
        vote = tuple(ids[k] for k in chosen)
        points: tuple[Number, ...] | None = None
        if vote_type in ("cumulative", "scoring"):
            drawn = [int(x) for x in rng.integers(1, max_points + 1, size=len(vote))]
            if vote_type == "cumulative":  # listed by decreasing points, as the spec says
                order = sorted(range(len(vote)), key=lambda i: -drawn[i])
                vote = tuple(vote[i] for i in order)
                drawn = [drawn[i] for i in order]
            points = tuple(drawn)
        voters.append(Voter(id=str(v + 1), vote=vote, points=points))
    meta: dict[str, str] = {
        "description": f"random election, seed {seed}",
        "country": "Nowhere",
        "unit": "Random",
        "instance": str(seed),
        "num_projects": str(n_projects),
        "num_votes": str(n_voters),
        "budget": str(budget),
        "vote_type": vote_type,
        "rule": "greedy",
    }
    if vote_type != "choose-1":
        meta["max_length"] = str(longest)
    if vote_type == "cumulative":
        meta["max_points"] = str(max_points)
        meta["max_sum_points"] = str(max_points * longest)
    if vote_type == "scoring":
        meta["min_points"] = "1"
        meta["max_points"] = str(max_points)
    return Election(
        meta=meta,
        projects=projects,
        voters=tuple(voters),
        project_columns=("name",),
        voter_columns=(),
    )
