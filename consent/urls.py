from django.urls import path

from consent import views

app_name = "consent"
urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("<uuid:participant_id>/", views.tab, name="tab"),
    path("<uuid:participant_id>/on-file/", views.on_file, name="on_file"),
    path("<uuid:participant_id>/disclosures/", views.accounting, name="accounting"),
    path("<uuid:participant_id>/form/", views.consent_form, name="form"),
    path("<uuid:participant_id>/disclose/", views.disclose, name="disclose"),
    path(
        "<uuid:participant_id>/<uuid:consent_id>/copy/",
        views.disclose_under,
        name="disclose_under",
    ),
    path("<uuid:participant_id>/<uuid:consent_id>/revoke/", views.revoke, name="revoke"),
    path(
        "<uuid:participant_id>/<uuid:consent_id>/expiry-event/",
        views.expiry_event,
        name="expiry_event",
    ),
    path(
        "<uuid:participant_id>/<uuid:consent_id>/entered-in-error/",
        views.entered_in_error,
        name="entered_in_error",
    ),
]
