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
# Conversations where a from-scratch computation on the final matrix does not reach ARI 0.8 with
# Pol.is' published groups (see the report in benchmarks/README.md): Pol.is' groups there are the
# end of years of warm-started updates (and, for the 2015-2017 ones, of older in-conversation
# rules: football-concussions clusters participants with a single vote), and k-means from a
# different start lands in another local optimum. The test still runs and reports the figures.
HISTORY_DEPENDENT = {
    "london.youth.policing",
    "15-per-hour-seattle",
    "brexit-consensus",
    "canadian-electoral-reform",
    "football-concussions",
    "american-assembly.bowling-green",
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
    matrix = VoteMatrix.from_votes(votes)
    rows = np.argsort(matrix.participants)
    cols = np.argsort(matrix.statements)
    matrix = VoteMatrix(
        tuple(np.asarray(matrix.participants)[rows].tolist()),
        tuple(np.asarray(matrix.statements)[cols].tolist()),
        matrix.votes[np.ix_(rows, cols)],
    )
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
    matrix, math = load_fixture(reference_data / "polis" / "reddwarf-fixtures" / name)
    opinion = compute_opinion_map(matrix, math["mod-out"])
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
    matrix, math = load_fixture(reference_data / "polis" / "reddwarf-fixtures" / name)
    opinion = compute_opinion_map(matrix, math["mod-out"])
    polis = {p: n for n, members in enumerate(polis_group_member_sets(math)) for p in members}
    both = sorted(set(polis) & set(opinion.groups))
    ari = adjusted_rand_index([polis[p] for p in both], [opinion.groups[p] for p in both])
    print(
        f"{name}: from scratch ARI {ari:.3f} on {len(both)}, k {opinion.k} vs {len(math['group-clusters'])}"
    )
    if name == "below-100-ptpts" and ari < 0.8:
        # Pol.is' in-conversation set kept 4 participants from when the conversation had fewer
        # statements (sticky rule); from the final matrix alone they are out and k becomes 2.
        pytest.xfail(f"history-dependent participant set: ARI {ari:.3f}, k {opinion.k} vs 3")
    if name == "25ptpt-3gp-no-strict-with-meta" and ari < 0.8:
        # Same base clusters (one per participant) but Pol.is numbered them in the order of its
        # updates; group k-means starts from the first k base clusters, so another local optimum.
        pytest.xfail(f"history-dependent base-cluster ids: ARI {ari:.3f}, k {opinion.k} vs 3")
    assert ari >= 0.8
    assert opinion.k == len(math["group-clusters"])


# ---------------------------------------------------------------------------------------------
# openData conversations


@cache
def load_conversation(folder: Path) -> PolisConversation:
    return read_polis_export(folder)


@pytest.mark.parametrize("name", CONVERSATIONS)
def test_groups_agree_with_pol_is_group_id(reference_data: Path, name: str) -> None:
    conversation = load_conversation(reference_data / "polis" / name)
    opinion = compute_opinion_map(conversation.matrix, conversation.moderated_out)
    polis = conversation.polis_groups
    both = [p for p in polis if p in opinion.groups]
    ari = adjusted_rand_index([polis[p] for p in both], [opinion.groups[p] for p in both])
    polis_k = len(set(polis.values()))
    # Is Pol.is' grouping a fixed point of Pnyx' update? Seed the previous state with it.
    seeded = compute_opinion_map(
        conversation.matrix, conversation.moderated_out, previous=_seeded(conversation, polis_k)
    )
    both_seeded = [p for p in polis if p in seeded.groups]
    ari_seeded = adjusted_rand_index(
        [polis[p] for p in both_seeded], [seeded.groups[p] for p in both_seeded]
    )
    figures = (
        f"{name}: ARI {ari:.3f} on {len(both)} participants, k {opinion.k} vs Pol.is {polis_k}; "
        f"seeded with Pol.is' groups: ARI {ari_seeded:.3f}, k {seeded.k}"
    )
    print(figures)
    if name in HISTORY_DEPENDENT and (ari < 0.8 or opinion.k != polis_k):
        pytest.xfail(figures)
    assert ari >= 0.8, figures
    assert opinion.k == polis_k, figures


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
