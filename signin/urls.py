from django.urls import path

from signin import staff_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("language/", views.choose_language, name="language"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("two-factor/enrol/", views.enrol, name="enrol"),
    path("logout/", views.logout_view, name="logout"),
    path("welcome/<str:token>/", views.invitation, name="invitation"),
    path("staff/", staff_views.staff_list, name="staff"),
    path("staff/add/", staff_views.staff_add, name="staff_add"),
    path("staff/rejoin/", staff_views.staff_rejoin, name="staff_rejoin"),
    path("staff/<uuid:staff_id>/roles/", staff_views.staff_change_roles, name="staff_roles"),
    path("staff/<uuid:staff_id>/end/", staff_views.staff_end, name="staff_end"),
    path("staff/<uuid:staff_id>/sign-in-link/", staff_views.staff_invite, name="staff_invite"),
    path(
        "staff/<uuid:staff_id>/<str:action>/",
        staff_views.staff_action,
        name="staff_action",
    ),
]
