from django.urls import path

from outcomes import views

app_name = "outcomes"

urlpatterns = [
    path("", views.board, name="board"),
    path("outcomes.csv", views.board_csv, name="board_csv"),
]
