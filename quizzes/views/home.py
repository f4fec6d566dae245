from django.conf import settings
from django.http import FileResponse
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django.views.generic import ListView

from quizzes.models import Quiz
from quizzes.selectors import due_for_student

FAVICON = settings.BASE_DIR / "static" / "icons" / "favicon.ico"


class HomeView(ListView):
    """The front page: for a student, what their classes have due; the quizzes open now."""

    template_name = "home.html"
    context_object_name = "quizzes"

    def get_queryset(self):
        self.now = timezone.now()
        return Quiz.objects.visible_to(self.request.user).open_at(self.now).order_by("title")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        due = due_for_student(user=self.request.user, now=self.now)
        context["due"] = due
        # A quiz in "Due" is shown there, with the student's own dates and time; listing it
        # again under "Open quizzes" with the quiz's own settings would contradict it.
        assigned = {item.quiz.pk for group in due.groups() for item in group}
        context["quizzes"] = [quiz for quiz in context["quizzes"] if quiz.pk not in assigned]
        return context


@require_GET
@cache_control(max_age=86400, public=True)
def favicon(request):
    """/favicon.ico, which browsers and feed readers ask for whatever the page links to.

    Served from the source file rather than through the static storage, so it answers the same
    with or without `collectstatic` (whose hashed names do not apply to this fixed path).
    """
    return FileResponse(FAVICON.open("rb"), content_type="image/x-icon")
