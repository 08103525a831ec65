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
            messages.warning(
                request, _("Set up two-factor authentication to use your staff role.")
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
