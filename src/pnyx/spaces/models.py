"""Participatory spaces: processes (with phases) and assemblies, and the component instances
they hold. A space knows components only through the registry (``pnyx.spaces.components``)."""

from __future__ import annotations

from datetime import date
from typing import Any, Self, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pnyx.core.i18n import TranslatedField, localize
from pnyx.core.models import District, Organisation
from pnyx.spaces import components

_S = TypeVar("_S", bound="Space")


class SpaceQuerySet(models.QuerySet[_S]):
    def published(self) -> Self:
        return self.filter(published=True)


class Space(models.Model):
    class Kind(models.TextChoices):
        PROCESS = "process", _("Participatory process")
        ASSEMBLY = "assembly", _("Assembly")

    kind = models.CharField(max_length=10, choices=Kind.choices, editable=False)
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    title = TranslatedField(_("title"), max_length=200)
    subtitle = TranslatedField(_("subtitle"), max_length=250, blank=True)
    description = TranslatedField(_("description"), textarea=True, blank=True)
    hero_image = models.ImageField(_("hero image"), upload_to="spaces/", blank=True)
    hero_image_alt = TranslatedField(_("hero image description"), max_length=250, blank=True)
    district = models.ForeignKey(
        District,
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text=_("Leave empty for the whole municipality."),
    )
    published = models.BooleanField(_("published"), default=False)
    promoted = models.BooleanField(_("promoted on the home page"), default=False)
    requires_verification = models.BooleanField(
        _("binding acts require verified residents"), default=True
    )
    restrict_to_district = models.BooleanField(
        _("only residents of the district may take part"), default=False
    )
    co_organisers = models.ManyToManyField(
        Organisation, verbose_name=_("co-organising organisations"), blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SpaceQuerySet["Space"].as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("space")
        verbose_name_plural = _("spaces")

    def __str__(self) -> str:
        return localize(self.title) or self.slug

    def specific(self) -> Process | Assembly:
        if self.kind == self.Kind.PROCESS:
            return self if isinstance(self, Process) else self.process
        return self if isinstance(self, Assembly) else self.assembly

    def get_absolute_url(self) -> str:
        name = "spaces:process" if self.kind == self.Kind.PROCESS else "spaces:assembly"
        return reverse(name, args=[self.slug])

    def participation_district(self) -> District | None:
        return self.district if self.restrict_to_district else None


class ProcessQuerySet(SpaceQuerySet["Process"]):
    def active(self, today: date | None = None) -> Self:
        today = today or timezone.localdate()
        return self.filter(start_date__lte=today).filter(Q(end_date__gte=today) | Q(end_date=None))

    def upcoming(self, today: date | None = None) -> Self:
        return self.filter(start_date__gt=today or timezone.localdate())

    def past(self, today: date | None = None) -> Self:
        return self.filter(end_date__lt=today or timezone.localdate())

    def with_status(self, status: str | None, today: date | None = None) -> Self:
        """Filter by "active", "upcoming" or "past"; anything else leaves the list whole."""
        if status in ("active", "upcoming", "past"):
            filtered: Self = getattr(self, status)(today)
            return filtered
        return self


class Process(Space):
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    scope_of_decision = TranslatedField(
        _("what will be decided, and by whom"), textarea=True, blank=True
    )

    objects = ProcessQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("participatory process")
        verbose_name_plural = _("participatory processes")

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.kind = Space.Kind.PROCESS
        super().save(*args, **kwargs)

    def status(self, today: date | None = None) -> str:
        today = today or timezone.localdate()
        if self.start_date > today:
            return "upcoming"
        if self.end_date is not None and self.end_date < today:
            return "past"
        return "active"

    def get_status_display(self) -> str:
        return str(STATUS_LABELS[self.status()])

    @property
    def active_phase(self) -> Phase | None:
        phases = getattr(self, "_prefetched_objects_cache", {}).get("phases")
        if phases is not None:
            return next((phase for phase in phases if phase.is_active), None)
        return self.phases.filter(is_active=True).first()


STATUS_LABELS = {"active": _("Active"), "upcoming": _("Upcoming"), "past": _("Past")}


class Phase(models.Model):
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="phases")
    title = TranslatedField(_("title"), max_length=200)
    description = TranslatedField(_("description"), textarea=True, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active phase"), default=False)

    class Meta:
        ordering = ["position", "start_date"]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        constraints = [
            models.UniqueConstraint(
                fields=["process"], condition=Q(is_active=True), name="one_active_phase_per_process"
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="phase_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return localize(self.title)


class AssemblyQuerySet(SpaceQuerySet["Assembly"]):
    pass


class Assembly(Space):
    class Body(models.TextChoices):
        ADVISORY = "advisory", _("Advisory council")
        CITIZENS = "citizens", _("Citizens' assembly")
        WORKING_GROUP = "working_group", _("Working group")
        GOVERNING = "governing", _("Governing body")

    body_type = models.CharField(_("type"), max_length=20, choices=Body.choices)
    purpose = TranslatedField(_("purpose"), textarea=True)
    composition = TranslatedField(_("composition"), textarea=True, blank=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)

    objects = AssemblyQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("assembly")
        verbose_name_plural = _("assemblies")

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.kind = Space.Kind.ASSEMBLY
        super().save(*args, **kwargs)


class AssemblyMember(models.Model):
    class Selection(models.TextChoices):
        SORTITION = "sortition", _("Chosen by lot")
        ELECTED = "elected", _("Elected")
        APPOINTED = "appointed", _("Appointed")
        EX_OFFICIO = "ex_officio", _("Member by office")
        VOLUNTEER = "volunteer", _("Volunteer")

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    full_name = models.CharField(_("name"), max_length=150)
    position = TranslatedField(_("role in the assembly"), max_length=120)
    selection = models.CharField(_("how chosen"), max_length=12, choices=Selection.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    since = models.DateField(_("member since"), null=True, blank=True)
    until = models.DateField(_("member until"), null=True, blank=True)
    weight = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["weight", "full_name"]
        verbose_name = _("assembly member")
        verbose_name_plural = _("assembly members")

    def __str__(self) -> str:
        return self.full_name


class ComponentInstance(models.Model):
    """A component (proposals, survey, page...) placed in a space, in order."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="components")
    component = models.CharField(_("component"), max_length=40)
    title = TranslatedField(_("title"), max_length=200)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    published = models.BooleanField(_("published"), default=False)
    settings = models.JSONField(_("settings"), default=dict, blank=True)
    # {"<phase id>": ["create", "support"], "default": [...]} — which actions are open when.
    actions_by_phase = models.JSONField(_("actions open in each phase"), default=dict, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("component")
        verbose_name_plural = _("components")

    def __str__(self) -> str:
        return localize(self.title) or self.component

    @property
    def manifest(self) -> components.ComponentManifest | None:
        return components.get(self.component)

    def get_absolute_url(self) -> str:
        manifest = self.manifest
        if manifest is not None and manifest.public_url is not None:
            return manifest.public_url(self)
        return self.space.get_absolute_url()

    def open_actions(self, phase: Phase | None) -> set[str]:
        if phase is not None and str(phase.pk) in self.actions_by_phase:
            return set(self.actions_by_phase[str(phase.pk)])
        if "default" in self.actions_by_phase:
            return set(self.actions_by_phase["default"])
        manifest = self.manifest
        return set(manifest.default_actions) if manifest else set()


class SpaceRole(models.Model):
    class Role(models.TextChoices):
        MANAGER = "manager", _("Process manager")
        MODERATOR = "moderator", _("Moderator")
        EVALUATOR = "evaluator", _("Evaluator")

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="space_roles",
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["space", "user", "role"], name="unique_space_role")
        ]
        verbose_name = _("space role")
        verbose_name_plural = _("space roles")

    def __str__(self) -> str:
        return f"{self.user}: {self.get_role_display()} ({self.space})"
