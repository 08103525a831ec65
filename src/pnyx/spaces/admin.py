from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pnyx.core import audit
from pnyx.core import permissions as core_permissions
from pnyx.core.admin import RoleAdmin, RoleInlineMixin, site
from pnyx.spaces import components
from pnyx.spaces.models import (
    Assembly,
    AssemblyMember,
    ComponentInstance,
    Phase,
    Process,
    SpaceRole,
)
from pnyx.spaces.permissions import can_manage_space, managed_space_ids


class SpaceScopedAdmin(RoleAdmin):
    """Administrators see every space; process managers only the spaces they manage."""

    space_path = "space"

    def _allowed(self, request: HttpRequest) -> bool:
        ids = managed_space_ids(request.user)
        return ids is None or bool(ids)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        ids = managed_space_ids(request.user)
        if ids is None:
            return queryset
        lookup = "pk" if self.space_path == "self" else f"{self.space_path}__pk"
        return queryset.filter(**{f"{lookup}__in": ids})

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and not self.get_queryset(request).filter(pk=obj.pk).exists():
            return False
        return self._allowed(request)

    has_delete_permission = has_change_permission
    has_view_permission = has_change_permission


class SpaceInlineMixin(RoleInlineMixin):
    """Parts of a space (phases, components, members): whoever manages that space."""

    def _allowed(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is None:  # the parent admin already limits which spaces can be opened
            ids = managed_space_ids(request.user)
            return ids is None or bool(ids)
        return can_manage_space(request.user, obj)


class PhaseInline(SpaceInlineMixin, admin.TabularInline):  # type: ignore[type-arg]
    model = Phase
    extra = 0


class ComponentForm(forms.ModelForm):  # type: ignore[type-arg]
    component = forms.ChoiceField(label=_("component"), choices=components.choices)

    class Meta:
        model = ComponentInstance
        fields = ["component", "title", "position", "published", "actions_by_phase", "settings"]


class ComponentInline(SpaceInlineMixin, admin.StackedInline):  # type: ignore[type-arg]
    model = ComponentInstance
    form = ComponentForm
    extra = 0


class SpaceRoleInline(RoleInlineMixin, admin.TabularInline):  # type: ignore[type-arg]
    allowed = staticmethod(core_permissions.can_manage_roles)
    model = SpaceRole
    extra = 0
    autocomplete_fields = ["user"]


class SpaceAdmin(SpaceScopedAdmin):
    space_path = "self"
    list_display = ["__str__", "slug", "district", "published", "promoted"]
    list_filter = ["published", "promoted", "district"]
    search_fields = ["slug"]
    actions = ["publish", "unpublish"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return core_permissions.is_administrator(request.user)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        admin.ModelAdmin.save_model(self, request, obj, form, change)
        if change and "published" in form.changed_data:
            action = "space.publish" if obj.published else "space.unpublish"
        else:
            action = "space.edit" if change else "space.create"
        audit.record(request.user, action, obj, summary=", ".join(form.changed_data))

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        if formset.model is SpaceRole and formset.has_changed():
            audit.record(
                request.user,
                "role.change",
                form.instance,
                summary=", ".join(
                    gettext("%(role)s: account #%(id)d") % {"role": role.role, "id": role.user_id}
                    for role in form.instance.roles.all()
                ),
            )

    @admin.action(description=_("Publish"))
    def publish(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for space in queryset.filter(published=False):
            space.published = True
            space.save(update_fields=["published", "updated_at"])
            audit.record(request.user, "space.publish", space)

    @admin.action(description=_("Unpublish"))
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for space in queryset.filter(published=True):
            space.published = False
            space.save(update_fields=["published", "updated_at"])
            audit.record(request.user, "space.unpublish", space)


@admin.register(Process, site=site)
class ProcessAdmin(SpaceAdmin):
    list_display = [*SpaceAdmin.list_display, "start_date", "end_date"]
    inlines = [PhaseInline, ComponentInline, SpaceRoleInline]


class AssemblyMemberInline(SpaceInlineMixin, admin.TabularInline):  # type: ignore[type-arg]
    model = AssemblyMember
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Assembly, site=site)
class AssemblyAdmin(SpaceAdmin):
    inlines = [AssemblyMemberInline, ComponentInline, SpaceRoleInline]
