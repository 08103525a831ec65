from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from pnyx.core.backends import demo_account_blocked


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

    def pre_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse | None:
        # allauth logs in a user whose password matched even when the backend refused it
        # (it then only checks ``is_active``), so demo accounts are refused here as well.
        if demo_account_blocked(user):
            from allauth.account.internal.stagekit import clear_login

            clear_login(request)
            response: HttpResponse = self.respond_user_inactive(request, user)
            return response
        allowed: HttpResponse | None = super().pre_login(request, user, **kwargs)
        return allowed
