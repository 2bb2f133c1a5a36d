from django.urls import path

from worklist import views

app_name = "worklist"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("overdue/", views.overdue, name="overdue"),
    path("<uuid:task_id>/", views.task_page, name="task"),
    path("<uuid:task_id>/complete/", views.complete, name="complete"),
    path("<uuid:task_id>/cancel/", views.cancel, name="cancel"),
    path("<uuid:task_id>/hand-over/", views.hand_over, name="hand_over"),
]
