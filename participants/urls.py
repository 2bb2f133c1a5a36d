from django.urls import path

from participants import views

app_name = "participants"
urlpatterns = [
    path("search/", views.search, name="search"),
    path("new/", views.new_referral, name="new"),
    path("<uuid:participant_id>/", views.chart_overview, name="chart"),
    path("<uuid:participant_id>/summary/", views.chart_summary, name="summary"),
    path("<uuid:participant_id>/edit/", views.edit_demographics, name="edit"),
    path("<uuid:participant_id>/history/", views.history, name="history"),
    path("<uuid:participant_id>/print/", views.print_summary, name="print"),
    path("<uuid:participant_id>/break-glass/", views.break_glass, name="break_glass"),
    path("<uuid:participant_id>/care-team/", views.add_to_care_team, name="care_team_add"),
    path(
        "<uuid:participant_id>/care-team/<uuid:member_id>/end/",
        views.end_care_team_membership,
        name="care_team_end",
    ),
    path(
        "<uuid:participant_id>/episodes/<uuid:episode_id>/status/",
        views.transition,
        name="transition",
    ),
]
