from django.urls import path

from notes import views

app_name = "notes"
urlpatterns = [
    path("due/", views.due, name="due"),
    path("board/", views.board, name="board"),
    path("settings/", views.program_settings, name="settings"),
    path("sessions/<uuid:session_id>/", views.group, name="group"),
    path("<uuid:participant_id>/", views.tab, name="tab"),
    path("<uuid:participant_id>/new/", views.new, name="new"),
    path("<uuid:participant_id>/<uuid:note_id>/", views.note, name="note"),
    path("<uuid:participant_id>/<uuid:note_id>/edit/", views.edit, name="edit"),
    path("<uuid:participant_id>/<uuid:note_id>/sign/", views.sign, name="sign"),
    path("<uuid:participant_id>/<uuid:note_id>/late-entry/", views.late_entry, name="late_entry"),
    path("<uuid:participant_id>/<uuid:note_id>/cosign/", views.cosign, name="cosign"),
    path(
        "<uuid:participant_id>/<uuid:note_id>/entered-in-error/",
        views.entered_in_error,
        name="entered_in_error",
    ),
]
