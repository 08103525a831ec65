"""Bad input re-renders the form with a message and changes nothing."""

from __future__ import annotations

import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from pnyx.core.models import Membership, Organisation, Verification
from tests import factories

pytestmark = pytest.mark.django_db


def bmp(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.frombytes("RGB", (width, height), os.urandom(width * height * 3)).save(buffer, "BMP")
    return buffer.getvalue()


@pytest.fixture
def person(client):
    person = factories.make_user(name="Ana", nickname="ana")
    client.force_login(person)
    return person


def test_profile_rejects_an_avatar_over_2_mb(client, person):
    picture = bmp(1000, 800)
    assert len(picture) > 2 * 1024 * 1024
    response = client.post(
        reverse("profile"),
        {
            "name": "Ana Changed",
            "nickname": "ana2",
            "preferred_language": "fr",
            "avatar": SimpleUploadedFile("me.bmp", picture, content_type="image/bmp"),
        },
    )
    assert response.status_code == 200
    assert "The picture must be smaller than 2 MB." in response.text
    person.refresh_from_db()
    assert (person.name, person.nickname, person.avatar.name) == ("Ana", "ana", "")


def test_profile_rejects_a_file_that_is_not_a_picture(client, person):
    response = client.post(
        reverse("profile"),
        {
            "name": "Ana Changed",
            "nickname": "ana",
            "avatar": SimpleUploadedFile("me.png", b"not a picture", content_type="image/png"),
        },
    )
    assert response.status_code == 200
    assert 'class="error"' in response.text
    person.refresh_from_db()
    assert person.name == "Ana"


def test_profile_saves_good_input(client, person):
    response = client.post(
        reverse("profile"), {"name": "Ana Ruiz", "nickname": "anar", "preferred_language": "es"}
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.name, person.preferred_language) == ("Ana Ruiz", "es")


def test_organisation_with_a_taken_short_name_is_refused(client, person):
    factories.make_organisation(name="Friends of the Park", slug="friends")
    before = (Organisation.objects.count(), Membership.objects.count())
    response = client.post(
        reverse("organisation_create"),
        {
            "name": "Other friends",
            "slug": "friends",
            "kind": "association",
        },
    )
    assert response.status_code == 200
    assert "already exists" in response.text
    assert (Organisation.objects.count(), Membership.objects.count()) == before


def test_organisation_with_a_bad_short_name_is_refused(client, person):
    response = client.post(
        reverse("organisation_create"),
        {
            "name": "Bad",
            "slug": "not a slug!",
            "kind": "association",
        },
    )
    assert response.status_code == 200
    assert not Organisation.objects.exists()


def test_registering_an_organisation_makes_its_author_administrator(client, person):
    response = client.post(
        reverse("organisation_create"),
        {
            "name": "Repair café",
            "slug": "repair-cafe",
            "kind": "collective",
        },
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(slug="repair-cafe")
    assert not organisation.is_verified
    assert Membership.objects.get(organisation=organisation).user == person
    assert Membership.objects.get(organisation=organisation).role == Membership.Role.ADMIN


def test_only_organisation_admins_edit_it(client, person):
    organisation = factories.make_organisation()
    factories.add_member(organisation, person)  # a plain member
    url = reverse("organisation_edit", args=[organisation.slug])
    assert client.get(url).status_code == 403
    response = client.post(
        url, {"name": "Taken over", "slug": organisation.slug, "kind": "association"}
    )
    assert response.status_code == 403
    organisation.refresh_from_db()
    assert organisation.name != "Taken over"


def test_verification_form_rejects_a_future_birth_date(client, person):
    response = client.post(reverse("verify"), {"document_number": "X1", "birth_date": "2999-01-01"})
    assert response.status_code == 200
    assert "cannot be in the future" in response.text
    assert not Verification.objects.filter(user=person).exists()
