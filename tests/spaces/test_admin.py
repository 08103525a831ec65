"""Process managers run their own processes in the back-office; administrators run all of them
and hand out roles. Every change is in the audit log."""

from __future__ import annotations

import pytest

from pnyx.core.models import AuditEntry
from pnyx.spaces.models import Phase, SpaceRole
from tests import factories

pytestmark = pytest.mark.django_db


def inline_prefixes(response) -> set[str]:
    return {inline.formset.prefix for inline in response.context["inline_admin_formsets"]}


def test_process_manager_edits_the_phases_of_their_process(client):
    process = factories.make_process(phases=2, active_phase=0)
    manager = factories.make_space_staff(process)
    client.force_login(manager)
    url = f"/admin/spaces/process/{process.pk}/change/"
    response = client.get(url)
    assert response.status_code == 200
    assert {"phases", "components"} <= inline_prefixes(response)
    assert "roles" not in inline_prefixes(response)  # handing out roles is for administrators

    data = factories.form_data(response.text, "process_form")
    data["phases-0-title_en"] = "Listening"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Phase.objects.get(process=process, position=0).title["en"] == "Listening"
    assert AuditEntry.objects.filter(action="space.edit", object_id=str(process.pk)).exists()


def test_process_manager_cannot_open_another_process(client):
    mine, other = factories.make_process(), factories.make_process()
    client.force_login(factories.make_space_staff(mine))
    assert client.get(f"/admin/spaces/process/{other.pk}/change/").status_code != 200
    listing = client.get("/admin/spaces/process/")
    assert listing.status_code == 200
    assert list(listing.context["cl"].queryset) == [mine]


def test_administrator_names_a_process_manager_and_it_is_logged(client):
    process = factories.make_process()
    person = factories.make_user()
    client.force_login(factories.make_staff())
    url = f"/admin/spaces/process/{process.pk}/change/"
    response = client.get(url)
    assert "roles" in inline_prefixes(response)
    data = factories.form_data(response.text, "process_form")
    data.update(
        {
            "roles-TOTAL_FORMS": "1",
            "roles-0-user": str(person.pk),
            "roles-0-role": SpaceRole.Role.MANAGER,
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert SpaceRole.objects.filter(space=process, user=person, role="manager").exists()
    entry = AuditEntry.objects.get(action="role.change")
    assert entry.object_id == str(process.pk)
    assert f"account #{person.pk}" in entry.summary
