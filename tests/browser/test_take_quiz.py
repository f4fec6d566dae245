"""A student takes quizzes in Chromium: clicking and typing, reloading, the timer, the keyboard."""

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from quizzes.models import Attempt, AttemptState
from tests.factories import ArticleFactory, FactFactory, QuestionFactory, QuizFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

SENTENCE = (
    "US Secretary of State Hillary Clinton met Russia's foreign minister Sergei Lavrov "
    "in Geneva on Friday."
)


@pytest.fixture
def reset_quiz():
    article = ArticleFactory(slug="reset-button", title="Clinton and Lavrov press the reset button")
    fact = FactFactory(
        article=article, sentence=SENTENCE, answer="Sergei Lavrov", key="geneva-meeting"
    )
    return QuizFactory(
        title="The reset button",
        slug="reset",
        shuffle_choices=False,
        pass_mark=50,
        questions=[
            QuestionFactory(fact=fact),
            QuestionFactory(short_answer=True, fact=fact),
            QuestionFactory(numeric=True, fact=fact),
        ],
    )


def test_a_student_takes_a_quiz_reloads_midway_and_reviews_it(page, login, reset_quiz):
    UserFactory(username="ana")
    login("ana")
    page.goto("/quizzes/")
    page.get_by_role("link", name="The reset button").click()
    page.get_by_role("button", name="Start the quiz").click()

    expect(page.get_by_text("Question 1 of 3")).to_be_visible()
    page.get_by_label("Sergei Lavrov").check()
    expect(page.locator("#save-status")).to_have_text("Saved.")
    page.get_by_role("button", name="Next").click()

    expect(page.get_by_text("Question 2 of 3")).to_be_visible()
    page.get_by_label("Whom did Clinton meet in Geneva?").fill("Lavrov")
    expect(page.locator("#save-status")).to_have_text("Saved.")

    page.reload()
    expect(page.get_by_label("Whom did Clinton meet in Geneva?")).to_have_value("Lavrov")
    page.get_by_role("button", name="Question 1, answered").click()
    expect(page.get_by_label("Sergei Lavrov")).to_be_checked()

    page.goto(page.url.split("?")[0] + "?q=3")
    page.get_by_label("In which year did the Geneva meeting take place?").fill("2009")
    page.get_by_role("button", name="Finish attempt…").first.click()
    expect(page.get_by_text("You have answered every question.")).to_be_visible()
    page.get_by_role("button", name="Finish and submit").click()

    expect(page.get_by_role("heading", name="Review: The reset button")).to_be_visible()
    expect(page.get_by_text("100 out of 100")).to_be_visible()
    expect(page.get_by_text("Passed")).to_be_visible()
    expect(page.locator("blockquote").first).to_have_text(SENTENCE)
    page.get_by_role("link", name="Clinton and Lavrov press the reset button").first.click()
    expect(page.locator("mark#fact")).to_have_text(SENTENCE)


def test_a_timed_quiz_submits_itself_at_the_deadline(page, login):
    """Ten minutes pass on Playwright's clock, not the test's: the page's `Date` and timers are
    fake from before the attempt opens, and paused, so the test moves time by hand. The server
    keeps real time, so the hand-in it receives is the page's own doing, minutes early."""
    quiz = QuizFactory(title="Quick fire", questions=2, time_limit=timedelta(minutes=10))
    UserFactory(username="ben")
    login("ben")
    page.clock.install()
    page.clock.pause_at(datetime.now(UTC) + timedelta(minutes=1))
    page.goto(quiz.get_absolute_url())
    page.get_by_role("button", name="Start the quiz").click()
    timer = page.locator("#timer")
    expect(timer).to_be_visible()
    remaining = int(timer.get_attribute("data-remaining"))
    assert 590 <= remaining <= 600
    page.get_by_label("Sergei Lavrov").check()
    expect(page.locator("#save-status")).to_have_text("Saved.")

    page.clock.run_for((remaining - 1) * 1000)  # one second before the deadline
    expect(timer).to_have_text("0:01")
    expect(page.locator("#timer-alert")).to_have_text("One minute left.")
    expect(page.get_by_text("Question 1 of 2")).to_be_visible()
    assert Attempt.objects.get(quiz=quiz).state == AttemptState.IN_PROGRESS

    page.clock.run_for(1000)  # the deadline
    expect(page.get_by_role("heading", name="Review: Quick fire")).to_be_visible()
    expect(page.get_by_text("Time was up: your attempt was submitted.")).to_be_visible()
    attempt = Attempt.objects.get(quiz=quiz)
    assert attempt.state == AttemptState.FINISHED
    assert attempt.finished_at < attempt.deadline
    assert attempt.score == 1


def test_the_whole_quiz_can_be_taken_with_the_keyboard(page, login, reset_quiz):
    UserFactory(username="cai")
    login("cai")
    page.goto(reset_quiz.get_absolute_url())
    # Tab to the Start button and press Enter.
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Start the quiz":
            break
    page.keyboard.press("Enter")
    expect(page.get_by_text("Question 1 of 3")).to_be_visible()

    # Question 1: Tab into the radio group, arrow to the right choice, Tab on to Next.
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.type")
    while focused != "radio":
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.type")
    page.keyboard.press("Space")
    expect(page.get_by_label("Sergei Lavrov")).to_be_checked()
    page.keyboard.press("Tab")  # the flag checkbox
    page.keyboard.press("Tab")  # Next
    assert page.evaluate("document.activeElement.textContent.trim()") == "Next"
    page.keyboard.press("Enter")

    expect(page.get_by_text("Question 2 of 3")).to_be_visible()
    answer = page.get_by_label("Whom did Clinton meet in Geneva?")
    answer.focus()
    page.keyboard.type("Lavrov")
    page.keyboard.press("Enter")  # Enter in the text box moves on

    expect(page.get_by_text("Question 3 of 3")).to_be_visible()
    page.get_by_label("In which year did the Geneva meeting take place?").focus()
    page.keyboard.type("2009")
    page.keyboard.press("Tab")  # flag
    page.keyboard.press("Tab")  # Previous
    page.keyboard.press("Tab")  # Finish attempt…
    assert page.evaluate("document.activeElement.textContent.trim()") == "Finish attempt…"
    page.keyboard.press("Enter")
    expect(page.get_by_text("You have answered every question.")).to_be_visible()
    page.get_by_role("button", name="Finish and submit").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("100 out of 100")).to_be_visible()


def test_the_attempt_page_fits_a_phone(phone_page, login, reset_quiz):
    UserFactory(username="dee")
    login("dee", target_page=phone_page)
    phone_page.goto(reset_quiz.get_absolute_url())
    phone_page.get_by_role("button", name="Start the quiz").click()
    expect(phone_page.get_by_text("Question 1 of 3")).to_be_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
