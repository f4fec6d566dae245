"""A real race on PostgreSQL: a student starting an attempt while a teacher changes their
override. The start reads the rules once, after locking the student's row, and `override_set`
takes the same lock: the start uses the old override or the new one, never a mix.

SQLite serialises whole-database writes, so the race cannot happen there: PostgreSQL only (CI
runs the suite on both databases), marked like tests/test_attempt_concurrency.py.
"""

import threading
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.utils import timezone

from quizzes.models import Attempt, QuizOverride
from quizzes.services.attempts import attempt_start
from quizzes.services.classes import override_set
from tests.factories import QuizFactory, UserFactory

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs real row locks and concurrent connections: runs on PostgreSQL "
        "(DATABASE_URL=postgres://...), CI runs it there",
    ),
    pytest.mark.django_db(transaction=True),
]

LIMIT = timedelta(minutes=10)


def in_thread(target, results, errors):
    def worker():
        try:
            results.append(target())
        except Exception as error:  # collected and asserted on by the test
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=worker)
    thread.start()
    return thread


def test_a_start_waits_for_an_override_being_changed_and_uses_the_new_one(monkeypatch):
    student = UserFactory()
    quiz = QuizFactory(questions=2, time_limit=LIMIT)
    override_set(quiz=quiz, user=student, time_multiplier=Decimal("2"))
    now = timezone.now()

    locked = threading.Event()
    real_clean = QuizOverride.full_clean

    def slow_clean(self, *args, **kwargs):
        locked.set()  # override_set holds the student's row lock by now
        time.sleep(0.5)
        return real_clean(self, *args, **kwargs)

    monkeypatch.setattr(QuizOverride, "full_clean", slow_clean)
    results, errors = [], []
    change = in_thread(
        lambda: override_set(quiz=quiz, user=student, extra_minutes=30), results, errors
    )
    assert locked.wait(10)
    start = in_thread(lambda: attempt_start(quiz=quiz, user=student, now=now), results, errors)
    change.join(30)
    start.join(30)

    assert errors == []
    attempt = Attempt.objects.get(quiz=quiz, user=student)
    # The new override (10 + 30 minutes), not the old one (10 × 2) it would have read without
    # waiting for the lock.
    assert attempt.deadline == now + timedelta(minutes=40)


def test_starts_racing_override_changes_use_one_override_or_the_other():
    quiz = QuizFactory(questions=1, time_limit=LIMIT)
    now = timezone.now()
    old_deadline = now + 2 * LIMIT  # time_multiplier 2, no closing date
    new_deadline = now + timedelta(minutes=5)  # closes in 5 minutes, no multiplier
    for _ in range(8):
        student = UserFactory()
        override_set(quiz=quiz, user=student, time_multiplier=Decimal("2"))
        barrier = threading.Barrier(2)
        results, errors = [], []

        def change(student=student, barrier=barrier):
            barrier.wait()
            return override_set(quiz=quiz, user=student, closes=new_deadline)

        def start(student=student, barrier=barrier):
            barrier.wait()
            return attempt_start(quiz=quiz, user=student, now=now)

        threads = [in_thread(change, results, errors), in_thread(start, results, errors)]
        for thread in threads:
            thread.join(30)
        assert errors == []
        deadline = Attempt.objects.get(quiz=quiz, user=student).deadline
        # A mix would be the quiz's own 10 minutes (neither the multiplier nor the date) or
        # both at once; the second is the new deadline anyway, so the first is what to rule out.
        assert deadline in {old_deadline, new_deadline}
        assert deadline != now + LIMIT
