"""The quiz list, a quiz's page with its Start button, and the source articles."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import DetailView, ListView

from quizzes.models import Article, Fact
from quizzes.selectors import quiz_question_count, quizzes_for_student, visible_quiz
from quizzes.services.attempts import attempt_start, quiz_standing_for_student
from quizzes.services.exceptions import QuizError
from quizzes.text import find_verbatim

SLUG = re.compile(r"[-\w]+")


@require_GET
def quiz_list(request):
    rows = quizzes_for_student(user=request.user, now=timezone.now())
    return render(request, "quizzes/quiz_list.html", {"rows": rows})


@require_GET
def quiz_detail(request, slug):
    quiz = visible_quiz(slug=slug, user=request.user)
    now = timezone.now()
    summary = quiz_standing_for_student(quiz=quiz, user=request.user, now=now)
    return render(
        request,
        "quizzes/quiz_detail.html",
        {
            "quiz": quiz,
            "summary": summary,
            "is_open": summary.is_open,
            "question_count": quiz_question_count(quiz=quiz),
        },
    )


@require_POST
@login_required
def quiz_start(request, slug):
    quiz = visible_quiz(slug=slug, user=request.user)
    try:
        attempt, created = attempt_start(quiz=quiz, user=request.user, now=timezone.now())
    except QuizError as error:
        messages.error(request, error.message)
        return redirect(quiz)
    if not created:
        messages.info(request, "You have an attempt in progress: carrying on where you left off.")
    return redirect(attempt)


def highlight(body: str, sentence: str | None) -> list[str]:
    """The article's paragraphs as HTML (escaped text in <p>), the first one holding `sentence`
    with it in <mark>. The text is shown as stored, typographic quotes included."""
    paragraphs = [p.strip() for p in body.replace("\r\n", "\n").split("\n\n") if p.strip()]
    html, marked = [], False
    for paragraph in paragraphs:
        span = find_verbatim(paragraph, sentence) if sentence and not marked else None
        if span is None:
            html.append(format_html("<p>{}</p>", paragraph))
            continue
        marked = True
        start, end = span
        html.append(
            format_html(
                '<p>{}<mark id="fact">{}</mark>{}</p>',
                paragraph[:start],
                paragraph[start:end],
                paragraph[end:],
            )
        )
    return html


class ArticleListView(ListView):
    """Every source article, newest first, with how many facts were recorded from it."""

    template_name = "quizzes/article_list.html"
    context_object_name = "articles"

    def get_queryset(self):
        return Article.objects.annotate(fact_count=Count("facts")).order_by("-published", "title")


class ArticleDetailView(DetailView):
    """The source article; `?fact=<key>` marks the sentence a question quoted."""

    model = Article
    template_name = "quizzes/article_detail.html"
    context_object_name = "article"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        fact = None
        key = self.request.GET.get("fact", "")
        if key and SLUG.fullmatch(key):  # anything else cannot be a fact's key
            fact = Fact.objects.filter(article=self.object, key=key).first()
        context["fact"] = fact
        context["paragraphs"] = highlight(self.object.body, fact.sentence if fact else None)
        return context
