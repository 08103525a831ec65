"""Who may do what in a space. Components ask ``can_perform`` for every action they offer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from pnyx.core import permissions as core_permissions
from pnyx.core.verification import is_verified
from pnyx.spaces.models import ComponentInstance, Process, Space, SpaceRole


def _space_role(user: Any, space: Space, role: str) -> bool:
    if not core_permissions.acts_as_staff(user):
        return False
    return SpaceRole.objects.filter(user=user, space_id=space.pk, role=role).exists()


def can_manage_space(user: Any, space: Space) -> bool:
    return core_permissions.is_administrator(user) or _space_role(
        user, space, SpaceRole.Role.MANAGER
    )


def can_create_space(user: Any) -> bool:
    return core_permissions.is_administrator(user)


def can_moderate_space(user: Any, space: Space) -> bool:
    return (
        core_permissions.can_moderate(user)
        or can_manage_space(user, space)
        or _space_role(user, space, SpaceRole.Role.MODERATOR)
    )


def can_evaluate_in_space(user: Any, space: Space) -> bool:
    return (
        core_permissions.can_answer_proposals(user)
        or can_manage_space(user, space)
        or _space_role(user, space, SpaceRole.Role.EVALUATOR)
    )


def managed_space_ids(user: Any) -> set[int] | None:
    """Spaces a staff member may manage: None means all of them."""
    if core_permissions.is_administrator(user):
        return None
    if not core_permissions.acts_as_staff(user):
        return set()
    return set(
        SpaceRole.objects.filter(user=user, role=SpaceRole.Role.MANAGER).values_list(
            "space_id", flat=True
        )
    )


def can_view_space(user: Any, space: Space) -> bool:
    return space.published or can_manage_space(user, space)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""
    # what the person can do about it: "sign_in", "verify", or "" (nothing)
    remedy: str = ""

    def __bool__(self) -> bool:
        return self.allowed


def can_perform(user: Any, component: ComponentInstance, action: str) -> Decision:
    """May ``user`` do ``action`` (e.g. "comment", "vote") in ``component`` now?"""
    space = component.space
    if not (space.published and component.published):
        return Decision(False, str(_("This space is not open to the public.")))
    specific = space.specific()
    phase = specific.active_phase if isinstance(specific, Process) else None
    if action not in component.open_actions(phase):
        return Decision(False, str(_("This is not open in the current phase.")))
    if not getattr(user, "is_authenticated", False):
        return Decision(False, str(_("Sign in to take part.")), "sign_in")
    manifest = component.manifest
    declared = manifest.action(action) if manifest else None
    binding = declared.requires_verification if declared else True
    binding = binding or action in component.settings.get("verified_actions", [])
    if binding and space.requires_verification:
        district = space.participation_district()
        if not is_verified(user, district):
            if district is not None:
                return Decision(
                    False,
                    str(_("Only verified residents of %(district)s can do this."))
                    % {"district": district},
                    "verify",
                )
            return Decision(False, str(_("Only verified residents can do this.")), "verify")
    return Decision(True)
