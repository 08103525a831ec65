"""Opinion maps: hand-worked tiny cases and the incremental update."""

from __future__ import annotations

import numpy as np
import pytest

from pnyx.methods.opinion import (
    KSmoother,
    OpinionError,
    Vote,
    VoteMatrix,
    _choose_k,
    _smooth_k,
    compute_opinion_map,
    kmeans,
    prop_test,
    two_prop_test,
    update_opinion_map,
)

nan = np.nan


def two_camps(per_camp: int = 8) -> VoteMatrix:
    # statements 0,1: camp A agrees, camp B disagrees; 2,3: the reverse; 4: everybody agrees.
    camp_a = [1, 1, -1, -1, 1]
    camp_b = [-1, -1, 1, 1, 1]
    votes = [camp_a] * per_camp + [camp_b] * per_camp
    return VoteMatrix(tuple(range(2 * per_camp)), (10, 11, 12, 13, 14), np.array(votes, float))


def test_two_clear_camps_make_two_groups_with_their_own_statements() -> None:
    result = compute_opinion_map(two_camps())
    assert result.k == 2
    groups = result.groups
    camp_a = {groups[p] for p in range(8)}
    camp_b = {groups[p] for p in range(8, 16)}
    assert len(camp_a) == len(camp_b) == 1 and camp_a != camp_b
    (group_a,) = camp_a
    (group_b,) = camp_b
    assert result.group_sizes() == {group_a: 8, group_b: 8}
    rep_a = {(r.statement, r.repful_for) for r in result.repness[group_a]}
    rep_b = {(r.statement, r.repful_for) for r in result.repness[group_b]}
    assert rep_a == {(10, "agree"), (11, "agree"), (12, "disagree"), (13, "disagree")}
    assert rep_b == {(12, "agree"), (13, "agree"), (10, "disagree"), (11, "disagree")}
    # agrees before disagrees
    assert [r.repful_for for r in result.repness[group_a]] == ["agree"] * 2 + ["disagree"] * 2
    assert [c.statement for c in result.consensus.agree] == [14]
    assert result.consensus.disagree == ()
    # Hand-worked: camp A on statement 10: 8 agrees of 8 seen -> p = 9/10; others 0 of 8.
    first = next(r for r in result.repness[group_a] if r.statement == 10)
    assert first.p_success == pytest.approx(0.9)
    assert first.repness == pytest.approx(0.9 / (1 / 10))
    # Statement 14 is agreed by both groups: group-aware consensus = (9/10)^2.
    assert result.group_aware_consensus[14] == pytest.approx(0.81)
    assert result.group_aware_consensus[10] == pytest.approx(0.9 * 0.1)
    # The divisive statements project far from the origin, the consensual one at the origin.
    assert result.divisiveness[14] == pytest.approx(0.0, abs=1e-9)
    assert result.divisiveness[10] > 1.0


def test_everyone_agreeing_puts_every_statement_in_consensus() -> None:
    matrix = VoteMatrix(tuple(range(20)), tuple(range(5)), np.ones((20, 5)))
    result = compute_opinion_map(matrix)
    assert result.k == 1
    assert set(result.groups.values()) == {0}
    assert len(result.groups) == 20
    assert sorted(c.statement for c in result.consensus.agree) == [0, 1, 2, 3, 4]
    assert result.consensus.disagree == ()
    # 20 agrees of 20: p = 21/22, z = 2 sqrt(21) (21/21 - 1/2)
    assert result.consensus.agree[0].p_success == pytest.approx(21 / 22)
    assert result.consensus.agree[0].p_test == pytest.approx(np.sqrt(21))
    np.testing.assert_allclose(result.projection, 0.0, atol=1e-12)


def test_statement_nobody_voted_on_is_left_out_and_changes_nothing() -> None:
    camps = two_camps()
    with_silent = VoteMatrix(
        camps.participants,
        camps.statements + (99,),
        np.hstack([camps.votes, np.full((16, 1), nan)]),
    )
    a = compute_opinion_map(camps)
    b = compute_opinion_map(with_silent)
    assert 99 not in b.divisiveness and 99 not in b.group_aware_consensus
    assert b.state.pca is not None and 99 not in b.state.pca.statements
    assert dict(a.groups) == dict(b.groups)
    assert a.repness == b.repness and a.consensus == b.consensus
    np.testing.assert_allclose(a.projection, b.projection)


def test_participant_with_one_vote_is_projected_but_not_clustered() -> None:
    camps = two_camps()
    votes = np.vstack([camps.votes, [[1, nan, nan, nan, nan]]])
    matrix = VoteMatrix(camps.participants + (100,), camps.statements, votes)
    result = compute_opinion_map(matrix)
    assert 100 in result.participants and 100 not in result.groups
    assert len(result.in_conv) == 16
    # Sparsity-aware projection: the single deviation scaled by sqrt(5 statements / 1 vote).
    assert result.state.pca is not None
    center, comps = result.state.pca.center, result.state.pca.comps
    expected = (1 - center[0]) * comps[:, 0] * np.sqrt(5)
    np.testing.assert_allclose(result.projection[-1], expected)


def test_small_conversation_tops_up_to_fifteen_participants() -> None:
    # 3 participants with 5 votes, 13 with a single vote: the top-up brings 12 of these in.
    votes = np.full((16, 5), nan)
    votes[:3] = [[1, -1, 1, -1, 1], [1, 1, -1, -1, 1], [-1, -1, 1, 1, 0]]
    votes[3:, 0] = 1
    matrix = VoteMatrix(tuple(range(16)), tuple(range(5)), votes)
    result = compute_opinion_map(matrix)
    assert len(result.in_conv) == 15
    assert {0, 1, 2} <= set(result.in_conv)


def test_moderated_out_statement_is_zeroed_and_never_selected() -> None:
    result = compute_opinion_map(two_camps(), moderated_out=[14])
    assert all(c.statement != 14 for c in result.consensus.agree)
    assert all(r.statement != 14 for reps in result.repness.values() for r in reps)
    assert result.state.pca is not None
    j = result.state.pca.statements.index(14)
    assert result.state.pca.center[j] == 0.0
    np.testing.assert_allclose(result.state.pca.comps[:, j], 0.0, atol=1e-12)


def test_update_adds_votes_keeps_participants_in_and_matches_a_full_computation() -> None:
    camps = two_camps()
    first = compute_opinion_map(camps)
    newcomer = [
        Vote(50, s, v) for s, v in zip((10, 11, 12, 13, 14), (1, 1, -1, -1, 1), strict=True)
    ]
    second = update_opinion_map(first, newcomer)
    assert second.groups[50] == second.groups[0]
    assert set(first.in_conv) <= set(second.in_conv)
    full = compute_opinion_map(second.state.matrix)
    assert dict(full.groups) == dict(second.groups)
    # A participant stays in the analysis even after changing votes to fewer counted ones.
    third = update_opinion_map(second, [Vote(50, 10, 0)])
    assert 50 in third.in_conv
    # Later vote replaces the earlier one.
    row = third.state.matrix.participants.index(50)
    col = third.state.matrix.statements.index(10)
    assert third.state.matrix.votes[row, col] == 0


def test_k_changes_only_after_winning_four_updates_in_a_row() -> None:
    state = _smooth_k(2, None, 4)
    assert state == KSmoother(last_k=2, last_k_count=1, smoothed_k=2)
    for count in (1, 2, 3):
        state = _smooth_k(3, state, 4)
        assert state.smoothed_k == 2 and state.last_k_count == count
    state = _smooth_k(3, state, 4)
    assert state.smoothed_k == 3


def test_k_choice_breaks_silhouette_ties_as_clojure_max_key() -> None:
    # (apply max-key f [2 3 4 5]): the last of equal best scores wins.
    assert _choose_k({2: 0.5, 3: 0.5}) == 3
    assert _choose_k({2: 0.5, 3: 0.5, 4: 0.5}) == 4
    assert _choose_k({2: 0.5, 3: 0.4, 4: 0.5, 5: 0.1}) == 4
    assert _choose_k({2: 0.6, 3: 0.5, 4: 0.5}) == 2
    assert _choose_k({2: 0.1, 3: 0.7, 4: 0.2}) == 3


def test_pol_is_statistics() -> None:
    # prop-test: 2 sqrt(n+1) ((s+1)/(n+1) - 1/2)
    assert prop_test(np.array([3.0]), np.array([4.0]))[0] == pytest.approx(2 * np.sqrt(5) * 0.3)
    z = two_prop_test(np.array([5.0]), np.array([1.0]), np.array([5.0]), np.array([5.0]))[0]
    p1, p2, p = 6 / 6, 2 / 6, 8 / 12
    assert z == pytest.approx((p1 - p2) / np.sqrt(p * (1 - p) * (2 / 6)))
    ones = np.array([4.0])
    assert two_prop_test(ones, ones, ones, ones)[0] == 0.0  # p-hat = 1


def test_bad_vote_value_is_rejected() -> None:
    with pytest.raises(OpinionError, match="votes"):
        VoteMatrix((1,), (1,), np.array([[2.0]]))
    with pytest.raises(OpinionError, match="vote 0"):
        VoteMatrix.from_votes([Vote(1, 1, 5)])


def reference_kmeans(points: np.ndarray, k: int, max_iters: int) -> list[frozenset[int]]:
    """Plain Lloyd steps as Pol.is' ``kmeans``: first k distinct points, every distance computed,
    empty clusters dropped, stop when the sorted centres moved less than 0.01."""
    _, first = np.unique(points, axis=0, return_index=True)
    centers = points[np.sort(first)[:k]]
    for iteration in range(max_iters, -1, -1):
        distances = ((points[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2)
        labels = distances.argmin(axis=1)
        used = np.unique(labels)
        new = np.array([points[labels == c].mean(axis=0) for c in used])
        old_sorted = centers[np.lexsort(centers.T[::-1])]
        new_sorted = new[np.lexsort(new.T[::-1])]
        n = min(len(old_sorted), len(new_sorted))
        done = np.all(np.linalg.norm(old_sorted[:n] - new_sorted[:n], axis=1) < 0.01)
        centers = new
        if iteration == 0 or done:
            break
    return [frozenset(np.flatnonzero(labels == c).tolist()) for c in used]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_base_kmeans_with_bounds_gives_the_plain_lloyd_clusters(seed: int) -> None:
    # Many points and centres: the bounded assignment (Hamerly) must not change any label.
    rng = np.random.default_rng(seed)
    points = np.concatenate([rng.normal(c, 0.6, size=(300, 2)) for c in ((0, 0), (3, 1), (1, 4))])
    clusters = kmeans(points, list(range(len(points))), 100, max_iters=100)
    ours = {frozenset(c.members) for c in clusters}
    assert ours == set(reference_kmeans(points, 100, 100))
    assert len(clusters) > 8
