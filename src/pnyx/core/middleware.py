from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from pnyx.core import permissions


class StaffTwoFactorMiddleware:
    """A person holding a staff role must set up two-factor before entering the back-office."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            request.path.startswith("/admin/")
            and getattr(user, "is_authenticated", False)
            and permissions.holds_staff_role(user)
            and not permissions.has_two_factor(user)
        ):
            messages.warning(request, _("Set up two-factor authentication to use your staff role."))
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


class PreferredLanguageMiddleware:
    """A signed-in person's preferred language wins over the browser's, unless they have just
    picked one with the language switcher (the language cookie)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings
        from django.utils import translation

        user = request.user
        preferred = getattr(user, "preferred_language", "") if user.is_authenticated else ""
        if preferred and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            translation.activate(preferred)
            request.LANGUAGE_CODE = preferred
        return self.get_response(request)
