from django.urls import path

from audittrail import views

app_name = "audit"
urlpatterns = [
    path("", views.trail, name="trail"),
    path("export.csv", views.trail_csv, name="trail_csv"),
    path("break-glass/<uuid:grant_id>/review/", views.review_break_glass, name="review"),
]
