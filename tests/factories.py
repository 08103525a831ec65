"""Plain functions that make the data tests need: people with roles, districts, processes with
phases, components. Each returns saved objects and takes keyword overrides."""

from __future__ import annotations

import functools
import itertools
from datetime import date, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from pnyx.comments.models import Comment
from pnyx.core.models import (
    District,
    Membership,
    Organisation,
    StaffRole,
    User,
    Verification,
)
from pnyx.pages.models import PageContent
from pnyx.spaces.models import ComponentInstance, Phase, Process, SpaceRole

PASSWORD = "a-long-and-unusual-passphrase-42"

_sequence = itertools.count(1)


def _next() -> int:
    return next(_sequence)


@functools.cache
def _password_hash() -> str:
    # Argon2 is slow on purpose; hash the shared test password once and reuse it.
    return make_password(PASSWORD)


def make_user(email: str | None = None, **fields: Any) -> User:
    """An active account whose e-mail address is confirmed (so allauth lets it sign in with
    ``PASSWORD``)."""
    email = email or f"person{_next()}@example.org"
    user = User.objects.create_user(email=email, password=None, **fields)
    user.password = _password_hash()
    user.save(update_fields=["password"])
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    return user


def add_two_factor(user: User) -> User:
    """Activate a TOTP authenticator, as allauth does when the person scans the QR code."""
    TOTP.activate(user, generate_totp_secret())
    return user


def make_staff(
    role: str = StaffRole.Role.ADMINISTRATOR, *, two_factor: bool = True, **fields: Any
) -> User:
    user = make_user(**fields)
    StaffRole.objects.create(user=user, role=role)
    if two_factor:
        add_two_factor(user)
    return user


def make_space_staff(
    space: Any, role: str = SpaceRole.Role.MANAGER, *, two_factor: bool = True
) -> User:
    user = make_user()
    SpaceRole.objects.create(user=user, space=space, role=role)
    if two_factor:
        add_two_factor(user)
    return user


def make_district(code: str | None = None, name: str | None = None) -> District:
    code = code or f"district-{_next()}"
    return District.objects.create(code=code, name={"en": name or code.title()})


def verify(
    user: User,
    district: District | None = None,
    *,
    expires_at: Any = "default",
) -> Verification:
    """A staff verification written directly (the census path is tested on its own)."""
    if expires_at == "default":
        expires_at = timezone.now() + timedelta(days=365)
    return Verification.objects.create(
        user=user, method=Verification.Method.STAFF, district=district, expires_at=expires_at
    )


def make_verified_resident(district: District | None = None, **fields: Any) -> User:
    user = make_user(**fields)
    verify(user, district)
    return user


def make_organisation(*, verified: bool = True, **fields: Any) -> Organisation:
    number = _next()
    fields.setdefault("name", f"Association {number}")
    fields.setdefault("slug", f"association-{number}")
    if verified:
        fields.setdefault("verified_at", timezone.now())
    return Organisation.objects.create(**fields)


def add_member(
    organisation: Organisation, user: User, role: str = Membership.Role.MEMBER
) -> Membership:
    return Membership.objects.create(organisation=organisation, user=user, role=role)


def make_process(
    *,
    title: str | None = None,
    published: bool = True,
    start_date: date | None = None,
    end_date: date | None = None,
    phases: int = 0,
    active_phase: int | None = None,
    **fields: Any,
) -> Process:
    """A process running today (unless dates say otherwise) with ``phases`` phases, the one at
    index ``active_phase`` marked active."""
    number = _next()
    today = timezone.localdate()
    title = title or f"Process {number}"
    process = Process.objects.create(
        slug=fields.pop("slug", f"process-{number}"),
        title={"en": title, "fr": f"{title} (fr)", "es": f"{title} (es)"},
        published=published,
        start_date=start_date or today - timedelta(days=10),
        end_date=end_date if end_date is not None else today + timedelta(days=60),
        **fields,
    )
    for index in range(phases):
        start = process.start_date + timedelta(days=20 * index)
        Phase.objects.create(
            process=process,
            title={"en": f"Phase {index + 1} of {title}"},
            start_date=start,
            end_date=start + timedelta(days=19),
            position=index,
            is_active=index == active_phase,
        )
    return process


def public_urls(process: Process) -> list[str]:
    """The pages anyone can open once ``process`` is published: home, the processes, its own
    page, the public log, sign-in and sign-up."""
    return [
        "/",
        "/processes/",
        process.get_absolute_url(),
        "/log/",
        "/accounts/login/",
        "/accounts/signup/",
    ]


def make_page_component(
    space: Any, *, published: bool = True, body: str = "The rules.", **fields: Any
) -> ComponentInstance:
    component = ComponentInstance.objects.create(
        space=space,
        component="page",
        title=fields.pop("title", {"en": "About the rules"}),
        published=published,
        **fields,
    )
    PageContent.objects.create(component=component, body={"en": body})
    return component


def make_comment(
    component: ComponentInstance,
    author: User | None,
    body: str = "I agree.",
) -> Comment:
    from django.contrib.contenttypes.models import ContentType

    return Comment.objects.create(
        component=component,
        content_type=ContentType.objects.get_for_model(ComponentInstance),
        object_id=component.pk,
        author=author,
        body=body,
    )


def form_data(html: str, form_id: str | None = None) -> dict[str, Any]:
    """The values a browser would submit for the (first, or ``id=form_id``) POST form of a page:
    inputs, checked boxes, selected options and textareas — so a test edits one field of a big
    admin form and posts the rest unchanged."""
    from html.parser import HTMLParser

    class Collector(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.data: dict[str, Any] = {}
            self.inside = False
            self.done = False
            self.select: str | None = None
            self.textarea: str | None = None

        def _add(self, name: str, value: str) -> None:
            if name in self.data:
                existing = self.data[name]
                self.data[name] = (
                    [*existing, value] if isinstance(existing, list) else [existing, value]
                )
            else:
                self.data[name] = value

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            a = {key: value or "" for key, value in attrs}
            if tag == "form" and not self.done and a.get("method", "").lower() == "post":
                self.inside = form_id is None or a.get("id") == form_id
            if not self.inside:
                return
            name = a.get("name")
            if tag == "input" and name:
                kind = a.get("type", "text")
                if kind in {"checkbox", "radio"}:
                    if "checked" in a:
                        self._add(name, a.get("value", "on"))
                elif kind not in {"submit", "button", "file", "image"}:
                    self._add(name, a.get("value", ""))
            elif tag == "select" and name:
                self.select = name
            elif tag == "option" and self.select and "selected" in a:
                self._add(self.select, a.get("value", ""))
            elif tag == "textarea" and name:
                self.textarea = name
                self.data[name] = ""

        def handle_data(self, data: str) -> None:
            if self.textarea:
                self.data[self.textarea] += data

        def handle_endtag(self, tag: str) -> None:
            if tag == "select":
                self.select = None
            elif tag == "textarea":
                if self.textarea:
                    self.data[self.textarea] = self.data[self.textarea].lstrip("\n")
                self.textarea = None
            elif tag == "form" and self.inside:
                self.inside = False
                self.done = True

    collector = Collector()
    collector.feed(html)
    collector.data.pop("csrfmiddlewaretoken", None)
    return collector.data
