from django.urls import path

from intake import views

app_name = "intake"
urlpatterns = [
    path("codes/", views.code_search, name="code_search"),
    path("<uuid:participant_id>/", views.intake_tab, name="intake"),
    path("<uuid:participant_id>/start/", views.start, name="start"),
    path("<uuid:participant_id>/versions/<uuid:intake_id>/", views.version, name="version"),
    path(
        "<uuid:participant_id>/versions/<uuid:intake_id>/sections/<slug:key>/",
        views.save_section,
        name="save_section",
    ),
    path("<uuid:participant_id>/versions/<uuid:intake_id>/sign/", views.sign, name="sign"),
    path("<uuid:participant_id>/diagnoses/", views.diagnoses_tab, name="diagnoses"),
    path("<uuid:participant_id>/diagnoses/add/", views.add_diagnosis, name="diagnosis_add"),
    path(
        "<uuid:participant_id>/diagnoses/<uuid:diagnosis_id>/status/",
        views.diagnosis_status,
        name="diagnosis_status",
    ),
]
