"""The student pages, one URL module per area."""

from django.urls import include, path

from quizzes.views.home import HomeView, favicon

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("favicon.ico", favicon, name="favicon"),
    path("", include("quizzes.views.quiz_urls")),
    path("classes/", include("quizzes.views.class_urls")),
]
