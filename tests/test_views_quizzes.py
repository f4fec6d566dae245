"""The student pages: quiz list, starting, answering, finishing, review, history, sign-up."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Attempt, AttemptState, Response
from quizzes.services.attempts import attempt_finish, attempt_start
from tests.factories import FactFactory, QuestionFactory, QuizFactory

pytestmark = pytest.mark.django_db


def start(client, quiz):
    response = client.post(reverse("quiz-start", kwargs={"slug": quiz.slug}))
    assert response.status_code == 302
    return Attempt.objects.get(quiz=quiz, state=AttemptState.IN_PROGRESS)


def responses(attempt):
    return list(Response.objects.filter(attempt=attempt).order_by("slot"))


def correct_choice(response):
    return max(response.snapshot["choices"], key=lambda c: c["fraction"])["id"]


def save(client, attempt, response, answer, headers=None, **extra):
    data = {
        "question": response.question_id,
        "slot": response.slot,
        "kind": response.snapshot["kind"],
        "answer_field": "1",
        **extra,
    }
    if answer is not None:
        data["answer"] = answer
    return client.post(reverse("attempt-save", kwargs={"pk": attempt.pk}), data, headers=headers)


@pytest.fixture
def quiz():
    return QuizFactory(
        title="Reset button",
        pass_mark=50,
        questions=[
            QuestionFactory(),
            QuestionFactory(short_answer=True),
            QuestionFactory(numeric=True),
            QuestionFactory(multiple_response=True),
        ],
    )


def test_the_quiz_list_shows_each_quiz_state_for_the_student(student_client, student, quiz):
    QuizFactory(title="Untouched", questions=1, attempts_allowed=2)
    attempt_start(quiz=quiz, user=student, now=timezone.now())
    body = student_client.get(reverse("quiz-list")).content.decode()
    assert "In progress" in body
    assert "Not started" in body
    assert "2 attempts left" in body


def test_a_last_attempt_in_progress_reads_as_one_to_continue_not_as_none_left(
    student_client, student
):
    quiz = QuizFactory(title="Timed", questions=1, attempts_allowed=2)
    attempt_finish(
        attempt=attempt_start(quiz=quiz, user=student, now=timezone.now())[0], now=timezone.now()
    )
    attempt_start(quiz=quiz, user=student, now=timezone.now())
    listing = student_client.get(reverse("quiz-list")).content.decode()
    detail = student_client.get(quiz.get_absolute_url()).content.decode()
    for page in (listing, detail):
        assert "0 attempts left" not in page
        assert re.search(r"attempt 2 of 2, your last", page)
    assert "Continue" in listing and "Continue the attempt" in detail


def test_the_quiz_list_says_which_quizzes_give_immediate_feedback(client):
    QuizFactory(title="Practice", questions=1, feedback_mode="immediate")
    QuizFactory(title="Exam", questions=1)
    for url in ("/", reverse("quiz-list")):
        page = client.get(url).content.decode()
        assert page.count("Immediate feedback") == 1, url


def test_the_quiz_list_runs_a_constant_number_of_queries(
    student_client, student, django_assert_max_num_queries
):
    for quiz in QuizFactory.create_batch(8, questions=1):
        attempt_finish(
            attempt=attempt_start(quiz=quiz, user=student, now=timezone.now())[0],
            now=timezone.now(),
        )
    # Session, user, the quizzes, the attempts, and the rules (class assignments and overrides).
    with django_assert_max_num_queries(5):
        assert student_client.get(reverse("quiz-list")).status_code == 200


def test_starting_needs_a_post_and_a_login(client, quiz):
    url = reverse("quiz-start", kwargs={"slug": quiz.slug})
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Attempt.objects.exists()


def test_the_quiz_page_has_a_start_button(student_client, quiz):
    body = student_client.get(quiz.get_absolute_url()).content.decode()
    assert "Start the quiz" in body
    assert f'action="/quizzes/{quiz.slug}/start/"' in body


def test_a_student_takes_a_quiz_without_javascript(student_client, quiz):
    attempt = start(student_client, quiz)
    single, short, numeric, multi = responses(attempt)
    reply = save(student_client, attempt, single, correct_choice(single), nav="next")
    assert reply["Location"].endswith("?q=2")
    save(student_client, attempt, short, "lavrov", nav="next")
    save(student_client, attempt, numeric, "2009", nav="next")
    picked = [c["id"] for c in multi.snapshot["choices"] if c["fraction"] > 0]
    reply = student_client.post(
        reverse("attempt-save", kwargs={"pk": attempt.pk}),
        {
            "question": multi.question_id,
            "slot": 4,
            "kind": "multiple_response",
            "answer_field": "1",
            "answer": picked,
            "nav": "finish",
        },
    )
    assert reply["Location"] == reverse("attempt-finish", kwargs={"pk": attempt.pk})
    confirm = student_client.get(reply["Location"]).content.decode()
    assert "You have answered every question" in confirm
    reply = student_client.post(reverse("attempt-finish", kwargs={"pk": attempt.pk}))
    assert reply["Location"] == reverse("attempt-review", kwargs={"pk": attempt.pk})
    review = student_client.get(reply["Location"]).content.decode()
    assert "100 out of 100" in review
    assert "Passed" in review
    fact = single.snapshot["fact"]
    assert fact["sentence"] in review
    assert f"/articles/{fact['article_slug']}/?fact={fact['key']}" in review


def test_the_finish_page_lists_unanswered_questions(student_client, quiz):
    attempt = start(student_client, quiz)
    single = responses(attempt)[0]
    save(student_client, attempt, single, correct_choice(single))
    body = student_client.get(reverse("attempt-finish", kwargs={"pk": attempt.pk})).content.decode()
    assert "3 questions not answered" in body
    assert "Question 2" in body and "Question 4" in body


def test_a_bad_answer_shows_an_error_and_keeps_the_student_on_the_question(student_client, quiz):
    attempt = start(student_client, quiz)
    numeric = responses(attempt)[2]
    reply = save(student_client, attempt, numeric, "two thousand", nav="next")
    assert reply["Location"].endswith("?q=3")
    page = student_client.get(reply["Location"]).content.decode()
    assert "Type a number" in page


def test_a_badly_typed_number_comes_back_as_typed_with_the_error_beside_it(student_client, quiz):
    attempt = start(student_client, quiz)
    numeric = responses(attempt)[2]
    reply = save(student_client, attempt, numeric, "about 4000", nav="next")
    page = student_client.get(reply["Location"]).content.decode()
    assert re.search(r'<input[^>]*id="answer"[^>]*value="about 4000"', page)
    assert 'aria-invalid="true"' in page
    assert re.search(r'id="answer-error"[^>]*>.*Type a number, such as 42 or 3.5.', page)
    assert Response.objects.get(pk=numeric.pk).answer is None  # nothing wrong was saved
    # Once shown, the refused text is gone: the next visit shows what is saved.
    again = student_client.get(reply["Location"]).content.decode()
    assert "about 4000" not in again and "answer-error" not in again


def test_a_refused_answer_is_kept_only_for_its_own_question(student_client, quiz):
    attempt = start(student_client, quiz)
    numeric = responses(attempt)[2]
    save(student_client, attempt, numeric, "about 4000", nav="next")
    other = student_client.get(f"{attempt.get_absolute_url()}?q=2").content.decode()
    assert "about 4000" not in other


def test_autosave_answers_with_json_when_asked(student_client, quiz):
    attempt = start(student_client, quiz)
    short = responses(attempt)[1]
    reply = save(student_client, attempt, short, "Lavrov", headers={"Accept": "application/json"})
    assert reply.json() == {
        "saved": True,
        "question": short.question_id,
        "slot": 2,
        "answered": True,
        "flagged": False,
    }
    reply = save(student_client, attempt, short, "x" * 400, headers={"Accept": "application/json"})
    assert reply.status_code == 400
    assert reply.json()["error"] == "invalid_answer"


def test_a_save_after_the_deadline_is_refused_and_the_attempt_finished(
    student_client, student, settings
):
    settings.ATTEMPT_GRACE_SECONDS = 0
    quiz = QuizFactory(questions=2, time_limit=timedelta(minutes=1))
    attempt, _ = attempt_start(quiz=quiz, user=student, now=timezone.now() - timedelta(minutes=2))
    first = responses(attempt)[0]
    reply = save(
        student_client,
        attempt,
        first,
        correct_choice(first),
        headers={"Accept": "application/json"},
    )
    assert reply.status_code == 409
    assert reply.json()["redirect"] == reverse("attempt-review", kwargs={"pk": attempt.pk})
    page = student_client.get(attempt.get_absolute_url())
    assert page["Location"] == reverse("attempt-review", kwargs={"pk": attempt.pk})
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.FINISHED


def test_the_attempt_page_reveals_nothing_about_correctness(student_client, quiz):
    attempt = start(student_client, quiz)
    for slot in range(1, 5):
        body = student_client.get(f"{attempt.get_absolute_url()}?q={slot}").content.decode()
        lowered = body.lower()
        assert "fraction" not in lowered
        assert "correct" not in lowered
        assert "sergei lavrov" not in lowered or slot == 1  # slot 1 lists it as a choice
        assert "2009" not in body
        assert not re.search(r"data-(answer|correct|fraction)", lowered)


def test_a_flag_can_be_set_and_shows_on_the_map(student_client, quiz):
    attempt = start(student_client, quiz)
    short = responses(attempt)[1]
    student_client.post(
        reverse("attempt-save", kwargs={"pk": attempt.pk}),
        {
            "question": short.question_id,
            "slot": 2,
            "kind": "short_answer",
            "answer_field": "1",
            "answer": "",
            "flag_field": "1",
            "flagged": "1",
            "goto": "1",
        },
    )
    short.refresh_from_db()
    assert short.flagged
    body = student_client.get(attempt.get_absolute_url()).content.decode()
    assert "is-flagged" in body and 'aria-label="Question 2, not answered, flagged"' in body


def test_only_the_owner_can_see_or_answer_an_attempt(client, quiz, other_student, student):
    attempt, _ = attempt_start(quiz=quiz, user=student, now=timezone.now())
    client.force_login(other_student)
    for name in ["attempt-detail", "attempt-finish", "attempt-review"]:
        assert client.get(reverse(name, kwargs={"pk": attempt.pk})).status_code == 404
    first = responses(attempt)[0]
    assert save(client, attempt, first, correct_choice(first)).status_code == 404
    assert client.post(reverse("attempt-finish", kwargs={"pk": attempt.pk})).status_code == 404
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.IN_PROGRESS


def test_attempt_pages_need_a_login(client, quiz, student):
    attempt, _ = attempt_start(quiz=quiz, user=student, now=timezone.now())
    for url in [attempt.get_absolute_url(), reverse("attempt-list")]:
        reply = client.get(url)
        assert reply.status_code == 302 and "/accounts/login/" in reply["Location"]


def test_posts_need_a_csrf_token(quiz, student):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(student)
    assert client.post(reverse("quiz-start", kwargs={"slug": quiz.slug})).status_code == 403


def test_the_review_hides_correct_answers_when_the_quiz_says_so(student_client, student):
    quiz = QuizFactory(questions=1, hides_answers=True)
    attempt, _ = attempt_start(quiz=quiz, user=student, now=timezone.now())
    attempt_finish(attempt=attempt, now=timezone.now())
    body = student_client.get(reverse("attempt-review", kwargs={"pk": attempt.pk})).content.decode()
    assert "Correct answer" not in body
    assert "does not show the feedback on your answers, the explanations, the right answers" in body


def test_the_review_of_an_unfinished_attempt_sends_the_student_back(student_client, quiz):
    attempt = start(student_client, quiz)
    reply = student_client.get(reverse("attempt-review", kwargs={"pk": attempt.pk}))
    assert reply["Location"] == attempt.get_absolute_url()


def test_immediate_feedback_check_button_locks_and_explains(student_client):
    quiz = QuizFactory(questions=2, feedback_mode="immediate")
    attempt = start(student_client, quiz)
    first = responses(attempt)[0]
    body = student_client.get(attempt.get_absolute_url()).content.decode()
    assert 'value="check"' in body
    save(student_client, attempt, first, correct_choice(first), nav="check")
    body = student_client.get(attempt.get_absolute_url()).content.decode()
    assert '<h2 id="feedback-title" class="h3">Correct</h2>' in body
    assert "disabled" in body and 'value="check"' not in body
    # Navigating away from a locked question posts no answer, and that is fine.
    reply = student_client.post(
        reverse("attempt-save", kwargs={"pk": attempt.pk}),
        {
            "question": first.question_id,
            "slot": 1,
            "kind": first.snapshot["kind"],
            "flag_field": "1",
            "nav": "next",
        },
    )
    assert reply["Location"].endswith("?q=2")


def test_the_history_lists_the_students_attempts_only(student_client, student, other_student, quiz):
    attempt_start(quiz=quiz, user=student, now=timezone.now())
    other = QuizFactory(title="Someone else's quiz", questions=1)
    attempt_start(quiz=other, user=other_student, now=timezone.now())
    body = student_client.get(reverse("attempt-list")).content.decode()
    assert "Reset button" in body
    assert "Someone else" not in body


def test_the_article_page_marks_the_quoted_sentence(client):
    fact = FactFactory()
    url = reverse("article-detail", kwargs={"slug": fact.article.slug})
    body = client.get(f"{url}?fact={fact.key}").content.decode()
    assert f'<mark id="fact">{fact.sentence}</mark>' in body
    assert "<mark" not in client.get(url).content.decode()


def test_signup_creates_a_student_and_logs_them_in(client):
    reply = client.post(
        reverse("signup"),
        {
            "username": "newbie",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
    )
    assert reply.status_code == 302
    assert client.get(reverse("quiz-list")).context["user"].username == "newbie"


def test_signup_is_a_404_when_switched_off(client, settings):
    settings.SIGNUP_ENABLED = False
    assert client.get(reverse("signup")).status_code == 404


@pytest.mark.parametrize("count", [5, 30])
def test_attempt_and_review_query_counts_do_not_grow_with_questions(
    count, student_client, student, django_assert_max_num_queries
):
    quiz = QuizFactory(questions=count)
    attempt, _ = attempt_start(quiz=quiz, user=student, now=timezone.now())
    # Session, user, the asked response with its attempt, quiz and version, the map.
    with django_assert_max_num_queries(5):
        assert student_client.get(f"{attempt.get_absolute_url()}?q=3").status_code == 200
    first = responses(attempt)[0]
    # Session, user, the response with its attempt, one conditional UPDATE.
    with django_assert_max_num_queries(4):
        assert (
            save(student_client, attempt, first, correct_choice(first), nav="next").status_code
            == 302
        )
    attempt_finish(attempt=attempt, now=timezone.now())
    with django_assert_max_num_queries(6):
        assert (
            student_client.get(reverse("attempt-review", kwargs={"pk": attempt.pk})).status_code
            == 200
        )


def test_an_attempt_id_too_large_for_the_database_is_404(student_client):
    huge = 18466310023858921584654621083697152
    assert student_client.get(f"/attempts/{huge}/").status_code == 404
    assert student_client.post(f"/attempts/{huge}/save/", {"question": huge}).status_code == 404


def test_an_article_link_with_a_malformed_fact_key_shows_the_article_unmarked(client):
    fact = FactFactory()
    for key in ("no\x00such", "../etc", fact.key + " "):
        response = client.get(f"{fact.article.get_absolute_url()}?fact={key}")
        assert response.status_code == 200
        assert "<mark" not in response.content.decode()
    marked = client.get(f"{fact.article.get_absolute_url()}?fact={fact.key}")
    assert "<mark" in marked.content.decode()


@pytest.mark.parametrize("goto", ["²", "1" * 5000, "-2", "x"])
def test_a_map_button_value_that_is_not_a_slot_stays_on_the_question(student_client, quiz, goto):
    attempt = start(student_client, quiz)
    first = responses(attempt)[0]
    result = save(student_client, attempt, first, str(correct_choice(first)), goto=goto)
    assert result.status_code == 302
    assert result["Location"].endswith("?q=1")
    assert Response.objects.get(pk=first.pk).answer == correct_choice(first)


@pytest.mark.parametrize("field", ["question", "slot"])
@pytest.mark.parametrize("value", ["²", "1" * 5000, "9" * 40, "-1", "1\x00"])
def test_a_question_or_slot_that_is_not_a_number_is_refused_and_saves_nothing(
    student_client, quiz, field, value
):
    attempt = start(student_client, quiz)
    first = responses(attempt)[0]
    result = save(
        student_client,
        attempt,
        first,
        str(correct_choice(first)),
        headers={"Accept": "application/json"},
        **{field: value},
    )
    assert result.status_code == 400
    assert result.json()["saved"] is False
    assert Response.objects.get(pk=first.pk).answer is None


@pytest.mark.parametrize("choice", ["²", "١", "1" * 5000])
def test_a_choice_id_in_other_digits_is_an_answer_error(student_client, quiz, choice):
    attempt = start(student_client, quiz)
    first = responses(attempt)[0]
    result = save(student_client, attempt, first, choice, headers={"Accept": "application/json"})
    assert result.status_code == 400
    assert result.json()["error"] == "invalid_answer"
    assert Response.objects.get(pk=first.pk).answer is None
