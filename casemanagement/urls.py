from django.urls import path

from casemanagement import views

app_name = "casemanagement"
urlpatterns = [
    path("resources/", views.directory, name="directory"),
    path("<uuid:participant_id>/", views.tab, name="tab"),
    path("<uuid:participant_id>/barriers/", views.barrier_add, name="barrier_add"),
    path(
        "<uuid:participant_id>/barriers/<uuid:barrier_id>/",
        views.barrier_status,
        name="barrier_status",
    ),
    path(
        "<uuid:participant_id>/barriers/<uuid:barrier_id>/schedule-change/",
        views.change_request,
        name="change_request",
    ),
    path(
        "<uuid:participant_id>/schedule-changes/<uuid:request_id>/",
        views.change_answer,
        name="change_answer",
    ),
    path("<uuid:participant_id>/referrals/", views.referral_add, name="referral_add"),
    path(
        "<uuid:participant_id>/referrals/<uuid:referral_id>/appointment/",
        views.referral_appointment,
        name="referral_appointment",
    ),
    path(
        "<uuid:participant_id>/referrals/<uuid:referral_id>/outcome/",
        views.referral_outcome,
        name="referral_outcome",
    ),
]
