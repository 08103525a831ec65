from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from pnyx.core import permissions
from pnyx.core.models import SiteSettings, StaticPage


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        # not "site": allauth puts its own Site object under that name on its pages
        "council": SiteSettings.current(),
        "footer_pages": StaticPage.objects.filter(show_in_footer=True),
        "can_access_back_office": permissions.can_access_back_office(user) if user else False,
    }
