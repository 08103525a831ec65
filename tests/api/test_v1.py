"""REST API v1: public lists, filters, errors as JSON 4xx, constant query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from pnyx.core import audit
from pnyx.spaces.models import Assembly, AssemblyMember
from tests.factories import make_district, make_organisation, make_process, make_staff

pytestmark = pytest.mark.django_db


def test_openapi_document_lists_every_endpoint(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert spec["openapi"].startswith("3.")
    assert {
        "/api/v1/processes",
        "/api/v1/processes/{slug}",
        "/api/v1/assemblies",
        "/api/v1/organisations",
        "/api/v1/districts",
        "/api/v1/log",
    } <= set(spec["paths"])


def test_processes_hide_unpublished_and_filter_by_status_and_district(client: Client) -> None:
    today = timezone.localdate()
    north = make_district("north")
    running = make_process(title="Running", phases=2, active_phase=0, district=north)
    make_process(title="Later", start_date=today + timedelta(days=5))
    make_process(
        title="Done", start_date=today - timedelta(days=90), end_date=today - timedelta(days=1)
    )
    make_process(title="Draft", published=False)

    everything = client.get("/api/v1/processes").json()
    assert everything["count"] == 3
    assert "Draft" not in {item["title"]["en"] for item in everything["items"]}

    active = client.get("/api/v1/processes?status=active").json()["items"]
    assert [item["slug"] for item in active] == [running.slug]
    assert active[0]["phases"][0]["is_active"] is True
    assert active[0]["title"]["fr"] == "Running (fr)"
    assert [
        i["title"]["en"] for i in client.get("/api/v1/processes?status=past").json()["items"]
    ] == ["Done"]
    assert client.get("/api/v1/processes?district=north").json()["count"] == 1


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/processes?status=zzz",
        "/api/v1/processes?limit=abc",
        "/api/v1/processes/nope",
        "/api/v1/assemblies/nope",
        "/api/v1/organisations?verified=maybe",
    ],
)
def test_bad_requests_get_a_json_4xx(client: Client, url: str) -> None:
    response = client.get(url)
    assert 400 <= response.status_code < 500
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()


def test_draft_process_is_not_found(client: Client) -> None:
    draft = make_process(published=False)
    assert client.get(f"/api/v1/processes/{draft.slug}").status_code == 404


def test_process_list_query_count_does_not_grow(client: Client, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    north = make_district("north")
    for _ in range(3):
        make_process(phases=2, active_phase=1, district=north)
    with django_assert_num_queries(3) as few:
        client.get("/api/v1/processes")
    for _ in range(20):
        make_process(phases=3, active_phase=0, district=north)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get("/api/v1/processes?limit=100")
    assert response.json()["count"] == 23


def test_assemblies_with_members(client: Client) -> None:
    organisation = make_organisation(name="Friends of the park", slug="friends")
    assembly = Assembly.objects.create(
        slug="youth-council",
        title={"en": "Youth council"},
        body_type=Assembly.Body.ADVISORY,
        purpose={"en": "Advise the council."},
        published=True,
    )
    AssemblyMember.objects.create(
        assembly=assembly,
        full_name="Ana Ruiz",
        position={"en": "Chair"},
        selection="sortition",
        organisation=organisation,
    )
    data = client.get("/api/v1/assemblies/youth-council").json()
    assert data["members"] == [
        {
            "full_name": "Ana Ruiz",
            "position": {"en": "Chair"},
            "selection": "sortition",
            "organisation": "friends",
            "since": None,
            "until": None,
        }
    ]


def test_organisations_filter_on_verification(client: Client) -> None:
    make_organisation(slug="checked", verified=True)
    make_organisation(slug="pending", verified=False)
    verified = client.get("/api/v1/organisations?verified=true").json()["items"]
    assert [o["slug"] for o in verified] == ["checked"]
    assert client.get("/api/v1/organisations").json()["count"] == 2


def test_log_lists_public_entries_with_their_chain(client: Client) -> None:
    admin = make_staff()
    first = audit.record(admin, "space.publish", object_type="spaces.process", object_repr="A")
    audit.record(
        admin, "person.verify", object_type="core.user", object_repr="someone", public=False
    )
    third = audit.record(admin, "space.unpublish", object_type="spaces.process", object_repr="A")
    entries = client.get("/api/v1/log").json()["items"]
    assert [e["sequence"] for e in entries] == [third.sequence, first.sequence]
    assert entries[1]["entry_hash"] == first.entry_hash
    assert "someone" not in str(entries)
