"""Outcomes whose per-project records are built on first access (greedy rules, MES, Phragmén) equal
the ones built at once: same records, equality, repr, hashing, pickling and copies."""

import copy
import dataclasses
import pickle

import numpy as np
import pytest

from pnyx.methods.pb import (
    Outcome,
    _outcome,
    _priority,
    profile_from_election,
    random_election,
    tally,
)

from .test_pb_greedy import election

LAZY_RULES = ("greedy", "greedy-no-skip", "greedy-cost", "mes", "phragmen")


def _eager_copy(outcome: Outcome) -> Outcome:
    """The same outcome through the dataclass constructor, records already built."""
    return Outcome(**{f.name: getattr(outcome, f.name) for f in dataclasses.fields(Outcome)})


@pytest.mark.parametrize("rule", LAZY_RULES)
def test_records_are_built_on_first_access_only(rule: str) -> None:
    outcome = tally(random_election(5, n_projects=9, n_voters=60), rule)
    assert "projects" not in vars(outcome) and "_pending_projects" in vars(outcome)
    first = outcome.projects
    assert outcome.projects is first  # built once
    assert "_pending_projects" not in vars(outcome)
    assert [p.id for p in first] == [str(k + 1) for k in range(9)]


@pytest.mark.parametrize("rule", LAZY_RULES)
@pytest.mark.parametrize("ties", ["id", "cost", "votes"])
def test_deferred_and_built_outcomes_compare_equal(rule: str, ties: str) -> None:
    for seed in range(15):
        e = random_election(seed, n_projects=2 + seed % 9, n_voters=10 + 9 * seed)
        lazy, other = tally(e, rule, ties=ties), tally(e, rule, ties=ties)
        assert lazy == other  # both deferred
        eager = _eager_copy(other)
        assert lazy == eager and eager == lazy
        assert repr(tally(e, rule, ties=ties)) == repr(eager)
        assert hash(tally(e, rule, ties=ties).projects) == hash(eager.projects)


@pytest.mark.parametrize("rule", LAZY_RULES)
def test_pickle_copy_and_replace_carry_the_records(rule: str) -> None:
    e = election("a:6 b:4 c:3 d:1", "a,c\na\na\nb,c\nd", budget="10")
    expected = _eager_copy(tally(e, rule))
    for clone in (
        pickle.loads(pickle.dumps(tally(e, rule))),
        copy.copy(tally(e, rule)),
        copy.deepcopy(tally(e, rule)),
        dataclasses.replace(tally(e, rule)),
    ):
        assert "_pending_projects" not in vars(clone)
        assert "_pending_payments" not in vars(clone)
        assert clone == expected and clone.projects == expected.projects
    as_dict, expected_dict = dataclasses.asdict(tally(e, rule)), dataclasses.asdict(expected)
    for arrays in ("payments", "voter_ballot"):  # MES: numpy arrays, compared apart
        got, want = as_dict.pop(arrays), expected_dict.pop(arrays)
        assert (got is None and want is None) or np.array_equal(got, want)
    assert as_dict == expected_dict
    assert tally(e, rule).result("a") == expected.result("a")


@pytest.mark.parametrize("completion", ["none", "add1"])
def test_mes_payments_are_built_on_first_access_as_the_count_pays(completion: str) -> None:
    """The payment matrix of a MES outcome is filled when first read: the same matrix as
    ``mes.equal_shares`` returns (in currency units), the same for every voter."""
    from pnyx.methods.mes import equal_shares
    from pnyx.methods.pb import tie_priority

    for seed in range(12):
        e = random_election(
            seed,
            n_projects=3 + seed % 7,
            n_voters=20 + 7 * seed,
            vote_type=("approval", "cumulative")[seed % 2],
        )
        profile = profile_from_election(e)
        outcome = tally(profile, "mes", completion=completion)
        assert "payments" not in vars(outcome) and "_pending_payments" in vars(outcome)
        reference = equal_shares(
            profile.costs,
            profile.budget,
            profile.utilities,
            profile.multiplicity,
            tie_priority(profile),
            cost_utility=profile.vote_type == "approval",
            completion=completion,
            increment=profile.scale,
        )
        assert outcome.payments is not None
        np.testing.assert_array_equal(outcome.payments, reference.payments / profile.scale)
        assert outcome.payments is outcome.payments  # built once
        first = int(np.flatnonzero(profile.multiplicity)[0]) if profile.multiplicity.any() else 0
        voter = int(np.flatnonzero(profile.voter_ballot == first)[0])
        paid = outcome.voter_payments(voter)
        assert paid == {
            profile.project_ids[j]: float(v)
            for j, v in enumerate(reference.payments[first] / profile.scale)
            if v > 0
        }


def test_unknown_attribute_still_raises() -> None:
    outcome = tally(random_election(1), "greedy")
    with pytest.raises(AttributeError, match="no_such_field"):
        outcome.no_such_field  # type: ignore[attr-defined]  # noqa: B018
    assert outcome.projects  # still buildable afterwards


@pytest.mark.parametrize("rule", ["greedy", "greedy-no-skip", "greedy-threshold", "greedy-cost"])
def test_greedy_records_match_the_records_built_with_the_count(rule: str) -> None:
    """The deferred records equal those of a count that fills them as it goes (the code
    before deferral, kept here as the reference)."""
    from fractions import Fraction

    for seed in range(40):
        e = random_election(
            seed,
            n_projects=1 + seed % 11,
            n_voters=5 + 5 * seed,
            vote_type=("approval", "cumulative", "ordinal", "scoring")[seed % 4],
            budget_share=0.15 + (seed % 6) / 8,
            zero_cost=seed % 3 == 0,
        )
        profile = profile_from_election(e)
        threshold = None
        if rule == "greedy-threshold":
            threshold = Fraction(int(profile.scores.max(initial=0)), 2 * profile.points_scale)
            object.__setattr__(profile, "threshold", threshold)
        for ties in ("id", "cost", "votes"):
            got = tally(profile, rule, ties=ties)
            assert got == _reference_greedy(profile, rule, ties, threshold), (seed, ties)


def _reference_greedy(profile, rule, ties, threshold):  # type: ignore[no-untyped-def]
    from fractions import Fraction

    priority = _priority(profile, ties)
    lists = profile._lists
    costs = lists.costs
    n = profile.n_projects
    if rule == "greedy-cost":
        key = [-v if c > 0 and v > 0 else 0 for c, v in zip(costs, lists.votes, strict=True)]
    else:
        key = [-x for x in lists.scores]
    ranking = sorted(range(n), key=lambda j: (key[j], priority[j]))
    skip = rule != "greedy-no-skip"
    limit = None if threshold is None else Fraction(threshold) * profile.points_scale
    remaining = budget = profile.budget
    selected: list[int] = []
    records = [dict(base) for base in profile._result_bases]
    stopped_at = None
    for position, j in enumerate(ranking, start=1):
        info = records[j]
        info["rank"] = position
        info["remaining"] = profile.money(remaining)
        score = lists.scores[j]
        if rule != "greedy-cost" and limit is not None and score < limit:
            info["reason"] = "below-threshold"
        elif rule != "greedy-cost" and score <= 0:
            info["reason"] = "no-support"
        elif stopped_at is not None:
            info["reason"] = "not-reached"
            info["spent_on"] = (profile.project_ids[stopped_at],)
        elif costs[j] <= remaining:
            selected.append(j)
            remaining -= costs[j]
        else:
            info["reason"] = "over-budget" if costs[j] > budget else "did-not-fit"
            if not skip:
                stopped_at = j
    shown = None if threshold is None else Fraction(threshold)
    if shown is not None and shown.denominator == 1:
        shown = int(shown)
    return _outcome(profile, rule, ties, selected, {}, threshold=shown, records=records)
