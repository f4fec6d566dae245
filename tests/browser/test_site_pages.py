"""The shared pages in a real browser: logging in, keyboard focus, a phone-sized screen."""

import pytest

from tests.factories import QuizFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_student_logs_in_and_sees_the_open_quizzes(page, login):
    UserFactory(username="student")
    QuizFactory(title="Reset button basics")
    login("student")
    assert page.get_by_role("heading", name="Open quizzes").is_visible()
    assert page.get_by_role("link", name="Reset button basics").is_visible()
    assert page.get_by_role("button", name="Log out").is_visible()


def test_the_skip_link_is_the_first_tab_stop(page):
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to content"


def test_the_home_page_fits_a_phone_screen(phone_page):
    QuizFactory(title="Reset button basics")
    phone_page.goto("/")
    overflow = phone_page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
