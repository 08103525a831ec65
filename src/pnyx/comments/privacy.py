from __future__ import annotations

from typing import Any

from pnyx.comments.models import Comment
from pnyx.core import privacy
from pnyx.core.models import User


def export(user: User) -> list[dict[str, Any]]:
    return [
        {
            "id": c.pk,
            "body": c.body,
            "created_at": c.created_at,
            "hidden": c.hidden,
            "component": c.component_id,
        }
        for c in Comment.objects.filter(author=user)
    ]


def anonymise(user: User) -> None:
    # The text stays (it is part of a public debate); the link to the person goes.
    Comment.objects.filter(author=user).update(author=None)


privacy.register("comments", export=export, anonymise=anonymise)
