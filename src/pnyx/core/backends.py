"""Authentication backends: Django's and allauth's, refusing demo accounts outside demo mode.

Demo accounts (``User.is_demo``) share a published password; they must never open a session on a
real site, even if a demo database were loaded into one. ``user_can_authenticate`` is also asked
when a session is restored (``get_user``), so an existing demo session ends too.
"""

from __future__ import annotations

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend
from django.conf import settings
from django.contrib.auth.backends import ModelBackend


def demo_account_blocked(user: Any) -> bool:
    return bool(getattr(user, "is_demo", False)) and not settings.DEMO_MODE


class PnyxModelBackend(ModelBackend):
    def user_can_authenticate(self, user: Any) -> bool:
        return super().user_can_authenticate(user) and not demo_account_blocked(user)


class PnyxAuthenticationBackend(AuthenticationBackend):  # type: ignore[misc]
    def user_can_authenticate(self, user: Any) -> bool:
        return super().user_can_authenticate(user) and not demo_account_blocked(user)
