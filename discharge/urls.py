from django.urls import path

from discharge import views

app_name = "discharge"
urlpatterns = [
    path("calls/", views.call_list, name="call_list"),
    path("me/", views.my_discharge, name="mine"),
    path("<uuid:participant_id>/follow-ups/<uuid:follow_up_id>/call/", views.call, name="call"),
    path(
        "<uuid:participant_id>/follow-ups/<uuid:follow_up_id>/answers/",
        views.call_answers,
        name="call_answers",
    ),
    path("<uuid:participant_id>/", views.tab, name="tab"),
    path("<uuid:participant_id>/aftercare/", views.aftercare, name="aftercare"),
    path("<uuid:participant_id>/discharge/", views.discharge, name="discharge"),
    path(
        "<uuid:participant_id>/summaries/<uuid:summary_id>/",
        views.summary_save,
        name="summary_save",
    ),
    path("<uuid:participant_id>/<uuid:discharge_id>/opt-out/", views.opt_out, name="opt_out"),
]
