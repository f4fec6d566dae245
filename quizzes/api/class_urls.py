"""Class API routes, included from quizzes/api/urls.py."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from quizzes.api.classes import ClassroomViewSet, QuizOverridesView, QuizRulesView

router = SimpleRouter()
router.register("classes", ClassroomViewSet, basename="api-class")

urlpatterns = [
    path(
        "quizzes/<slug:slug>/overrides/",
        QuizOverridesView.as_view(),
        name="api-quiz-overrides",
    ),
    path("quizzes/<slug:slug>/rules/", QuizRulesView.as_view(), name="api-quiz-rules"),
    *router.urls,
]
