from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pnyx.core.models import Organisation, User


class ProfileForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = User
        fields = ["name", "nickname", "avatar", "preferred_language"]

    def clean_avatar(self) -> Any:
        avatar = self.cleaned_data.get("avatar")
        if avatar and getattr(avatar, "size", 0) > 2 * 1024 * 1024:
            raise forms.ValidationError(_("The picture must be smaller than 2 MB."))
        return avatar


class CensusVerificationForm(forms.Form):
    document_number = forms.CharField(
        label=_("Identity document number"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    birth_date = forms.DateField(
        label=_("Date of birth"),
        help_text=_("For example 1984-03-21."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_birth_date(self) -> date:
        birth: date = self.cleaned_data["birth_date"]
        if birth > timezone.localdate():
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        return birth


class DeleteAccountForm(forms.Form):
    password = forms.CharField(label=_("Your password"), widget=forms.PasswordInput)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This is not your password."))
        return password


class OrganisationForm(forms.ModelForm):  # type: ignore[type-arg]
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = ["name", "slug", "kind", "description", "website", "logo", "district"]
        help_texts = {"slug": _("Letters, digits and hyphens; used in the address.")}
