"""Quiz taking, review and article pages."""

from django.urls import path

from quizzes.views import attempts, quizzes

urlpatterns = [
    path("quizzes/", quizzes.quiz_list, name="quiz-list"),
    path("quizzes/<slug:slug>/", quizzes.quiz_detail, name="quiz-detail"),
    path("quizzes/<slug:slug>/start/", quizzes.quiz_start, name="quiz-start"),
    path("attempts/", attempts.attempt_list, name="attempt-list"),
    path("attempts/<int:pk>/", attempts.attempt_detail, name="attempt-detail"),
    path("attempts/<int:pk>/save/", attempts.attempt_save, name="attempt-save"),
    path("attempts/<int:pk>/finish/", attempts.attempt_finish_view, name="attempt-finish"),
    path("attempts/<int:pk>/review/", attempts.attempt_review, name="attempt-review"),
    path("articles/", quizzes.ArticleListView.as_view(), name="article-list"),
    path("articles/<slug:slug>/", quizzes.ArticleDetailView.as_view(), name="article-detail"),
]
