from django.urls import path

from screens import views

app_name = "screens"
urlpatterns = [
    path("panels/", views.panel_settings, name="panels"),
    path("<uuid:participant_id>/", views.tab, name="tab"),
    path("<uuid:participant_id>/record/<uuid:panel_id>/", views.record, name="record"),
    path(
        "<uuid:participant_id>/results/<uuid:result_id>/confirmation/",
        views.confirmation,
        name="confirmation",
    ),
    path(
        "<uuid:participant_id>/screens/<uuid:screen_id>/review/",
        views.review,
        name="review",
    ),
]
