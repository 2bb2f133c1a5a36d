from django.urls import path

from family import support_views, views

app_name = "family"
urlpatterns = [
    path("shared-with-me/", support_views.home, name="home"),
    path("<uuid:participant_id>/", views.tab, name="tab"),
    path(
        "<uuid:participant_id>/<uuid:person_id>/entered-in-error/",
        views.entered_in_error,
        name="entered_in_error",
    ),
    path("<uuid:participant_id>/<uuid:person_id>/share/", views.share, name="share"),
    path("<uuid:participant_id>/<uuid:person_id>/sign-in/", views.invite, name="invite"),
]
