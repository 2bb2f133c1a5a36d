"""Public pages of the placement module, mounted without a namespace (no sign-in)."""

from django.urls import path

from placement import views

urlpatterns = [path("", views.self_check_page, name="self_check")]
