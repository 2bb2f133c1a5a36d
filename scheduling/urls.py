from django.urls import path

from scheduling import views_calendar, views_participant, views_runs, views_week

app_name = "scheduling"
urlpatterns = [
    path("", views_week.home, name="home"),
    path("p/<uuid:program_id>/", views_week.week, name="week"),
    path("p/<uuid:program_id>/day/", views_week.day, name="day"),
    path("p/<uuid:program_id>/rooms/<uuid:room_id>/", views_week.room_week, name="room_week"),
    path("p/<uuid:program_id>/staff/<uuid:staff_id>/", views_week.staff_week, name="staff_week"),
    path("sessions/<uuid:session_id>/", views_week.session_detail, name="session"),
    path("sessions/<uuid:session_id>/cancel/", views_week.session_cancel, name="session_cancel"),
    # The program calendar
    path("p/<uuid:program_id>/calendar/", views_calendar.calendar, name="calendar"),
    path("p/<uuid:program_id>/groups/new/", views_calendar.group_new, name="group_new"),
    path("groups/<uuid:group_id>/", views_calendar.group_edit, name="group_edit"),
    path("p/<uuid:program_id>/tracks/new/", views_calendar.track_new, name="track_new"),
    path("tracks/<uuid:track_id>/", views_calendar.track_edit, name="track_edit"),
    path("p/<uuid:program_id>/rooms/new/", views_calendar.room_new, name="room_new"),
    path("rooms/<uuid:room_id>/", views_calendar.room_edit, name="room_edit"),
    path("p/<uuid:program_id>/closures/", views_calendar.closure_add, name="closure_add"),
    path(
        "closures/<uuid:closure_id>/remove/", views_calendar.closure_remove, name="closure_remove"
    ),
    path(
        "p/<uuid:program_id>/staff/<uuid:staff_id>/hours/",
        views_calendar.staff_hours,
        name="staff_hours",
    ),
    # Build next week, review, publish
    path("p/<uuid:program_id>/build/", views_runs.build, name="build"),
    path("runs/<uuid:run_id>/", views_runs.run_page, name="run"),
    path("runs/<uuid:run_id>/progress/", views_runs.run_progress, name="run_progress"),
    path("runs/<uuid:run_id>/edit/", views_runs.run_edit, name="run_edit"),
    path("runs/<uuid:run_id>/resolve/", views_runs.run_resolve, name="run_resolve"),
    path("runs/<uuid:run_id>/publish/", views_runs.run_publish, name="run_publish"),
    # A participant's schedule (chart tab)
    path(
        "participants/<uuid:participant_id>/",
        views_participant.participant_schedule,
        name="participant",
    ),
    path(
        "participants/<uuid:participant_id>/profile/",
        views_participant.participant_profile,
        name="participant_profile",
    ),
    path(
        "participants/<uuid:participant_id>/availability/",
        views_participant.participant_availability,
        name="participant_availability",
    ),
    path(
        "participants/<uuid:participant_id>/groups/",
        views_participant.participant_preferences,
        name="participant_groups",
    ),
    path(
        "participants/<uuid:participant_id>/place/",
        views_participant.participant_place,
        name="participant_place",
    ),
    path(
        "participants/<uuid:participant_id>/admission-run/",
        views_participant.participant_admission_run,
        name="participant_admission_run",
    ),
]
