"""The audit log: administrative acts are recorded, the chain shows any edit or removal, and the
public page shows public entries only."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from pnyx.core import audit, verification
from pnyx.core.models import AuditEntry, StaffRole
from pnyx.spaces.models import Process
from tests import factories

pytestmark = pytest.mark.django_db


def write_entries(count: int) -> list[AuditEntry]:
    return [
        audit.record(None, "space.publish", object_type="spaces.process", object_repr=f"P{n}")
        for n in range(count)
    ]


def run_verify() -> str:
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


# --- pnyx audit verify -------------------------------------------------------------------------


def test_audit_verify_passes_on_an_intact_chain():
    write_entries(5)
    assert "audit log intact: 5 entries" in run_verify()


def test_audit_verify_passes_on_an_empty_log():
    assert "intact: 0 entries" in run_verify()


@pytest.mark.parametrize(
    "change",
    [
        {"summary": "nothing happened"},
        {"object_repr": "Another process"},
        {"public": False},
        {"action": "space.unpublish"},
    ],
)
def test_audit_verify_fails_when_an_entry_is_altered_in_the_database(change):
    entries = write_entries(5)
    AuditEntry.objects.filter(pk=entries[2].pk).update(**change)
    with pytest.raises(CommandError) as error:
        run_verify()
    assert error.value.returncode == 1
    assert "#3" in str(error.value)
    assert "does not match its hash" in str(error.value)


def test_audit_verify_fails_when_an_altered_entry_was_rehashed():
    """Recomputing the altered entry's own hash is not enough: the next entry no longer links."""
    entries = write_entries(5)
    entry = AuditEntry.objects.get(pk=entries[1].pk)
    entry.summary = "rewritten"
    AuditEntry.objects.filter(pk=entry.pk).update(
        summary="rewritten", entry_hash=entry.compute_hash()
    )
    with pytest.raises(CommandError, match="#3: does not link to the previous entry"):
        run_verify()


def test_audit_verify_detects_a_deleted_entry_in_the_middle():
    entries = write_entries(5)
    AuditEntry.objects.filter(pk=entries[2].pk).delete()
    with pytest.raises(CommandError, match="#3: entry missing") as error:
        run_verify()
    assert error.value.returncode == 1


def test_audit_verify_exits_with_status_1_from_the_command_line():
    entries = write_entries(3)
    AuditEntry.objects.filter(pk=entries[0].pk).update(summary="forged")
    with pytest.raises(CommandError) as error:
        call_command("audit", "verify")
    assert error.value.returncode == 1
    assert "#1" in str(error.value)


# --- admin acts are logged ---------------------------------------------------------------------


@pytest.fixture
def admin_client(client):
    administrator = factories.make_staff()
    client.force_login(administrator)
    client.administrator = administrator
    return client


def test_publishing_a_process_through_the_admin_action_is_logged(admin_client):
    process = factories.make_process(published=False)
    response = admin_client.post(
        "/admin/spaces/process/",
        {"action": "publish", "_selected_action": [process.pk]},
    )
    assert response.status_code == 302
    process.refresh_from_db()
    assert process.published
    entry = AuditEntry.objects.get(action="space.publish")
    assert entry.actor == admin_client.administrator
    assert entry.object_id == str(process.pk)
    assert entry.public
    assert audit.verify_chain() is None


def test_verifying_a_person_through_the_admin_action_is_logged(admin_client):
    district = factories.make_district("east")
    resident = factories.make_user()
    response = admin_client.post(
        "/admin/core/user/",
        {
            "action": "verify_selected",
            "_selected_action": [resident.pk],
            "apply": "1",
            "district": district.pk,
        },
    )
    assert response.status_code == 302
    assert verification.is_verified(resident, "east")
    entry = AuditEntry.objects.get(action="person.verify")
    assert entry.actor == admin_client.administrator
    assert entry.object_id == str(resident.pk)
    # who was verified is not public; the entry names the account number, not the person
    assert not entry.public
    assert resident.email not in entry.object_repr


def test_verify_action_first_asks_for_the_district(admin_client):
    resident = factories.make_user()
    response = admin_client.post(
        "/admin/core/user/", {"action": "verify_selected", "_selected_action": [resident.pk]}
    )
    assert response.status_code == 200
    assert not verification.is_verified(resident)
    assert not AuditEntry.objects.exists()


def user_change_data(user, roles: list[str]) -> dict[str, object]:
    data: dict[str, object] = {
        "email": user.email,
        "name": user.name,
        "nickname": user.nickname,
        "preferred_language": "",
        "is_active": "on",
        "staff_roles-TOTAL_FORMS": str(len(roles)),
        "staff_roles-INITIAL_FORMS": "0",
        "staff_roles-MIN_NUM_FORMS": "0",
        "staff_roles-MAX_NUM_FORMS": "1000",
        "verification-TOTAL_FORMS": "0",
        "verification-INITIAL_FORMS": "0",
        "verification-MIN_NUM_FORMS": "0",
        "verification-MAX_NUM_FORMS": "1",
    }
    for index, role in enumerate(roles):
        data[f"staff_roles-{index}-role"] = role
        data[f"staff_roles-{index}-user"] = str(user.pk)
    return data


def test_granting_a_role_in_the_admin_is_logged(admin_client):
    person = factories.make_user()
    response = admin_client.post(
        f"/admin/core/user/{person.pk}/change/",
        user_change_data(person, [StaffRole.Role.MODERATOR]),
    )
    assert response.status_code == 302, (
        response.context["adminform"].form.errors if response.context else response
    )
    assert list(person.staff_roles.values_list("role", flat=True)) == ["moderator"]
    entry = AuditEntry.objects.get(action="role.change")
    assert entry.actor == admin_client.administrator
    assert "moderator" in entry.summary


def test_editing_a_process_in_the_admin_is_logged(admin_client):
    process = factories.make_process(published=False)
    admin_client.post(
        "/admin/spaces/process/", {"action": "publish", "_selected_action": [process.pk]}
    )
    admin_client.post(
        "/admin/spaces/process/", {"action": "unpublish", "_selected_action": [process.pk]}
    )
    assert list(AuditEntry.objects.order_by("sequence").values_list("action", flat=True)) == [
        "space.publish",
        "space.unpublish",
    ]
    assert not Process.objects.get(pk=process.pk).published


# --- the public log ----------------------------------------------------------------------------


def test_public_log_shows_public_entries_only(client):
    audit.record(None, "space.publish", object_type="spaces.process", object_repr="Parks plan")
    audit.record(
        None, "person.verify", object_type="core.user", object_repr="account #77", public=False
    )
    response = client.get("/log/")
    assert response.status_code == 200
    assert "Parks plan" in response.text
    assert "account #77" not in response.text
    for fmt in ("csv", "json"):
        export = client.get("/log/", {"format": fmt}).content.decode()
        assert "Parks plan" in export
        assert "account #77" not in export


def test_administrator_sees_private_entries_in_the_log(admin_client):
    audit.record(
        None, "person.verify", object_type="core.user", object_repr="account #77", public=False
    )
    assert "account #77" in admin_client.get("/log/").text
