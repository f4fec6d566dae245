"""Real races on PostgreSQL: two tabs finishing at once, two simultaneous starts.

Each thread uses its own database connection (Django gives every thread one) and closes it at the
end. SQLite serialises whole-database writes, so these races cannot happen there: the tests run
on PostgreSQL only (CI runs the suite on both databases).
"""

import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from quizzes.models import Attempt, AttemptState, Response
from quizzes.services import attempts as service
from quizzes.services.attempts import attempt_finish, attempt_start
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


def run_together(target, count=2):
    """Run `target()` in `count` threads released at the same moment; return results/errors."""
    barrier = threading.Barrier(count)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(target())
        except Exception as error:  # collected and asserted on by the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results, errors


def test_two_threads_finishing_the_same_attempt_grade_it_once(monkeypatch):
    student = UserFactory()
    quiz = QuizFactory(questions=5)
    attempt, _ = attempt_start(quiz=quiz, user=student, now=timezone.now())
    for response in Response.objects.filter(attempt=attempt):
        best = max(response.snapshot["choices"], key=lambda c: c["fraction"])["id"]
        service.attempt_save_answer(
            attempt=attempt, question_id=response.question_id, answer=best, now=timezone.now()
        )

    calls = []
    lock = threading.Lock()
    real = service.grading.grade_answer

    def counting(**kwargs):
        with lock:
            calls.append(1)
        return real(**kwargs)

    monkeypatch.setattr(service.grading, "grade_answer", counting)
    results, errors = run_together(lambda: attempt_finish(attempt=attempt, now=timezone.now()))

    assert errors == []
    assert len(calls) == 5  # five responses, graded once
    assert {(a.grade, a.finished_at) for a in results} == {
        (results[0].grade, results[0].finished_at)
    }
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.FINISHED
    assert attempt.grade == results[0].grade == 100


def test_two_simultaneous_starts_with_one_attempt_allowed_make_one_attempt():
    student = UserFactory()
    quiz = QuizFactory(questions=3, attempts_allowed=1)
    results, errors = run_together(
        lambda: attempt_start(quiz=quiz, user=student, now=timezone.now()), count=4
    )

    assert errors == []
    assert Attempt.objects.filter(quiz=quiz, user=student).count() == 1
    assert sorted(created for _, created in results) == [False, False, False, True]
    assert len({attempt.pk for attempt, _ in results}) == 1
    assert Response.objects.filter(attempt__quiz=quiz).count() == 3


def test_a_save_racing_a_finish_is_either_graded_or_refused():
    """Never a saved answer that the grade did not see."""
    from quizzes.services.exceptions import AttemptClosed

    student = UserFactory()
    quiz = QuizFactory(questions=1, attempts_allowed=None)
    for _ in range(5):
        attempt, _ = attempt_start(quiz=quiz, user=student, now=timezone.now())
        response = Response.objects.get(attempt=attempt)
        best = max(response.snapshot["choices"], key=lambda c: c["fraction"])["id"]
        calls = iter(["finish", "save"])
        lock = threading.Lock()

        def act(attempt=attempt, response=response, best=best, calls=calls, lock=lock):
            with lock:
                what = next(calls)
            if what == "finish":
                return attempt_finish(attempt=attempt, now=timezone.now())
            try:
                return service.attempt_save_answer(
                    attempt=attempt,
                    question_id=response.question_id,
                    answer=best,
                    now=timezone.now(),
                )
            except AttemptClosed:
                return "refused"

        _, errors = run_together(act)
        assert errors == []
        response.refresh_from_db()
        attempt.refresh_from_db()
        expected = service.grading.grade_answer(snapshot=response.snapshot, answer=response.answer)
        assert response.fraction == expected
        assert attempt.grade == (100 if response.answer == best else 0)
