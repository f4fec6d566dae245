"""The demo as a new user meets it, for the crawls: the demo fixtures, demo activity, and the
demo student halfway through a timed quiz, with a finished attempt of every question kind, a
checked answer and some flashcard reviews. `student_pages` and `teacher_pages` list what each
of them opens."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from flashcards import selectors
from flashcards.models import Deck
from flashcards.services import scheduling
from quizzes.models import Article, Attempt, Fact, Question, QuestionKind, Quiz
from quizzes.services.attempts import (
    attempt_check_answer,
    attempt_finish,
    attempt_save_answer,
    attempt_start,
)
from quizzes.services.demo_activity import demo_answer, load_demo_activity

FIXTURES = ["articles", "questions", "quizzes", "flashcards", "demo_users"]


@dataclass
class DemoWorld:
    student: object
    teacher: object
    in_progress: Attempt  # timed, some answers saved
    finished: Attempt  # every question kind
    checked: Attempt  # immediate feedback, first answer checked


def _answer_all(attempt, now, rng, *, upto=None):
    for response in attempt.responses.order_by("slot")[:upto]:
        answer = demo_answer(response.snapshot, right=rng.random() < 0.6, rng=rng, wrong_texts=[])
        if answer is not None:
            attempt_save_answer(
                attempt=attempt, question_id=response.question_id, answer=answer, now=now
            )


def build_demo_world() -> DemoWorld:
    call_command("loaddata", *FIXTURES, verbosity=0)
    now = timezone.now()
    load_demo_activity(now=now, students=3, weeks=3)
    users = get_user_model().objects
    student, teacher = users.get(username="student"), users.get(username="teacher")
    rng = random.Random(10)

    whole = Quiz.objects.get(slug="whole-bank")
    finished, _ = attempt_start(quiz=whole, user=student, now=now - timedelta(days=2))
    _answer_all(finished, now - timedelta(days=2), rng)
    finished = attempt_finish(attempt=finished, now=now - timedelta(days=2))

    timed = Quiz.objects.filter(time_limit__isnull=False).order_by("slug").first()
    in_progress, _ = attempt_start(quiz=timed, user=student, now=now)
    _answer_all(in_progress, now, rng, upto=3)

    practice = Quiz.objects.filter(feedback_mode="immediate").order_by("slug").first()
    checked, _ = attempt_start(quiz=practice, user=student, now=now)
    first = checked.responses.order_by("slot").first()
    _answer_all(checked, now, rng, upto=1)
    attempt_check_answer(attempt=checked, question_id=first.question_id, now=now)

    deck = Deck.objects.published().first()
    for minutes in (90, 60, 30):
        moment = now - timedelta(days=3, minutes=minutes)
        for _ in range(4):
            card = selectors.study_queue(user=student, deck=deck, now=moment).cards()[0]
            scheduling.review_card(user=student, card=card, rating="good", now=moment)
    return DemoWorld(student, teacher, in_progress, finished, checked)


def student_pages(world: DemoWorld) -> list[str]:
    pages = ["/", "/quizzes/", "/attempts/", "/articles/", "/flashcards/", "/accounts/profile/"]
    pages += ["/accounts/password/change/"]
    pages += [quiz.get_absolute_url() for quiz in Quiz.objects.published().order_by("slug")]
    slots = world.in_progress.responses.count()
    pages += [f"{world.in_progress.get_absolute_url()}?q={slot}" for slot in range(1, slots + 1)]
    pages += [f"{world.checked.get_absolute_url()}?q=1"]
    pages += [reverse("attempt-finish", args=[world.in_progress.pk])]
    pages += [reverse("attempt-review", args=[world.finished.pk])]
    for article in Article.objects.order_by("slug"):
        fact = Fact.objects.filter(article=article).order_by("position").last()
        pages += [article.get_absolute_url(), f"{article.get_absolute_url()}?fact={fact.key}"]
    for deck in Deck.objects.published():
        study = reverse("flashcards-study", args=[deck.slug])
        pages += [study, f"{study}?reveal={deck.cards.order_by('position').first().pk}"]
        pages += [reverse("flashcards-stats", args=[deck.slug])]
    return pages


ANONYMOUS_PAGES = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/password/reset/sent/",
]


def teacher_pages(world: DemoWorld) -> list[str]:
    """The admin as the demo teacher uses it: every list they may see, an object of each, the
    add forms they may use, every quiz's results and a question of each kind."""
    teacher = world.teacher
    pages = ["/admin/", "/admin/quizzes/"]
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        if opts.app_label != "quizzes" or not teacher.has_perm(f"quizzes.view_{opts.model_name}"):
            continue
        base = f"/admin/quizzes/{opts.model_name}/"
        pages.append(base)
        first = model_admin.get_queryset(_request_for(teacher)).order_by("pk").first()
        if first is not None:
            pages.append(f"{base}{first.pk}/change/")
        if model_admin.has_add_permission(_request_for(teacher)):  # the admin's own "Add" link
            pages.append(f"{base}add/")
    pages += [
        f"/admin/quizzes/quiz/{pk}/results/" for pk in Quiz.objects.values_list("pk", flat=True)
    ]
    for kind in QuestionKind.values:
        question = Question.objects.filter(kind=kind).order_by("pk").first()
        if question is not None:
            pages.append(f"/admin/quizzes/question/{question.pk}/change/")
    return list(dict.fromkeys(pages))


def _request_for(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def browser_context(browser, live_server, user=None, *, width=1200, height=900):
    """A browser context with `user` logged in (session cookie) and the network cut off."""
    phone = width < 600
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": width, "height": height},
        is_mobile=phone,
        has_touch=phone,
    )
    context.set_default_timeout(10_000)
    server = urlsplit(live_server.url).netloc
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if urlsplit(route.request.url).netloc == server else route.abort()
        ),
    )
    if user is not None:
        client = Client()
        client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
        )
    return context
