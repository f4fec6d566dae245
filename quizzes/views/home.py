from django.utils import timezone
from django.views.generic import ListView

from quizzes.models import Quiz


class HomeView(ListView):
    """The front page: the published quizzes open now."""

    template_name = "home.html"
    context_object_name = "quizzes"

    def get_queryset(self):
        return Quiz.objects.open_at(timezone.now()).order_by("title")
