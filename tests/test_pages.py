"""Public pages answer in the reader's language; sign-in and sign-up are rate limited."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from pnyx.core import audit
from tests import factories

pytestmark = pytest.mark.django_db

LANGUAGES = ("fr", "es", "en")


@pytest.fixture
def process():
    process = factories.make_process(title="Green squares", phases=2, active_phase=0)
    audit.record(None, "space.publish", process)
    return process


@pytest.mark.parametrize("language", LANGUAGES)
def test_public_pages_answer_in_the_requested_language(client, process, language):
    for url in factories.public_urls(process):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, url
        assert f'<html lang="{language}">' in response.text, url


def test_public_pages_differ_by_language(client, process):
    for url in factories.public_urls(process):
        pages = {
            language: client.get(url, HTTP_ACCEPT_LANGUAGE=language).text for language in LANGUAGES
        }
        assert len(set(pages.values())) == 3, url


# Texts Django and allauth already translate; our own catalogues will add more.
SIGN_IN = {"fr": "Connexion", "es": "Iniciar sesión", "en": "Sign In"}
SIGN_UP = {"fr": "Création de compte", "es": "Registrarse", "en": "Sign Up"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_sign_in_and_sign_up_pages_are_translated(client, language):
    sign_in = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE=language).text
    assert re.search(rf"<h1>\s*{SIGN_IN[language]}\s*</h1>", sign_in)
    sign_up = client.get("/accounts/signup/", HTTP_ACCEPT_LANGUAGE=language).text
    assert re.search(rf"<h1>\s*{SIGN_UP[language]}\s*</h1>", sign_up)


@pytest.mark.parametrize("language", LANGUAGES)
def test_process_page_shows_title_and_dates_in_the_readers_language(client, process, language):
    text = client.get(process.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language).text
    title = "Green squares" if language == "en" else f"Green squares ({language})"
    assert f"<h1>{title}</h1>" in text
    with translation.override(language):
        assert date_format(process.start_date, "DATE_FORMAT") in text
    listing = client.get("/processes/", HTTP_ACCEPT_LANGUAGE=language).text
    assert title in listing


# --- rate limits -------------------------------------------------------------------------------


@pytest.fixture
def clean_cache(settings):
    # A fast hasher: these tests check passwords many times, and Argon2 is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield
    cache.clear()


def make_user_with_password(**fields):
    person = factories.make_user(**fields)
    person.set_password(factories.PASSWORD)
    person.save()
    return person


def test_sign_in_is_refused_after_repeated_failures(client, clean_cache):
    person = make_user_with_password(email="target@example.org")
    url = reverse("account_login")
    for _attempt in range(5):
        response = client.post(url, {"login": person.email, "password": "wrong-guess"})
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
    # even the right password is refused now
    response = client.post(url, {"login": person.email, "password": factories.PASSWORD})
    assert response.status_code in (200, 429)
    if response.status_code == 200:
        assert "Too many failed login attempts" in response.text
    assert "_auth_user_id" not in client.session


def test_sign_in_works_with_the_right_password(client, clean_cache):
    person = make_user_with_password()
    response = client.post(
        reverse("account_login"), {"login": person.email, "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(person.pk)


def test_sign_up_is_refused_after_too_many_from_one_address(client, clean_cache):
    url = reverse("account_signup")
    for number in range(5):
        response = client.post(
            url,
            {
                "email": f"new{number}@example.org",
                "password1": "a-long-new-passphrase-7",
                "password2": "a-long-new-passphrase-7",
            },
        )
        assert response.status_code == 302
        client.logout()
    response = client.post(
        url,
        {
            "email": "new9@example.org",
            "password1": "a-long-new-passphrase-7",
            "password2": "a-long-new-passphrase-7",
        },
    )
    assert response.status_code == 429
    from pnyx.core.models import User

    assert not User.objects.filter(email="new9@example.org").exists()
