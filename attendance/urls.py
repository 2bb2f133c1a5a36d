from django.urls import path

from attendance import views

app_name = "attendance"
urlpatterns = [
    path("", views.today, name="today"),
    path("dose/", views.dose_this_week, name="dose_this_week"),
    path("sessions/<uuid:session_id>/", views.roll_call, name="roll_call"),
    path(
        "sessions/<uuid:session_id>/rows/<uuid:enrolment_id>/",
        views.record,
        name="record",
    ),
    path(
        "sessions/<uuid:session_id>/all-present/",
        views.mark_all_present,
        name="mark_all_present",
    ),
    path(
        "sessions/<uuid:session_id>/drop-in/search/",
        views.drop_in_search,
        name="drop_in_search",
    ),
    path("sessions/<uuid:session_id>/drop-in/", views.drop_in, name="drop_in"),
    path("sessions/<uuid:session_id>/cancelled/", views.cancellation, name="cancellation"),
    path(
        "participants/<uuid:participant_id>/",
        views.participant_attendance,
        name="participant_attendance",
    ),
    path("participants/<uuid:participant_id>/make-up/", views.make_up, name="make_up"),
    path(
        "participants/<uuid:participant_id>/make-up/enrol/",
        views.make_up_enrol,
        name="make_up_enrol",
    ),
]
