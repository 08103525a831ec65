"""Who may do what: every role against every action, the expected answer written out below.

Space-scoped staff (process managers) act only in their own space; every staff power needs
two-factor; commenting in space A's page is a binding act there (verified residents only).
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser

from pnyx.core import permissions as core
from pnyx.core.models import Membership, StaffRole
from pnyx.spaces import permissions as spaces
from tests import factories

pytestmark = pytest.mark.django_db

ACTIONS = {
    "access back-office": lambda user, w: core.can_access_back_office(user),
    "manage census": lambda user, w: core.can_manage_census(user),
    "verify people": lambda user, w: core.can_verify_people(user),
    "manage roles": lambda user, w: core.can_manage_roles(user),
    "edit site": lambda user, w: core.can_edit_site(user),
    "create space": lambda user, w: spaces.can_create_space(user),
    "manage space A": lambda user, w: spaces.can_manage_space(user, w.space_a),
    "moderate space A": lambda user, w: spaces.can_moderate_space(user, w.space_a),
    "evaluate in space A": lambda user, w: spaces.can_evaluate_in_space(user, w.space_a),
    "publish data": lambda user, w: core.can_publish_data(user),
    "edit organisation X": lambda user, w: core.can_edit_organisation(user, w.organisation),
    "act for organisation X": lambda user, w: core.can_act_for_organisation(user, w.organisation),
    "comment in space A": lambda user, w: bool(spaces.can_perform(user, w.component_a, "comment")),
}

# One row per role, one column per action, in the order of ACTIONS.
#                        back  cens  verif roles site  creat manA  modA  evalA publ  editX actX  comA
EXPECTED = {
    "anonymous": (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    "resident": (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    "verified resident": (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1),
    "organisation admin": (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0),
    "organisation member": (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0),
    "administrator": (1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0),
    "manager of A": (1, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0),
    "manager of B": (1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    "moderator": (1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0),
    "evaluator": (1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0),
    "data publisher": (1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0),
    "staff without 2FA": (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
}


def make_person(role: str, world: SimpleNamespace):
    if role == "anonymous":
        return AnonymousUser()
    if role == "resident":
        return factories.make_user()
    if role == "verified resident":
        return factories.make_verified_resident()
    if role in {"organisation admin", "organisation member"}:
        user = factories.make_user()
        membership = (
            Membership.Role.ADMIN if role == "organisation admin" else Membership.Role.MEMBER
        )
        factories.add_member(world.organisation, user, membership)
        return user
    if role == "manager of A":
        return factories.make_space_staff(world.space_a)
    if role == "manager of B":
        return factories.make_space_staff(world.space_b)
    if role == "staff without 2FA":
        return factories.make_staff(StaffRole.Role.ADMINISTRATOR, two_factor=False)
    site_roles = {
        "administrator": StaffRole.Role.ADMINISTRATOR,
        "moderator": StaffRole.Role.MODERATOR,
        "evaluator": StaffRole.Role.EVALUATOR,
        "data publisher": StaffRole.Role.DATA_PUBLISHER,
    }
    return factories.make_staff(site_roles[role])


@pytest.fixture
def world():
    space_a = factories.make_process(title="Space A")
    space_b = factories.make_process(title="Space B")
    return SimpleNamespace(
        space_a=space_a,
        space_b=space_b,
        component_a=factories.make_page_component(
            space_a, settings={"verified_actions": ["comment"]}
        ),
        organisation=factories.make_organisation(name="Organisation X"),
    )


def test_the_table_covers_every_action():
    assert all(len(row) == len(ACTIONS) for row in EXPECTED.values())


@pytest.mark.parametrize("role", list(EXPECTED))
def test_permission_matrix(world, role):
    """One case per role; a failure lists each action whose answer differs from the table."""
    person = make_person(role, world)
    expected = {action: bool(flag) for action, flag in zip(ACTIONS, EXPECTED[role], strict=True)}
    actual = {action: bool(check(person, world)) for action, check in ACTIONS.items()}
    wrong = [
        f"{role} {'should' if expected[action] else 'should not'} be able to {action}"
        for action in ACTIONS
        if actual[action] != expected[action]
    ]
    assert not wrong, "\n".join(wrong)


def test_unverified_organisation_cannot_be_spoken_for(world):
    member = factories.make_user()
    organisation = factories.make_organisation(verified=False)
    factories.add_member(organisation, member)
    assert not core.can_act_for_organisation(member, organisation)
