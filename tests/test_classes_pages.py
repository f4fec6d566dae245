"""A student's class pages (join, my classes, leave), the home page's "Due" section, the quiz
pages under a student's own rules, and their query counts."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Enrolment
from quizzes.services.attempts import attempt_finish, attempt_start
from quizzes.services.classes import assign_quiz, override_set
from tests.factories import ClassroomFactory, QuizFactory, TeacherFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def test_join_with_the_code(student_client, student):
    classroom = ClassroomFactory(name="Year 9 history", teachers=[TeacherFactory()])
    response = student_client.post(
        reverse("classroom-join"), {"code": classroom.join_code.lower()}, follow=True
    )
    body = response.content.decode()
    assert "You joined Year 9 history." in body
    assert response.redirect_chain[-1][0] == reverse("classroom-list")
    assert Enrolment.objects.filter(classroom=classroom, student=student).exists()


def test_a_wrong_code_is_a_form_error_that_keeps_what_was_typed(student_client):
    response = student_client.post(reverse("classroom-join"), {"code": "abcd-wxyz"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "No class has the code “abcd-wxyz”" in body
    assert 'value="abcd-wxyz"' in body
    assert 'aria-invalid="true"' in body
    assert "<title>Error: Join a class" in body


def test_the_join_page_takes_the_code_from_a_link(student_client):
    body = student_client.get(reverse("classroom-join") + "?code=ABCD2345").content.decode()
    assert 'value="ABCD2345"' in body


def test_the_class_pages_need_a_login(client):
    for url in (reverse("classroom-list"), reverse("classroom-join")):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_my_classes_and_leaving_after_a_confirmation(student_client, student):
    classroom = ClassroomFactory(name="Chemistry", teachers=[TeacherFactory(username="mrs_w")])
    Enrolment.objects.create(classroom=classroom, student=student)
    body = student_client.get(reverse("classroom-list")).content.decode()
    assert "Chemistry" in body and "Taught by mrs_w" in body
    leave = reverse("classroom-leave", args=[classroom.pk])
    assert f'href="{leave}"' in body
    confirm = student_client.get(leave).content.decode()
    assert "Leave Chemistry?" in confirm and 'method="post"' in confirm
    assert Enrolment.objects.exists()  # a GET only asks
    response = student_client.post(leave, follow=True)
    assert "You left Chemistry." in response.content.decode()
    assert not Enrolment.objects.exists()
    assert student_client.post(leave).status_code == 404


def test_my_classes_runs_a_constant_number_of_queries(
    student_client, student, django_assert_max_num_queries
):
    counts = []
    for extra in (1, 6):
        for _ in range(extra):
            classroom = ClassroomFactory(teachers=TeacherFactory.create_batch(2))
            Enrolment.objects.create(classroom=classroom, student=student)
        with django_assert_max_num_queries(4) as queries:
            assert student_client.get(reverse("classroom-list")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def _assigned(student, *, closes, title, **quiz_fields):
    quiz = QuizFactory(title=title, questions=1, **quiz_fields)
    classroom = ClassroomFactory(students=[student])
    assign_quiz(classroom=classroom, quiz=quiz, closes=closes)
    return quiz


def test_the_home_page_sorts_what_is_due(student_client, student):
    _assigned(student, closes=NOW - timedelta(days=1), title="Late one")
    _assigned(student, closes=NOW + timedelta(days=2), title="Soon one")
    _assigned(student, closes=NOW + timedelta(days=30), title="Later one")
    done = _assigned(student, closes=NOW + timedelta(days=1), title="Done one")
    attempt_finish(attempt=attempt_start(quiz=done, user=student, now=NOW)[0], now=NOW)
    QuizFactory(title="Not assigned", questions=1)

    body = student_client.get(reverse("home")).content.decode()
    due = body[body.index('id="due"') : body.index('id="open-quizzes"')]
    order = [
        due.index(text)
        for text in ("Overdue", "Late one", "Due soon", "Soon one", "Later", "Later one", "Done")
    ]
    assert order == sorted(order)
    assert due.index("Done one") > due.index('id="due-done"')
    assert "Not assigned" not in due
    assert "Was due" in due
    # An assigned quiz is listed under "Due" only, not again under "Open quizzes".
    open_quizzes = body[body.index('id="open-quizzes"') :]
    assert "Soon one" not in open_quizzes and "Not assigned" in open_quizzes
    assert "<time datetime=" in due and "data-local-time" in due


def test_the_home_page_shows_the_time_the_student_has(student_client, student):
    quiz = _assigned(
        student, closes=NOW + timedelta(days=2), title="Timed", time_limit=timedelta(minutes=10)
    )
    override_set(quiz=quiz, user=student, time_multiplier=Decimal("1.5"))
    body = student_client.get(reverse("home")).content.decode()
    due = body[body.index('id="due"') : body.index('id="open-quizzes"')]
    assert "Your time: 15 min" in due
    detail = student_client.get(quiz.get_absolute_url()).content.decode()
    assert "15 min (the quiz's 10 min, with your extra time)" in detail
    assert "<dt>Due</dt>" in detail


def test_nothing_due_offers_the_join_page(student_client):
    body = student_client.get(reverse("home")).content.decode()
    assert "Nothing is due." in body and reverse("classroom-join") in body


def test_the_home_page_runs_a_constant_number_of_queries(
    student_client, student, django_assert_max_num_queries
):
    counts = []
    for extra in (1, 6):
        for _ in range(extra):
            quiz = _assigned(
                student, closes=NOW + timedelta(days=2), title="Q", time_limit=timedelta(minutes=5)
            )
            override_set(quiz=quiz, user=student, extra_minutes=5)
            attempt_start(quiz=quiz, user=student, now=NOW)
        # Session, user, the open quizzes; the due quizzes, their attempts and their rules.
        with django_assert_max_num_queries(6) as queries:
            assert student_client.get(reverse("home")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_quiz_that_is_not_public_is_hidden_from_students_outside_its_classes(
    student_client, student, other_student, client
):
    quiz = QuizFactory(title="Class only", questions=1, public=False)
    assert student_client.get(quiz.get_absolute_url()).status_code == 404
    assert "Class only" not in student_client.get(reverse("quiz-list")).content.decode()
    assert "Class only" not in student_client.get(reverse("home")).content.decode()
    start = reverse("quiz-start", kwargs={"slug": quiz.slug})
    assert student_client.post(start).status_code == 404

    assign_quiz(classroom=ClassroomFactory(students=[student]), quiz=quiz)
    assert student_client.get(quiz.get_absolute_url()).status_code == 200
    assert "Class only" in student_client.get(reverse("quiz-list")).content.decode()
    assert student_client.post(start).status_code == 302

    client.force_login(other_student)
    assert client.get(quiz.get_absolute_url()).status_code == 404
    client.logout()
    assert client.get(quiz.get_absolute_url()).status_code == 404
