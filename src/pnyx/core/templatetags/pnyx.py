from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

from pnyx.core.audit import action_label
from pnyx.core.i18n import localize

register = template.Library()


@register.filter(name="tr")
def translate_content(value: Any) -> str:
    """Staff-written multilingual content in the reader's language, with fallback."""
    return localize(value, get_language())


@register.filter(name="action_label")
def audit_action_label(action: str) -> str:
    return action_label(action)


@register.simple_tag(takes_context=True)
def query_replace(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with some parameters replaced (for filters and pagination)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    return str(query.urlencode())
