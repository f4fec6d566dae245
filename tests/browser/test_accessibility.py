"""Every student page, in a realistic state, checked by axe-core in Chromium.

axe-core comes bundled in `axe-playwright-python` (its `axe.min.js` is injected into the page);
the browser context refuses every request that does not go to the live server, so the checks
need no network. A page fails on any violation of impact "serious" or "critical"; "moderate"
and "minor" ones fail it too, so that they are fixed rather than piling up.

The same pages are then loaded on a phone-sized screen (390x844), where none may scroll
sideways, and the attempt and study pages are walked with Tab: every control is reached, and
the focused one shows the focus outline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from quizzes.models import FeedbackMode, Rating
from quizzes.services import scheduling
from quizzes.services.attempts import attempt_finish, attempt_save_answer, attempt_start
from tests.factories import (
    ArticleFactory,
    CardFactory,
    DeckFactory,
    FactFactory,
    QuestionFactory,
    QuizFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Axe()
SENTENCE = (
    "US Secretary of State Hillary Clinton met Russia's foreign minister Sergei Lavrov "
    "in Geneva on Friday."
)
KINDS = ["single_choice", "multiple_response", "true_false", "short_answer", "numeric", "cloze"]


@dataclass
class World:
    student: object
    quiz: object
    attempt: object  # in progress, on the six-kind quiz
    finished: object  # a finished attempt of the immediate-feedback quiz
    immediate_attempt: object  # in progress, on the immediate-feedback quiz, question 1 checked
    deck: object


@pytest.fixture
def world(transactional_db) -> World:
    """A student halfway through a quiz of every kind, with a finished attempt and a deck."""
    now = timezone.now()
    student = UserFactory(username="ana")
    article = ArticleFactory(slug="reset-button", title="Clinton and Lavrov press the reset button")
    fact = FactFactory(article=article, sentence=SENTENCE, key="geneva-meeting")
    questions = [
        QuestionFactory(fact=fact, **({kind: True} if kind != "single_choice" else {}))
        for kind in KINDS
    ]
    quiz = QuizFactory(
        slug="reset",
        title="The reset button",
        description="Six questions on the Geneva meeting.",
        shuffle_choices=False,
        pass_mark=50,
        time_limit=timedelta(minutes=20),
        attempts_allowed=3,
        questions=questions,
    )
    attempt, _ = attempt_start(quiz=quiz, user=student, now=now)
    first = questions[0]
    attempt_save_answer(
        attempt=attempt,
        question_id=first.pk,
        answer=first.choices.get(order=1).pk,
        now=now,
        flagged=True,
    )
    attempt_save_answer(attempt=attempt, question_id=questions[3].pk, answer="Lavrov", now=now)

    immediate = QuizFactory(
        slug="quick",
        title="Quick check",
        shuffle_choices=False,
        feedback_mode=FeedbackMode.IMMEDIATE,
        pass_mark=50,
        questions=[
            QuestionFactory(fact=fact),
            QuestionFactory(fact=fact, short_answer=True),
        ],
    )
    done, _ = attempt_start(quiz=immediate, user=student, now=now - timedelta(days=1))
    q1 = done.responses.order_by("slot").first()
    attempt_save_answer(
        attempt=done,
        question_id=q1.question_id,
        answer=q1.question.choices.get(order=2).pk,
        now=now - timedelta(days=1),
    )
    finished = attempt_finish(attempt=done, now=now - timedelta(days=1))
    again, _ = attempt_start(quiz=immediate, user=student, now=now)
    from quizzes.services.attempts import attempt_check_answer

    q1 = again.responses.order_by("slot").first()
    attempt_save_answer(
        attempt=again,
        question_id=q1.question_id,
        answer=q1.question.choices.get(order=2).pk,
        now=now,
    )
    attempt_check_answer(attempt=again, question_id=q1.question_id, now=now)

    deck = DeckFactory(slug="geneva", title="Geneva", description="The reset-button meeting.")
    cards = [
        CardFactory(
            deck=deck,
            position=1,
            front="Whom did Clinton meet in Geneva?",
            back=f"Sergei Lavrov\n\n{SENTENCE}",
        ),
        CardFactory(deck=deck, position=2, front="What did the button say?", back="Peregruzka"),
        CardFactory(deck=deck, position=3, front="Which treaty?", back="START"),
    ]
    for days_ago, rating in ((3, Rating.GOOD), (2, Rating.AGAIN), (1, Rating.EASY)):
        scheduling.review_card(
            user=student, card=cards[2], rating=rating, now=now - timedelta(days=days_ago)
        )
    return World(student, quiz, attempt, finished, again, deck)


def _student_page(browser, live_server, user, *, phone=False):
    """A browser context logged in as `user` (session cookie), with the network cut off."""
    client = Client()
    client.force_login(user)
    session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    if phone:
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": 390, "height": 844},
            is_mobile=True,
            has_touch=True,
        )
    else:
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1200, "height": 900}
        )
    context.set_default_timeout(10_000)
    server = urlsplit(live_server.url).netloc
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if urlsplit(route.request.url).netloc == server else route.abort()
        ),
    )
    context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    return context, context.new_page()


def _slot_of(attempt, kind):
    return next(r.slot for r in attempt.responses.all() if r.snapshot["kind"] == kind)


# Each scenario brings the page into the state to check: (name, function(page, world)).
def _home(page, world):
    page.goto("/")


def _login_error(page, world):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("ana")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".form-errors")).to_be_visible()


def _signup(page, world):
    page.context.clear_cookies()
    page.goto("/accounts/signup/")


def _signup_errors(page, world):
    page.context.clear_cookies()
    page.goto("/accounts/signup/")
    page.get_by_label("Username").fill("ana")
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator(".field-error").first).to_be_visible()


def _quiz_list(page, world):
    page.goto("/quizzes/")


def _quiz_detail(page, world):
    page.goto(world.quiz.get_absolute_url())


def _attempt_page(kind):
    def go(page, world):
        page.goto(f"{world.attempt.get_absolute_url()}?q={_slot_of(world.attempt, kind)}")
        expect(page.locator("#timer")).to_be_visible()

    go.__name__ = f"_attempt_{kind}"
    return go


def _attempt_feedback(page, world):
    page.goto(f"{world.immediate_attempt.get_absolute_url()}?q=1")
    expect(page.locator(".feedback")).to_be_visible()


def _finish(page, world):
    page.goto(f"/attempts/{world.attempt.pk}/finish/")


def _review(page, world):
    page.goto(f"/attempts/{world.finished.pk}/review/")


def _history(page, world):
    page.goto("/attempts/")


def _article(page, world):
    page.goto("/articles/reset-button/?fact=geneva-meeting#fact")
    expect(page.locator("mark#fact")).to_be_visible()


def _decks(page, world):
    page.goto("/flashcards/")


def _study_front(page, world):
    page.goto("/flashcards/geneva/study/")
    expect(page.locator("html[data-flashcards=ready]")).to_have_count(1)


def _study_answer(page, world):
    _study_front(page, world)
    page.get_by_role("link", name="Show answer").click()
    expect(page.locator("#card-answer .answer")).to_be_visible()


def _study_summary(page, world):
    _study_front(page, world)
    for _ in range(2):
        page.get_by_role("link", name="Show answer").click()
        page.get_by_role("button", name="Good").click()
        expect(page.locator("#progress-label")).not_to_contain_text("0 reviewed")
    expect(page.get_by_text("Session complete.")).to_be_visible()


def _stats(page, world):
    page.goto("/flashcards/geneva/stats/")


SCENARIOS = {
    "home": _home,
    "login-with-error": _login_error,
    "signup": _signup,
    "signup-with-errors": _signup_errors,
    "quiz-list": _quiz_list,
    "quiz-detail": _quiz_detail,
    **{f"attempt-{kind}": _attempt_page(kind) for kind in KINDS},
    "attempt-immediate-feedback": _attempt_feedback,
    "finish-confirmation": _finish,
    "review": _review,
    "attempt-history": _history,
    "article-highlighted": _article,
    "deck-list": _decks,
    "study-front": _study_front,
    "study-answer": _study_answer,
    "study-summary": _study_summary,
    "stats": _stats,
}


def _report(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        lines.append(
            f"{violation['impact']}: {violation['id']} ({violation['help']}) "
            f"x{len(violation['nodes'])}: {targets}"
        )
    return "\n".join(lines)


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_student_page_has_no_axe_violations(browser, live_server, world, name):
    context, page = _student_page(browser, live_server, world.student)
    try:
        SCENARIOS[name](page, world)
        results = AXE.run(page)
        violations = results.response["violations"]
        serious = [v for v in violations if v["impact"] in ("serious", "critical")]
        assert not serious, f"{name}: serious or critical axe violations:\n{_report(violations)}"
        assert not violations, f"{name}: moderate or minor axe violations:\n{_report(violations)}"
        # axe really ran its full rule set on a real page.
        assert results.response["testEngine"]["name"] == "axe-core"
        assert len(results.response["passes"]) > 10
    finally:
        context.close()
