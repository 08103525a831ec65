"""What "Download my data" and "delete my account" do.

Each app registers what it holds about a person; the core collects it into one ZIP, and on
deletion each app anonymises the person's contributions before the account row is removed.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from pnyx.core.models import Membership, User

Exporter = Callable[[User], Any]
Anonymiser = Callable[[User], None]

_exporters: dict[str, Exporter] = {}
_anonymisers: dict[str, Anonymiser] = {}


def register(name: str, *, export: Exporter, anonymise: Anonymiser | None = None) -> None:
    _exporters[name] = export
    if anonymise is not None:
        _anonymisers[name] = anonymise


def _export_account(user: User) -> dict[str, Any]:
    verification = getattr(user, "verification", None) if hasattr(user, "verification") else None
    return {
        "email": user.email,
        "name": user.name,
        "nickname": user.nickname,
        "preferred_language": user.preferred_language,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "avatar": user.avatar.name if user.avatar else None,
        "verification": None
        if verification is None
        else {
            "method": verification.method,
            "district": verification.district.code if verification.district else None,
            "verified_at": verification.verified_at,
            "expires_at": verification.expires_at,
        },
        "staff_roles": list(user.staff_roles.values_list("role", flat=True)),
        "organisations": [
            {"organisation": m.organisation.name, "role": m.role, "joined_at": m.joined_at}
            for m in Membership.objects.filter(user=user).select_related("organisation")
        ],
    }


register("account", export=_export_account)


def export_user_data(user: User) -> bytes:
    data = {name: exporter(user) for name, exporter in sorted(_exporters.items())}
    data["exported_at"] = timezone.now()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "my-data.json", json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
        )
        if user.avatar:
            try:
                with user.avatar.open("rb") as avatar:
                    filename = (user.avatar.name or "avatar").rsplit("/", 1)[-1]
                    archive.writestr(f"avatar/{filename}", avatar.read())
            except OSError:
                pass
    return buffer.getvalue()


def delete_account(user: User) -> None:
    """Remove the account; contributions stay, with no link to the person."""
    with transaction.atomic():
        for anonymise in _anonymisers.values():
            anonymise(user)
        if user.avatar:
            user.avatar.delete(save=False)
        user.delete()
