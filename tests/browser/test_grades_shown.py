"""Grades as a student reads them in Chromium: 0, 25 and 33.33 written the same way on every
page that shows them, and as the API gives them."""

import re

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tests.browser.demo_world import browser_context
from tests.factories import QuizFactory, UserFactory, finished_attempt

pytestmark = pytest.mark.django_db(transaction=True)


def test_zero_a_quarter_and_a_third_read_the_same_on_every_page_and_in_the_api(
    browser, live_server
):
    student = UserFactory(username="ana")
    now = timezone.now()
    attempts = {
        "0": finished_attempt(
            quiz=QuizFactory(slug="none", questions=4), user=student, right=0, now=now
        ),
        "25": finished_attempt(
            quiz=QuizFactory(slug="quarter", questions=4), user=student, right=1, now=now
        ),
        "33.33": finished_attempt(
            quiz=QuizFactory(slug="third", questions=3), user=student, right=1, now=now
        ),
    }
    api = APIClient()
    api.force_authenticate(student)
    context = browser_context(browser, live_server, student)
    page = context.new_page()

    def text(url):
        page.goto(url)
        return page.evaluate("document.body.innerText")

    try:
        listing, history = text("/quizzes/"), text("/attempts/")
        for shown, attempt in attempts.items():
            slug = attempt.quiz.slug
            assert f"Your grade: {shown} / 100" in listing
            assert f"{shown} / 100" in history
            assert f"your grade: {shown} / 100" in text(f"/quizzes/{slug}/")
            review = text(f"/attempts/{attempt.pk}/review/")
            assert re.search(rf"Grade\s+{re.escape(shown)} out of 100", review)
            assert api.get(f"/api/attempts/{attempt.pk}/").json()["grade"] == shown
            assert api.get(f"/api/quizzes/{slug}/").json()["standing"]["final_grade"] == shown
        assert "–" not in listing and ".00" not in listing + history
    finally:
        context.close()
