from django.urls import path

from consent import views

app_name = "consent"
urlpatterns = [
    path("<uuid:participant_id>/", views.tab, name="tab"),
    path("<uuid:participant_id>/disclose/", views.disclose, name="disclose"),
    path("<uuid:participant_id>/<uuid:consent_id>/revoke/", views.revoke, name="revoke"),
    path(
        "<uuid:participant_id>/<uuid:consent_id>/entered-in-error/",
        views.entered_in_error,
        name="entered_in_error",
    ),
]
