from django.urls import path

from medications import views

app_name = "medications"
urlpatterns = [
    path("<uuid:participant_id>/", views.tab, name="tab"),
    path("<uuid:participant_id>/<uuid:medication_id>/stop/", views.stop, name="stop"),
]
