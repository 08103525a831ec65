from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pnyx.comments.models import Comment
from pnyx.core.models import Organisation


class CommentForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Comment
        fields = ["body", "on_behalf_of"]
        widgets = {"body": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisations = (
            Organisation.objects.filter(members=user, verified_at__isnull=False)
            if user is not None and user.is_authenticated
            else Organisation.objects.none()
        )
        field: Any = self.fields["on_behalf_of"]
        field.queryset = organisations
        field.required = False
        field.empty_label = _("Myself")
        if not organisations.exists():
            del self.fields["on_behalf_of"]

    def clean_body(self) -> str:
        body: str = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError(_("Write something before sending."))
        return body
