"""Bugs a demanding student found walking the pages, each pinned by the behaviour it fixed."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from quizzes.models import FeedbackMode
from quizzes.services.attempts import attempt_finish, attempt_save_answer, attempt_start
from tests.factories import FactFactory, QuestionFactory, QuizFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

SENTENCE = "Clinton said Washington was troubled by the use of energy as a tool of intimidation."


@pytest.fixture
def ana(transactional_db):
    return UserFactory(username="ana")


def _finished_attempt(user, quiz, answers):
    """Start, answer ((question, answer) pairs; a callable answer gets the question), finish."""
    now = timezone.now()
    attempt, _ = attempt_start(quiz=quiz, user=user, now=now)
    for question, answer in answers:
        attempt_save_answer(
            attempt=attempt,
            question_id=question.pk,
            answer=answer(question) if callable(answer) else answer,
            now=now,
        )
    return attempt_finish(attempt=attempt, now=now)


def test_a_review_that_hides_the_answers_does_not_quote_the_sentence_holding_them(page, login, ana):
    fact = FactFactory(sentence=SENTENCE, answer="energy")
    question = QuestionFactory(cloze=True, fact=fact, text="… the use of _____ as a tool …")
    quiz = QuizFactory(
        title="Second try counts",
        hides_answers=True,
        questions=[question],
    )
    attempt = _finished_attempt(ana, quiz, [(question, "oil")])
    login("ana")
    page.goto(f"/attempts/{attempt.pk}/review/")
    expect(page.get_by_text("This quiz does not show the feedback on your answers")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("energy")
    expect(page.locator("blockquote")).to_have_count(0)


def test_a_question_left_blank_reads_not_answered_in_the_review(page, login, ana):
    answered, blank = QuestionFactory(), QuestionFactory(short_answer=True)
    quiz = QuizFactory(title="Half done", shuffle_choices=False, questions=[answered, blank])
    attempt = _finished_attempt(ana, quiz, [(answered, lambda q: q.choices.get(order=2).pk)])
    login("ana")
    page.goto(f"/attempts/{attempt.pk}/review/")
    expect(page.locator("#q1 .verdict")).to_have_text("· Not correct")
    expect(page.locator("#q2 .verdict")).to_have_text("· Not answered")
    expect(page.locator("#q2")).to_have_class(re.compile("verdict-unanswered"))


def test_time_limits_read_in_minutes(page, login, ana):
    quiz = QuizFactory(title="Ten minutes", time_limit=timedelta(minutes=10), questions=1)
    login("ana")
    for url in ("/", "/quizzes/", quiz.get_absolute_url()):
        page.goto(url)
        expect(page.locator("main")).to_contain_text("10 min")
        expect(page.locator("main")).not_to_contain_text("0:10:00")


def test_a_multiple_response_question_asks_to_choose_all_once(page, login, ana):
    said = QuestionFactory(multiple_response=True, text="Which two? Select all that apply.")
    unsaid = QuestionFactory(multiple_response=True, text="Which two countries?")
    quiz = QuizFactory(title="Pick several", shuffle_questions=False, questions=[said, unsaid])
    login("ana")
    page.goto(quiz.get_absolute_url())
    page.get_by_role("button", name="Start the quiz").click()
    legend = page.locator("legend")
    expect(legend).to_contain_text("Select all that apply.")
    expect(legend).not_to_contain_text("(choose all that apply)")
    page.get_by_role("button", name="Next").click()
    expect(page.locator("legend")).to_contain_text("Which two countries? (choose all that apply)")


def test_a_cloze_gap_is_explained_to_its_text_box(page, login, ana):
    quiz = QuizFactory(title="Fill it", questions=[QuestionFactory(cloze=True)])
    login("ana")
    page.goto(quiz.get_absolute_url())
    page.get_by_role("button", name="Start the quiz").click()
    box = page.get_by_label("Clinton met _____ in Geneva.")
    expect(box).to_have_accessible_description("Type the word or words that fill the blank.")


@pytest.fixture
def practice(transactional_db):
    questions = [QuestionFactory(explanation=f"Explanation {n}.") for n in range(1, 4)]
    # A long question pushes the feedback below the fold on a small window.
    questions[0].text = "Whom did Clinton meet in Geneva? " + "Think of the talks. " * 40
    questions[0].save()
    return QuizFactory(
        title="Practice",
        shuffle_choices=False,
        feedback_mode=FeedbackMode.IMMEDIATE,
        questions=questions,
    )


def test_check_opens_the_page_on_the_feedback_and_keeps_the_choice_visible(
    phone_page, login, ana, practice
):
    login("ana", target_page=phone_page)
    page = phone_page
    page.goto(practice.get_absolute_url())
    page.get_by_role("button", name="Start the quiz").click()
    page.get_by_label("Dmitry Medvedev").check()
    expect(page.locator("#save-status")).to_have_text("Saved.")
    page.get_by_role("button", name="Check").click()

    feedback = page.locator("#feedback")
    expect(feedback).to_contain_text("Not correct")
    expect(page).to_have_url(re.compile(r"\?q=1#feedback$"))
    expect(feedback).to_be_focused()  # a screen reader reads the verdict first
    expect(feedback).to_be_in_viewport()
    # The locked choice the student made stands out from the others.
    chosen = page.locator(".choice", has=page.get_by_label("Dmitry Medvedev"))
    other = page.locator(".choice", has=page.get_by_label("Sergei Lavrov"))
    assert chosen.evaluate("e => getComputedStyle(e).borderColor") == "rgb(11, 87, 208)"
    assert other.evaluate("e => getComputedStyle(e).borderColor") != "rgb(11, 87, 208)"


def test_check_lands_on_the_feedback_without_javascript(browser, live_server, ana, practice):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": 390, "height": 600}
    )
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("ana")
    page.get_by_label("Password").fill("pass-word-123")
    page.get_by_role("button", name="Log in").click()
    page.goto(practice.get_absolute_url())
    page.get_by_role("button", name="Start the quiz").click()
    page.get_by_label("Sergei Lavrov").check()
    page.get_by_role("button", name="Check").click()
    expect(page.locator("#feedback")).to_contain_text("Correct")
    expect(page.locator("#feedback")).to_be_in_viewport()
    context.close()


def test_the_navigation_marks_the_section_and_the_page_you_are_on(page, login, ana):
    quiz = QuizFactory(title="Where am I", questions=1)
    login("ana")
    quizzes = page.get_by_role("navigation", name="Main").get_by_role("link", name="Quizzes")
    attempts = page.get_by_role("navigation", name="Main").get_by_role("link", name="My attempts")
    page.goto("/quizzes/")
    expect(quizzes).to_have_attribute("aria-current", "page")
    page.goto(quiz.get_absolute_url())
    expect(quizzes).to_have_attribute("aria-current", "true")  # inside the section
    page.get_by_role("button", name="Start the quiz").click()
    expect(attempts).to_have_attribute("aria-current", "true")
    expect(quizzes).not_to_have_attribute("aria-current", re.compile(".*"))
    page.goto("/attempts/")
    expect(attempts).to_have_attribute("aria-current", "page")


def test_signup_errors_are_read_with_their_fields(page):
    page.goto("/accounts/signup/")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Password confirmation").fill("other")
    page.get_by_role("button", name="Sign up").click()
    expect(page).to_have_title(re.compile("^Error: Sign up"))
    username = page.get_by_label("Username")
    expect(username).to_have_attribute("aria-invalid", "true")
    expect(username).to_have_accessible_description(
        re.compile(r"Required\..*This field is required")
    )
    expect(page.get_by_label("Password confirmation")).to_have_accessible_description(
        re.compile("didn.t match")
    )
    expect(page.get_by_label("Email")).to_have_accessible_description(
        "Optional: only used to reset a password."
    )
