from django.urls import path

from portal import staff_views, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/<uuid:participant_id>/", staff_views.access, name="access"),
    path("login/<uuid:participant_id>/invite/", staff_views.invite, name="invite"),
    path("login/<uuid:participant_id>/turn-off/", staff_views.turn_off, name="turn_off"),
]
