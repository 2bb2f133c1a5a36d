from django.urls import path

from measurement import views

app_name = "measurement"
urlpatterns = [
    path("kiosk/", views.kiosk_page, name="kiosk"),
    path("kiosk/end/", views.kiosk_end, name="kiosk_end"),
    path("programs/<uuid:program_id>/schedule/", views.schedule, name="schedule"),
    path("programs/<uuid:program_id>/lists/", views.lists, name="lists"),
    path("<uuid:participant_id>/", views.tab, name="tab"),
    path("<uuid:participant_id>/reminders/", views.reminders, name="reminders"),
    path("<uuid:participant_id>/kiosk/", views.kiosk_start, name="kiosk_start"),
]
