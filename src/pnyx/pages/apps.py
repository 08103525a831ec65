from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    """The "page" component: a text inside a space (context, rules, results) open to comments."""

    name = "pnyx.pages"
    label = "pages"
    verbose_name = _("Pages")

    def ready(self) -> None:
        from django.urls import reverse

        from pnyx.spaces.components import ComponentAction, ComponentManifest, register

        register(
            ComponentManifest(
                name="page",
                label=_("Page"),
                icon="page",
                description=_("A text in the space, with comments."),
                actions=(ComponentAction("comment", _("Comment")),),
                default_actions=frozenset({"comment"}),
                public_url=lambda component: reverse(
                    "pages:page", args=[component.space.slug, component.pk]
                ),
            )
        )
