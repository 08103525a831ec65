"""Binding acts: where a space asks for verified residents, the unverified are refused — by the
service and by the page (which says why and answers 403 to a POST)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from pnyx.comments.models import Comment
from pnyx.comments.services import add_comment
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def district():
    return factories.make_district("north", "North")


@pytest.fixture
def component(district):
    process = factories.make_process(requires_verification=True, district=district)
    return factories.make_page_component(process, settings={"verified_actions": ["comment"]})


def page_url(component):
    return component.get_absolute_url()


def test_unverified_resident_cannot_comment_through_the_service(component):
    resident = factories.make_user()
    with pytest.raises(PermissionDenied, match="verified residents"):
        add_comment(resident, component, component, "Hello")
    assert Comment.objects.count() == 0


def test_unverified_resident_sees_why_and_is_refused_on_post(client, component):
    resident = factories.make_user()
    client.force_login(resident)
    response = client.get(page_url(component))
    assert response.status_code == 200
    assert "Only verified residents can do this." in response.text
    assert "Verify my residence" in response.text
    assert "Publish comment" not in response.text

    response = client.post(page_url(component), {"body": "Let me in"})
    assert response.status_code == 403
    assert Comment.objects.count() == 0


def test_verified_resident_can_comment(client, component):
    resident = factories.make_verified_resident()
    client.force_login(resident)
    assert "Publish comment" in client.get(page_url(component)).text

    response = client.post(page_url(component), {"body": "Good idea"})
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.author == resident
    assert comment.body == "Good idea"
    assert "Good idea" in client.get(page_url(component)).text


def test_verified_resident_can_comment_through_the_service(component):
    resident = factories.make_verified_resident()
    comment = add_comment(resident, component, component, "Yes")
    assert comment.author == resident


def test_resident_of_other_district_cannot_comment_where_restricted(client, district, component):
    space = component.space
    space.restrict_to_district = True
    space.save()
    other = factories.make_verified_resident(factories.make_district("south"))
    with pytest.raises(PermissionDenied, match="North"):
        add_comment(other, component, component, "From the south")

    client.force_login(other)
    assert "Only verified residents of North can do this." in client.get(page_url(component)).text
    assert client.post(page_url(component), {"body": "From the south"}).status_code == 403

    local = factories.make_verified_resident(district)
    add_comment(local, component, component, "From the north")
    assert list(Comment.objects.values_list("body", flat=True)) == ["From the north"]


def test_expired_verification_is_refused(client, component):
    resident = factories.make_user()
    factories.verify(resident, expires_at=timezone.now() - timedelta(days=1))
    with pytest.raises(PermissionDenied):
        add_comment(resident, component, component, "Old")
    client.force_login(resident)
    assert client.post(page_url(component), {"body": "Old"}).status_code == 403
    assert Comment.objects.count() == 0


def test_without_verified_actions_any_signed_in_resident_may_comment(component):
    component.settings = {}
    component.save()
    resident = factories.make_user()
    assert add_comment(resident, component, component, "Open to all").pk


def test_anonymous_visitor_is_asked_to_sign_in(client, component):
    response = client.get(page_url(component))
    assert response.status_code == 200
    assert "Sign in to take part." in response.text
    assert client.post(page_url(component), {"body": "Anon"}).status_code == 403
