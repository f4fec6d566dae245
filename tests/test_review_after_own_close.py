"""The "after the quiz closes" review moment is after the quiz closes *for the student*: their
effective closing date (the class's due date, their own or their class's override), as Moodle
reads it. A student whose override keeps their window open does not get the after-close options
(right answers, marks) yet; after their own close they do. Pages, API, lists and query counts."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Quiz, QuizOverride, ReviewMoment
from quizzes.services.attempts import (
    attempt_finish,
    attempt_start,
    marks_shown,
    quiz_standing_for_student,
    review_access,
)
from quizzes.services.classes import assign_quiz, override_set
from tests.factories import ClassroomFactory, QuizFactory
from tests.review_leaks import visible_text

pytestmark = pytest.mark.django_db

NOW = timezone.now()
LATER = ReviewMoment.IMMEDIATELY_AFTER | ReviewMoment.LATER_WHILE_OPEN | ReviewMoment.AFTER_CLOSE


def _quiz(**fields):
    """Reviewable at every moment; right answers and marks only after the quiz closes."""
    return QuizFactory(
        questions=1,
        review_attempt=LATER,
        review_right_answer=ReviewMoment.AFTER_CLOSE,
        review_marks=ReviewMoment.AFTER_CLOSE,
        **fields,
    )


def _finished(quiz, user, *, at):
    attempt, _ = attempt_start(quiz=quiz, user=user, now=at)
    return attempt_finish(attempt=attempt, now=at)


@pytest.fixture
def extended(student, other_student):
    """The quiz closed an hour ago for everyone but `student`, whose override closes tomorrow;
    both finished an attempt before it closed."""
    quiz = _quiz(closes_at=NOW + timedelta(hours=1))
    ClassroomFactory(students=[student, other_student])
    override_set(quiz=quiz, user=student, closes=NOW + timedelta(days=1))
    mine = _finished(quiz, student, at=NOW - timedelta(hours=3))
    theirs = _finished(quiz, other_student, at=NOW - timedelta(hours=3))
    Quiz.objects.filter(pk=quiz.pk).update(closes_at=NOW - timedelta(hours=1))
    quiz.refresh_from_db()
    mine.refresh_from_db()
    theirs.refresh_from_db()
    return quiz, mine, theirs


def test_an_open_window_keeps_the_after_close_options_closed(extended):
    _, mine, theirs = extended
    access = review_access(attempt=mine, now=NOW)
    assert access.moment == ReviewMoment.LATER_WHILE_OPEN
    assert access.allowed and not access.options.right_answer and not access.options.marks
    assert not marks_shown(attempt=mine, now=NOW)
    # The classmate's window closed with the quiz's: they are after close.
    other = review_access(attempt=theirs, now=NOW)
    assert other.moment == ReviewMoment.AFTER_CLOSE and other.options.right_answer
    assert marks_shown(attempt=theirs, now=NOW)


def test_after_the_students_own_close_they_get_them(extended):
    _, mine, _ = extended
    after = NOW + timedelta(days=1, seconds=1)
    access = review_access(attempt=mine, now=after)
    assert access.moment == ReviewMoment.AFTER_CLOSE
    assert access.options.right_answer and access.options.marks
    assert marks_shown(attempt=mine, now=after)


def test_a_class_due_date_closes_a_quiz_that_never_closes(student):
    quiz = _quiz()
    assign_quiz(
        classroom=ClassroomFactory(students=[student]), quiz=quiz, closes=NOW + timedelta(hours=1)
    )
    attempt = _finished(quiz, student, at=NOW)
    assert review_access(attempt=attempt, now=NOW + timedelta(minutes=30)).moment == (
        ReviewMoment.LATER_WHILE_OPEN
    )
    assert review_access(attempt=attempt, now=NOW + timedelta(hours=2)).moment == (
        ReviewMoment.AFTER_CLOSE
    )


def test_the_quiz_page_hides_the_grade_until_the_students_own_close(extended, student):
    quiz, _, _ = extended
    assert quiz_standing_for_student(quiz=quiz, user=student, now=NOW).grade_hidden
    later = NOW + timedelta(days=2)
    assert not quiz_standing_for_student(quiz=quiz, user=student, now=later).grade_hidden


def test_the_review_page_follows_the_students_own_close(extended, student_client):
    _, mine, _ = extended
    url = reverse("attempt-review", kwargs={"pk": mine.pk})
    body = student_client.get(url).content.decode()
    # The date it names is the student's own close (tomorrow), not the quiz's (past).
    assert "The review shows the marks and the right answers once the quiz closes (" in (
        visible_text(body)
    )
    assert "Correct answer" not in body

    QuizOverride.objects.filter(user__isnull=False).update(closes=NOW - timedelta(minutes=1))
    body = student_client.get(url).content.decode()
    assert "Correct answer" in body
    assert "once the quiz closes" not in visible_text(body)


def test_the_attempts_page_and_the_api_hide_the_marks_until_then(
    extended, student_client, api_client_for, student
):
    _, mine, _ = extended
    text = visible_text(student_client.get(reverse("attempt-list")).content.decode())
    assert "Not shown yet" in text
    api = api_client_for(student)
    [row] = api.get("/api/attempts/").json()["results"]
    assert row["grade"] is None and row["score"] is None
    assert "right_answer" not in [
        name
        for name, shown in api.get(f"/api/attempts/{mine.pk}/review/").json()["shows"].items()
        if shown
    ]

    QuizOverride.objects.filter(user__isnull=False).update(closes=NOW - timedelta(minutes=1))
    text = visible_text(student_client.get(reverse("attempt-list")).content.decode())
    assert "Not shown yet" not in text
    [row] = api.get("/api/attempts/").json()["results"]
    assert row["grade"] is not None
    assert api.get(f"/api/attempts/{mine.pk}/review/").json()["shows"]["right_answer"]


@pytest.mark.parametrize("count", [1, 5])
def test_the_attempts_page_reads_the_closing_dates_at_once(
    student, student_client, django_assert_max_num_queries, count
):
    for _ in range(count):
        quiz = _quiz(closes_at=NOW + timedelta(days=1))
        override_set(quiz=quiz, user=student, closes=NOW + timedelta(days=2))
        _finished(quiz, student, at=NOW)
    # Session, user, the attempts with their quizzes, the student's rules on them.
    with django_assert_max_num_queries(4):
        text = visible_text(student_client.get(reverse("attempt-list")).content.decode())
    assert text.count("Not shown yet") == count


def test_the_review_page_reads_the_closing_date_once(
    extended, student_client, django_assert_max_num_queries
):
    _, mine, _ = extended
    # Session, user, the attempt, the student's rules, the attempt with its responses.
    with django_assert_max_num_queries(6):
        assert (
            student_client.get(reverse("attempt-review", kwargs={"pk": mine.pk})).status_code == 200
        )
