"""One way to write a grade: "0", "25", "33.33", on every page and in the API."""

import doctest
import re
from html.parser import HTMLParser

import pytest
from django.utils import timezone

import quizzes.grades
from tests.factories import QuizFactory, UserFactory, finished_attempt

GRADES = {"none-right": "0", "one-in-four": "25", "one-in-three": "33.33"}


def test_the_grade_helper_doctests_pass():
    assert doctest.testmod(quizzes.grades).failed == 0


class _Text(HTMLParser):
    """The text of a page's <main> (or the admin's #content), roughly as a browser shows it."""

    def __init__(self):
        super().__init__()
        self.parts, self.depth, self.skip = [], 0, 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style"):
            self.skip += 1
        if self.depth or tag == "main" or attrs.get("id") == "content":
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth and not self.skip:
            self.parts.append(data)


def text_of(response) -> str:
    parser = _Text()
    parser.feed(response.content.decode())
    return re.sub(r"\s+", " ", " ".join(parser.parts))


@pytest.fixture
def graded(db, student):
    """Three quizzes out of 100 where the student's one finished attempt got 0, 25 and 33.33."""
    now = timezone.now()
    quizzes = {
        "none-right": (QuizFactory(slug="none-right", title="None right", questions=4), 0),
        "one-in-four": (QuizFactory(slug="one-in-four", title="One in four", questions=4), 1),
        "one-in-three": (QuizFactory(slug="one-in-three", title="One in three", questions=3), 1),
    }
    return {
        slug: finished_attempt(quiz=quiz, user=student, right=right, now=now)
        for slug, (quiz, right) in quizzes.items()
    }


def test_the_quiz_list_shows_each_grade_the_same_way(student_client, graded):
    text = text_of(student_client.get("/quizzes/"))
    for shown in GRADES.values():
        assert f"Your grade: {shown} / 100" in text
    assert "–" not in text  # a 0 is a grade, not a missing one


def test_the_quiz_page_history_and_review_show_each_grade_the_same_way(student_client, graded):
    history = text_of(student_client.get("/attempts/"))
    for slug, attempt in graded.items():
        shown = GRADES[slug]
        assert f"your grade: {shown} / 100" in text_of(student_client.get(f"/quizzes/{slug}/"))
        assert f"{shown} / 100" in history
        review = text_of(student_client.get(f"/attempts/{attempt.pk}/review/"))
        assert f"Grade {shown} out of 100" in review
    assert ".00" not in history


def test_the_api_writes_grades_as_the_pages_do(api_client_for, student, graded):
    api = api_client_for(student)
    mine = {row["quiz"]: row for row in api.get("/api/attempts/").json()["results"]}
    for slug, attempt in graded.items():
        shown = GRADES[slug]
        assert mine[slug]["grade"] == shown
        assert api.get(f"/api/attempts/{attempt.pk}/").json()["grade"] == shown
        standing = api.get(f"/api/quizzes/{slug}/").json()["standing"]
        assert standing["final_grade"] == shown
        assert api.get(f"/api/quizzes/{slug}/").json()["maximum_grade"] == "100"
    assert mine["one-in-four"]["score"] == "1" and mine["one-in-four"]["max_score"] == "4"


def test_the_teacher_pages_write_grades_as_the_student_pages_do(client, graded):
    client.force_login(UserFactory(username="head", is_staff=True, is_superuser=True))
    listing = text_of(client.get("/admin/quizzes/attempt/"))
    for slug, attempt in graded.items():
        shown = GRADES[slug]
        detail = text_of(client.get(f"/admin/quizzes/attempt/{attempt.pk}/change/"))
        assert f"Grade: {shown} " in detail
        results = text_of(client.get(f"/admin/quizzes/quiz/{attempt.quiz_id}/results/"))
        assert f"Mean grade {shown}" in results
    assert ".00" not in listing
