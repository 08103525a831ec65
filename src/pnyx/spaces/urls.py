from django.urls import path

from pnyx.spaces import views

app_name = "spaces"
urlpatterns = [
    path("processes/", views.process_list, name="process_list"),
    path("processes/<slug:slug>/", views.process_detail, name="process"),
    path("assemblies/", views.assembly_list, name="assembly_list"),
    path("assemblies/<slug:slug>/", views.assembly_detail, name="assembly"),
]
