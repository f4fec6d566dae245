"""A student joins a class with its code in Chromium, sees what is due on the home page in
their own time zone with the time they have, and starts the quiz with that time on the timer."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from quizzes.services.classes import assign_quiz, override_set
from tests.browser.conftest import TIMEOUT_MS
from tests.factories import ClassroomFactory, QuizFactory, TeacherFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def tokyo_page(browser, live_server):
    """A browser in Tokyo (UTC+9, no summer time), far from the server's UTC."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 1200, "height": 900},
        timezone_id="Asia/Tokyo",
        locale="en-GB",
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


def test_a_student_joins_with_the_code_and_sees_the_due_quiz_with_their_time(tokyo_page, login):
    page = tokyo_page
    classroom = ClassroomFactory(name="Year 9 history", teachers=[TeacherFactory()])
    quiz = QuizFactory(
        title="Geneva, timed", questions=2, time_limit=timedelta(minutes=10), public=False
    )
    due = (datetime.now(UTC) + timedelta(days=2)).replace(hour=15, minute=0, second=0)
    assign_quiz(classroom=classroom, quiz=quiz, closes=due)
    student = UserFactory(username="cleo")
    override_set(quiz=quiz, user=student, time_multiplier=Decimal("1.5"))

    login("cleo", target_page=page)
    page.goto("/")
    expect(page.get_by_text("Nothing is due.")).to_be_visible()
    page.get_by_role("link", name="Join a class").click()

    page.get_by_label("Join code").fill("wrong-code")
    page.get_by_role("button", name="Join the class").click()
    expect(page.get_by_text("No class has the code “wrong-code”")).to_be_visible()
    expect(page.get_by_label("Join code")).to_have_value("wrong-code")

    page.get_by_label("Join code").fill(classroom.join_code.lower())
    page.get_by_role("button", name="Join the class").click()
    expect(page.get_by_text("You joined Year 9 history.")).to_be_visible()
    expect(page.get_by_role("heading", name="Year 9 history")).to_be_visible()

    page.get_by_role("link", name="Factcards").first.click()
    due_section = page.locator("section.due")
    card = due_section.locator(".due-soon li", has_text="Geneva, timed")
    expect(card).to_be_visible()
    expect(card).to_contain_text("Your time: 15 min")
    # 15:00 UTC is midnight in Tokyo: the date shown is the next day's, at 00:00, in Tokyo.
    tokyo = due.astimezone(ZoneInfo("Asia/Tokyo"))
    shown = card.locator("time")
    expect(shown).to_contain_text("Asia/Tokyo")
    expect(shown).to_contain_text(f"{tokyo.day} ")
    expect(shown).to_contain_text("00:00")

    card.get_by_role("link", name="Geneva, timed").click()
    expect(page.get_by_text("15 min (the quiz's 10 min, with your extra time)")).to_be_visible()
    page.get_by_role("button", name="Start the quiz").click()
    remaining = int(page.locator("#timer").get_attribute("data-remaining"))
    assert 14 * 60 < remaining <= 15 * 60
