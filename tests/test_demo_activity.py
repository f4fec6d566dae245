"""Demo activity: students with finished attempts and review history, whatever the bank holds."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from flashcards.models import ReviewLog
from quizzes.models import Attempt, AttemptState, FeedbackMode, Response
from quizzes.services.demo_activity import load_demo_activity
from tests.factories import CardFactory, DeckFactory, QuestionFactory, QuizFactory, UserFactory

pytestmark = pytest.mark.django_db
KINDS = [
    "single_choice",
    "multiple_response",
    "true_false",
    "short_answer",
    "numeric",
    "cloze",
    "matching",
    "ordering",
]


@pytest.fixture
def bank():
    questions = [
        QuestionFactory(**({kind: True} if kind != "single_choice" else {})) for kind in KINDS
    ]
    QuizFactory(slug="every-kind", questions=questions, time_limit=timedelta(minutes=5))
    QuizFactory(slug="checked", questions=questions[:2], feedback_mode=FeedbackMode.IMMEDIATE)
    QuizFactory(slug="draft", questions=questions, published=False)
    deck = DeckFactory(slug="geneva")
    CardFactory.create_batch(6, deck=deck)


def test_demo_students_finish_attempts_on_every_kind_and_review_cards(bank):
    now = timezone.now()
    report = load_demo_activity(now=now, students=3)

    attempts = Attempt.objects.filter(user__username__startswith="demo-")
    assert report.attempts == attempts.count() >= 4
    assert set(attempts.values_list("state", flat=True)) == {AttemptState.FINISHED}
    assert not attempts.filter(quiz__slug="draft").exists()
    answered = Response.objects.filter(attempt__in=attempts, answer__isnull=False)
    kinds = {r.snapshot["kind"] for r in answered}
    assert kinds == set(KINDS)  # every kind got answers its grader accepted
    grades = set(attempts.values_list("grade", flat=True))
    assert len(grades) > 1  # not everyone scores the same
    assert ReviewLog.objects.filter(user__username__startswith="demo-").count() == report.reviews
    assert report.reviews > 0
    oldest = attempts.order_by("started_at").first().started_at
    assert now - timedelta(weeks=6) <= oldest < now - timedelta(days=1)  # spread over past weeks
    for attempt in attempts.filter(quiz__slug="every-kind"):
        assert attempt.finished_at <= attempt.deadline  # within the time limit


def test_loading_twice_changes_nothing_and_reset_loads_again(bank):
    now = timezone.now()
    load_demo_activity(now=now, students=2)
    counts = (Attempt.objects.count(), ReviewLog.objects.count())
    again = load_demo_activity(now=now, students=2)
    assert (Attempt.objects.count(), ReviewLog.objects.count()) == counts
    assert again.students_skipped == ["demo-amira", "demo-ben"] and again.attempts == 0
    reset = load_demo_activity(now=now, students=2, reset=True)
    assert reset.attempts == counts[0] == Attempt.objects.count()


def test_demo_students_cannot_log_in_and_real_students_are_untouched(bank, client):
    student = UserFactory(username="student")
    load_demo_activity(now=timezone.now(), students=1)
    assert not Attempt.objects.filter(user=student).exists()
    demo = Attempt.objects.first().user
    assert not demo.has_usable_password()


def test_an_empty_bank_loads_students_without_activity():
    report = load_demo_activity(now=timezone.now(), students=2)
    assert (report.attempts, report.reviews, report.quizzes) == (0, 0, 0)


def test_the_command_is_for_local_demos_only(bank, settings, capsys):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="for local demos"):
        call_command("load_demo_activity")
    assert not Attempt.objects.exists()
    call_command("load_demo_activity", "--students", "1", "--allow-without-debug")
    assert "1 student(s) loaded" in capsys.readouterr().out
    with pytest.raises(CommandError, match="students must be between 1 and 10"):
        call_command("load_demo_activity", "--students", "11", "--allow-without-debug")
