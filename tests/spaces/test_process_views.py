"""The public list of processes (filters, exports, paging), a process page (phase timeline), and
what the public may not see."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pnyx.core import audit
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def processes():
    today = timezone.localdate()
    north = factories.make_district("north", "North")
    return {
        "active": factories.make_process(
            title="Green squares", district=north, phases=3, active_phase=1
        ),
        "past": factories.make_process(
            title="Old budget",
            start_date=today - timedelta(days=400),
            end_date=today - timedelta(days=300),
        ),
        "upcoming": factories.make_process(
            title="Future library",
            start_date=today + timedelta(days=30),
            end_date=today + timedelta(days=90),
        ),
        "hidden": factories.make_process(title="Draft plan", published=False),
    }


def titles(response) -> list[str]:
    return sorted(str(process) for process in response.context["page"].object_list)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["Future library", "Green squares", "Old budget"]),
        ({"status": "active"}, ["Green squares"]),
        ({"status": "past"}, ["Old budget"]),
        ({"status": "upcoming"}, ["Future library"]),
        ({"district": "north"}, ["Green squares"]),
        ({"status": "past", "district": "north"}, []),
    ],
)
def test_process_list_filters(client, processes, query, expected):
    response = client.get("/processes/", query)
    assert response.status_code == 200
    assert titles(response) == expected
    assert "Draft plan" not in response.text


def test_process_list_exports_csv_and_json(client, processes):
    rows = json.loads(client.get("/processes/", {"format": "json", "status": "active"}).content)
    assert [row["title"] for row in rows] == ["Green squares"]
    assert rows[0]["district"] == "north"
    assert rows[0]["status"] == "active"
    assert rows[0]["active_phase"] == "Phase 2 of Green squares"

    response = client.get("/processes/", {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert sorted(row["title"] for row in table) == [
        "Future library",
        "Green squares",
        "Old budget",
    ]
    assert {row["status"] for row in table} == {"active", "past", "upcoming"}


def test_process_page_shows_the_phase_timeline_with_the_active_phase_marked(client, processes):
    response = client.get(processes["active"].get_absolute_url())
    assert response.status_code == 200
    text = response.text
    assert text.count('class="phase') == 3
    assert text.count('aria-current="step"') == 1
    active = text.index('aria-current="step"')
    assert text.index("Phase 2 of Green squares", active) < text.index("Current phase", active)
    assert (
        text.index("Phase 1 of Green squares")
        < text.index("Phase 2 of Green squares")
        < (text.index("Phase 3 of Green squares"))
    )


def test_unpublished_process_is_hidden_from_the_public(client, processes):
    url = processes["hidden"].get_absolute_url()
    assert client.get(url).status_code == 404
    client.force_login(factories.make_verified_resident())
    assert client.get(url).status_code == 404
    # a manager of another process does not see it either
    client.force_login(factories.make_space_staff(processes["active"]))
    assert client.get(url).status_code == 404


def test_unpublished_process_is_visible_to_its_manager(client, processes):
    client.force_login(factories.make_space_staff(processes["hidden"]))
    response = client.get(processes["hidden"].get_absolute_url())
    assert response.status_code == 200
    assert "Not published: only staff see this page." in response.text


def test_unpublished_process_is_hidden_from_its_manager_without_two_factor(client, processes):
    client.force_login(factories.make_space_staff(processes["hidden"], two_factor=False))
    assert client.get(processes["hidden"].get_absolute_url()).status_code == 404


def test_unpublished_component_is_hidden_from_the_public(client, processes):
    component = factories.make_page_component(processes["active"], published=False)
    assert client.get(component.get_absolute_url()).status_code == 404
    assert "About the rules" not in client.get(processes["active"].get_absolute_url()).text


@pytest.mark.parametrize(
    "query",
    [
        "?status=zzz&district=nope&page=abc",
        "?page=-1",
        "?page=999999",
        "?format=xml",
        "?district=",
        "?status=active&page=0",
    ],
)
def test_process_list_survives_bad_query_parameters(client, processes, query):
    response = client.get("/processes/" + query)
    assert response.status_code == 200


@pytest.mark.parametrize(
    "query", ["?page=-1", "?page=abc", "?page=99999", "?action=%00", "?format=zzz"]
)
def test_log_survives_bad_query_parameters(client, query):
    audit.record(None, "space.publish", object_type="spaces.process", object_repr="X")
    assert client.get("/log/" + query).status_code == 200


# --- the number of queries does not grow with the data -----------------------------------------


def count_queries(client, url: str) -> int:
    client.get(url)  # warm caches (content types, site settings)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def make_processes(count: int) -> None:
    district = factories.make_district()
    for index in range(count):
        factories.make_process(
            district=district if index % 2 else None, phases=2, active_phase=index % 2
        )


def make_log_entries(count: int) -> None:
    actor = factories.make_staff()
    for index in range(count):
        audit.record(
            actor if index % 2 else None,
            "space.publish",
            object_type="spaces.process",
            object_repr=f"P{index}",
        )


@pytest.mark.parametrize(
    ("url", "make_rows"),
    [
        ("/processes/", make_processes),
        ("/processes/?status=active", make_processes),
        ("/log/", make_log_entries),
        ("/", make_processes),
    ],
)
def test_query_count_does_not_grow_with_rows(client, django_assert_num_queries, url, make_rows):
    make_rows(3)
    few = count_queries(client, url)
    make_rows(30)
    client.get(url)
    with django_assert_num_queries(few):
        client.get(url)
