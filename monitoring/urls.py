from django.urls import path

from monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("critical/", views.critical_board, name="critical_board"),
    path("<uuid:participant_id>/", views.participant_alerts, name="participant_alerts"),
    path(
        "<uuid:participant_id>/<uuid:alert_id>/acknowledge/",
        views.acknowledge,
        name="acknowledge",
    ),
]
