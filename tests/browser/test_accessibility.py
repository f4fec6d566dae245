"""Every student page, in a realistic state, checked by axe-core in Chromium.

axe-core comes bundled in `axe-playwright-python` (its `axe.min.js` is injected into the page);
the browser context refuses every request that does not go to the live server, so the checks
need no network. A page fails on any violation of impact "serious" or "critical"; "moderate"
and "minor" ones fail it too, so that they are fixed rather than piling up.

The same pages are then loaded on a phone-sized screen (390x844), where none may scroll
sideways, and the attempt and study pages are walked with Tab: every control is reached, and
the focused one shows the focus outline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from flashcards.models import LearningState, Rating, ReviewLog
from flashcards.services import scheduling
from quizzes.models import Enrolment, FeedbackMode
from quizzes.services.attempts import attempt_finish, attempt_save_answer, attempt_start
from tests.browser.demo_world import browser_context
from tests.factories import (
    ArticleFactory,
    CardFactory,
    ClassroomFactory,
    DeckFactory,
    FactFactory,
    QuestionFactory,
    QuizFactory,
    TeacherFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Axe()
SENTENCE = (
    "US Secretary of State Hillary Clinton met Russia's foreign minister Sergei Lavrov "
    "in Geneva on Friday."
)
KINDS = ["single_choice", "multiple_response", "true_false", "short_answer", "numeric", "cloze"]


@dataclass
class World:
    student: object
    quiz: object
    attempt: object  # in progress, on the six-kind quiz
    finished: object  # a finished attempt of the immediate-feedback quiz
    immediate_attempt: object  # in progress, on the immediate-feedback quiz, question 1 checked
    deck: object


@pytest.fixture
def world(transactional_db) -> World:
    """A student halfway through a quiz of every kind, with a finished attempt and a deck."""
    now = timezone.now()
    student = UserFactory(username="ana")
    article = ArticleFactory(slug="reset-button", title="Clinton and Lavrov press the reset button")
    fact = FactFactory(article=article, sentence=SENTENCE, key="geneva-meeting")
    questions = [
        QuestionFactory(fact=fact, **({kind: True} if kind != "single_choice" else {}))
        for kind in KINDS
    ]
    quiz = QuizFactory(
        slug="reset",
        title="The reset button",
        description="Six questions on the Geneva meeting.",
        shuffle_choices=False,
        pass_mark=50,
        time_limit=timedelta(minutes=20),
        attempts_allowed=3,
        questions=questions,
    )
    attempt, _ = attempt_start(quiz=quiz, user=student, now=now)
    first = questions[0]
    attempt_save_answer(
        attempt=attempt,
        question_id=first.pk,
        answer=first.choices.get(order=1).pk,
        now=now,
        flagged=True,
    )
    attempt_save_answer(attempt=attempt, question_id=questions[3].pk, answer="Lavrov", now=now)

    immediate = QuizFactory(
        slug="quick",
        title="Quick check",
        shuffle_choices=False,
        feedback_mode=FeedbackMode.IMMEDIATE,
        pass_mark=50,
        questions=[
            QuestionFactory(fact=fact),
            QuestionFactory(fact=fact, short_answer=True),
        ],
    )
    done, _ = attempt_start(quiz=immediate, user=student, now=now - timedelta(days=1))
    q1 = done.responses.order_by("slot").first()
    attempt_save_answer(
        attempt=done,
        question_id=q1.question_id,
        answer=q1.question.choices.get(order=2).pk,
        now=now - timedelta(days=1),
    )
    finished = attempt_finish(attempt=done, now=now - timedelta(days=1))
    again, _ = attempt_start(quiz=immediate, user=student, now=now)
    from quizzes.services.attempts import attempt_check_answer

    q1 = again.responses.order_by("slot").first()
    attempt_save_answer(
        attempt=again,
        question_id=q1.question_id,
        answer=q1.question.choices.get(order=2).pk,
        now=now,
    )
    attempt_check_answer(attempt=again, question_id=q1.question_id, now=now)

    deck = DeckFactory(slug="geneva", title="Geneva", description="The reset-button meeting.")
    cards = [
        CardFactory(
            deck=deck,
            position=1,
            front="Whom did Clinton meet in Geneva?",
            back=f"Sergei Lavrov\n\n{SENTENCE}",
        ),
        CardFactory(deck=deck, position=2, front="What did the button say?", back="Peregruzka"),
        CardFactory(deck=deck, position=3, front="Which treaty?", back="START"),
    ]
    for days_ago, rating in ((3, Rating.GOOD), (2, Rating.AGAIN), (1, Rating.EASY)):
        scheduling.review_card(
            user=student, card=cards[2], rating=rating, now=now - timedelta(days=days_ago)
        )
    # A class: the six-kind quiz due soon (with extra time), the quick one done; so the home
    # page's "Due" section and the class pages have something in them.
    from decimal import Decimal

    from quizzes.services.classes import assign_quiz, override_set

    classroom = ClassroomFactory(name="Year 9 history", teachers=[TeacherFactory()])
    Enrolment.objects.create(classroom=classroom, student=student)
    assign_quiz(classroom=classroom, quiz=quiz, closes=now + timedelta(days=2))
    assign_quiz(classroom=classroom, quiz=immediate, closes=now - timedelta(days=1))
    override_set(quiz=quiz, user=student, time_multiplier=Decimal("1.5"))
    return World(student, quiz, attempt, finished, again, deck)


def _student_page(browser, live_server, user, *, phone=False):
    """A browser context logged in as `user` (session cookie), with the network cut off."""
    size = {"width": 390, "height": 844} if phone else {"width": 1200, "height": 900}
    context = browser_context(browser, live_server, user, **size)
    return context, context.new_page()


def _slot_of(attempt, kind):
    return next(r.slot for r in attempt.responses.all() if r.snapshot["kind"] == kind)


# Each scenario brings the page into the state to check: (name, function(page, world)).
def _home(page, world):
    page.goto("/")


def _login_error(page, world):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("ana")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".form-errors")).to_be_visible()


def _signup(page, world):
    page.context.clear_cookies()
    page.goto("/accounts/signup/")


def _signup_errors(page, world):
    page.context.clear_cookies()
    page.goto("/accounts/signup/")
    page.get_by_label("Username").fill("ana")
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator(".field-error").first).to_be_visible()


def _quiz_list(page, world):
    page.goto("/quizzes/")


def _quiz_detail(page, world):
    page.goto(world.quiz.get_absolute_url())


def _attempt_page(kind):
    def go(page, world):
        page.goto(f"{world.attempt.get_absolute_url()}?q={_slot_of(world.attempt, kind)}")
        expect(page.locator("#timer")).to_be_visible()

    go.__name__ = f"_attempt_{kind}"
    return go


def _attempt_feedback(page, world):
    page.goto(f"{world.immediate_attempt.get_absolute_url()}?q=1")
    expect(page.locator(".feedback")).to_be_visible()


def _finish(page, world):
    page.goto(f"/attempts/{world.attempt.pk}/finish/")


def _review(page, world):
    page.goto(f"/attempts/{world.finished.pk}/review/")


def _history(page, world):
    page.goto("/attempts/")


def _article(page, world):
    page.goto("/articles/reset-button/?fact=geneva-meeting#fact")
    expect(page.locator("mark#fact")).to_be_visible()


def _decks(page, world):
    page.goto("/flashcards/")


def _study_front(page, world):
    page.goto("/flashcards/geneva/study/")
    expect(page.locator("html[data-flashcards=ready]")).to_have_count(1)


def _study_answer(page, world):
    _study_front(page, world)
    page.get_by_role("link", name="Show answer").click()
    expect(page.locator("#card-answer .answer")).to_be_visible()


def _study_summary(page, world):
    _study_front(page, world)
    # Easy: a card rated Good stays in the session (learning, due within the learn-ahead limit).
    for _ in range(2):
        page.get_by_role("link", name="Show answer").click()
        page.get_by_role("button", name="Easy").click()
        expect(page.locator("#progress-label")).not_to_contain_text("0 reviewed")
    expect(page.get_by_text("Session complete.")).to_be_visible()


def _stats(page, world):
    # Reviews of a learnt card in two past weeks, so the weekly retention chart is drawn too
    # (written to the log only: the study scenarios' queue stays as it is).
    card = world.deck.cards.get(position=3)
    for weeks_ago, rating in ((2, Rating.GOOD), (2, Rating.AGAIN), (1, Rating.GOOD)):
        ReviewLog.objects.create(
            user=world.student,
            card=card,
            deck=world.deck,
            rating=rating,
            reviewed_at=timezone.now() - timedelta(weeks=weeks_ago),
            state_before={"state": int(LearningState.REVIEW)},
            state_after={},
        )
    page.goto("/flashcards/geneva/stats/")
    expect(page.get_by_role("img", name="True retention per week, last 12 weeks")).to_be_visible()


def _my_classes(page, world):
    page.goto("/classes/")


def _join_error(page, world):
    page.goto("/classes/join/")
    page.get_by_label("Join code").fill("nope")
    page.get_by_role("button", name="Join the class").click()
    expect(page.locator(".field-error")).to_be_visible()


def _leave_confirmation(page, world):
    page.goto("/classes/")
    page.get_by_role("link", name="Leave Year 9 history").click()
    expect(page.get_by_role("button", name="Leave the class")).to_be_visible()


SCENARIOS = {
    "home": _home,
    "my-classes": _my_classes,
    "join-with-error": _join_error,
    "leave-confirmation": _leave_confirmation,
    "login-with-error": _login_error,
    "signup": _signup,
    "signup-with-errors": _signup_errors,
    "quiz-list": _quiz_list,
    "quiz-detail": _quiz_detail,
    **{f"attempt-{kind}": _attempt_page(kind) for kind in KINDS},
    "attempt-immediate-feedback": _attempt_feedback,
    "finish-confirmation": _finish,
    "review": _review,
    "attempt-history": _history,
    "article-highlighted": _article,
    "deck-list": _decks,
    "study-front": _study_front,
    "study-answer": _study_answer,
    "study-summary": _study_summary,
    "stats": _stats,
}


def _report(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        lines.append(
            f"{violation['impact']}: {violation['id']} ({violation['help']}) "
            f"x{len(violation['nodes'])}: {targets}"
        )
    return "\n".join(lines)


BROKEN_IDREFS = """() => {
  const broken = [];
  for (const attr of ["aria-describedby", "aria-labelledby", "aria-controls", "for", "form"]) {
    for (const el of document.querySelectorAll(`[${attr}]`)) {
      if (attr === "for" && el.tagName !== "LABEL") continue;
      for (const id of el.getAttribute(attr).split(/\\s+/).filter(Boolean)) {
        const tag = el.tagName.toLowerCase();
        if (!document.getElementById(id)) broken.push(`<${tag}> ${attr}="${id}"`);
      }
    }
  }
  return broken;
}"""


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_student_page_has_no_axe_violations(browser, live_server, world, name):
    context, page = _student_page(browser, live_server, world.student)
    try:
        SCENARIOS[name](page, world)
        results = AXE.run(page)
        violations = results.response["violations"]
        serious = [v for v in violations if v["impact"] in ("serious", "critical")]
        assert not serious, f"{name}: serious or critical axe violations:\n{_report(violations)}"
        assert not violations, f"{name}: moderate or minor axe violations:\n{_report(violations)}"
        # axe really ran its full rule set on a real page.
        assert results.response["testEngine"]["name"] == "axe-core"
        assert len(results.response["passes"]) > 10
        # axe only lists a reference to a missing id as "needs review": it is a bug here.
        assert page.evaluate(BROKEN_IDREFS) == []
        # The title says where you are, before the site's name.
        assert page.title().endswith(" · Factcards") and page.title() != "Factcards · Factcards"
    finally:
        context.close()


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_student_page_does_not_scroll_sideways_on_a_phone(browser, live_server, world, name):
    context, page = _student_page(browser, live_server, world.student, phone=True)
    try:
        SCENARIOS[name](page, world)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert page.viewport_size["width"] == 390
        assert overflow <= 0, f"{name} scrolls {overflow}px sideways on a 390px screen"
    finally:
        context.close()


# --- the keyboard ----------------------------------------------------------------------------

# Marks every control a keyboard user must be able to reach (one stop per radio group) and
# returns their labels.
MARK_TABBABLE = """() => {
  const selector =
    "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]";
  const seenRadio = new Set();
  const wanted = [];
  let n = 0;
  for (const el of document.querySelectorAll(selector)) {
    if (el.tabIndex < 0 || el.disabled || el.closest("[hidden], [inert]")) continue;
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || style.display === "none") continue;
    if ((box.width === 0 || box.height === 0) && !el.matches(".skip-link")) continue;
    if (el.type === "radio") {
      if (seenRadio.has(el.name)) continue;
      seenRadio.add(el.name);
    }
    el.dataset.tabStop = String(n++);
    const group = el.type === "radio" ? "radio group " + el.name : "";
    wanted.push(group || el.textContent.trim() || el.id || el.name);
  }
  return wanted;
}"""

# The focused element's stop, and how its focus shows: the outline and the contrast of the
# outline's colour against the background it is drawn on (the parent's when it sits outside the
# element, the element's own with a negative offset).
FOCUS_STATE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const rgb = (value) => (value.match(/[\\d.]+/g) || []).map(Number);
  const opaque = (node) => {
    for (; node; node = node.parentElement) {
      const c = rgb(getComputedStyle(node).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const a = lum(rgb(style.outlineColor).slice(0, 3));
  const inside = parseFloat(style.outlineOffset) < 0;  // drawn over the element itself
  const b = lum(opaque(inside ? el : el.parentElement));
  return {
    stop: el.dataset.tabStop === undefined ? null : Number(el.dataset.tabStop),
    label: el.textContent.trim() || el.name || el.id,
    focusVisible: el.matches(":focus-visible"),
    outline: style.outlineStyle,
    width: parseFloat(style.outlineWidth),
    contrast: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05),
  };
}"""


def _tab_through(page) -> tuple[list[str], list[dict]]:
    """Tab from the top of the page to its end; (the controls to reach, the focus states)."""
    wanted = page.evaluate(MARK_TABBABLE)
    states = []
    if page.evaluate("document.activeElement !== document.body"):
        # Something has the focus (a script put it there): start again from the first stop.
        page.evaluate("document.querySelector('.skip-link').focus()")
        states.append(page.evaluate(FOCUS_STATE))
    for _ in range(len(wanted) + 5):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STATE)
        if state is None or (states and state["stop"] == states[0]["stop"]):
            break
        states.append(state)
    return wanted, states


def _assert_every_control_reached_and_visibly_focused(page):
    wanted, states = _tab_through(page)
    reached = {state["stop"] for state in states}
    missed = [label for index, label in enumerate(wanted) if index not in reached]
    assert not missed, f"not reachable with Tab: {missed}"
    assert [s["stop"] for s in states if s["stop"] is not None] == sorted(reached), (
        "Tab order differs from the reading order"
    )
    for state in states:
        assert state["focusVisible"], state
        assert state["outline"] == "solid" and state["width"] >= 2, state
        assert state["contrast"] >= 3, f"focus outline too faint: {state}"
    return states


def test_every_control_of_an_attempt_is_reached_and_visibly_focused(browser, live_server, world):
    context, page = _student_page(browser, live_server, world.student)
    try:
        _attempt_page("true_false")(page, world)
        states = _assert_every_control_reached_and_visibly_focused(page)
        labels = [state["label"] for state in states]
        assert labels[0] == "Skip to content"
        for label in ("answer", "flagged", "Previous", "Next", "1", "6", "Finish attempt…"):
            assert label in labels, labels

        # Autosave leaves the focus where it was.
        page.get_by_label("True").focus()
        page.keyboard.press("Space")
        expect(page.locator("#save-status")).to_have_text("Saved.")
        expect(page.get_by_label("True")).to_be_focused()
        expect(page.get_by_role("button", name="Question 3, answered")).to_be_visible()
    finally:
        context.close()


def test_every_control_of_the_study_page_is_reached_and_visibly_focused(
    browser, live_server, world
):
    context, page = _student_page(browser, live_server, world.student)
    try:
        _study_front(page, world)
        states = _assert_every_control_reached_and_visibly_focused(page)
        assert "Show answer" in [state["label"] for state in states]

        page.keyboard.press("Space")
        good = page.get_by_role("button", name="Good")
        expect(good).to_be_focused()  # focus moves to the likely next step
        states = _assert_every_control_reached_and_visibly_focused(page)
        labels = " ".join(state["label"] for state in states)
        for rating in ("Again", "Hard", "Good", "Easy"):
            assert rating in labels

        page.keyboard.press("3")
        expect(page.locator("#card-front")).to_be_focused()  # the next card is read first
        expect(page.locator("#card-front")).to_have_text("What did the button say?")
    finally:
        context.close()
