"""People and the council: accounts, organisations, districts, census, verification, staff roles,
site settings, static pages and the hash-chained audit log."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pnyx.core.i18n import TranslatedField, localize


class PnyxUserManager(UserManager["User"]):
    """E-mail is the login; ``username`` is kept only as an internal, unique handle."""

    def _handle(self, email: str) -> str:
        return self.normalize_email(email).lower()

    def create_user(self, email: str = "", password: str | None = None, **extra: Any) -> User:  # type: ignore[override]
        extra.setdefault("username", self._handle(email))
        return super().create_user(email=email, password=password, **extra)

    def create_superuser(self, email: str = "", password: str | None = None, **extra: Any) -> User:  # type: ignore[override]
        extra.setdefault("username", self._handle(email))
        return super().create_superuser(email=email, password=password, **extra)


class User(AbstractUser):
    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    nickname = models.CharField(
        _("nickname"), max_length=50, blank=True, help_text=_("Shown next to your contributions.")
    )
    avatar = models.ImageField(_("avatar"), upload_to="avatars/", blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, blank=True
    )
    is_demo = models.BooleanField(default=False, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["username"]
    objects = PnyxUserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        return self.nickname or self.name or self.email.split("@")[0]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.username:
            self.username = self.email.lower()
        super().save(*args, **kwargs)


class District(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = TranslatedField(_("name"), max_length=120)

    class Meta:
        ordering = ["code"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self) -> str:
        return localize(self.name) or self.code


class Organisation(models.Model):
    class Kind(models.TextChoices):
        ASSOCIATION = "association", _("Association")
        NEIGHBOURHOOD = "neighbourhood", _("Neighbourhood association")
        NGO = "ngo", _("Non-governmental organisation")
        UNION = "union", _("Trade union")
        BUSINESS = "business", _("Business association")
        COLLECTIVE = "collective", _("Informal collective")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    kind = models.CharField(
        _("type"), max_length=20, choices=Kind.choices, default=Kind.ASSOCIATION
    )
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="organisations/", blank=True)
    district = models.ForeignKey(
        District, verbose_name=_("district"), null=True, blank=True, on_delete=models.SET_NULL
    )
    verified_at = models.DateTimeField(_("verified on"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("registered on"), auto_now_add=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="organisations"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        ADMIN = "admin", _("Organisation administrator")

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(_("joined on"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="one_membership_per_user")
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"


class CensusEntry(models.Model):
    """One person on the council's census, known only by a keyed hash of document + birth date."""

    digest = models.CharField(max_length=64, unique=True, editable=False)
    district = models.ForeignKey(
        District, verbose_name=_("district"), null=True, blank=True, on_delete=models.SET_NULL
    )
    batch = models.CharField(_("import"), max_length=64, blank=True)
    imported_at = models.DateTimeField(_("imported on"), auto_now_add=True)

    class Meta:
        verbose_name = _("census entry")
        verbose_name_plural = _("census entries")

    def __str__(self) -> str:
        return f"{self.digest[:10]}… ({self.district or '-'})"


class Verification(models.Model):
    """A resident's verified residence; at most one per account and one per census entry."""

    class Method(models.TextChoices):
        CENSUS = "census", _("Census match")
        STAFF = "staff", _("Verified by council staff")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="verification"
    )
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    census_entry = models.OneToOneField(
        CensusEntry,
        verbose_name=_("census entry"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="verification",
    )
    district = models.ForeignKey(
        District, verbose_name=_("district"), null=True, blank=True, on_delete=models.SET_NULL
    )
    verified_at = models.DateTimeField(_("verified on"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires on"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")

    def __str__(self) -> str:
        return f"{self.user} ({self.get_method_display()})"

    @property
    def is_current(self) -> bool:
        return self.expires_at is None or self.expires_at > timezone.now()

    @staticmethod
    def default_expiry() -> Any:
        days = settings.VERIFICATION_VALIDITY_DAYS
        return timezone.now() + timedelta(days=days) if days else None


class StaffRole(models.Model):
    """A site-wide staff role. Space-scoped roles (process manager...) live in ``spaces``."""

    class Role(models.TextChoices):
        ADMINISTRATOR = "administrator", _("Administrator")
        MODERATOR = "moderator", _("Moderator")
        EVALUATOR = "evaluator", _("Evaluator")
        DATA_PUBLISHER = "data_publisher", _("Data publisher")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="staff_roles",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    granted_at = models.DateTimeField(_("granted on"), auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="unique_staff_role")]
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")

    def __str__(self) -> str:
        return f"{self.user}: {self.get_role_display()}"


colour_validator = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", _("Write the colour as # followed by six hexadecimal digits.")
)


class SiteSettings(models.Model):
    """The council's identity: one row."""

    council_name = TranslatedField(_("council name"), max_length=120)
    tagline = TranslatedField(_("tagline"), max_length=200, blank=True)
    logo = models.ImageField(_("logo"), upload_to="site/", blank=True)
    primary_colour = models.CharField(
        _("primary colour"),
        max_length=7,
        default="#1d4f91",
        validators=[colour_validator],
        help_text=_("A dark colour: white text is written on it."),
    )
    accent_colour = models.CharField(
        _("accent colour"), max_length=7, default="#b3541e", validators=[colour_validator]
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")

    def __str__(self) -> str:
        return localize(self.council_name) or "Pnyx"

    @classmethod
    def current(cls) -> SiteSettings:
        settings_row = cls.objects.first()
        return settings_row if settings_row is not None else cls(council_name={"en": "Pnyx"})


class StaticPage(models.Model):
    slug = models.SlugField(_("address"), max_length=60, unique=True)
    title = TranslatedField(_("title"), max_length=200)
    body = TranslatedField(_("text"), textarea=True, blank=True)
    show_in_footer = models.BooleanField(_("show in footer"), default=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("page")
        verbose_name_plural = _("pages")

    def __str__(self) -> str:
        return localize(self.title) or self.slug


GENESIS_HASH = "0" * 64


class AuditEntry(models.Model):
    """One administrative act. ``entry_hash`` chains the previous entry's hash, so an edit in the
    database is detected by ``pnyx audit verify``."""

    sequence = models.PositiveBigIntegerField(_("number"), unique=True, editable=False)
    created_at = models.DateTimeField(_("when"), default=timezone.now, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_ref = models.CharField(max_length=40, editable=False)
    action = models.CharField(_("action"), max_length=40)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(max_length=40, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    public = models.BooleanField(_("public"), default=True)
    previous_hash = models.CharField(max_length=64, editable=False)
    entry_hash = models.CharField(max_length=64, editable=False)

    class Meta:
        ordering = ["-sequence"]
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.object_repr}"

    def payload(self) -> dict[str, Any]:
        return {
            "sequence": self.sequence,
            "created_at": self.created_at.isoformat(),
            "actor": self.actor_ref,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "summary": self.summary,
            "public": self.public,
        }

    def compute_hash(self) -> str:
        canonical = json.dumps(self.payload(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(f"{self.previous_hash}\n{canonical}".encode()).hexdigest()
