from django.contrib import admin

from pnyx.core.admin import site
from pnyx.pages.models import PageContent
from pnyx.spaces.admin import SpaceScopedAdmin


@admin.register(PageContent, site=site)
class PageContentAdmin(SpaceScopedAdmin):
    space_path = "component__space"
    list_display = ["__str__"]
