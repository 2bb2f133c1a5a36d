from django.urls import path

from placement import views

app_name = "placement"
urlpatterns = [
    path("<uuid:participant_id>/", views.level_of_care, name="level_of_care"),
    path("<uuid:participant_id>/decide/", views.decide_level, name="decide"),
    path("<uuid:participant_id>/admit/", views.admit, name="admit"),
    path("<uuid:participant_id>/close/", views.close_episode, name="close_episode"),
]
