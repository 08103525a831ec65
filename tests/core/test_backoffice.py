"""The back-office is for staff with two-factor only: every admin URL refuses residents, visitors
and staff who have not set up two-factor yet."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlparse

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import URLResolver, reverse

from pnyx.core import audit, permissions
from pnyx.core.admin import site
from pnyx.core.models import CensusEntry, SiteSettings, StaffRole, StaticPage, User
from pnyx.spaces import permissions as space_permissions
from pnyx.spaces.models import Assembly
from tests import factories

pytestmark = pytest.mark.django_db


def _walk(patterns, prefix: str = "") -> Iterator[tuple[str, object]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def admin_urls() -> list[str]:
    """Every URL of the admin site, path parameters filled with an existing object's pk (or a
    dummy when the model has no row)."""
    user = User.objects.order_by("pk").first()
    urls = []
    for route, pattern in _walk(site.get_urls()):
        model_admin = getattr(pattern.callback, "model_admin", None)
        model = model_admin.model if model_admin is not None else User
        obj = model.objects.order_by("pk").first()
        values = {
            "content_type_id": str(ContentType.objects.get_for_model(User).pk),
            "id": str(user.pk),
            "object_id": str(obj.pk) if obj is not None else "999999",
        }
        if route.startswith("^") or route.endswith("$"):  # regex patterns
            route = route.lstrip("^").rstrip("$")
            route = route.replace("(?P<app_label>core|spaces|pages)", "core")
            route = route.replace("(?P<url>.*)", "no-such-page/")
            assert "(" not in route, f"unhandled admin pattern {route!r}"
        else:
            for name, value in values.items():
                route = re.sub(rf"<(?:\w+:)?{name}>", value, route)
            assert "<" not in route, f"unfilled admin parameter in {route!r}"
        urls.append("/admin/" + route)
    return urls


@pytest.fixture
def back_office_data():
    """One row of each model the back-office shows, so object URLs point at something real."""
    factories.make_user()
    district = factories.make_district()
    organisation = factories.make_organisation(district=district)
    process = factories.make_process(phases=2, active_phase=0)
    factories.make_page_component(process)
    Assembly.objects.create(
        slug="council", title={"en": "Council"}, body_type="advisory", purpose={"en": "Advise"}
    )
    CensusEntry.objects.create(digest="f" * 64, district=district)
    SiteSettings.objects.create(council_name={"en": "Town"})
    StaticPage.objects.create(slug="about", title={"en": "About"})
    audit.record(None, "organisation.verify", organisation)


SIGN_IN_PATHS = {"/accounts/login/", "/admin/login/"}


def refusal_problem(url: str, response) -> str | None:
    """None when the response refuses (403, or a redirect to a sign-in page), else what is wrong."""
    if response.status_code == 403:
        return None
    if response.status_code == 302:
        target = urlparse(response["Location"]).path
        if target in SIGN_IN_PATHS:
            return None
        # admin logout sends people who are not signed in to the (protected) index
        if url == "/admin/logout/" and target == "/admin/":
            return None
        return f"{url}: redirects to {target}"
    return f"{url}: answers {response.status_code}"


def assert_every_admin_url_refuses(client, expect=refusal_problem, methods=("get", "post")):
    problems = []
    urls = admin_urls()
    assert len(urls) > 60
    for url in urls:
        for method in (getattr(client, name) for name in methods):
            problem = expect(url, method(url))
            if problem:
                problems.append(f"{method.__name__.upper()} {problem}")
    assert not problems, "\n".join(problems)


def test_anonymous_visitor_cannot_reach_any_back_office_url(client, back_office_data):
    assert_every_admin_url_refuses(client)


def test_verified_resident_cannot_reach_any_back_office_url(client, back_office_data):
    client.force_login(factories.make_verified_resident())
    assert_every_admin_url_refuses(client)


@pytest.mark.parametrize("role", [StaffRole.Role.ADMINISTRATOR, "process-manager"])
def test_staff_without_two_factor_is_sent_to_set_it_up_from_every_back_office_url(
    client, back_office_data, role
):
    if role == "process-manager":
        from pnyx.spaces.models import Process

        staff = factories.make_space_staff(Process.objects.first(), two_factor=False)
    else:
        staff = factories.make_staff(role, two_factor=False)
    client.force_login(staff)
    totp_setup = reverse("mfa_activate_totp")

    def expect_two_factor_set_up(url, response):
        if response.status_code == 302 and urlparse(response["Location"]).path == totp_setup:
            return None
        return f"{url}: answers {response.status_code} {response.get('Location', '')}"

    # the middleware looks at the path only, whatever the method
    assert_every_admin_url_refuses(client, expect_two_factor_set_up, methods=("get",))


def test_administrator_with_two_factor_reaches_the_back_office(client, back_office_data):
    client.force_login(factories.make_staff())
    assert client.get("/admin/").status_code == 200
    for url in admin_urls():
        if url.endswith("/changelist/") or re.fullmatch(r"/admin/\w+/\w+/", url):
            assert client.get(url).status_code == 200, url


# --- two-factor gates every staff power --------------------------------------------------------


def test_staff_without_two_factor_has_no_staff_power(client):
    administrator = factories.make_staff(two_factor=False)
    process = factories.make_process()
    assert permissions.holds_staff_role(administrator)
    assert not permissions.acts_as_staff(administrator)
    assert not permissions.can_access_back_office(administrator)
    assert not permissions.is_administrator(administrator)
    assert not permissions.can_manage_census(administrator)
    assert not space_permissions.can_manage_space(administrator, process)

    client.force_login(administrator)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    followed = client.get("/admin/", follow=True)
    assert "Set up two-factor authentication to use your staff role." in followed.text


def test_staff_with_two_factor_acts_as_staff(client):
    administrator = factories.make_staff(two_factor=False)
    factories.add_two_factor(administrator)
    process = factories.make_process()
    assert permissions.acts_as_staff(administrator)
    assert permissions.is_administrator(administrator)
    assert permissions.can_manage_census(administrator)
    assert space_permissions.can_manage_space(administrator, process)

    client.force_login(administrator)
    assert client.get("/admin/").status_code == 200


def test_admin_password_form_cannot_bypass_two_factor(client):
    """The admin's own sign-in form would skip allauth's second step and its rate limits."""
    superuser = User.objects.create_superuser(email="root@example.org", password=factories.PASSWORD)
    factories.add_two_factor(superuser)
    response = client.post(
        "/admin/login/", {"username": "root@example.org", "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    assert urlparse(response["Location"]).path == "/accounts/login/"
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302
