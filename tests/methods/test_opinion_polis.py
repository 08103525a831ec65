"""Opinion maps against Pol.is' own outputs on real conversations.

- red-dwarf fixtures: raw votes + Pol.is' math blob (``math-pca2.json``). PCA from scratch; then,
  given Pol.is' state (participants in the conversation, base clusters) as the previous state, the
  update must reproduce Pol.is' base clusters, groups, representative, consensus and group-aware
  consensus statements exactly.
- openData conversations: Pol.is' ``group-id`` against Pnyx' groups computed from the final
  matrix (adjusted Rand index on the participants both cluster, and k).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from pnyx.methods.opinion import (
    Cluster,
    KSmoother,
    OpinionMap,
    OpinionState,
    Vote,
    VoteMatrix,
    compute_opinion_map,
)
from pnyx.methods.polis_format import PolisConversation, read_polis_export

FIXTURES = ["below-100-ptpts", "25ptpt-3gp-no-strict-with-meta", "above-100-ptpts"]
CONVERSATIONS = [
    "london.youth.policing",
    "15-per-hour-seattle",
    "brexit-consensus",
    "canadian-electoral-reform",
    "bg2050-volunteers",
    "football-concussions",
    "scoop-hivemind.biodiversity",
    "american-assembly.bowling-green",
    "vtaiwan.uberx",
    "austria-climate.5twd2jsnkf.2022-08-08",
]
# Conversations where a from-scratch computation on the final matrix (rows in Pol.is' own order,
# as participants-votes.csv) does not reach ARI 0.8 with Pol.is' published groups, with the
# measured cause (figures: ARI on the participants both cluster, k Pnyx vs Pol.is; "forced k" =
# Pnyx' clustering with Pol.is' k; "seeded" = Pnyx' update started from Pol.is' groups; "replay"
# = votes.csv replayed through ``update_opinion_map`` in batches of the votes falling in the same
# time window, each batch sorted by comment then participant id as Pol.is' poller does; "1-s" is
# Pol.is' own poll interval). The PCA is not the cause: its power iteration converges on every
# conversation ((lambda3/lambda2)^100 < 1e-9), and running k-means to exact convergence instead
# of Pol.is' 0.01 stopping rule changes no group. Pol.is never computes from scratch on the final
# matrix: it updates every second with the new votes, warm-starting k-means and smoothing k over
# 4 updates, and restarts of its worker reset the group clusterings and the k smoother; so its
# groups are one of several k-means local optima, chosen by a history the export does not hold.
# The replays are chaotic in the batch window and none reproduces them all (1-s batches, Pol.is'
# poll interval: seattle 0.56, london 0.11; 1-minute: london 0.09, bg2050 0.73 where the
# from-scratch computation gives 1.00; football and bowling-green cannot be reproduced by any
# replay), so Pnyx offers no replay mode.
HISTORY_DEPENDENT = {
    "london.youth.policing": (
        "ARI -0.02, k 2 vs 3; forced k 3: -0.01; seeded: 0.11 (k 3); replay in 1-s batches: 0.11"
        " (k 3), 1-minute: 0.09 (k 3), hourly: 0.12 (k 2). 24 participants, each its own base"
        " cluster, and Pol.is' grouping is not a fixed point of the update on the final matrix"
        " (moderation history is not in the export)"
    ),
    "15-per-hour-seattle": (
        "ARI 0.56, k 2 = 2; seeded: 0.88; replay in 1-s batches: 0.56 (and 144 participants"
        " clustered, sticky from when there were fewer than 7 statements, vs Pol.is' 138),"
        " 1-minute: 0.88, hourly: 0.88: another k-means local optimum, reached through history"
    ),
    "brexit-consensus": (
        "ARI 0.54, k 3 vs 2; forced k 2: 0.86 (silhouette 0.42 for k 3 vs 0.39 for k 2 on the"
        " final matrix); replay in 1-s batches: 0.92 (k 2), 1-minute: 0.88 (k 2), hourly: 0.29"
        " (k 5); Pol.is clustered 8 participants with 1 to 6 votes that min(7, n statements)"
        " leaves out (a 1-s replay keeps 2 of them in): the smoothed k and the in-conversation"
        " set depend on the update history"
    ),
    "canadian-electoral-reform": (
        "ARI 0.17, k 3 vs 2; forced k 2: -0.03; seeded: 1.00 (a fixed point); replay in 1-s,"
        " 1-minute or hourly batches: 0.90, k 2 (but 287 participants clustered vs Pol.is' 281):"
        " history-dependent local optimum and k"
    ),
    "football-concussions": (
        "ARI 0.09, k 4 vs 2; forced k 2: -0.00; seeded: 0.84; replay (hourly, daily): 0.12, k 4."
        " Pol.is clustered 1434 participants, Pnyx 592: this 2015 export used an older"
        " in-conversation rule (participants with a single vote are clustered), not the current"
        " min(7, n statements) of conversation.clj"
    ),
    "american-assembly.bowling-green": (
        "ARI 0.56, k 2 = 2 (k 4 with rows sorted by id instead of Pol.is' order); seeded: 0.56;"
        " no votes.csv in the snapshot, so the history cannot be replayed"
    ),
}


def adjusted_rand_index(a: list[int], b: list[int]) -> float:
    _, ai = np.unique(np.asarray(a), return_inverse=True)
    _, bi = np.unique(np.asarray(b), return_inverse=True)
    table = np.zeros((ai.max() + 1, bi.max() + 1))
    np.add.at(table, (ai, bi), 1)

    def pairs(x: np.ndarray) -> float:
        return float((x * (x - 1) / 2).sum())

    n = len(a)
    index = pairs(table)
    rows, cols = pairs(table.sum(axis=1)), pairs(table.sum(axis=0))
    expected = rows * cols / (n * (n - 1) / 2)
    maximum = (rows + cols) / 2
    return 1.0 if maximum == expected else (index - expected) / (maximum - expected)


def test_adjusted_rand_index_hand_worked() -> None:
    assert adjusted_rand_index([0, 0, 1, 1], [5, 5, 7, 7]) == 1.0
    assert adjusted_rand_index([0, 0, 1, 1], [0, 1, 0, 1]) == pytest.approx(-0.5)
    # sklearn's documented example: [0,0,1,2] vs [0,0,1,1] -> 0.5714...
    assert adjusted_rand_index([0, 0, 1, 2], [0, 0, 1, 1]) == pytest.approx(0.5714285714)


# ---------------------------------------------------------------------------------------------
# red-dwarf fixtures


def _get(record: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        if key in record:
            return record[key]
    raise KeyError(keys)


@cache
def scratch_fixture_map(folder: Path) -> OpinionMap:
    matrix, math = load_fixture(folder)
    return compute_opinion_map(matrix, math["mod-out"])


@cache
def load_fixture(folder: Path) -> tuple[VoteMatrix, dict[str, Any]]:
    raw = json.loads((folder / "votes.json").read_text())
    raw.sort(key=lambda v: int(_get(v, "modified")))
    votes = [
        Vote(
            int(_get(v, "pid", "participant_id")),
            int(_get(v, "tid", "statement_id")),
            int(_get(v, "vote")),
        )
        for v in raw
    ]
    # Rows and columns in order of first vote, as Pol.is' named matrix grows them
    # (``named-matrix/update-nmat`` appends a new participant or comment on its first vote); the
    # cold-start k-means takes the first k distinct points in that order.
    matrix = VoteMatrix.from_votes(votes)
    return matrix, json.loads((folder / "math-pca2.json").read_text())


def polis_state(matrix: VoteMatrix, math: dict[str, Any]) -> OpinionState:
    base = math["base-clusters"]
    clusters = tuple(
        Cluster(int(i), tuple(int(m) for m in members), (-float(x), -float(y)))
        for i, members, x, y in zip(base["id"], base["members"], base["x"], base["y"], strict=True)
    )
    return OpinionState(
        matrix=matrix,
        moderated_out=frozenset(math["mod-out"]),
        in_conv=frozenset(math["in-conv"]),
        pca=None,
        base_clusters=clusters,
        group_clusterings={},
        k_smoother=None,
    )


def group_member_sets(opinion: OpinionMap) -> set[frozenset[int]]:
    return {
        frozenset(p for p, g in opinion.groups.items() if g == group.id)
        for group in opinion.group_clusters
    }


def polis_group_member_sets(math: dict[str, Any]) -> set[frozenset[int]]:
    base = dict(zip(math["base-clusters"]["id"], math["base-clusters"]["members"], strict=True))
    return {
        frozenset(p for b in group["members"] for p in base[b]) for group in math["group-clusters"]
    }


@pytest.mark.parametrize("name", FIXTURES)
def test_pca_matches_pol_is_up_to_sign(reference_data: Path, name: str) -> None:
    folder = reference_data / "polis" / "reddwarf-fixtures" / name
    _, math = load_fixture(folder)
    opinion = scratch_fixture_map(folder)
    assert opinion.state.pca is not None
    column = {s: j for j, s in enumerate(opinion.state.pca.statements)}
    order = [column[t] for t in math["tids"]]
    for c in range(2):
        ours = opinion.state.pca.comps[c][order]
        correlation = abs(np.corrcoef(ours, math["pca"]["comps"][c])[0, 1])
        print(f"{name}: PC{c + 1} |correlation| = {correlation:.12f}")
        assert correlation >= 0.99
        np.testing.assert_allclose(np.abs(ours), np.abs(math["pca"]["comps"][c]), atol=1e-6)
    # Pol.is stores agree as -1: its centre is the negation of Pnyx' centre.
    np.testing.assert_allclose(opinion.state.pca.center[order], -np.asarray(math["pca"]["center"]))
    # Consensus is computed over every participant: independent of the clustering.
    assert [c.statement for c in opinion.consensus.agree] == [
        c["tid"] for c in math["consensus"]["agree"]
    ]
    assert [c.statement for c in opinion.consensus.disagree] == [
        c["tid"] for c in math["consensus"]["disagree"]
    ]


@pytest.mark.parametrize("name", FIXTURES)
def test_update_from_pol_is_state_reproduces_its_clusters_and_statements(
    reference_data: Path, name: str
) -> None:
    matrix, math = load_fixture(reference_data / "polis" / "reddwarf-fixtures" / name)
    opinion = compute_opinion_map(matrix, math["mod-out"], previous=polis_state(matrix, math))
    assert set(opinion.in_conv) == set(math["in-conv"])
    assert {frozenset(c.members) for c in opinion.base_clusters} == {
        frozenset(m) for m in math["base-clusters"]["members"]
    }
    # Base clusters kept Pol.is' ids, so group clusters can be compared id for id.
    assert {(g.id, frozenset(g.members)) for g in opinion.group_clusters} == {
        (g["id"], frozenset(g["members"])) for g in math["group-clusters"]
    }
    for ours, theirs in zip(opinion.group_clusters, math["group-clusters"], strict=True):
        # Same centres up to the (arbitrary) sign of each component.
        np.testing.assert_allclose(np.abs(ours.center), np.abs(theirs["center"]), atol=1e-9)
    assert opinion.k == len(math["group-clusters"])
    assert {
        str(g): [(r.statement, r.repful_for) for r in reps] for g, reps in opinion.repness.items()
    } == {g: [(r["tid"], r["repful-for"]) for r in reps] for g, reps in math["repness"].items()}
    for g, reps in math["repness"].items():
        for ours_r, theirs_r in zip(opinion.repness[int(g)], reps, strict=True):
            assert ours_r.repness == pytest.approx(theirs_r["repness"])
            assert ours_r.p_test == pytest.approx(theirs_r["p-test"])
            assert ours_r.best_agree == bool(theirs_r.get("best-agree", False))
    assert [c.statement for c in opinion.consensus.agree] == [
        c["tid"] for c in math["consensus"]["agree"]
    ]
    for tid, value in math["group-aware-consensus"].items():
        assert opinion.group_aware_consensus[int(tid)] == pytest.approx(value)
    for gid, votes in math["group-votes"].items():
        row = opinion.group_votes.groups.index(int(gid))
        for tid, counts in votes["votes"].items():
            col = opinion.group_votes.statements.index(int(tid))
            assert (
                opinion.group_votes.agree[row, col],
                opinion.group_votes.disagree[row, col],
                opinion.group_votes.seen[row, col],
            ) == (counts["A"], counts["D"], counts["S"])


@pytest.mark.parametrize("name", FIXTURES)
def test_from_scratch_groups_agree_with_pol_is(reference_data: Path, name: str) -> None:
    folder = reference_data / "polis" / "reddwarf-fixtures" / name
    _, math = load_fixture(folder)
    opinion = scratch_fixture_map(folder)
    polis = {p: n for n, members in enumerate(polis_group_member_sets(math)) for p in members}
    both = sorted(set(polis) & set(opinion.groups))
    ari = adjusted_rand_index([polis[p] for p in both], [opinion.groups[p] for p in both])
    print(
        f"{name}: from scratch ARI {ari:.3f} on {len(both)}, k {opinion.k} vs {len(math['group-clusters'])}"
    )
    if name == "25ptpt-3gp-no-strict-with-meta" and ari < 0.8:
        # Same base clusters (one per participant) but Pol.is numbered them in the order of its
        # updates; group k-means starts from the first k base clusters, so another local optimum.
        # Replaying votes.json in 1-hour or daily batches gives 0.75, in 10 s batches 0.63.
        pytest.xfail(f"history-dependent base-cluster ids: ARI {ari:.3f}, k {opinion.k} vs 3")
    assert ari >= 0.8
    assert opinion.k == len(math["group-clusters"])


# ---------------------------------------------------------------------------------------------
# openData conversations


@cache
def load_conversation(folder: Path) -> PolisConversation:
    return read_polis_export(folder)


@cache
def scratch_map(folder: Path) -> OpinionMap:
    conversation = load_conversation(folder)
    return compute_opinion_map(conversation.matrix, conversation.moderated_out)


def _ari(polis: dict[int, int] | Any, groups: dict[int, int] | Any) -> float:
    both = [p for p in polis if p in groups]
    return adjusted_rand_index([polis[p] for p in both], [groups[p] for p in both])


@pytest.mark.parametrize("name", CONVERSATIONS)
def test_groups_agree_with_pol_is_group_id(reference_data: Path, name: str) -> None:
    folder = reference_data / "polis" / name
    conversation = load_conversation(folder)
    opinion = scratch_map(folder)
    polis = conversation.polis_groups
    both = [p for p in polis if p in opinion.groups]
    ari = _ari(polis, opinion.groups)
    polis_k = len(set(polis.values()))
    figures = (
        f"{name}: ARI {ari:.3f} on {len(both)} participants, k {opinion.k} vs Pol.is {polis_k}"
    )
    forced = opinion.state.group_clusterings.get(polis_k)
    if forced is not None and opinion.k != polis_k:
        group_of_base = {b: g.id for g in forced for b in g.members}
        forced_groups = {p: group_of_base[c.id] for c in opinion.base_clusters for p in c.members}
        figures += f"; with Pol.is' k: ARI {_ari(polis, forced_groups):.3f}"
    print(figures)
    if name in HISTORY_DEPENDENT and (ari < 0.8 or opinion.k != polis_k):
        pytest.xfail(f"{figures} ({HISTORY_DEPENDENT[name]})")
    assert ari >= 0.8, figures
    assert opinion.k == polis_k, figures


@pytest.mark.parametrize("name", sorted(HISTORY_DEPENDENT))
def test_pol_is_groups_are_nearly_a_fixed_point_of_the_update(
    reference_data: Path, name: str
) -> None:
    """Seeded with Pol.is' groups, the update stays close to them (informative figures)."""
    conversation = load_conversation(reference_data / "polis" / name)
    polis = conversation.polis_groups
    polis_k = len(set(polis.values()))
    seeded = compute_opinion_map(
        conversation.matrix, conversation.moderated_out, previous=_seeded(conversation, polis_k)
    )
    print(f"{name}: seeded with Pol.is' groups: ARI {_ari(polis, seeded.groups):.3f}, k {seeded.k}")
    assert seeded.k == polis_k


def _seeded(conversation: PolisConversation, k: int) -> OpinionState:
    """Previous state = Pol.is' participants and groups (over Pnyx' own base clusters)."""
    polis = conversation.polis_groups
    first = compute_opinion_map(
        conversation.matrix,
        conversation.moderated_out,
        previous=OpinionState(
            conversation.matrix,
            conversation.moderated_out,
            frozenset(polis),
            None,
            (),
            {},
            None,
        ),
    )
    groups = []
    for gid in sorted(set(polis.values())):
        members = tuple(
            b.id
            for b in first.base_clusters
            if 2 * sum(polis.get(p) == gid for p in b.members) > len(b.members)
        )
        groups.append(Cluster(gid, members, (0.0, 0.0)))
    return OpinionState(
        conversation.matrix,
        conversation.moderated_out,
        frozenset(polis),
        first.state.pca,
        first.base_clusters,
        {k: tuple(groups)},
        KSmoother(k, 4, k),
    )
