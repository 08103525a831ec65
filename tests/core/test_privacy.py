"""The "Download my data" and "delete my account" features."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.urls import reverse

from pnyx.comments.models import Comment
from pnyx.core import privacy
from pnyx.core.models import User
from tests import factories

pytestmark = pytest.mark.django_db

NAME, NICKNAME, EMAIL = "Zacharie Quixote", "zaquix", "zacharie.quixote@example.org"


@pytest.fixture
def person():
    return factories.make_user(email=EMAIL, name=NAME, nickname=NICKNAME)


@pytest.fixture
def comments(person):
    component = factories.make_page_component(factories.make_process())
    other = factories.make_user()
    return [
        factories.make_comment(component, person, "Plant more trees."),
        factories.make_comment(component, person, "And benches."),
        factories.make_comment(component, other, "Agreed."),
    ]


def comment_rows() -> str:
    return repr(list(Comment.objects.values_list()))


def assert_anonymised(person_pk: int) -> None:
    assert not User.objects.filter(pk=person_pk).exists()
    assert not User.objects.filter(email=EMAIL).exists()
    assert Comment.objects.filter(author_id=person_pk).count() == 0
    bodies = dict(Comment.objects.values_list("body", "author_id"))
    assert bodies["Plant more trees."] is None and bodies["And benches."] is None
    assert bodies["Agreed."] is not None  # other people's comments keep their author
    rows = comment_rows()
    for personal in (NAME, NICKNAME, EMAIL, "zacharie"):
        assert personal not in rows


def test_deleting_an_account_keeps_comments_without_personal_data(person, comments):
    pk = person.pk
    privacy.delete_account(person)
    assert_anonymised(pk)


def test_deleted_author_is_shown_as_deleted_account(client, person, comments):
    privacy.delete_account(person)
    page = client.get(comments[0].component.get_absolute_url()).text
    assert "Plant more trees." in page
    assert "Deleted account" in page
    assert NICKNAME not in page and NAME not in page


def test_delete_account_page_asks_for_the_password(client, person, comments):
    client.force_login(person)
    response = client.post(reverse("delete_account"), {"password": "not-my-password"})
    assert response.status_code == 200
    assert "This is not your password." in response.text
    assert User.objects.filter(pk=person.pk).exists()
    assert Comment.objects.filter(author=person).count() == 2


def test_delete_account_page_deletes_and_signs_out(client, person, comments):
    pk = person.pk
    client.force_login(person)
    response = client.post(reverse("delete_account"), {"password": factories.PASSWORD})
    assert response.status_code == 302
    assert_anonymised(pk)
    assert "_auth_user_id" not in client.session


def read_export(content: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return json.loads(archive.read("my-data.json"))


def test_download_my_data_holds_profile_and_comments(client, person, comments):
    client.force_login(person)
    response = client.post(reverse("my_data"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    data = read_export(response.content)
    assert data["account"]["email"] == EMAIL
    assert data["account"]["name"] == NAME
    assert data["account"]["nickname"] == NICKNAME
    assert sorted(c["body"] for c in data["comments"]) == ["And benches.", "Plant more trees."]


def test_download_my_data_includes_verification_and_organisations(person):
    district = factories.make_district("harbour")
    factories.verify(person, district)
    factories.add_member(factories.make_organisation(name="Friends of the Park"), person)
    data = read_export(privacy.export_user_data(person))
    assert data["account"]["verification"]["district"] == "harbour"
    assert data["account"]["organisations"][0]["organisation"] == "Friends of the Park"


def test_my_data_needs_a_signed_in_person(client):
    response = client.post(reverse("my_data"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
