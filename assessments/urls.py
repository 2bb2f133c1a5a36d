from django.urls import path

from assessments import views

app_name = "assessments"
urlpatterns = [
    path("me/done/", views.mine_done, name="mine_done"),
    path("me/crisis/<uuid:administration_id>/", views.mine_crisis, name="mine_crisis"),
    path("me/<slug:code>/", views.mine, name="mine"),
    path("<uuid:participant_id>/", views.tab, name="tab"),
    path("<uuid:participant_id>/start/", views.start, name="start"),
    path("<uuid:participant_id>/administer/<slug:code>/", views.administer, name="administer"),
    path("<uuid:participant_id>/self-report/<slug:code>/", views.self_report, name="self_report"),
    path(
        "<uuid:participant_id>/<uuid:administration_id>/",
        views.result,
        name="result",
    ),
    path(
        "<uuid:participant_id>/<uuid:administration_id>/done/",
        views.self_report_done,
        name="self_report_done",
    ),
    path(
        "<uuid:participant_id>/<uuid:administration_id>/correct/",
        views.correct,
        name="correct",
    ),
    path(
        "<uuid:participant_id>/<uuid:administration_id>/entered-in-error/",
        views.entered_in_error,
        name="entered_in_error",
    ),
]
