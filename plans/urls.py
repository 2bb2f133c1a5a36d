from django.urls import path

from plans import views

app_name = "plans"
urlpatterns = [
    path("reviews-due/", views.reviews_due, name="reviews_due"),
    path("settings/", views.program_settings, name="settings"),
    path("mine/", views.mine, name="mine"),
    path("<uuid:participant_id>/", views.plan_tab, name="plan"),
    path("<uuid:participant_id>/start/", views.start, name="start"),
    path("<uuid:participant_id>/versions/<uuid:plan_id>/", views.version, name="version"),
    path("<uuid:participant_id>/versions/<uuid:plan_id>/edit/", views.edit, name="edit"),
    path("<uuid:participant_id>/versions/<uuid:plan_id>/revise/", views.revise, name="revise"),
    path("<uuid:participant_id>/versions/<uuid:plan_id>/sign/", views.sign, name="sign"),
    path(
        "<uuid:participant_id>/versions/<uuid:plan_id>/acknowledge/",
        views.acknowledge,
        name="acknowledge",
    ),
    path("<uuid:participant_id>/versions/<uuid:plan_id>/cosign/", views.cosign, name="cosign"),
    path("<uuid:participant_id>/versions/<uuid:plan_id>/review/", views.review, name="review"),
    path(
        "<uuid:participant_id>/versions/<uuid:plan_id>/entered-in-error/",
        views.entered_in_error,
        name="entered_in_error",
    ),
    path(
        "<uuid:participant_id>/versions/<uuid:plan_id>/reviews/<uuid:review_id>/entered-in-error/",
        views.review_entered_in_error,
        name="review_entered_in_error",
    ),
    path(
        "<uuid:participant_id>/versions/<uuid:plan_id>/objectives/<uuid:objective_id>/",
        views.objective,
        name="objective",
    ),
]
