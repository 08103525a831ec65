from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.utils import translation


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        user = super().save_user(request, user, form, commit=False)
        if not user.username:
            user.username = user.email.lower()
        if not user.preferred_language:
            user.preferred_language = (translation.get_language() or "en")[:2]
        if commit:
            user.save()
        return user
