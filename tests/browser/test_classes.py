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


def test_a_student_sees_the_assigned_decks_in_due_and_studies_one(tokyo_page, login):
    from flashcards.services.assignments import assign_deck
    from tests.factories import CardFactory, DeckFactory

    page = tokyo_page
    student = UserFactory(username="dora")
    classroom = ClassroomFactory(name="Year 9 geography", students=[student])
    late = DeckFactory(title="Capitals", public=False)
    CardFactory(deck=late, front="Capital of Switzerland?", back="Bern")
    soon = DeckFactory(title="Rivers", public=False)
    CardFactory.create_batch(3, deck=soon)
    due = (datetime.now(UTC) + timedelta(days=2)).replace(hour=15, minute=0, second=0)
    assign_deck(classroom=classroom, item=late, closes=datetime.now(UTC) - timedelta(days=1))
    assign_deck(classroom=classroom, item=soon, closes=due)

    login("dora", target_page=page)
    page.goto("/")
    overdue = page.locator("section.due .due-overdue li", has_text="Capitals")
    expect(overdue).to_contain_text("Was due")
    expect(overdue).to_contain_text("0 cards due · 1 new today · 0 of 1 studied")
    rivers = page.locator("section.due .due-soon li", has_text="Rivers")
    expect(rivers).to_contain_text("3 new today · 0 of 3 studied")
    tokyo = due.astimezone(ZoneInfo("Asia/Tokyo"))
    expect(rivers.locator("time")).to_contain_text("Asia/Tokyo")
    expect(rivers.locator("time")).to_contain_text(f"{tokyo.day} ")

    # Past its due date the deck still opens for study (practice is never locked).
    overdue.get_by_role("link", name="Study Capitals").click()
    expect(page.get_by_text("Capital of Switzerland?")).to_be_visible()
