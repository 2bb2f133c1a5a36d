from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("two-factor/enrol/", views.enrol, name="enrol"),
    path("logout/", views.logout_view, name="logout"),
]
