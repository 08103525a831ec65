from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models

from pnyx.comments.models import Comment
from pnyx.core.models import Organisation
from pnyx.spaces.models import ComponentInstance
from pnyx.spaces.permissions import can_perform


def add_comment(
    user: Any,
    component: ComponentInstance,
    target: models.Model,
    body: str,
    on_behalf_of: Organisation | None = None,
) -> Comment:
    decision = can_perform(user, component, "comment")
    if not decision:
        raise PermissionDenied(decision.reason)
    if on_behalf_of is not None and not on_behalf_of.members.filter(pk=user.pk).exists():
        raise PermissionDenied("not a member of this organisation")
    return Comment.objects.create(
        component=component,
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
        author=user,
        on_behalf_of=on_behalf_of,
        body=body,
    )


def comments_for(target: models.Model) -> models.QuerySet[Comment]:
    return Comment.objects.filter(
        content_type=ContentType.objects.get_for_model(target), object_id=target.pk, hidden=False
    ).select_related("author", "on_behalf_of")
