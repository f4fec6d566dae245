"""Quiz taking, review and article pages (owned by the quiz-taking work)."""

from django.urls import path

from quizzes.views.quizzes import ArticleDetailView, QuizDetailView

urlpatterns = [
    path("quizzes/<slug:slug>/", QuizDetailView.as_view(), name="quiz-detail"),
    path("articles/<slug:slug>/", ArticleDetailView.as_view(), name="article-detail"),
]
