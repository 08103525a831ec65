from django.conf import settings
from django.conf.urls.static import static
from django.urls import URLPattern, URLResolver, include, path

from pnyx.api.v1 import api as api_v1
from pnyx.core.admin import site as admin_site

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin_site.urls),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", api_v1.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("pnyx.core.urls")),
    path("", include("pnyx.spaces.urls")),
    path("processes/", include("pnyx.pages.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
