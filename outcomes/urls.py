from django.urls import path

from outcomes import views

app_name = "outcomes"

urlpatterns = [
    path("", views.board, name="board"),
    path("outcomes.csv", views.board_csv, name="board_csv"),
    path(
        "participants/<uuid:participant_id>/race-ethnicity/",
        views.race_ethnicity,
        name="race_ethnicity",
    ),
]
