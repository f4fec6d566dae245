"""A student's classes."""

from django.urls import path

from quizzes.views import classes

urlpatterns = [
    path("", classes.classroom_list, name="classroom-list"),
    path("join/", classes.classroom_join_view, name="classroom-join"),
    path("<int:pk>/leave/", classes.classroom_leave_view, name="classroom-leave"),
]
