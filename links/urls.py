from django.urls import path

from links import views

app_name = "links"
urlpatterns = [path("<str:token>/", views.open_link, name="open")]
