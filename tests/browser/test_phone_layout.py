"""A phone, 390 px wide: no page scrolls sideways, nothing hides in a sideways scroll inside
the page (the attempts table once hid its grade and Review columns so), and a timed attempt
keeps its time left in view however long the question."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from quizzes.services.attempts import attempt_start
from tests.browser.demo_world import (
    ANONYMOUS_PAGES,
    browser_context,
    build_demo_world,
    student_pages,
)
from tests.factories import QuestionFactory, QuizFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}

# What does not fit the screen: the page scrolling sideways, a box scrolling sideways inside it,
# or text standing outside the screen (a box clipped to hide it, such as visually hidden
# labels, and the skip link waiting off screen for focus do not count).
OFF_SCREEN = """() => {
  const width = document.documentElement.clientWidth;
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + (typeof el.className === "string" && el.className ? "." + el.className : "")
    + " “" + el.textContent.trim().slice(0, 40) + "”";
  const clipped = (el) => {
    for (let node = el; node; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.clipPath !== "none" || style.visibility === "hidden") return true;
      if (style.display === "none" || node.classList.contains("skip-link")) return true;
    }
    return false;
  };
  const problems = [];
  if (document.documentElement.scrollWidth > width) {
    problems.push("the page is " + document.documentElement.scrollWidth + "px wide");
  }
  for (const el of document.querySelectorAll("body *")) {
    const style = getComputedStyle(el);
    if (["auto", "scroll"].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1) {
      problems.push("scrolls sideways inside: " + name(el));
    }
    const ownText = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!ownText) continue;
    const box = el.getBoundingClientRect();
    if (box.width && (box.right > width + 1 || box.left < -1) && !clipped(el)) {
      const where = Math.round(box.left) + "–" + Math.round(box.right) + "px";
      problems.push("off screen (" + where + "): " + name(el));
    }
  }
  return problems;
}"""


def test_no_student_page_hides_anything_sideways_on_a_phone(browser, live_server):
    world = build_demo_world()
    problems, visited = [], 0
    results = [f"/admin/quizzes/quiz/{world.finished.quiz_id}/results/"]
    for user, urls in (
        (None, ANONYMOUS_PAGES),
        (world.student, student_pages(world)),
        (world.teacher, results),
    ):
        context = browser_context(browser, live_server, user, **PHONE)
        page = context.new_page()
        try:
            for url in urls:
                page.goto(url)
                visited += 1
                problems += [f"{url}: {problem}" for problem in page.evaluate(OFF_SCREEN)]
        finally:
            context.close()
    assert visited > 30
    assert not problems, "\n".join(problems)


def test_the_attempts_table_shows_every_column_on_a_phone(browser, live_server):
    student = UserFactory(username="ana")
    quiz = QuizFactory(title="The Geneva meeting of March 2009, in full", questions=2)
    attempt_start(quiz=quiz, user=student, now=timezone.now())
    context = browser_context(browser, live_server, student, **PHONE)
    try:
        page = context.new_page()
        page.goto("/attempts/")
        for cell in ("Quiz", "Attempt", "Started", "State", "Grade"):
            expect(page.locator(f'td[data-label="{cell}"]')).to_be_in_viewport()
        expect(page.get_by_role("link", name="Continue")).to_be_in_viewport()
        assert page.evaluate(OFF_SCREEN) == []
    finally:
        context.close()


LONG = " ".join(["Clinton and Lavrov met in Geneva to press a reset button."] * 60)


@pytest.mark.parametrize("size", [PHONE, {"width": 1200, "height": 700}], ids=["phone", "laptop"])
def test_the_time_left_stays_in_view_on_a_question_longer_than_the_screen(
    browser, live_server, size
):
    student = UserFactory(username="ana")
    quiz = QuizFactory(
        questions=[QuestionFactory(text=LONG), QuestionFactory()],
        time_limit=timedelta(minutes=10),
    )
    attempt, _ = attempt_start(quiz=quiz, user=student, now=timezone.now())
    context = browser_context(browser, live_server, student, **size)
    try:
        page = context.new_page()
        page.goto(f"{attempt.get_absolute_url()}?q=1")
        timer = page.locator("#timer")
        expect(timer).to_be_in_viewport()
        assert page.evaluate("document.documentElement.scrollHeight") > 2 * size["height"]
        page.get_by_role("button", name="Next").scroll_into_view_if_needed()
        page.mouse.wheel(0, 20_000)
        page.wait_for_function("window.scrollY > 1000")
        expect(timer).to_be_in_viewport()
        box = timer.bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= size["height"]
        # Nothing covers the time left, and it still counts down.
        expect(timer).to_have_text(re.compile(r"^(9:5\d|10:00)$"))
    finally:
        context.close()
