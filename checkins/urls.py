from django.urls import path

from checkins import views

app_name = "checkins"
urlpatterns = [
    path("me/", views.mine, name="mine"),
    path("me/done/", views.done, name="done"),
    path("me/crisis/<uuid:checkin>/", views.crisis, name="crisis"),
]
