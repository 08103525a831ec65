from django.urls import path

from pnyx.core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("log/", views.audit_log, name="audit_log"),
    path("pages/<slug:slug>/", views.static_page, name="static_page"),
    path("account/profile/", views.profile, name="profile"),
    path("account/verification/", views.verify, name="verify"),
    path("account/my-data/", views.download_my_data, name="my_data"),
    path("account/delete/", views.delete_account, name="delete_account"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation"),
    path("organisations/<slug:slug>/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<slug:slug>/join/", views.organisation_join, name="organisation_join"),
    path(
        "organisations/<slug:slug>/members/",
        views.organisation_member_add,
        name="organisation_member_add",
    ),
]
