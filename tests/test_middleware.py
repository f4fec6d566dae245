"""A NUL byte in an admin query string or form is refused before a list filter sends it to the
database; the student pages and the API answer it with their own form and field errors."""

import pytest

from tests.factories import QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))
    return client


def test_a_nul_in_an_admin_filter_is_a_400_not_a_database_error(staff_client):
    QuestionFactory()
    response = staff_client.get("/admin/quizzes/question/", {"kind__exact": "\x00"})
    assert response.status_code == 400
    assert b"NUL character" in response.content
    assert staff_client.get("/admin/quizzes/question/", {"kind__exact": "cloze"}).status_code == 200


def test_a_nul_in_an_admin_form_is_a_400(staff_client):
    response = staff_client.post("/admin/quizzes/tag/add/", {"slug": "a\x00", "name": "A"})
    assert response.status_code == 400


def test_student_forms_answer_a_nul_with_their_own_form_error(client):
    response = client.post(
        "/accounts/signup/",
        {"username": "new\x00user", "password1": "a-long-pass-9", "password2": "a-long-pass-9"},
    )
    assert response.status_code == 200
    assert "Null characters are not allowed" in response.content.decode()


def test_json_bodies_are_left_to_the_api_which_answers_per_field(client):
    response = client.post(
        "/api/auth/token/", {"username": "a\x00", "password": "x"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "username" in response.json()
