from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.generic import DetailView

from quizzes.models import Article, Quiz


class QuizDetailView(DetailView):
    """A quiz's settings summary (published quizzes only)."""

    template_name = "quizzes/quiz_detail.html"
    context_object_name = "quiz"

    def get_object(self, queryset=None):
        return get_object_or_404(Quiz.objects.published(), slug=self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_open"] = self.object.is_open(timezone.now())
        return context


class ArticleDetailView(DetailView):
    """The source article, so a student can read what a question came from."""

    model = Article
    template_name = "quizzes/article_detail.html"
    context_object_name = "article"
