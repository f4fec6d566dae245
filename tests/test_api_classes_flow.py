"""Issue 15's "done when", through the API, on the demo data of a fresh `make run`.

A teacher creates a class; the demo student joins it with its code; the teacher assigns the
timed quiz with a due date and gives the student 50 % extra time; the student takes the quiz;
the teacher sees the attempt in the class's gradebook and downloads it as CSV. Every step is a
request to the paths the README lists, signed in with the demo logins' tokens.
"""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from quizzes.models import QuizOverride

pytestmark = pytest.mark.django_db

# What `make run` loads (the Makefile's FIXTURES), and the demo logins' password.
FIXTURES = ("articles", "questions", "quizzes", "flashcards", "demo_users", "classes")
PASSWORD = "reset-2009"
QUIZ = "geneva-timed-challenge"  # the demo quiz with a time limit (10 minutes)


def signed_in(username: str) -> APIClient:
    response = APIClient().post(
        "/api/auth/token/", {"username": username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.json()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return api


def test_a_teacher_runs_a_class_from_creation_to_the_gradebook_csv():
    call_command("loaddata", *FIXTURES, verbosity=0)
    # The demo class gives the demo student this very accommodation already: taken away here,
    # so that the teacher's request below is what gives it.
    QuizOverride.objects.filter(quiz__slug=QUIZ, user__username="student").delete()
    teacher, student = signed_in("teacher"), signed_in("student")

    made = teacher.post("/api/classes/", {"name": "Period 3 history"}, format="json")
    assert made.status_code == 201, made.json()
    classroom, code = made.json()["id"], made.json()["join_code"]

    joined = student.post("/api/classes/join/", {"code": code.lower()}, format="json")
    assert joined.status_code in (200, 201), joined.json()
    assert joined.json()["name"] == "Period 3 history"

    due = (datetime.now(UTC) + timedelta(days=7)).replace(microsecond=0)
    assigned = teacher.post(
        f"/api/classes/{classroom}/assignments/",
        {"quiz": QUIZ, "closes": due.isoformat()},
        format="json",
    )
    assert assigned.status_code in (200, 201), assigned.json()

    student_id = next(
        row["id"] for row in teacher.get(f"/api/classes/{classroom}/gradebook/").json()["students"]
    )
    extra = teacher.post(
        f"/api/quizzes/{QUIZ}/overrides/",
        {"user": student_id, "time_multiplier": "1.5"},
        format="json",
    )
    assert extra.status_code == 201, extra.json()

    attempt = student.post(f"/api/quizzes/{QUIZ}/attempts/")
    assert attempt.status_code == 201, attempt.json()
    body = attempt.json()
    started = datetime.fromisoformat(body["started_at"])
    # 10 minutes × 1.5: the student's deadline is 15 minutes after the start.
    assert datetime.fromisoformat(body["deadline"]) - started == timedelta(minutes=15)
    finished = student.post(f"/api/attempts/{body['id']}/finish/")
    assert finished.status_code == 200, finished.json()

    book = teacher.get(f"/api/classes/{classroom}/gradebook/")
    assert book.status_code == 200
    data = book.json()
    assert [q["slug"] for q in data["quizzes"]] == [QUIZ]
    assert datetime.fromisoformat(data["quizzes"][0]["due"]) == due
    [row] = data["students"]
    assert row["username"] == "student"
    [cell] = row["cells"]
    assert (cell["state"], cell["attempts"], cell["grade"]) == ("finished", 1, "0.00")
    assert cell["accommodation"] == "time ×1.5 (own)"
    assert data["quizzes"][0]["completion"] == 1.0

    download = teacher.get(f"/api/classes/{classroom}/gradebook/?format=csv")
    assert download.status_code == 200
    assert download["Content-Type"].startswith("text/csv")
    assert "attachment" in download["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    assert rows[0][:6] == ["class", "username", "name", "quiz", "quiz title", "state"]
    assert rows[1][:4] == ["Period 3 history", "student", rows[1][2], QUIZ]
    assert rows[1][5:9] == ["Finished", "1", "0", "100"]

    # The student may not read the gradebook of the class they are in.
    assert student.get(f"/api/classes/{classroom}/gradebook/").status_code == 403
