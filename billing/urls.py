from django.urls import path

from billing import views

app_name = "billing"
urlpatterns = [
    path("payers/", views.payers, name="payers"),
    path("days/", views.service_days, name="service_days"),
    path("days/<str:week>/", views.service_days, name="week"),
    path("days/<str:week>/export/", views.export, name="export"),
    path("<uuid:participant_id>/", views.tab, name="tab"),
    path("<uuid:participant_id>/coverage/", views.coverage_add, name="coverage_add"),
    path(
        "<uuid:participant_id>/coverage/<uuid:coverage_id>/entered-in-error/",
        views.coverage_error,
        name="coverage_error",
    ),
    path(
        "<uuid:participant_id>/certification/",
        views.certification_add,
        name="certification_add",
    ),
    path("<uuid:participant_id>/certify/", views.certify, name="certify"),
    path(
        "<uuid:participant_id>/certification/<uuid:certification_id>/entered-in-error/",
        views.certification_error,
        name="certification_error",
    ),
]
