"""With a shared cache, sessions and the signed-in user come from it, not from the database,
and every change to a user still takes effect on the very next request."""

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes.services.attempts import attempt_start
from tests.factories import QuizFactory
from tests.test_views_quizzes import correct_choice, responses, save

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _shared_cache_settings(settings):
    # The tests' cache lives in this process, which is all the process there is: it stands in for
    # the redis cache that CACHE_URL selects.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "quizzes.auth.CachedUserBackend",
    ]
    settings.USER_BACKEND = "quizzes.auth.CachedUserBackend"


def signed_in(client, user):
    client.force_login(user)
    assert client.get(reverse("quiz-list")).status_code == 200  # warms the cache
    return client


def is_signed_in(client) -> bool:
    return client.get(reverse("home")).context["user"].is_authenticated


def test_an_answer_save_reads_neither_the_session_nor_the_user_from_the_database(
    client, student, django_assert_max_num_queries
):
    quiz = QuizFactory(questions=3)
    attempt, _ = attempt_start(quiz=quiz, user=student, now=timezone.now())
    signed_in(client, student)
    first = responses(attempt)[0]
    # The response read with its attempt, one conditional UPDATE: nothing else.
    with django_assert_max_num_queries(2):
        assert save(client, attempt, first, correct_choice(first), nav="next").status_code == 302
    first.refresh_from_db()
    assert first.answer == correct_choice(first)


def test_a_deactivated_student_is_signed_out_on_the_next_request(client, student):
    signed_in(client, student)
    student.is_active = False
    student.save()
    assert not is_signed_in(client)


def test_a_password_change_ends_the_students_other_sessions(client, student):
    signed_in(client, student)
    student.set_password("a-brand-new-pass-2009")
    student.save()
    assert not is_signed_in(client)


def test_a_deleted_student_is_signed_out(client, student):
    signed_in(client, student)
    student.delete()
    assert not is_signed_in(client)


def test_losing_the_staff_flag_closes_the_admin_at_once(client, teacher):
    signed_in(client, teacher)
    assert client.get("/admin/").status_code == 200
    teacher.is_staff = False
    teacher.save()
    assert client.get("/admin/").status_code == 302


def test_logging_out_ends_the_session_for_a_copied_cookie_too(client, student):
    from django.test import Client

    signed_in(client, student)
    stolen = Client()
    stolen.cookies = client.cookies.__class__(client.cookies)
    assert is_signed_in(stolen)
    client.post(reverse("logout"))
    assert not is_signed_in(stolen)
