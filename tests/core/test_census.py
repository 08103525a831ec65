"""The census: imported whole or not at all, matched on a keyed hash, one entry per account, and
the raw document number never lands in the database."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from pnyx.core import verification
from pnyx.core.models import AuditEntry, CensusEntry, Verification
from tests import factories

pytestmark = pytest.mark.django_db

HEADER = "document_number,birth_date,district\n"


@pytest.fixture(autouse=True)
def fresh_attempt_counters():
    """The verification page counts attempts per account in the cache; start each test at 0."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def districts():
    return factories.make_district("north"), factories.make_district("south")


@pytest.fixture
def admin_client(client):
    client.force_login(factories.make_staff())
    return client


def upload(client, content: bytes | str):
    if isinstance(content, str):
        content = content.encode()
    return client.post(
        reverse("admin:census_import"),
        {"file": SimpleUploadedFile("census.csv", content, content_type="text/csv")},
    )


# --- matching -----------------------------------------------------------------------------------


def test_resident_on_the_census_is_verified_in_their_district(districts):
    verification.import_census(HEADER + "X-1234567-Z,1984-03-21,north\n", actor=None)
    resident = factories.make_user()
    result = verification.verify_with_census(resident, "x1234567z", date(1984, 3, 21))
    assert result.method == Verification.Method.CENSUS
    assert verification.is_verified(resident, "north")
    assert not verification.is_verified(resident, "south")


def test_wrong_birth_date_does_not_verify(districts):
    verification.import_census(HEADER + "X1234567Z,1984-03-21,north\n", actor=None)
    resident = factories.make_user()
    with pytest.raises(verification.VerificationError, match="found no one"):
        verification.verify_with_census(resident, "X1234567Z", date(1984, 3, 22))
    assert not verification.is_verified(resident)


def test_census_entry_cannot_verify_two_accounts(districts):
    verification.import_census(HEADER + "X1234567Z,1984-03-21,north\n", actor=None)
    first, second = factories.make_user(), factories.make_user()
    verification.verify_with_census(first, "X1234567Z", date(1984, 3, 21))
    with pytest.raises(verification.VerificationError, match="already verifies another account"):
        verification.verify_with_census(second, "X1234567Z", date(1984, 3, 21))
    assert verification.is_verified(first)
    assert not verification.is_verified(second)
    assert Verification.objects.get().user == first


def test_verify_page_shows_error_when_entry_already_used(client, districts):
    verification.import_census(HEADER + "X1234567Z,1984-03-21,north\n", actor=None)
    verification.verify_with_census(factories.make_user(), "X1234567Z", date(1984, 3, 21))
    second = factories.make_user()
    client.force_login(second)
    response = client.post(
        reverse("verify"), {"document_number": "X1234567Z", "birth_date": "1984-03-21"}
    )
    assert response.status_code == 200
    assert "This census entry already verifies another account." in response.text
    assert not verification.is_verified(second)


def test_verify_page_verifies_a_resident_on_the_census(client, districts):
    verification.import_census(HEADER + "X1234567Z,1984-03-21,south\n", actor=None)
    resident = factories.make_user()
    client.force_login(resident)
    response = client.post(
        reverse("verify"), {"document_number": "X 1234567 Z", "birth_date": "1984-03-21"}
    )
    assert response.status_code == 302
    assert verification.is_verified(resident, "south")


# --- the raw number is stored nowhere -----------------------------------------------------------


def database_dump() -> str:
    """Every row of every table, as text: dumpdata plus a raw dump that also sees tables and
    columns the ORM does not serialise."""
    parts = [json.dumps(_dumpdata())]
    if connection.vendor == "sqlite":
        parts.extend(connection.connection.iterdump())
    else:
        with connection.cursor() as cursor:
            for table in connection.introspection.table_names(cursor):
                cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
                parts.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(parts)


def _dumpdata() -> object:
    import io

    out = io.StringIO()
    call_command("dumpdata", format="json", stdout=out)
    return json.loads(out.getvalue())


def test_raw_document_number_is_stored_nowhere(client, admin_client, districts):
    response = upload(admin_client, HEADER + "Y-9081726-Q,1979-11-05,north\nW5556667,1990-01-02,\n")
    assert response.status_code == 302, response.content
    assert CensusEntry.objects.count() == 2

    resident = factories.make_user()
    client.force_login(resident)
    response = client.post(
        reverse("verify"), {"document_number": "Y9081726Q", "birth_date": "1979-11-05"}
    )
    assert response.status_code == 302
    assert verification.is_verified(resident, "north")

    dump = database_dump().upper()
    # the dump does see the census and the verification (so the search below means something)
    assert CensusEntry.objects.filter(district__code="north").get().digest.upper() in dump
    assert "RESIDENT" in dump or resident.email.upper() in dump
    for fragment in ("9081726", "5556667"):
        assert fragment not in dump


# --- bad input is rejected whole ----------------------------------------------------------------

BAD_FILES = [
    pytest.param(
        HEADER + "A1,1990-01-01,north\nB2,1990-13-01,north\n", 3, "YYYY-MM-DD", id="bad-date"
    ),
    pytest.param(
        HEADER + "A1,1990-01-01,north\nB2,1990-01-01,nowhere\n",
        3,
        "unknown district nowhere",
        id="unknown-district",
    ),
    pytest.param(
        HEADER + "A1,1990-01-01,north\nB2,1990-01-01,north\nC3,1990-01-01\n",
        4,
        "expected 3 columns, found 2",
        id="wrong-column-count",
    ),
    pytest.param(
        "document_number,birth_date\nA1,1990-01-01\n",
        1,
        "missing column(s): district",
        id="missing-column",
    ),
    pytest.param(
        HEADER + "A-1,1990-01-01,north\nB2,1991-01-01,south\na1,1990-01-01,south\n",
        4,
        "same person as line 2",
        id="duplicate-person",
    ),
    pytest.param(
        (HEADER + "A1,1990-01-01,north\nÉ2,1990-01-01,north\n").encode("latin-1"),
        1,
        "not UTF-8",
        id="not-utf8",
    ),
    pytest.param(HEADER + "A1,2990-01-01,north\n", 2, "in the future", id="future-date"),
]


@pytest.fixture
def census_before(districts):
    verification.import_census(HEADER + "K1,1970-01-01,north\n", actor=None)
    return CensusEntry.objects.count(), AuditEntry.objects.count()


@pytest.mark.parametrize(("content", "line", "message"), BAD_FILES)
def test_bad_census_file_is_rejected_whole_by_the_service(census_before, content, line, message):
    with pytest.raises(verification.CensusError) as error:
        verification.import_census(content, actor=None)
    assert error.value.line == line
    assert message in str(error.value)
    assert f"line {line}" in str(error.value)
    assert (CensusEntry.objects.count(), AuditEntry.objects.count()) == census_before


@pytest.mark.parametrize(("content", "line", "message"), BAD_FILES)
def test_bad_census_file_is_rejected_whole_in_the_back_office(
    admin_client, census_before, content, line, message
):
    response = upload(admin_client, content)
    assert response.status_code == 200
    assert f"line {line}: " in response.text
    assert (CensusEntry.objects.count(), AuditEntry.objects.count()) == census_before


def test_good_census_import_is_logged(admin_client, districts):
    upload(admin_client, HEADER + "A1,1990-01-01,north\nB2,1990-01-01,\n")
    entry = AuditEntry.objects.get(action="census.import")
    assert "2 new entries, 0 already known" in entry.summary
    # importing the same file again adds nobody
    upload(admin_client, HEADER + "A1,1990-01-01,north\nB2,1990-01-01,\n")
    assert CensusEntry.objects.count() == 2
