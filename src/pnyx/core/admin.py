"""The back-office: Django's admin behind our own permission checks.

Only people holding a staff role *and* two-factor authentication get in; each model admin asks
``pnyx.core.permissions`` (or its app's permissions module) what the person may do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pnyx.core import audit, permissions, verification
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


class PnyxAdminSite(admin.AdminSite):
    site_header = gettext_lazy("Pnyx back-office")
    site_title = gettext_lazy("Pnyx back-office")
    index_title = gettext_lazy("Council back-office")

    def has_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active) and permissions.can_access_back_office(request.user)

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """Sign-in goes through allauth only: the admin's own password form would skip the
        two-factor step and the sign-in rate limits."""
        if request.user.is_authenticated:
            if self.has_permission(request):
                return redirect("admin:index")
            raise PermissionDenied
        return redirect_to_login(
            request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index"),
            reverse("account_login"),
        )

    def get_urls(self) -> list[Any]:
        extra: list[URLPattern] = [
            path("census/import/", self.admin_view(census_import_view), name="census_import"),
        ]
        return extra + super().get_urls()


site = PnyxAdminSite(name="admin")


class RoleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """A model admin whose every permission is one question to our permission module."""

    allowed: Callable[[Any], bool] = staticmethod(permissions.is_administrator)

    def _allowed(self, request: HttpRequest) -> bool:
        return permissions.acts_as_staff(request.user) and type(self).allowed(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        action = "edit" if change else "create"
        changed = ", ".join(form.changed_data) if change and form is not None else ""
        audit.record(
            request.user,
            f"{obj._meta.model_name}.{action}",
            obj,
            summary=_("changed: %(fields)s") % {"fields": changed} if changed else "",
            public=self.public_log,
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit.record(request.user, f"{obj._meta.model_name}.delete", obj, public=self.public_log)
        super().delete_model(request, obj)

    public_log = True


class RoleInlineMixin:
    """Inlines ask our permission module too (Django's per-model permissions are never granted,
    so without this no one but a superuser would see them)."""

    allowed: Callable[[Any], bool] = staticmethod(permissions.is_administrator)

    def _allowed(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.acts_as_staff(request.user) and type(self).allowed(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, obj)


class VerificationInline(RoleInlineMixin, admin.StackedInline):  # type: ignore[type-arg]
    allowed = staticmethod(permissions.can_verify_people)
    model = Verification
    fk_name = "user"
    extra = 0
    readonly_fields = ["method", "census_entry", "verified_at", "verified_by"]
    fields = ["method", "district", "verified_at", "expires_at", "verified_by", "census_entry"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class StaffRoleInline(RoleInlineMixin, admin.TabularInline):  # type: ignore[type-arg]
    allowed = staticmethod(permissions.can_manage_roles)
    model = StaffRole
    extra = 0


class VerifyForm(forms.Form):
    district = forms.ModelChoiceField(
        queryset=District.objects.all(), required=False, label=gettext_lazy("District")
    )


@admin.register(User, site=site)
class UserAdmin(RoleAdmin, DjangoUserAdmin):  # type: ignore[type-arg]
    public_log = False
    list_display = ["email", "name", "nickname", "is_active", "date_joined", "verified"]
    list_filter = ["is_active", "staff_roles__role", "verification__method"]
    search_fields = ["email", "name", "nickname"]
    ordering = ["-date_joined"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (gettext_lazy("Profile"), {"fields": ("name", "nickname", "avatar", "preferred_language")}),
        (gettext_lazy("Status"), {"fields": ("is_active", "last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    inlines = [StaffRoleInline, VerificationInline]
    actions = ["verify_selected", "unverify_selected"]

    @admin.display(boolean=True, description=gettext_lazy("verified"))
    def verified(self, obj: User) -> bool:
        return verification.is_verified(obj)

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return super().get_queryset(request).select_related("verification")

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        if formset.model is StaffRole and formset.has_changed():
            audit.record(
                request.user,
                "role.change",
                form.instance,
                summary=", ".join(form.instance.staff_roles.values_list("role", flat=True)),
                object_repr=_("account #%(id)d") % {"id": form.instance.pk},
            )

    @admin.action(description=gettext_lazy("Verify selected people (seen in person)"))
    def verify_selected(
        self, request: HttpRequest, queryset: QuerySet[User]
    ) -> HttpResponse | None:
        if not permissions.can_verify_people(request.user):
            self.message_user(request, _("You may not verify people."), messages.ERROR)
            return None
        if "apply" in request.POST:
            form = VerifyForm(request.POST)
            if form.is_valid():
                for user in queryset:
                    verification.verify_by_staff(request.user, user, form.cleaned_data["district"])
                self.message_user(
                    request, _("%(count)d people verified.") % {"count": queryset.count()}
                )
                return None
        else:
            form = VerifyForm()
        return render(
            request,
            "admin/core/verify_people.html",
            {
                **self.admin_site.each_context(request),
                "form": form,
                "people": queryset,
                "title": _("Verify people"),
            },
        )

    @admin.action(description=gettext_lazy("Withdraw verification"))
    def unverify_selected(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            verification.revoke(request.user, user, reason=_("withdrawn by staff"))


@admin.register(District, site=site)
class DistrictAdmin(RoleAdmin):
    list_display = ["code", "__str__"]


class MembershipInline(RoleInlineMixin, admin.TabularInline):  # type: ignore[type-arg]
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation, site=site)
class OrganisationAdmin(RoleAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "kind", "district", "is_verified"]
    list_filter = ["kind", "district"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]
    actions = ["verify_organisations"]
    readonly_fields = ["verified_at", "verified_by"]

    @admin.display(boolean=True, description=gettext_lazy("verified"))
    def is_verified(self, obj: Organisation) -> bool:
        return obj.is_verified

    @admin.action(description=gettext_lazy("Verify selected organisations"))
    def verify_organisations(self, request: HttpRequest, queryset: QuerySet[Organisation]) -> None:
        for organisation in queryset.filter(verified_at__isnull=True):
            organisation.verified_at = timezone.now()
            organisation.verified_by = request.user  # type: ignore[assignment]
            organisation.save(update_fields=["verified_at", "verified_by"])
            audit.record(request.user, "organisation.verify", organisation)


@admin.register(CensusEntry, site=site)
class CensusEntryAdmin(RoleAdmin):
    list_display = ["__str__", "district", "batch", "imported_at"]
    list_filter = ["district", "batch"]
    change_list_template = "admin/core/censusentry/change_list.html"

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CensusUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Census file (CSV)"),
        help_text=gettext_lazy(
            "Columns document_number, birth_date (YYYY-MM-DD), district. The numbers are hashed "
            "on arrival and never stored."
        ),
    )


def census_import_view(request: HttpRequest) -> HttpResponse:
    if not permissions.can_manage_census(request.user):
        return HttpResponse(status=403)
    form = CensusUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = verification.import_census(form.cleaned_data["file"].read(), request.user)
        except verification.CensusError as error:
            form.add_error("file", str(error))
        else:
            messages.success(
                request,
                _("Census imported: %(new)d new entries, %(known)d already known.")
                % {"new": result.created, "known": result.already_known},
            )
            return redirect("admin:core_censusentry_changelist")
    return render(
        request,
        "admin/core/census_import.html",
        {**site.each_context(request), "form": form, "title": _("Import a census file")},
    )


@admin.register(SiteSettings, site=site)
class SiteSettingsAdmin(RoleAdmin):
    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._allowed(request) and not SiteSettings.objects.exists()


@admin.register(StaticPage, site=site)
class StaticPageAdmin(RoleAdmin):
    list_display = ["slug", "__str__", "show_in_footer", "position"]


@admin.register(AuditEntry, site=site)
class AuditEntryAdmin(RoleAdmin):
    list_display = ["sequence", "created_at", "actor", "action", "object_repr", "public"]
    list_filter = ["action", "public"]
    search_fields = ["object_repr", "summary"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
