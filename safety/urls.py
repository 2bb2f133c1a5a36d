from django.urls import path

from safety import views

app_name = "safety"
urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("<uuid:participant_id>/", views.tab, name="tab"),
    path("<uuid:participant_id>/confirm/", views.confirm, name="confirm"),
]
