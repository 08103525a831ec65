"""Append-only, hash-chained log of administrative acts."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from pnyx.core.models import GENESIS_HASH, AuditEntry


def _actor_ref(actor: Any) -> str:
    if actor is None or not getattr(actor, "pk", None):
        return "system"
    return f"user:{actor.pk}"


def record(
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    summary: str = "",
    *,
    public: bool = True,
    object_type: str = "",
    object_repr: str = "",
) -> AuditEntry:
    """Append one entry. The last entry is locked so two writers cannot fork the chain."""
    with transaction.atomic():
        last = AuditEntry.objects.select_for_update().order_by("-sequence").first()
        entry = AuditEntry(
            sequence=(last.sequence + 1) if last else 1,
            actor=actor if actor is not None and getattr(actor, "pk", None) else None,
            actor_ref=_actor_ref(actor),
            action=action,
            object_type=object_type or (obj._meta.label_lower if obj is not None else ""),
            object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
            object_repr=(object_repr or (str(obj) if obj is not None else ""))[:200],
            summary=summary,
            public=public,
            previous_hash=last.entry_hash if last else GENESIS_HASH,
        )
        entry.entry_hash = entry.compute_hash()
        entry.save()
    return entry


@dataclass(frozen=True)
class ChainBreak:
    sequence: int
    reason: str


def verify_chain(entries: Iterator[AuditEntry] | None = None) -> ChainBreak | None:
    """The first entry whose hash or link does not match, or None if the chain is whole."""
    if entries is None:
        entries = AuditEntry.objects.order_by("sequence").iterator(chunk_size=2000)
    previous_hash = GENESIS_HASH
    expected_sequence = 1
    for entry in entries:
        if entry.sequence != expected_sequence:
            return ChainBreak(expected_sequence, "entry missing")
        if entry.previous_hash != previous_hash:
            return ChainBreak(entry.sequence, "does not link to the previous entry")
        if entry.compute_hash() != entry.entry_hash:
            return ChainBreak(entry.sequence, "content does not match its hash")
        previous_hash = entry.entry_hash
        expected_sequence += 1
    return None


ACTION_LABELS = {
    "space.create": _("Created"),
    "space.edit": _("Edited"),
    "space.publish": _("Published"),
    "space.unpublish": _("Unpublished"),
    "person.verify": _("Verified a person"),
    "person.unverify": _("Withdrew a verification"),
    "census.import": _("Imported the census"),
    "role.grant": _("Granted a role"),
    "role.change": _("Changed roles"),
    "organisation.verify": _("Verified an organisation"),
    "organisation.member_add": _("Added a member to an organisation"),
}
VERB_LABELS = {"create": _("Created"), "edit": _("Edited"), "delete": _("Deleted")}


def action_label(action: str) -> str:
    """What an action code means, in the reader's language."""
    if action in ACTION_LABELS:
        return str(ACTION_LABELS[action])
    verb = action.rsplit(".", 1)[-1]
    return str(VERB_LABELS.get(verb, action))
