"""The review and Check as a student sees them: the page's visible text, at 1200 and 390 px."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from quizzes.models import FeedbackMode
from quizzes.services.attempts import attempt_finish
from tests.every_kind import answered_wrongly, every_kind_quiz
from tests.factories import UserFactory
from tests.review_leaks import TEXT_OPTIONS, squash, text_leaks

pytestmark = pytest.mark.django_db(transaction=True)

HIDDEN = set(TEXT_OPTIONS)  # the right answers, specific and general feedback, the source sentence


@pytest.fixture
def ana(transactional_db):
    return UserFactory(username="ana")


def _items(page) -> dict[int, str]:
    """Each review item's visible text (innerText: what is on screen, not the markup)."""
    items = page.locator(".review-item")
    return {n: squash(items.nth(n - 1).inner_text()) for n in range(1, items.count() + 1)}


def test_a_review_that_hides_the_answers_shows_none_of_them_on_screen(page, login, ana):
    # Feedback, explanations and sentences that all name the right answer, as the demo's do.
    quiz = every_kind_quiz(off=HIDDEN, naming=True)
    attempt = attempt_finish(attempt=answered_wrongly(quiz, ana), now=timezone.now())
    login("ana")
    page.goto(f"/attempts/{attempt.pk}/review/")
    snapshots = {r.slot: r.snapshot for r in attempt.responses.all()}
    items = _items(page)
    assert len(items) == len(snapshots)
    for slot, text in items.items():
        assert text_leaks(text, snapshots[slot], HIDDEN) == [], text
        assert "Correct answer" not in text
        assert "Not correct" in text  # whether correct and the marks still show
    main = page.locator("main")
    expect(main).to_contain_text("This quiz does not show the feedback on your answers")
    expect(page.locator("blockquote")).to_have_count(0)
    expect(page.locator(".explanation, .feedback-text")).to_have_count(0)


def test_the_review_marks_the_pick_and_the_right_options_in_words_on_a_phone(
    phone_page, login, ana
):
    quiz = every_kind_quiz(naming=True)
    attempt = attempt_finish(attempt=answered_wrongly(quiz, ana), now=timezone.now())
    login("ana", target_page=phone_page)
    page = phone_page
    page.goto(f"/attempts/{attempt.pk}/review/")
    single = page.locator("#q1 .review-choice")
    expect(single).to_have_count(4)
    expect(single.nth(0)).to_have_text(re.compile(r"Genf-SC\s+✓ Correct answer"))
    expect(single.nth(1)).to_have_text(re.compile(r"Paris-SC\s+Your answer"))
    expect(page.locator("#q2 .tag-correct")).to_have_count(2)
    expect(page.locator("#q2 .tag-yours")).to_have_count(2)
    expect(page.locator("#q4")).to_contain_text(re.compile(r"Correct answer\s*Peregruzka-SA"))
    expect(page.locator("#q1 blockquote")).to_contain_text("it was Genf-SC")
    # Nothing scrolls sideways at 390 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # The marks are words with enough contrast, not colour alone.
    colour = single.nth(0).locator(".tag-correct").evaluate("e => getComputedStyle(e).color")
    assert colour == "rgb(20, 108, 46)"  # --good: 6.5:1 on white


def test_check_marks_the_chosen_option_and_the_right_one(page, login, ana):
    quiz = every_kind_quiz(feedback_mode=FeedbackMode.IMMEDIATE)
    attempt = answered_wrongly(quiz, ana)
    login("ana")
    page.goto(attempt.get_absolute_url())
    page.get_by_role("button", name="Check").click()
    expect(page.locator("#feedback")).to_contain_text("Not correct")
    expect(page.locator(".choice", has_text="Paris-SC")).to_contain_text("Your answer")
    expect(page.locator(".choice", has_text="Genf-SC")).to_contain_text("✓ Correct answer")
    expect(page.locator(".choice", has_text="Rome-SC")).not_to_contain_text("answer")
    # The label still names the option first, so it reads "Genf-SC, correct answer".
    expect(page.get_by_label("Genf-SC")).to_be_disabled()


def test_check_on_a_quiz_that_hides_the_answers_shows_only_the_verdict(page, login, ana):
    quiz = every_kind_quiz(off=HIDDEN, naming=True, feedback_mode=FeedbackMode.IMMEDIATE)
    attempt = answered_wrongly(quiz, ana)
    snapshots = {r.slot: r.snapshot for r in attempt.responses.all()}
    login("ana")
    for slot in sorted(snapshots):
        page.goto(f"{attempt.get_absolute_url()}?q={slot}")
        page.get_by_role("button", name="Check").click()
        expect(page.locator("#feedback")).to_contain_text("Not correct")
        text = squash(page.locator("main").inner_text())
        assert text_leaks(text, snapshots[slot], HIDDEN) == [], text
        assert "Correct answer" not in text
