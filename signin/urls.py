from django.urls import path

from signin import staff_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("language/", views.choose_language, name="language"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("two-factor/enrol/", views.enrol, name="enrol"),
    path("logout/", views.logout_view, name="logout"),
    path("staff/", staff_views.staff_list, name="staff"),
    path(
        "staff/<int:user_id>/<str:action>/",
        staff_views.staff_action,
        name="staff_action",
    ),
]
