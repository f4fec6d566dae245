"""Matching and ordering in Chromium, answered with the keyboard only: a select per stem, and
Move up / Move down buttons whose moves are announced, then the review."""

import os

import pytest
from playwright.sync_api import expect

from tests.factories import QuestionFactory, QuizFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PAIRS = {
    "Hillary Clinton": "met Lavrov in Geneva",
    "Sergei Lavrov": "pressed the reset button",
    "Barack Obama": "sent a letter to Moscow",
}
ORDER = ["The talks opened", "The button was pressed", "The ministers dined"]
SHOTS = os.environ.get("SCREENSHOT_DIR")


@pytest.fixture
def parts_quiz():
    return QuizFactory(
        title="Who did what",
        slug="who-did-what",
        questions=[QuestionFactory(matching=True), QuestionFactory(ordering=True)],
    )


def focused(page) -> dict:
    return page.evaluate(
        "() => { const e = document.activeElement; return {tag: e.tagName, id: e.id,"
        " label: e.getAttribute('aria-label') || '', text: e.textContent.trim()}; }"
    )


def tab_to(page, matches, limit=80):
    """Press Tab until the focused element is the one wanted (keyboard only, no clicks)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if matches(focused(page)):
            return
    raise AssertionError("never reached the element by Tab")


def choose_with_arrows(page, select_id: str, text: str):
    tab_to(page, lambda f: f["id"] == select_id)
    for _ in range(10):
        chosen = page.evaluate(
            f"() => {{ const s = document.getElementById('{select_id}');"
            " return s.options[s.selectedIndex].text; }"
        )
        if chosen == text:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{text} is not an option of {select_id}")


def test_a_student_answers_matching_and_ordering_with_the_keyboard_only(page, login, parts_quiz):
    UserFactory(username="ana")
    login("ana")
    page.goto("/quizzes/who-did-what/")
    page.get_by_role("button", name="Start the quiz").focus()
    page.keyboard.press("Enter")

    expect(page.get_by_text("Question 1 of 2")).to_be_visible()
    if SHOTS:
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=os.path.join(SHOTS, "matching-390.png"), full_page=True)
        page.set_viewport_size({"width": 1200, "height": 900})
    for stem, answer in PAIRS.items():
        select = page.get_by_label(stem)  # each select is labelled by its stem
        select_id = select.get_attribute("id")
        choose_with_arrows(page, select_id, answer)
        expect(page.locator("#save-status")).to_have_text("Saved.")
    tab_to(page, lambda f: f["tag"] == "BUTTON" and f["text"] == "Next")
    page.keyboard.press("Enter")

    expect(page.get_by_text("Question 2 of 2")).to_be_visible()
    hint = page.locator("#order-hint")
    expect(hint).to_contain_text("Move up and Move down")
    # No number inputs on show with JavaScript; buttons per item instead.
    expect(page.locator(".order-place").first).to_be_hidden()
    if SHOTS:
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=os.path.join(SHOTS, "ordering-390.png"), full_page=True)
        page.set_viewport_size({"width": 1200, "height": 900})
    live = page.locator("#order-live")
    for place, text in enumerate(ORDER):
        shown = page.locator(".order-text").all_inner_texts()
        moves = shown.index(text) - place
        if moves <= 0:
            continue
        tab_to(page, lambda f, text=text: f["label"] == f"Move up: {text}")
        for step in range(moves):
            page.keyboard.press("Enter")
            # The focus stays on the moved item's button, and the move is announced.
            assert focused(page)["label"] == f"Move up: {text}"
            expect(live).to_have_text(
                f"{text} moved to position {shown.index(text) - step} of {len(ORDER)}."
            )
    assert page.locator(".order-text").all_inner_texts() == ORDER
    expect(page.locator("#save-status")).to_have_text("Saved.")
    tab_to(page, lambda f: f["tag"] == "BUTTON" and f["text"] == "Finish attempt…")
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Finish and submit")).to_be_visible()
    tab_to(page, lambda f: f["tag"] == "BUTTON" and f["text"] == "Finish and submit")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Review: Who did what")).to_be_visible()
    first, second = page.locator(".review-item").all_inner_texts()
    assert "Correct" in first and "Not correct" not in first
    for stem, answer in PAIRS.items():
        assert f"{stem}\t{answer} ✓ right" in first or f"{stem}\n{answer} ✓ right" in first, first
    assert "Your order" in second and "Correct order" in second
    assert "The talks opened ✓ right next item" in second
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "review.png"), full_page=True)
