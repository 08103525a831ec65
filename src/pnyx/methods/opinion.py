"""Opinion maps: the Pol.is math (groups, representative and consensus statements) in numpy.

Reference implementation: the Pol.is Clojure math (``compdemocracy/polis``,
``math/src/polismath/math/{conversation,pca,clusters,repness,stats}.clj``) and its Python
reimplementation red-dwarf (``polis-community/red-dwarf``). The pipeline, for a participant x
statement matrix of last votes (1 agree, -1 disagree, 0 pass, NaN not voted):

1. Only statements somebody voted on and participants who voted exist (Pol.is' named matrix grows
   a row/column on the first vote). Moderated-out (and meta) statements are *zeroed*: their whole
   column becomes 0 (pass) for everybody, as ``named-matrix/zero-out-columns`` does, so they carry
   no signal but still count as "voted" in the projection's sparsity scaling.
2. Participants *in the conversation* (the ones that are clustered): everyone with at least
   ``min(7, number of statements)`` votes (counted on the raw matrix, passes included), sticky once
   in (the previous state's set is kept), topped up to 15 with the most active participants.
3. PCA to 2 components of the zeroed matrix of *all* participants, missing votes filled with the
   statement mean; each participant is projected with the sparsity-aware projection (only the
   statements they voted on, scaled by ``sqrt(n_statements / n_votes)``).
4. Base clusters: k-means with k = 100 over the in-conversation participants' projections
   (initialised with the first k distinct points, or from the previous base clusters through
   Pol.is' ``clean-start-clusters``: recentre, merge identical, split off the most distal point
   until there are enough clusters), at most 100 iterations, stopping when no centre moved by
   0.01 or more.
5. Groups: weighted k-means over the base-cluster centres (weights = member counts) for every k
   from 2 to ``min(5, 2 + n_base // 12)`` (at most 20 iterations: the Clojure passes its
   ``:group-iters`` under a key ``kmeans`` ignores, so its default of 20 applies), each warm-started
   from the previous clustering with the same k; k is chosen by the (unweighted) silhouette of
   the base clusters and smoothed: a new k is adopted only after it has won 4 updates in a row.
   A participant's group is its base cluster's group.
6. Representative statements per group ("repness", ``repness.clj``): pseudo-counted agree and
   disagree probabilities ``(n+1)/(n_seen+2)``, their ratio against all other groups, the
   one-proportion and two-proportion z tests, significance at 90 % (z > 1.2816); a statement is
   representative when both tests pass (for agree or for disagree); groups with none keep the best
   by test; the best "agree" statement goes first; at most 5, sorted by
   ``ratio * ratio_test * p * p_test``, agrees before disagrees.
7. Consensus statements (over all participants): p > 0.5 and significant, top 5 by ``p * p_test``
   for agree and for disagree. Group-aware consensus: product over groups of
   ``(agree+1)/(seen+2)`` (Pol.is computes only this agree version; the disagree one is
   red-dwarf's). Divisiveness: Pol.is' ``comment-extremity``, the distance from the origin of a
   statement's projection (a participant who agreed with that statement only).

``update_opinion_map(previous, new_votes)`` adds a batch of votes to the previous state and
recomputes, warm-starting the PCA sign, the base clusters, the group clusterings and the k
smoother from it, which is how Pol.is updates a conversation after each batch of votes.
``compute_opinion_map`` without a previous state is what Pol.is computes when it loads a whole
conversation into a new state (one batch of all votes). Pol.is' published groups are usually
the end of a long history instead: its math worker polls the votes table every second and
updates each conversation with the votes that arrived since (batches merge while an update
runs), and a restart of the worker reloads the base clusters, the in-conversation set and the
PCA but neither the per-k group clusterings nor the k smoother (so groups restart from the first
k base clusters and k is the silhouette's best at once). k-means being warm-started all along,
the published groups are one of several local optima, chosen by that history, which the
exports do not record (restarts, moderation times, update durations).

Deliberate differences from Pol.is (each one small, each one for determinism or clarity):

- PCA: Pol.is runs 100 power iterations (with deflation) from a *random* start vector, or from the
  previous components. Pnyx computes the same two leading eigenvectors of the centred, mean-filled
  matrix exactly (the fixed point that power iteration converges to: LAPACK ``eigh`` on the
  statement x statement Gram matrix, or Lanczos ``eigsh`` for large matrices, which is a refined
  power iteration), so results do not depend on a random seed nor on how many updates came before.
  The sign of each component, arbitrary in Pol.is, is aligned with the previous state's component
  when there is one, else chosen so that the largest-magnitude loading is positive.
- Vote sign: Pol.is' math stores agree as -1 internally; Pnyx uses 1 = agree everywhere (as the
  Pol.is CSV exports do), so Pnyx' PCA centre and coordinates are the negation of Pol.is' blob
  values up to the arbitrary component signs.
- Row and column order: Pnyx keeps the order of the input matrix. Pol.is' named matrix appends
  a participant (a statement) at their first vote in the order votes reach it, and its database
  queries sort every batch by comment id, then participant id. A conversation loaded in one
  batch (a full recompute, or a restart of the math worker, which rebuilds the matrix from all
  votes) therefore has its rows by first statement voted on, then id: the row order of the
  export's participants-votes.csv, which the Pol.is CSV reader (``polis_format``) reproduces. A
  live conversation's rows come batch by batch, roughly in order of first vote
  (``VoteMatrix.from_votes`` on votes in time order). Order only matters for the cold-start
  k-means initialisation ("first k distinct points") and for exact ties; on the red-dwarf
  fixture below-100-ptpts it decides the from-scratch groups (first-vote order reproduces
  Pol.is' 3 groups exactly), on bowling-green it decides k (2 as Pol.is in export order, 4
  with rows sorted by id).
- Ties: Clojure's ``min-key``/``max-key`` resolve exact ties to the later candidate. Pnyx keeps
  that rule for the choice of k, the id kept when two identical clusters merge and the most
  distal point of a warm start; for a point equidistant from two centres it takes the k-d
  tree's (or numpy ``argmin``'s) answer, where Pol.is takes the later in its hash-map order.
- Degenerate inputs that make Pol.is throw (fewer than two distinct base clusters, a group
  clustering that collapses to one cluster) give a single group here, and a k with a single
  cluster scores silhouette -1.
- A component without variance (rank-deficient data, e.g. everyone voting alike) is set to zero
  instead of an arbitrary unit vector.
- Pol.is' mini-batch PCA for conversations over 10,000 participants is not reproduced: Pnyx always
  computes the full PCA (fast enough: see ``benchmarks/bench_opinion.py``).
- Subgroups (``subgroup-clusters``), comment priorities and participant statistics are not
  computed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt
import scipy.linalg
import scipy.sparse
import scipy.sparse.linalg
import scipy.spatial

from pnyx.methods.blas import single_threaded_blas

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

AGREE = 1
DISAGREE = -1
PASS = 0

Z_90 = 1.2816
"""One-sided z threshold at 90 % (``stats/z-sig-90?``)."""


class OpinionError(ValueError):
    """A vote matrix or a vote that the opinion map cannot use (names the field at fault)."""


def _frozen(array: npt.NDArray[np.generic]) -> npt.NDArray[np.generic]:
    array.flags.writeable = False
    return array


# ---------------------------------------------------------------------------------------------
# Inputs, options, state, outputs


@dataclass(frozen=True, eq=False)
class VoteMatrix:
    """Last vote of each participant on each statement.

    ``votes[i, j]`` is participant ``participants[i]``'s vote on statement ``statements[j]``:
    1 agree, -1 disagree, 0 pass, NaN not voted. Ids are unique integers.
    """

    participants: tuple[int, ...]
    statements: tuple[int, ...]
    votes: FloatArray

    def __post_init__(self) -> None:
        votes = np.array(self.votes, dtype=np.float64)
        if votes.ndim != 2 or votes.shape != (len(self.participants), len(self.statements)):
            raise OpinionError(
                f"votes: shape {votes.shape} does not match "
                f"{len(self.participants)} participants x {len(self.statements)} statements"
            )
        if len(set(self.participants)) != len(self.participants):
            raise OpinionError("participants: duplicate participant id")
        if len(set(self.statements)) != len(self.statements):
            raise OpinionError("statements: duplicate statement id")
        cast = votes[~np.isnan(votes)]
        if cast.size and not np.isin(cast, (-1.0, 0.0, 1.0)).all():
            raise OpinionError("votes: a vote must be 1 (agree), -1 (disagree), 0 (pass) or NaN")
        object.__setattr__(self, "participants", tuple(int(p) for p in self.participants))
        object.__setattr__(self, "statements", tuple(int(s) for s in self.statements))
        object.__setattr__(self, "votes", _frozen(votes))

    @classmethod
    def from_votes(cls, votes: Iterable[Vote]) -> VoteMatrix:
        """Build the matrix from votes in time order (a later vote replaces an earlier one)."""
        return VoteMatrix((), (), np.zeros((0, 0))).with_votes(votes)

    def with_votes(self, votes: Iterable[Vote]) -> VoteMatrix:
        """A new matrix with ``votes`` applied in order; new participants/statements are appended."""
        batch = list(votes)
        participants = list(self.participants)
        statements = list(self.statements)
        p_index = {p: i for i, p in enumerate(participants)}
        s_index = {s: j for j, s in enumerate(statements)}
        rows = np.empty(len(batch), dtype=np.int64)
        cols = np.empty(len(batch), dtype=np.int64)
        values = np.empty(len(batch), dtype=np.float64)
        for n, vote in enumerate(batch):
            if vote.value not in (AGREE, DISAGREE, PASS):
                raise OpinionError(f"vote {n}: value {vote.value!r} is not 1, -1 or 0")
            i = p_index.setdefault(vote.participant, len(participants))
            if i == len(participants):
                participants.append(vote.participant)
            j = s_index.setdefault(vote.statement, len(statements))
            if j == len(statements):
                statements.append(vote.statement)
            rows[n], cols[n], values[n] = i, j, vote.value
        grown = np.full((len(participants), len(statements)), np.nan)
        grown[: self.votes.shape[0], : self.votes.shape[1]] = self.votes
        grown[rows, cols] = values  # numpy assigns repeated indices in order: the last vote wins
        return VoteMatrix(tuple(participants), tuple(statements), grown)


@dataclass(frozen=True)
class Vote:
    participant: int
    statement: int
    value: int  # 1 agree, -1 disagree, 0 pass


@dataclass(frozen=True)
class OpinionOptions:
    """Pol.is' defaults (``base-conv-update-graph`` ``:opts'``)."""

    base_k: int = 100
    max_k: int = 5
    base_iters: int = 100
    group_iters: int = 20
    group_k_buffer: int = 4
    min_votes: int = 7
    greedy_n: int = 15
    pick_max: int = 5
    z_threshold: float = Z_90


@dataclass(frozen=True)
class Cluster:
    """A k-means cluster: members are participant ids (base clusters) or base-cluster ids (groups)."""

    id: int
    members: tuple[int, ...]
    center: tuple[float, float]


@dataclass(frozen=True)
class KSmoother:
    last_k: int
    last_k_count: int
    smoothed_k: int


@dataclass(frozen=True, eq=False)
class PCA:
    """Two principal components over ``statements`` (the analysed columns), 1 = agree sign."""

    statements: tuple[int, ...]
    center: FloatArray  # (n_statements,)
    comps: FloatArray  # (2, n_statements)


@dataclass(frozen=True, eq=False)
class OpinionState:
    """Everything an update needs from the previous computation."""

    matrix: VoteMatrix
    moderated_out: frozenset[int]
    in_conv: frozenset[int]
    pca: PCA | None
    base_clusters: tuple[Cluster, ...]
    group_clusterings: Mapping[int, tuple[Cluster, ...]]
    k_smoother: KSmoother | None


@dataclass(frozen=True)
class RepresentativeStatement:
    statement: int
    repful_for: Literal["agree", "disagree"]
    n_success: int
    n_trials: int
    p_success: float
    p_test: float
    repness: float
    repness_test: float
    best_agree: bool = False


@dataclass(frozen=True)
class ConsensusStatement:
    statement: int
    n_success: int
    n_trials: int
    p_success: float
    p_test: float


@dataclass(frozen=True)
class Consensus:
    agree: tuple[ConsensusStatement, ...]
    disagree: tuple[ConsensusStatement, ...]


@dataclass(frozen=True, eq=False)
class StatementVotes:
    """Vote counts (agree, disagree, seen) per group (rows, ``groups`` order) and statement."""

    groups: tuple[int, ...]
    statements: tuple[int, ...]
    agree: IntArray
    disagree: IntArray
    seen: IntArray


@dataclass(frozen=True, eq=False)
class OpinionMap:
    """The result of one computation; ``state`` feeds the next update."""

    state: OpinionState
    participants: tuple[int, ...]  # participants with at least one vote (rows of ``projection``)
    projection: FloatArray  # (n_participants, 2)
    in_conv: tuple[int, ...]
    base_clusters: tuple[Cluster, ...]
    group_clusters: tuple[Cluster, ...]
    silhouettes: Mapping[int, float]
    groups: Mapping[int, int]  # participant id -> group id (in-conversation participants only)
    group_votes: StatementVotes
    repness: Mapping[int, tuple[RepresentativeStatement, ...]]
    consensus: Consensus
    group_aware_consensus: Mapping[int, float]
    group_aware_consensus_disagree: Mapping[int, float]
    divisiveness: Mapping[int, float]  # Pol.is comment extremity
    statement_projection: Mapping[int, tuple[float, float]] = field(default_factory=dict)

    @property
    def k(self) -> int:
        return len(self.group_clusters)

    def group_sizes(self) -> dict[int, int]:
        sizes = {cluster.id: 0 for cluster in self.group_clusters}
        for group in self.groups.values():
            sizes[group] += 1
        return sizes


# ---------------------------------------------------------------------------------------------
# Statistics (stats.clj)


def prop_test(successes: FloatArray, trials: FloatArray) -> FloatArray:
    """One-proportion z statistic with a +1 pseudo-count (``stats/prop-test``)."""
    s = successes + 1.0
    n = trials + 1.0
    result: FloatArray = 2.0 * np.sqrt(n) * (s / n - 0.5)
    return result


def two_prop_test(
    succ_in: FloatArray, succ_out: FloatArray, pop_in: FloatArray, pop_out: FloatArray
) -> FloatArray:
    """Two-proportion z statistic with +1 pseudo-counts (``stats/two-prop-test``); 0 when p-hat = 1."""
    s1, s2, n1, n2 = succ_in + 1.0, succ_out + 1.0, pop_in + 1.0, pop_out + 1.0
    pi1 = s1 / n1
    pi2 = s2 / n2
    pi_hat = (s1 + s2) / (n1 + n2)
    denominator = np.sqrt(pi_hat * (1.0 - pi_hat) * (1.0 / n1 + 1.0 / n2))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (pi1 - pi2) / denominator
    result: FloatArray = np.where(pi_hat == 1.0, 0.0, z)
    return result


# ---------------------------------------------------------------------------------------------
# PCA (pca.clj)


def _leading_eigenvectors(
    centred: FloatArray | scipy.sparse.csr_matrix, n_comps: int, start: FloatArray | None
) -> FloatArray:
    n_rows, n_cols = centred.shape
    if n_comps == 0:
        return np.zeros((0, n_cols))
    if scipy.sparse.issparse(centred) and n_cols > 64:
        sparse = scipy.sparse.csr_matrix(centred)
        transposed = sparse.T  # a CSC view: its mat-vec is as fast as a converted CSR's
        operator = scipy.sparse.linalg.LinearOperator(
            (n_cols, n_cols),
            matvec=lambda v: transposed @ (sparse @ v),
            dtype=np.float64,
        )
        v0 = start[0] if start is not None and np.any(start[0]) else np.ones(n_cols)
        values, vectors = scipy.sparse.linalg.eigsh(
            operator, k=n_comps, which="LA", v0=v0, tol=1e-10, ncv=min(n_cols, 24)
        )
        order = np.argsort(values)
        values, vectors = values[order], vectors[:, order]
    else:
        dense = (
            np.asarray(centred.toarray())  # type: ignore[union-attr]
            if scipy.sparse.issparse(centred)
            else np.asarray(centred)
        )
        gram = dense.T @ dense
        values, vectors = scipy.linalg.eigh(gram, subset_by_index=(n_cols - n_comps, n_cols - 1))
    comps: FloatArray = np.ascontiguousarray(vectors[:, ::-1].T)  # largest eigenvalue first
    # A direction without variance (rank-deficient data) has no meaningful eigenvector: zero it,
    # as Pol.is' power iteration ends on a zero vector there.
    scale = max(float(np.max(values)), 0.0)
    comps[values[::-1] <= 1e-10 * scale + 1e-300] = 0.0
    return comps


def _orient(comps: FloatArray, previous: FloatArray | None) -> FloatArray:
    oriented = comps.copy()
    for c in range(oriented.shape[0]):
        if previous is not None and c < previous.shape[0] and np.any(previous[c]):
            flip = float(oriented[c] @ previous[c]) < 0.0
        else:
            flip = oriented[c, int(np.argmax(np.abs(oriented[c])))] < 0.0
        if flip:
            oriented[c] = -oriented[c]
    return oriented


@dataclass(frozen=True, eq=False)
class _Cells:
    """The voted cells of a matrix: row, column and value of each (row-major order)."""

    shape: tuple[int, int]
    rows: IntArray
    cols: IntArray
    values: FloatArray

    @classmethod
    def of(cls, rating: FloatArray) -> _Cells:
        n_rows, n_cols = (int(rating.shape[0]), int(rating.shape[1]))
        flat = np.flatnonzero(~np.isnan(rating))  # row-major, as np.nonzero, but faster
        rows, cols = np.divmod(flat, max(n_cols, 1))
        return cls(
            (n_rows, n_cols),
            rows.astype(np.int64, copy=False),
            cols.astype(np.int64, copy=False),
            np.ascontiguousarray(rating).ravel()[flat].astype(np.float64, copy=False),
        )

    def column_counts(self) -> IntArray:
        counts: IntArray = np.bincount(self.cols, minlength=self.shape[1]).astype(np.int64)
        return counts

    def row_counts(self) -> IntArray:
        counts: IntArray = np.bincount(self.rows, minlength=self.shape[0]).astype(np.int64)
        return counts

    def column_sums(self, weights: FloatArray) -> FloatArray:
        sums: FloatArray = np.bincount(self.cols, weights=weights, minlength=self.shape[1]).astype(
            np.float64
        )
        return sums


def pca(
    rating: FloatArray, *, n_comps: int = 2, previous_comps: FloatArray | None = None
) -> tuple[FloatArray, FloatArray]:
    """Centre and leading components of ``rating`` with NaN filled by the column mean.

    Returns ``(center, comps)`` with ``comps`` of shape (n_comps, n_cols); components beyond
    ``min(n_rows, n_cols)`` are zero, as in ``powerit-pca``. ``previous_comps`` (aligned on the
    same columns) only fixes the signs.
    """
    return _pca(_Cells.of(np.asarray(rating, dtype=np.float64)), n_comps, previous_comps)


def _pca(
    cells: _Cells, n_comps: int, previous_comps: FloatArray | None
) -> tuple[FloatArray, FloatArray]:
    n_rows, n_cols = cells.shape
    counts = cells.column_counts()
    sums = cells.column_sums(cells.values)
    center: FloatArray = np.divide(sums, counts, out=np.zeros(n_cols), where=counts > 0)
    # Mean-filled then centred: the missing cells become exactly 0, so the matrix is sparse.
    values = cells.values - center[cells.cols]
    keep = values != 0.0
    # Cells are in row-major order, so the CSR arrays are the kept cells themselves.
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(cells.rows[keep], minlength=n_rows), out=indptr[1:])
    centred = scipy.sparse.csr_matrix(
        (values[keep], cells.cols[keep], indptr), shape=(n_rows, n_cols)
    )
    data_dim = min(n_rows, n_cols)
    k = min(n_comps, data_dim)
    comps = np.zeros((n_comps, n_cols))
    if k:
        comps[:k] = _orient(_leading_eigenvectors(centred, k, previous_comps), previous_comps)
    return center, comps


def sparsity_aware_projection(
    rating: FloatArray, center: FloatArray, comps: FloatArray
) -> FloatArray:
    """Project each row on the components using only its votes, scaled by sqrt(n_cols / n_votes)."""
    return _projection(_Cells.of(np.asarray(rating, dtype=np.float64)), center, comps)


def _projection(
    cells: _Cells, center: FloatArray, comps: FloatArray, zeroed_columns: int = 0
) -> FloatArray:
    """``zeroed_columns``: columns zeroed for every row but left out of ``cells``; their cells
    (0 minus a centre of 0) add exactly nothing to the sums but count as votes in the scaling."""
    n_rows, n_cols = cells.shape
    deviations = cells.values - center[cells.cols]
    projection = np.empty((n_rows, comps.shape[0]))
    for c in range(comps.shape[0]):
        projection[:, c] = np.bincount(
            cells.rows, weights=deviations * comps[c][cells.cols], minlength=n_rows
        )
    scale = np.sqrt(n_cols / np.maximum(cells.row_counts() + zeroed_columns, 1))
    result: FloatArray = projection * scale[:, None]
    return result


# ---------------------------------------------------------------------------------------------
# k-means (clusters.clj)


@dataclass
class _Clusters:
    ids: list[int]
    centers: FloatArray  # (k, 2)


def _weighted_mean(points: FloatArray, weights: FloatArray) -> FloatArray:
    result: FloatArray = (points * weights[:, None]).sum(axis=0) / weights.sum()
    return result


def _distinct_in_order(points: FloatArray) -> IntArray:
    """Row index of the first occurrence of each distinct point, in row order."""
    if points.shape[1] == 2:  # a 1-D sort of x + iy is much faster than np.unique(axis=0)
        _, first = np.unique(points[:, 0] + 1j * points[:, 1], return_index=True)
    else:
        _, first = np.unique(points, axis=0, return_index=True)
    ordered: IntArray = np.sort(first).astype(np.int64)
    return ordered


def _init_clusters(points: FloatArray, k: int) -> _Clusters:
    """The first k distinct points, in row order (``init-clusters``)."""
    seen: set[tuple[float, ...]] = set()
    first: list[int] = []
    for row, point in enumerate(map(tuple, points.tolist())):
        if len(first) >= k:
            break
        if point not in seen:
            seen.add(point)
            first.append(row)
    return _Clusters(list(range(len(first))), points[first].copy())


def _nearest(points: FloatArray, centers: FloatArray) -> IntArray:
    if len(centers) > 8 and len(points) > 256:
        _, found = scipy.spatial.cKDTree(centers).query(points)
        nearest: IntArray = np.asarray(found, dtype=np.int64)
        return nearest
    distances = (
        (points * points).sum(axis=1)[:, None]
        - 2.0 * points @ centers.T
        + (centers * centers).sum(axis=1)[None, :]
    )
    labels: IntArray = np.argmin(distances, axis=1).astype(np.int64)
    return labels


def _same_clustering(a: FloatArray, b: FloatArray, threshold: float = 0.01) -> bool:
    sa = a[np.lexsort(a.T[::-1])]
    sb = b[np.lexsort(b.T[::-1])]
    n = min(len(sa), len(sb))
    return bool(np.all(np.linalg.norm(sa[:n] - sb[:n], axis=1) < threshold))


def _kmeans_steps(
    points: FloatArray, weights: FloatArray, clusters: _Clusters, max_iters: int
) -> tuple[_Clusters, IntArray]:
    """Lloyd steps as ``kmeans``: empty clusters vanish; stop when no centre moved by 0.01.

    With many points and centres (the base clusters) the assignment keeps Hamerly's bounds: an
    upper bound on each point's distance to its centre and a lower bound on its distance to
    every other centre, both moved by how far the centres moved, and half the distance from its
    centre to the nearest other centre. A point whose upper bound stays below both (by a margin
    far above rounding) provably keeps its centre; only the others are searched in the k-d tree.
    Same labels as searching every point, in a fraction of the time once few centres move.
    """
    ids, centers = clusters.ids, clusters.centers
    weighted = [points[:, c] * weights for c in range(points.shape[1])]
    bounded = len(centers) > 8 and len(points) > 256
    labels: IntArray | None = None
    upper = lower = shift = np.zeros(0)
    for iteration in range(max_iters, -1, -1):
        if bounded and len(centers) > 8:
            tree = scipy.spatial.cKDTree(centers)
            if labels is None:
                distances, found = tree.query(points, k=2)
                labels = np.asarray(found[:, 0], dtype=np.int64)
                upper, lower = distances[:, 0].copy(), distances[:, 1].copy()
            else:
                upper = upper + shift[labels]
                largest = int(np.argmax(shift))
                others_moved = np.full(len(shift), shift[largest])
                others_moved[largest] = np.max(np.delete(shift, largest))
                lower = lower - others_moved[labels]
                half = 0.5 * tree.query(centers, k=2)[0][:, 1]
                bound = np.maximum(lower, half[labels])
                check = np.flatnonzero(upper >= bound - 1e-9 * (1.0 + upper))
                if len(check):  # tighten the upper bound to the exact distance, test again
                    own = points[check] - centers[labels[check]]
                    upper[check] = np.sqrt((own * own).sum(axis=1))
                    check = check[upper[check] >= bound[check] - 1e-9 * (1.0 + upper[check])]
                if len(check):
                    distances, found = tree.query(points[check], k=2)
                    labels[check] = found[:, 0]
                    upper[check], lower[check] = distances[:, 0], distances[:, 1]
        else:
            labels = _nearest(points, centers)
        occupied = np.flatnonzero(np.bincount(labels, minlength=len(centers)))
        totals = np.stack(
            [np.bincount(labels, weights=w, minlength=len(centers)) for w in weighted], axis=1
        )
        mass = np.bincount(labels, weights=weights, minlength=len(centers))
        new_centers = totals[occupied] / mass[occupied, None]
        new_ids = [ids[i] for i in occupied]
        remap = np.full(len(centers), -1, dtype=np.int64)
        remap[occupied] = np.arange(len(occupied))
        labels = remap[labels]
        done = iteration == 0 or _same_clustering(centers, new_centers)
        if bounded:
            shift = np.linalg.norm(new_centers - centers[occupied], axis=1)
        ids, centers = new_ids, new_centers
        if done:
            break
    assert labels is not None
    return _Clusters(ids, centers), labels


def _clean_start(
    points: FloatArray,
    names: Sequence[int],
    weights: FloatArray,
    previous: Sequence[Cluster],
    k: int,
) -> _Clusters:
    """Warm start from the previous clusters (``clean-start-clusters``)."""
    index = {name: i for i, name in enumerate(names)}
    members: list[list[int]] = []
    ids: list[int] = []
    for cluster in previous:  # safe-recenter: keep members still present, drop empty clusters
        rows = [index[m] for m in cluster.members if m in index]
        if rows:
            members.append(rows)
            ids.append(cluster.id)
    if not members:
        return _init_clusters(points, k)

    def recenter(groups: list[list[int]]) -> FloatArray:
        return np.array([_weighted_mean(points[g], weights[g]) for g in groups])

    centers = recenter(members)
    merged_members: list[list[int]] = []
    merged_ids: list[int] = []
    merged_centers: list[FloatArray] = []
    for cid, rows, center in zip(ids, members, centers, strict=True):  # uniqify-clusters
        for n, other in enumerate(merged_centers):
            if np.array_equal(other, center):
                if len(rows) >= len(merged_members[n]):  # max-key: a tie goes to the later
                    merged_ids[n] = cid
                merged_members[n] = merged_members[n] + rows
                break
        else:
            merged_members.append(rows)
            merged_ids.append(cid)
            merged_centers.append(center)
    members, ids = merged_members, merged_ids
    possible = min(k, len(_distinct_in_order(points)))
    while True:
        members_nonempty = [(i, m) for i, m in zip(ids, members, strict=True) if m]
        ids = [i for i, _ in members_nonempty]
        members = [m for _, m in members_nonempty]
        centers = recenter(members)
        if possible <= len(members):
            break
        distances = np.linalg.norm(points[:, None, :] - centers[None, :, :], axis=2)
        nearest = distances.min(axis=1)
        outlier = len(nearest) - 1 - int(np.argmax(nearest[::-1]))  # max-key: ties to the last
        if nearest[outlier] <= 0.0:
            break
        members = [[r for r in m if r != outlier] for m in members]
        members.append([outlier])
        ids.append(max(ids) + 1)
    return _Clusters(ids, centers)


def kmeans(
    points: FloatArray,
    names: Sequence[int],
    k: int,
    *,
    weights: FloatArray | None = None,
    previous: Sequence[Cluster] = (),
    max_iters: int = 20,
) -> tuple[Cluster, ...]:
    """Pol.is k-means; returns clusters sorted by id, members named by ``names``."""
    if len(points) == 0:
        return ()
    w = np.ones(len(points)) if weights is None else np.asarray(weights, dtype=np.float64)
    start = _clean_start(points, names, w, previous, k) if previous else _init_clusters(points, k)
    result, labels = _kmeans_steps(points, w, start, max_iters)
    order = np.argsort(np.asarray(result.ids), kind="stable")
    # Members of each cluster in row order: a stable sort of the rows by label, cut by counts.
    by_label = np.asarray(names, dtype=np.int64)[np.argsort(labels, kind="stable")].tolist()
    ends = np.cumsum(np.bincount(labels, minlength=len(result.ids))).tolist()
    clusters = []
    for position in order.tolist():
        center = result.centers[position]
        clusters.append(
            Cluster(
                id=int(result.ids[position]),
                members=tuple(by_label[(ends[position - 1] if position else 0) : ends[position]]),
                center=(float(center[0]), float(center[1])),
            )
        )
    return tuple(clusters)


def silhouette(distances: FloatArray, labels: IntArray) -> float:
    """Mean silhouette (``clusters/silhouette``): a member alone in its cluster scores 0."""
    n = len(labels)
    if n == 0:
        return 0.0
    unique = np.unique(labels)
    if len(unique) < 2:
        return -1.0
    one_hot = (labels[:, None] == unique[None, :]).astype(np.float64)
    sums = distances @ one_hot  # (n, n_clusters), own distance 0 included
    sizes = one_hot.sum(axis=0)
    own = np.searchsorted(unique, labels)
    own_size = sizes[own] - 1
    a = sums[np.arange(n), own] / np.maximum(own_size, 1)
    others = sums / sizes[None, :]
    others[np.arange(n), own] = np.inf
    b = others.min(axis=1)
    scores = np.where(own_size == 0, 0.0, (b - a) / np.maximum(np.maximum(a, b), 1e-300))
    scores = np.where((own_size > 0) & (np.maximum(a, b) == 0.0), 0.0, scores)
    return float(scores.mean())


# ---------------------------------------------------------------------------------------------
# The pipeline (conversation.clj)


def _in_conv(
    participants: Sequence[int],
    vote_counts: IntArray,
    n_statements: int,
    previous: frozenset[int],
    options: OpinionOptions,
) -> frozenset[int]:
    threshold = min(options.min_votes, n_statements)
    in_conv = set(previous) | {
        p for p, c in zip(participants, vote_counts, strict=True) if c >= threshold
    }
    if len(in_conv) < options.greedy_n:
        order = np.argsort(-vote_counts, kind="stable")
        for row in order:
            if len(in_conv) >= options.greedy_n:
                break
            in_conv.add(participants[int(row)])
    return frozenset(in_conv & set(participants))


def _choose_k(silhouettes: Mapping[int, float]) -> int:
    """Clojure ``(apply max-key f ks)``: the first two compare strictly (a tie goes to the second),
    each later candidate wins ties (``>=``): among equal best scores the last k is chosen."""
    keys = list(silhouettes)
    best = keys[0]
    if len(keys) > 1:
        best = keys[0] if silhouettes[keys[0]] > silhouettes[keys[1]] else keys[1]
        for key in keys[2:]:
            if silhouettes[key] >= silhouettes[best]:
                best = key
    return best


def _smooth_k(this_k: int, previous: KSmoother | None, buffer: int) -> KSmoother:
    same = previous is not None and previous.last_k == this_k
    count = previous.last_k_count + 1 if same and previous is not None else 1
    if count >= buffer or previous is None:
        smoothed = this_k
    else:
        smoothed = previous.smoothed_k
    return KSmoother(last_k=this_k, last_k_count=count, smoothed_k=smoothed)


def _repness(
    agree: FloatArray,
    disagree: FloatArray,
    seen: FloatArray,
    statements: Sequence[int],
    excluded: BoolArray,
    group_ids: Sequence[int],
    options: OpinionOptions,
) -> dict[int, tuple[RepresentativeStatement, ...]]:
    """Representative statements per group (``conv-repness`` + ``select-rep-comments``)."""
    z = options.z_threshold
    rest_a = agree.sum(axis=0)[None, :] - agree
    rest_d = disagree.sum(axis=0)[None, :] - disagree
    rest_s = seen.sum(axis=0)[None, :] - seen
    pa = (1.0 + agree) / (2.0 + seen)
    pd = (1.0 + disagree) / (2.0 + seen)
    pat = prop_test(agree, seen)
    pdt = prop_test(disagree, seen)
    ra = pa / ((1.0 + rest_a) / (2.0 + rest_s))
    rd = pd / ((1.0 + rest_d) / (2.0 + rest_s))
    rat = two_prop_test(agree, rest_a, seen, rest_s)
    rdt = two_prop_test(disagree, rest_d, seen, rest_s)
    passes = ((rat > z) & (pat > z)) | ((rdt > z) & (pdt > z))

    def finalize(g: int, j: int, best_agree: bool = False) -> RepresentativeStatement:
        if rat[g, j] > rdt[g, j]:
            values = (agree[g, j], pa[g, j], pat[g, j], ra[g, j], rat[g, j], "agree")
        else:
            values = (disagree[g, j], pd[g, j], pdt[g, j], rd[g, j], rdt[g, j], "disagree")
        n_success, p_success, p_test, rep, rep_test, repful_for = values
        return RepresentativeStatement(
            statement=int(statements[j]),
            repful_for="agree" if repful_for == "agree" else "disagree",
            n_success=int(n_success),
            n_trials=int(seen[g, j]),
            p_success=float(p_success),
            p_test=float(p_test),
            repness=float(rep),
            repness_test=float(np.float32(rep_test)),
            best_agree=best_agree,
        )

    columns = np.flatnonzero(~excluded)
    column_list = columns.tolist()
    # Sort key of a statement on its better side, with the float32 rounding ``finalize`` applies.
    agree_side = rat > rdt
    key = (
        np.where(agree_side, ra, rd)
        * np.where(agree_side, rat, rdt).astype(np.float32).astype(np.float64)
        * np.where(agree_side, pa, pd)
        * np.where(agree_side, pat, pdt)
    )
    result: dict[int, tuple[RepresentativeStatement, ...]] = {}
    for g, gid in enumerate(group_ids):
        # Python floats (IEEE doubles, same arithmetic) make the sequential loop much faster.
        a_g, d_g = agree[g].tolist(), disagree[g].tolist()
        ra_g, rat_g, pa_g, pat_g = ra[g].tolist(), rat[g].tolist(), pa[g].tolist(), pat[g].tolist()
        best_agree: int | None = None
        for j in column_list:  # beats-best-agr?, a sequential (non-transitive) comparison
            if a_g[j] == 0 and d_g[j] == 0:
                continue
            if best_agree is not None and ra_g[best_agree] > 1.0:
                b = best_agree
                beats = (ra_g[j] * rat_g[j] * pa_g[j] * pat_g[j]) > (
                    ra_g[b] * rat_g[b] * pa_g[b] * pat_g[b]
                )
            elif best_agree is not None:
                beats = (pa_g[j] * pat_g[j]) > (pa_g[best_agree] * pat_g[best_agree])
            else:
                beats = bool(pat_g[j] > z or (ra_g[j] > 1.0 and pa_g[j] > 0.5))
            if beats:
                best_agree = j
        sufficient = columns[passes[g, columns]]
        head = [finalize(g, best_agree, best_agree=True)] if best_agree is not None else []
        if not len(sufficient):
            if head:
                result[gid] = tuple(head)
            elif len(columns):
                best_z = np.maximum(rat[g, columns], rdt[g, columns])
                result[gid] = (finalize(g, int(columns[int(np.argmax(best_z))])),)
            else:
                result[gid] = ()
            continue
        others = sufficient[sufficient != best_agree] if best_agree is not None else sufficient
        # A stable sort on the negated key, as list.sort(key=-...) before.
        ranked = others[np.argsort(-key[g, others], kind="stable")]
        chosen = [finalize(g, int(j)) for j in ranked[: max(options.pick_max - len(head), 0)]]
        picked = (head + chosen)[: options.pick_max]
        result[gid] = tuple(
            [r for r in picked if r.repful_for == "agree"]
            + [r for r in picked if r.repful_for == "disagree"]
        )
    return result


def _consensus(
    agree: FloatArray,
    disagree: FloatArray,
    seen: FloatArray,
    statements: Sequence[int],
    excluded: BoolArray,
    options: OpinionOptions,
) -> Consensus:
    """``consensus-stats`` + ``select-consensus-comments`` over all participants."""

    def top(successes: FloatArray) -> tuple[ConsensusStatement, ...]:
        p = (1.0 + successes) / (2.0 + seen)
        p_test = prop_test(successes, seen)
        ok = np.flatnonzero(~excluded & (p > 0.5) & (p_test > options.z_threshold))
        order = ok[np.argsort(-(p[ok] * p_test[ok]), kind="stable")][: options.pick_max]
        return tuple(
            ConsensusStatement(
                statement=int(statements[j]),
                n_success=int(successes[j]),
                n_trials=int(seen[j]),
                p_success=float(p[j]),
                p_test=float(p_test[j]),
            )
            for j in order
        )

    return Consensus(agree=top(agree), disagree=top(disagree))


def compute_opinion_map(
    matrix: VoteMatrix,
    moderated_out: Iterable[int] = (),
    *,
    previous: OpinionState | None = None,
    options: OpinionOptions = OpinionOptions(),
) -> OpinionMap:
    """Run the Pol.is pipeline on ``matrix`` (warm-started from ``previous`` when given)."""
    with single_threaded_blas():
        return _compute_opinion_map(matrix, moderated_out, previous, options)


def _compute_opinion_map(
    matrix: VoteMatrix,
    moderated_out: Iterable[int],
    previous: OpinionState | None,
    options: OpinionOptions,
) -> OpinionMap:
    mod_out = frozenset(int(s) for s in moderated_out)
    all_cells = _Cells.of(matrix.votes)
    row_keep: BoolArray = np.bincount(all_cells.rows, minlength=all_cells.shape[0]) > 0
    col_keep: BoolArray = np.bincount(all_cells.cols, minlength=all_cells.shape[1]) > 0
    participants = tuple(
        p for p, k in zip(matrix.participants, row_keep.tolist(), strict=True) if k
    )
    statements = tuple(s for s, k in zip(matrix.statements, col_keep.tolist(), strict=True) if k)
    n_rows, n_cols = len(participants), len(statements)
    # Renumber rows and columns to the kept ones (cells keep their row-major order).
    raw = _Cells(
        (n_rows, n_cols),
        all_cells.rows if n_rows == len(row_keep) else (np.cumsum(row_keep) - 1)[all_cells.rows],
        all_cells.cols if n_cols == len(col_keep) else (np.cumsum(col_keep) - 1)[all_cells.cols],
        all_cells.values,
    )
    excluded = np.array([s in mod_out for s in statements], dtype=bool)
    # Pol.is' rating matrix: moderated-out columns set to 0 for every row (voted or not). Those
    # cells are not materialised: a zeroed column has centre 0, so its centred cells are exactly
    # 0 (absent from the PCA matrix, nothing added to a projection); they only count as votes in
    # the projection's scaling (``zeroed``) and as "seen" in the consensus counts.
    kept = ~excluded[raw.cols]
    zeroed = int(excluded.sum())
    rating = _Cells(raw.shape, raw.rows[kept], raw.cols[kept], raw.values[kept])

    vote_counts = raw.row_counts()
    in_conv = _in_conv(
        participants,
        vote_counts,
        n_cols,
        previous.in_conv if previous is not None else frozenset(),
        options,
    )

    previous_comps = None
    if previous is not None and previous.pca is not None:
        old = {s: j for j, s in enumerate(previous.pca.statements)}
        previous_comps = np.zeros((2, n_cols))
        for j, s in enumerate(statements):
            if s in old:
                previous_comps[:, j] = previous.pca.comps[:, old[s]]
    center, comps = _pca(rating, 2, previous_comps)
    projection = _projection(rating, center, comps, zeroed)

    # Base clusters over the in-conversation participants, in row order.
    in_rows = np.array([p in in_conv for p in participants], dtype=bool)
    in_ids = [p for p, k in zip(participants, in_rows, strict=True) if k]
    base_clusters = kmeans(
        projection[in_rows],
        in_ids,
        options.base_k,
        previous=previous.base_clusters if previous is not None else (),
        max_iters=options.base_iters,
    )

    # Group clusters over the base clusters, weighted by their sizes; k by silhouette, smoothed.
    base_points = np.array([c.center for c in base_clusters], dtype=np.float64).reshape(-1, 2)
    base_ids = [c.id for c in base_clusters]
    base_weights = np.array([len(c.members) for c in base_clusters], dtype=np.float64)
    group_clusterings: dict[int, tuple[Cluster, ...]] = {}
    silhouettes: dict[int, float] = {}
    distinct_bases = len(_distinct_in_order(base_points)) if len(base_points) else 0
    if distinct_bases >= 2:
        bucket_distances = np.linalg.norm(base_points[:, None, :] - base_points[None, :, :], axis=2)
        max_k = min(options.max_k, 2 + len(base_clusters) // 12)
        for k in range(2, max_k + 1):
            clustering = kmeans(
                base_points,
                base_ids,
                k,
                weights=base_weights,
                previous=previous.group_clusterings.get(k, ()) if previous is not None else (),
                max_iters=options.group_iters,
            )
            group_clusterings[k] = clustering
            position = {bid: n for n, bid in enumerate(base_ids)}
            labels = np.empty(len(base_ids), dtype=np.int64)
            for n, cluster in enumerate(clustering):
                for bid in cluster.members:
                    labels[position[bid]] = n
            silhouettes[k] = silhouette(bucket_distances, labels)
        new_smoother = _smooth_k(
            _choose_k(silhouettes),
            previous.k_smoother if previous is not None else None,
            options.group_k_buffer,
        )
        smoother: KSmoother | None = new_smoother
        group_clusters = group_clusterings[new_smoother.smoothed_k]
    else:
        smoother = previous.k_smoother if previous is not None else None
        everyone = tuple(base_ids)
        center_xy = (
            tuple(float(x) for x in _weighted_mean(base_points, base_weights))
            if len(base_points)
            else (0.0, 0.0)
        )
        group_clusters = (
            (Cluster(id=0, members=everyone, center=(center_xy[0], center_xy[1])),)
            if everyone
            else ()
        )

    base_group = {bid: g.id for g in group_clusters for bid in g.members}
    groups = {p: base_group[c.id] for c in base_clusters for p in c.members}

    # Vote counts per group (raw matrix, in-conversation members).
    row_of = {p: i for i, p in enumerate(participants)}
    group_ids = tuple(g.id for g in group_clusters)
    position = {gid: n for n, gid in enumerate(group_ids)}
    row_group = np.full(n_rows, len(group_ids), dtype=np.int64)  # past the end: no group
    for p, g in groups.items():
        row_group[row_of[p]] = position[g]
    flat = row_group[raw.rows] * n_cols + raw.cols
    size = (len(group_ids) + 1) * n_cols

    def per_group(mask: BoolArray | None) -> FloatArray:
        counts = np.bincount(flat if mask is None else flat[mask], minlength=size)
        result: FloatArray = counts.reshape(len(group_ids) + 1, n_cols)[:-1].astype(np.float64)
        return result

    g_agree = per_group(raw.values == AGREE)
    g_disagree = per_group(raw.values == DISAGREE)
    g_seen = per_group(None)

    repness = _repness(g_agree, g_disagree, g_seen, statements, excluded, group_ids, options)
    consensus = _consensus(
        rating.column_sums((rating.values == AGREE).astype(np.float64)),
        rating.column_sums((rating.values == DISAGREE).astype(np.float64)),
        np.where(excluded, n_rows, rating.column_counts()).astype(np.float64),
        statements,
        excluded,
        options,
    )
    if group_ids:
        gac = np.prod((g_agree + 1.0) / (g_seen + 2.0), axis=0)
        gac_d = np.prod((g_disagree + 1.0) / (g_seen + 2.0), axis=0)
    else:
        gac = gac_d = np.zeros(n_cols)

    # Statement projection: a participant who agreed with that statement only.
    statement_xy = (AGREE - center)[:, None] * comps.T * np.sqrt(n_cols)
    extremity = np.linalg.norm(statement_xy, axis=1)

    state = OpinionState(
        matrix=matrix,
        moderated_out=mod_out,
        in_conv=in_conv,
        pca=PCA(statements, _frozen(center), _frozen(comps)),  # type: ignore[arg-type]
        base_clusters=base_clusters,
        group_clusterings=group_clusterings,
        k_smoother=smoother,
    )
    return OpinionMap(
        state=state,
        participants=participants,
        projection=_frozen(projection),  # type: ignore[arg-type]
        in_conv=tuple(in_ids),
        base_clusters=base_clusters,
        group_clusters=group_clusters,
        silhouettes=silhouettes,
        groups=groups,
        group_votes=StatementVotes(
            groups=group_ids,
            statements=statements,
            agree=g_agree.astype(np.int64),
            disagree=g_disagree.astype(np.int64),
            seen=g_seen.astype(np.int64),
        ),
        repness=repness,
        consensus=consensus,
        group_aware_consensus=dict(zip(statements, map(float, gac), strict=True)),
        group_aware_consensus_disagree=dict(zip(statements, map(float, gac_d), strict=True)),
        divisiveness=dict(zip(statements, map(float, extremity), strict=True)),
        statement_projection={
            s: (float(xy[0]), float(xy[1])) for s, xy in zip(statements, statement_xy, strict=True)
        },
    )


def update_opinion_map(
    previous: OpinionState | OpinionMap,
    new_votes: Iterable[Vote],
    *,
    moderated_out: Iterable[int] | None = None,
    options: OpinionOptions = OpinionOptions(),
) -> OpinionMap:
    """Apply a batch of votes (in time order) to the previous state and recompute, warm-started.

    ``moderated_out`` replaces the previous set when given (moderation can change between batches).
    """
    state = previous.state if isinstance(previous, OpinionMap) else previous
    matrix = state.matrix.with_votes(new_votes)
    mod_out = state.moderated_out if moderated_out is None else frozenset(moderated_out)
    return compute_opinion_map(matrix, mod_out, previous=state, options=options)
