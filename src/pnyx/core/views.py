from __future__ import annotations

import csv
import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pnyx.core import audit, permissions, privacy, verification
from pnyx.core.forms import (
    CensusVerificationForm,
    DeleteAccountForm,
    OrganisationForm,
    ProfileForm,
)
from pnyx.core.models import AuditEntry, Membership, Organisation, StaticPage, User
from pnyx.spaces.models import Assembly, Process


class AuthenticatedHttpRequest(HttpRequest):
    user: User


def home(request: HttpRequest) -> HttpResponse:
    processes = Process.objects.published().select_related("district").prefetch_related("phases")
    return render(
        request,
        "core/home.html",
        {
            "promoted": list(processes.filter(promoted=True)[:3]),
            "active": list(processes.active()[:6]),
            "assemblies": list(Assembly.objects.published()[:4]),
            "recent_log": list(AuditEntry.objects.filter(public=True).select_related("actor")[:5]),
        },
    )


def static_page(request: HttpRequest, slug: str) -> HttpResponse:
    page = get_object_or_404(StaticPage, slug=slug)
    return render(request, "core/static_page.html", {"page": page})


LOG_FIELDS = [
    "sequence",
    "created_at",
    "actor",
    "action",
    "object_type",
    "object_repr",
    "summary",
    "entry_hash",
]


def audit_log(request: HttpRequest) -> HttpResponse:
    entries = AuditEntry.objects.select_related("actor")
    if not permissions.can_view_private_log(request.user):
        entries = entries.filter(public=True)
    # PostgreSQL cannot compare text with a NUL character (the query fails): drop it.
    action = request.GET.get("action", "").replace("\x00", "").strip()
    if action:
        entries = entries.filter(action=action)
    fmt = request.GET.get("format")
    if fmt in {"csv", "json"}:
        rows = [
            {
                "sequence": e.sequence,
                "created_at": e.created_at,
                "actor": e.actor.public_name if e.actor else e.actor_ref,
                "action": e.action,
                "object_type": e.object_type,
                "object_repr": e.object_repr,
                "summary": e.summary,
                "entry_hash": e.entry_hash,
            }
            for e in entries[:10000]
        ]
        if fmt == "json":
            return HttpResponse(
                json.dumps(rows, cls=DjangoJSONEncoder, ensure_ascii=False),
                content_type="application/json",
            )
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
        writer = csv.DictWriter(response, fieldnames=LOG_FIELDS)
        writer.writeheader()
        writer.writerows(rows)
        return response
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_log.html", {"page": page, "action": action})


@login_required
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, request.FILES or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile is saved."))
        response = redirect("profile")
        language = form.cleaned_data.get("preferred_language")
        if language:
            from django.conf import settings

            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
        return response
    return render(
        request,
        "core/profile.html",
        {
            "form": form,
            "verification": verification.current_verification(request.user),
            "memberships": Membership.objects.filter(user=request.user).select_related(
                "organisation"
            ),
            "has_two_factor": permissions.has_two_factor(request.user),
            "holds_staff_role": permissions.holds_staff_role(request.user),
        },
    )


VERIFY_ATTEMPTS = 5
VERIFY_WINDOW = 3600


@login_required
def verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    current = verification.current_verification(request.user)
    form = CensusVerificationForm(request.POST or None)
    if request.method == "POST":
        key = f"pnyx:verify-attempts:{request.user.pk}"
        attempts = cache.get(key, 0)
        if attempts >= VERIFY_ATTEMPTS:
            form.add_error(None, _("Too many attempts. Try again in an hour."))
        elif form.is_valid():
            cache.set(key, attempts + 1, VERIFY_WINDOW)
            try:
                verification.verify_with_census(
                    request.user,
                    form.cleaned_data["document_number"],
                    form.cleaned_data["birth_date"],
                )
            except verification.VerificationError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("You are now a verified resident."))
                return redirect("profile")
    return render(request, "core/verify.html", {"form": form, "verification": current})


@login_required
def download_my_data(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "core/my_data.html")
    response = HttpResponse(privacy.export_user_data(request.user), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="my-pnyx-data.zip"'
    return response


@login_required
def delete_account(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        privacy.delete_account(user)
        messages.success(request, _("Your account is deleted. Your contributions stay, anonymous."))
        return redirect("home")
    return render(request, "core/delete_account.html", {"form": form})


def organisation_list(request: HttpRequest) -> HttpResponse:
    organisations = Organisation.objects.select_related("district")
    kind = request.GET.get("kind", "")
    if kind in Organisation.Kind.values:
        organisations = organisations.filter(kind=kind)
    page = Paginator(organisations, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "core/organisation_list.html",
        {"page": page, "kinds": Organisation.Kind.choices, "kind": kind},
    )


def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation.objects.select_related("district"), slug=slug)
    return render(
        request,
        "core/organisation_detail.html",
        {
            "organisation": organisation,
            "member_count": organisation.members.count(),
            "can_edit": permissions.can_edit_organisation(request.user, organisation),
            "is_member": request.user.is_authenticated
            and Membership.objects.filter(organisation=organisation, user=request.user).exists(),
        },
    )


@login_required
def organisation_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            organisation = form.save()
            Membership.objects.create(
                organisation=organisation, user=request.user, role=Membership.Role.ADMIN
            )
        messages.success(
            request, _("Your organisation is registered. Council staff will verify it.")
        )
        return redirect("organisation", slug=organisation.slug)
    return render(request, "core/organisation_form.html", {"form": form})


@login_required
def organisation_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    if not permissions.can_edit_organisation(request.user, organisation):
        raise PermissionDenied
    form = OrganisationForm(request.POST or None, request.FILES or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect("organisation", slug=organisation.slug)
    return render(
        request, "core/organisation_form.html", {"form": form, "organisation": organisation}
    )


@login_required
@require_POST
def organisation_join(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Ask to join: an organisation administrator adds members; a request is not membership."""
    organisation = get_object_or_404(Organisation, slug=slug)
    messages.info(
        request,
        _("Ask an administrator of %(organisation)s to add you as a member.")
        % {"organisation": organisation},
    )
    return redirect("organisation", slug=slug)


@login_required
@require_POST
def organisation_member_add(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    if not permissions.can_manage_members(request.user, organisation):
        raise PermissionDenied
    email = request.POST.get("email", "").strip().lower()
    member = User.objects.filter(email__iexact=email, is_active=True).first()
    if member is None:
        messages.error(request, _("No account uses this e-mail address."))
    else:
        _membership, created = Membership.objects.get_or_create(
            organisation=organisation, user=member
        )
        if created:
            audit.record(request.user, "organisation.member_add", organisation, public=False)
            messages.success(request, _("Member added."))
        else:
            messages.info(request, _("This person is already a member."))
    return redirect("organisation", slug=slug)
