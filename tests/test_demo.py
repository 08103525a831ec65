"""The demo municipality: complete, deterministic, idempotent, census-verified, and locked out
of real sites."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from pnyx import demo
from pnyx.comments.models import Comment
from pnyx.core import audit, permissions
from pnyx.core.models import (
    AuditEntry,
    CensusEntry,
    District,
    Membership,
    Organisation,
    SiteSettings,
    StaffRole,
    StaticPage,
    User,
    Verification,
)
from pnyx.core.verification import census_digest, is_verified
from pnyx.pages.models import PageContent
from pnyx.spaces.models import Assembly, ComponentInstance, Process, Space, SpaceRole
from pnyx.spaces.permissions import can_manage_space, can_perform

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """Load once for the module, inside a transaction rolled back at the end."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        with transaction.atomic():
            assert demo.load() is True
            yield
            transaction.set_rollback(True)


@pytest.fixture
def loaded(demo_loaded: None, db: None) -> None:
    return None


def fresh(email: str) -> User:
    return User.objects.get(email=email)


def snapshot() -> dict[str, Any]:
    """What a visitor would notice if the demo changed between two loads."""
    return {
        "residents": sorted(
            User.objects.filter(is_demo=True).values_list(
                "email", "name", "nickname", "preferred_language"
            )
        ),
        "verifications": sorted(
            Verification.objects.values_list("user__email", "method", "district__code")
        ),
        "census": sorted(CensusEntry.objects.values_list("digest", "district__code")),
        "organisations": sorted(
            Organisation.objects.values_list("slug", "name", "kind", "verified_by__email")
        ),
        "memberships": sorted(
            Membership.objects.values_list("organisation__slug", "user__email", "role")
        ),
        "processes": sorted(
            (
                p.slug,
                p.status(),
                p.start_date,
                p.end_date,
                p.restrict_to_district,
                str(p.active_phase) if p.active_phase else "",
                tuple(sorted(p.co_organisers.values_list("slug", flat=True))),
            )
            for p in Process.objects.all()
        ),
        "comments": sorted(
            Comment.objects.values_list(
                "component__space__slug", "author__email", "on_behalf_of__slug", "body"
            )
        ),
        "assembly": sorted(
            Assembly.objects.values_list(
                "members__full_name", "members__selection", "members__user__email"
            )
        ),
        "roles": sorted(StaffRole.objects.values_list("user__email", "role"))
        + sorted(SpaceRole.objects.values_list("user__email", "space__slug", "role")),
    }


def wipe() -> None:
    Comment.objects.all().delete()
    Space.objects.all().delete()
    Organisation.objects.all().delete()
    User.objects.all().delete()
    CensusEntry.objects.all().delete()
    for model in (District, SiteSettings, StaticPage, AuditEntry):
        model.objects.all().delete()


@override_settings(PASSWORD_HASHERS=FAST_HASHERS)
def test_loading_twice_in_a_fresh_database_gives_the_same_municipality(loaded: None) -> None:
    first = snapshot()
    wipe()
    assert demo.load() is True
    assert snapshot() == first


def test_loading_again_changes_nothing(loaded: None) -> None:
    counts = (User.objects.count(), AuditEntry.objects.count(), Comment.objects.count())
    assert demo.load() is False
    assert (User.objects.count(), AuditEntry.objects.count(), Comment.objects.count()) == counts


def test_the_municipality_has_what_the_issue_asks_for(loaded: None) -> None:
    assert District.objects.count() == 5
    assert {"about", "terms", "privacy", "accessibility"} <= set(
        StaticPage.objects.values_list("slug", flat=True)
    )
    for static_page in StaticPage.objects.all():
        assert set(static_page.title) == set(static_page.body) == {"en", "fr", "es"}
    residents = User.objects.filter(email__startswith="resident")
    assert residents.count() == demo.RESIDENT_COUNT == 200
    verified = Verification.objects.filter(user__in=residents).count()
    assert 0.5 * 200 <= verified <= 0.7 * 200

    organisations = Organisation.objects.all()
    assert organisations.count() == 5
    assert organisations.filter(verified_at__isnull=False).count() >= 2
    for organisation in organisations:
        assert organisation.membership_set.filter(role=Membership.Role.ADMIN).count() == 1
        assert organisation.membership_set.count() > 1

    processes = Process.objects.published()
    assert {p.status() for p in processes} == {"active", "upcoming", "past"}
    assert processes.count() == 3
    active = processes.active().get()
    assert str(active.active_phase) == "Proposals"
    assert processes.filter(co_organisers__isnull=False).distinct().count() >= 2
    for process in processes:
        page = ComponentInstance.objects.get(space=process, component="page")
        assert set(PageContent.objects.get(component=page).body) == {"en", "fr", "es"}
        assert Comment.objects.filter(component=page).exists()
    restricted = processes.get(restrict_to_district=True)
    assert restricted.district is not None
    assert ComponentInstance.objects.get(space=restricted).settings == {
        "verified_actions": ["comment"]
    }

    assembly = Assembly.objects.published().get()
    assert assembly.members.count() >= 9
    assert len(set(assembly.members.values_list("selection", flat=True))) >= 3


def test_each_printed_account_holds_its_role(loaded: None) -> None:
    accounts = dict(demo.demo_accounts())
    assert set(accounts) == {
        "administrator",
        "process manager",
        "moderator",
        "evaluator",
        "data publisher",
        "organisation admin",
        "verified resident",
        "resident",
    }
    active = Process.objects.get(slug=demo.ACTIVE_PROCESS)
    assert permissions.is_administrator(fresh(accounts["administrator"]))
    assert can_manage_space(fresh(accounts["process manager"]), active)
    assert not permissions.is_administrator(fresh(accounts["process manager"]))
    assert permissions.can_moderate(fresh(accounts["moderator"]))
    assert permissions.can_answer_proposals(fresh(accounts["evaluator"]))
    assert permissions.can_publish_data(fresh(accounts["data publisher"]))
    organisation_admin = fresh(accounts["organisation admin"])
    assert any(
        permissions.is_organisation_admin(organisation_admin, organisation)
        and organisation.is_verified
        for organisation in Organisation.objects.all()
    )
    assert is_verified(fresh(accounts["verified resident"]))
    assert not is_verified(fresh(accounts["resident"]))
    for staff in demo.STAFF:
        assert Authenticator.objects.filter(
            user__email=staff.email, type=Authenticator.Type.TOTP
        ).exists()


def test_all_demo_accounts_share_the_password_and_a_verified_email(loaded: None) -> None:
    demo_users = User.objects.filter(is_demo=True)
    assert demo_users.count() == 200 + len(demo.STAFF)
    assert demo_users.values("password").distinct().count() == 1
    assert demo_users.first().check_password(demo.DEMO_PASSWORD)  # type: ignore[union-attr]
    assert (
        EmailAddress.objects.filter(user__in=demo_users, verified=True, primary=True).count()
        == demo_users.count()
    )


def test_verification_depends_on_the_district_in_the_restricted_process(loaded: None) -> None:
    page = ComponentInstance.objects.get(space__slug=demo.UPCOMING_PROCESS)
    assert can_perform(fresh(demo.VERIFIED_RESIDENT_EMAIL), page, "comment")
    refused = can_perform(fresh(demo.RESIDENT_EMAIL), page, "comment")
    assert not refused
    assert refused.remedy == "verify"


def test_census_verified_residents_match_their_census_entry(loaded: None) -> None:
    plan = {resident.email: resident for resident in demo.residents()}
    census = Verification.objects.filter(method=Verification.Method.CENSUS).select_related(
        "user", "census_entry__district", "district"
    )
    assert census.count() == demo.CENSUS_VERIFIED_COUNT
    for verification in census:
        resident = plan[verification.user.email]
        assert resident.document is not None
        assert verification.census_entry is not None
        assert verification.census_entry.digest == census_digest(
            resident.document, resident.birth_date
        )
        assert verification.district == verification.census_entry.district
    staff = Verification.objects.filter(method=Verification.Method.STAFF)
    assert staff.count() == demo.STAFF_VERIFIED_COUNT
    assert all(v.verified_by and v.verified_by.email == demo.STAFF[0].email for v in staff)


def test_no_document_number_is_stored(loaded: None) -> None:
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    text = dump.getvalue()
    assert "resident001@" in text  # the dump does hold the demo
    documents = [document for document, _birth, _district in demo.census_rows()]
    assert len(documents) == 200 - demo.NOT_ON_CENSUS_COUNT + demo.CENSUS_ONLY_COUNT
    assert not [document for document in documents if document in text]
    assert not [document[:8] for document in documents if document[:8] in text]


def test_administrative_acts_are_in_an_unbroken_audit_log(loaded: None) -> None:
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "census.import",
        "person.verify",
        "role.grant",
        "organisation.verify",
        "space.create",
        "space.publish",
    } <= actions
    assert audit.verify_chain() is None


def test_council_colours_carry_white_text() -> None:
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    for colour in (demo.PRIMARY_COLOUR, demo.ACCENT_COLOUR):
        assert 1.05 / (luminance(colour) + 0.05) >= 4.5


@pytest.mark.parametrize("demo_mode", [True, False])
def test_demo_accounts_sign_in_only_in_demo_mode(
    loaded: None, client: Any, demo_mode: bool
) -> None:
    email = demo.VERIFIED_RESIDENT_EMAIL
    with override_settings(DEMO_MODE=demo_mode, PASSWORD_HASHERS=FAST_HASHERS):
        assert (authenticate(None, email=email, password=demo.DEMO_PASSWORD) is not None) is (
            demo_mode
        )
        client.post("/accounts/login/", {"login": email, "password": demo.DEMO_PASSWORD})
        signed_in = "_auth_user_id" in client.session
        assert signed_in is demo_mode
        assert client.get("/account/profile/").status_code == (200 if demo_mode else 302)


def test_ordinary_accounts_sign_in_whatever_the_mode(db: None, client: Any) -> None:
    with override_settings(DEMO_MODE=False, PASSWORD_HASHERS=FAST_HASHERS):
        user = User.objects.create_user(email="ana@example.org", password="a long passphrase")
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        client.post("/accounts/login/", {"login": user.email, "password": "a long passphrase"})
        assert "_auth_user_id" in client.session
