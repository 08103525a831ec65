from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "pnyx.comments"
    label = "comments"
    verbose_name = _("Comments")

    def ready(self) -> None:
        from pnyx.comments import privacy  # noqa: F401  (registers with core.privacy)
