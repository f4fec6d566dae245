"""REST API under /api/: auth, the question bank and quizzes, attempts, schema and docs.

The flashcard API (flashcards/api_urls.py) is included before this module in quizsite/urls.py."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from quizzes.api import gradebook, views

router = SimpleRouter()
router.register("articles", views.ArticleViewSet, basename="api-article")
router.register("facts", views.FactViewSet, basename="api-fact")
router.register("questions", views.QuestionViewSet, basename="api-question")
router.register("quizzes", views.QuizViewSet, basename="api-quiz")
router.register("attempts", views.AttemptViewSet, basename="api-attempt")

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path("auth/tokens/", views.TokensView.as_view(), name="api-tokens"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script from its own URL (?script=), since the
    # Content-Security-Policy runs no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path(
        "classes/<int:pk>/gradebook/",
        gradebook.ClassGradebookView.as_view(),
        name="api-class-gradebook",
    ),
    path("", include(router.urls)),
    path("", include("quizzes.api.class_urls")),
    # Last: anything else under /api/ is a JSON 404, not the site's HTML page. `^` alone, since
    # `.*$` stops at a newline, and a path with `%0A` in it would get the HTML page.
    re_path(r"^", views.api_not_found),
]
