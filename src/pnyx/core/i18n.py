"""Content that staff write in several languages, shown in the reader's language with fallback.

A ``TranslatedField`` stores ``{"en": "...", "fr": "...", "es": "..."}`` in one JSON column; its form
field shows one input per language, so the admin and every form get it for free.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def localize(value: Any, language: str | None = None) -> str:
    """The text in ``language`` (default: the active one), else the site default, else any."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    language = (language or translation.get_language() or settings.LANGUAGE_CODE)[:2]
    for code in (language, settings.LANGUAGE_CODE, *language_codes()):
        text = value.get(code)
        if text:
            return str(text)
    return ""


class TranslatedWidget(forms.MultiWidget):
    template_name = "core/widgets/translated.html"

    def __init__(self, textarea: bool = False, attrs: dict[str, Any] | None = None) -> None:
        widget = forms.Textarea(attrs={"rows": 4}) if textarea else forms.TextInput()
        self.language_names = dict(settings.LANGUAGES)
        super().__init__(
            widgets={code: widget for code in language_codes()},
            attrs=attrs,
        )

    def decompress(self, value: Any) -> list[str]:
        if isinstance(value, str):
            value = {settings.LANGUAGE_CODE: value}
        value = value or {}
        return [value.get(code, "") for code in language_codes()]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        for subwidget, code in zip(context["widget"]["subwidgets"], language_codes(), strict=True):
            subwidget["language"] = code
            subwidget["language_name"] = self.language_names[code]
        return context


class TranslatedFormField(forms.MultiValueField):
    def __init__(self, *, textarea: bool = False, max_length: int | None = None, **kwargs: Any):
        kwargs.pop("encoder", None)
        kwargs.pop("decoder", None)
        fields = [
            forms.CharField(required=False, max_length=max_length) for _code in language_codes()
        ]
        super().__init__(
            fields=fields,
            widget=TranslatedWidget(textarea=textarea),
            require_all_fields=False,
            **kwargs,
        )

    def compress(self, data_list: list[str]) -> dict[str, str]:
        values = {
            code: text.strip()
            for code, text in zip(language_codes(), data_list or [], strict=False)
            if text and text.strip()
        }
        if self.required and not values:
            raise forms.ValidationError(_("Write this in at least one language."))
        return values

    def clean(self, value: Any) -> dict[str, str]:
        if not value or not any(value):
            if self.required:
                raise forms.ValidationError(_("Write this in at least one language."))
            return {}
        cleaned: dict[str, str] = super().clean(value)
        return cleaned


class TranslatedField(models.JSONField):
    """A text that staff may write in each interface language."""

    def __init__(
        self, *args: Any, textarea: bool = False, max_length: int | None = None, **kwargs: Any
    ):
        self.textarea = textarea
        self.text_max_length = max_length
        kwargs.setdefault("default", dict)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.textarea:
            kwargs["textarea"] = True
        if self.text_max_length:
            kwargs["max_length"] = self.text_max_length
        return name, path, args, kwargs

    def formfield(self, **kwargs: Any) -> Any:
        defaults = {
            "form_class": TranslatedFormField,
            "textarea": self.textarea,
            "max_length": self.text_max_length,
            "required": not self.blank,
            "label": self.verbose_name,
            "help_text": self.help_text,
        }
        defaults.update(kwargs)
        form_class: Any = defaults.pop("form_class")
        for key in ("widget", "encoder", "decoder"):
            defaults.pop(key, None)
        return form_class(**defaults)
