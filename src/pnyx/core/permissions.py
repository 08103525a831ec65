"""Every permission question about people and the council is answered here.

Staff roles only count once the person has two-factor authentication: a staff account without it
is treated as a resident until it sets it up.
"""

from __future__ import annotations

from typing import Any

from pnyx.core.models import Membership, Organisation, StaffRole

Role = StaffRole.Role


def has_two_factor(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    from allauth.mfa.models import Authenticator

    return bool(Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists())


def staff_roles(user: Any) -> set[str]:
    """The roles the user holds, whether or not two-factor is set up (cached per request)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    cached = getattr(user, "_pnyx_staff_roles", None)
    if cached is None:
        cached = set(StaffRole.objects.filter(user=user).values_list("role", flat=True))
        if user.is_superuser:
            cached.add(Role.ADMINISTRATOR)
        user._pnyx_staff_roles = cached
    return set(cached)


def holds_staff_role(user: Any) -> bool:
    """Holds a role (site or space) — used to demand two-factor set-up."""
    if staff_roles(user):
        return True
    from pnyx.spaces.models import SpaceRole

    return (
        bool(getattr(user, "is_authenticated", False))
        and SpaceRole.objects.filter(user=user).exists()
    )


def acts_as_staff(user: Any) -> bool:
    cached = getattr(user, "_pnyx_two_factor", None)
    if cached is None:
        cached = has_two_factor(user)
        if getattr(user, "is_authenticated", False):
            user._pnyx_two_factor = cached
    return bool(cached) and holds_staff_role(user)


def has_role(user: Any, role: str) -> bool:
    """A site-wide role, effective only with two-factor. Administrators hold every role."""
    roles = staff_roles(user)
    if not roles or not acts_as_staff(user):
        return False
    return role in roles or Role.ADMINISTRATOR in roles


def is_administrator(user: Any) -> bool:
    return has_role(user, Role.ADMINISTRATOR)


def can_access_back_office(user: Any) -> bool:
    return acts_as_staff(user)


def can_manage_census(user: Any) -> bool:
    return is_administrator(user)


def can_verify_people(user: Any) -> bool:
    return is_administrator(user)


def can_manage_roles(user: Any) -> bool:
    return is_administrator(user)


def can_edit_site(user: Any) -> bool:
    return is_administrator(user)


def can_verify_organisation(user: Any) -> bool:
    return is_administrator(user)


def can_publish_data(user: Any) -> bool:
    return has_role(user, Role.DATA_PUBLISHER)


def can_moderate(user: Any) -> bool:
    return has_role(user, Role.MODERATOR)


def can_answer_proposals(user: Any) -> bool:
    return has_role(user, Role.EVALUATOR)


def can_view_private_log(user: Any) -> bool:
    return is_administrator(user)


def is_organisation_admin(user: Any, organisation: Organisation) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Membership.objects.filter(
        organisation=organisation, user=user, role=Membership.Role.ADMIN
    ).exists()


def can_edit_organisation(user: Any, organisation: Organisation) -> bool:
    return is_organisation_admin(user, organisation) or is_administrator(user)


def can_manage_members(user: Any, organisation: Organisation) -> bool:
    return is_organisation_admin(user, organisation)


def can_act_for_organisation(user: Any, organisation: Organisation) -> bool:
    """Co-author or speak on behalf of the organisation (members of verified organisations)."""
    if not getattr(user, "is_authenticated", False) or not organisation.is_verified:
        return False
    return Membership.objects.filter(organisation=organisation, user=user).exists()
