from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from pnyx.core.i18n import TranslatedField
from pnyx.spaces.models import ComponentInstance


class PageContent(models.Model):
    component = models.OneToOneField(
        ComponentInstance, on_delete=models.CASCADE, related_name="page_content"
    )
    body = TranslatedField(_("text"), textarea=True)

    class Meta:
        verbose_name = _("page text")
        verbose_name_plural = _("page texts")

    def __str__(self) -> str:
        return str(self.component)
