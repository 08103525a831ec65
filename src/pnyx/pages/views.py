from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from pnyx.comments.forms import CommentForm
from pnyx.comments.services import add_comment, comments_for
from pnyx.pages.models import PageContent
from pnyx.spaces.models import ComponentInstance
from pnyx.spaces.permissions import can_perform, can_view_space


def page(request: HttpRequest, space_slug: str, component_id: int) -> HttpResponse:
    component = get_object_or_404(
        ComponentInstance.objects.select_related("space"),
        pk=component_id,
        space__slug=space_slug,
        component="page",
    )
    if not can_view_space(request.user, component.space) or not component.published:
        raise Http404
    content = PageContent.objects.filter(component=component).first()
    decision = can_perform(request.user, component, "comment")
    form = CommentForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if not decision:
            raise PermissionDenied(decision.reason)
        if form.is_valid():
            add_comment(
                request.user,
                component,
                component,
                form.cleaned_data["body"],
                form.cleaned_data.get("on_behalf_of"),
            )
            messages.success(request, _("Your comment is published."))
            return redirect(request.path + "#comments")
    return render(
        request,
        "pages/page.html",
        {
            "space": component.space,
            "component": component,
            "content": content,
            "comments": comments_for(component),
            "comment_form": form,
            "can_comment": decision,
        },
    )
