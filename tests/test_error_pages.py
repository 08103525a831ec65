"""Error pages speak the reader's language and keep the site's layout."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "heading"),
    [("en", "Page not found"), ("fr", "Page introuvable"), ("es", "Página no encontrada")],
)
def test_unknown_process_is_a_translated_404(client: Client, language: str, heading: str) -> None:
    response = client.get("/processes/no-such-process/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    body = response.content.decode()
    assert heading in body
    assert 'href="#main"' in body  # the site's own layout, with its skip link


def test_refused_action_explains_why(client: Client) -> None:
    from tests.factories import make_page_component, make_process, make_user

    process = make_process(requires_verification=True)
    component = make_page_component(process, settings={"verified_actions": ["comment"]})
    client.force_login(make_user())
    response = client.post(
        component.get_absolute_url(), {"body": "Hello"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 403
    assert "Only verified residents can do this." in response.content.decode()
