from django.urls import path

from pnyx.pages import views

app_name = "pages"
urlpatterns = [
    path("<slug:space_slug>/page/<int:component_id>/", views.page, name="page"),
]
