from django.urls import path

from family import views

app_name = "family"
urlpatterns = [
    path("<uuid:participant_id>/", views.tab, name="tab"),
    path(
        "<uuid:participant_id>/<uuid:person_id>/entered-in-error/",
        views.entered_in_error,
        name="entered_in_error",
    ),
]
