"""Issue 16: the attempt page and the flashcard review do less work, and the same things.

The attempt page reads the asked question with its attempt, quiz and version in one query and
writes the question map in Python (`quizzes/templatetags/attempt_page.py`); the review reads the
card with the student's state in the query that locks the state, inserts a new
client_review_id's log without looking it up first, and writes its JSON without a serializer.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from flashcards.models import CardState, ReviewLog
from flashcards.services.scheduling import review_card
from quizzes.models import Response
from quizzes.services.attempts import attempt_start
from quizzes.templatetags.attempt_page import question_map
from tests.factories import CardFactory, DeckFactory, QuestionFactory, QuizFactory

# --- the attempt page -------------------------------------------------------------------------


def _attempt(student, questions=3):
    quiz = QuizFactory(questions=questions)
    attempt, _ = attempt_start(quiz=quiz, user=student, now=timezone.now())
    return attempt


def _page(client, attempt, q=None):
    url = attempt.get_absolute_url() + ("" if q is None else f"?q={q}")
    return client.get(url)


def test_the_question_map_writes_what_the_template_wrote():
    html = question_map(
        [
            {"slot": 1, "answered": True, "flagged": False, "current": False},
            {"slot": 2, "answered": False, "flagged": True, "current": True},
            {"slot": 3, "answered": True, "flagged": True, "current": False},
        ]
    )
    assert html.splitlines() == [
        '<li><button type="submit" form="answer-form" name="goto" value="1" id="map-1" '
        'class="map-item is-answered" aria-label="Question 1, answered">1</button></li>',
        '<li><button type="submit" form="answer-form" name="goto" value="2" id="map-2" '
        'class="map-item is-flagged" aria-label="Question 2, not answered, flagged" '
        'aria-current="step">2</button></li>',
        '<li><button type="submit" form="answer-form" name="goto" value="3" id="map-3" '
        'class="map-item is-answered is-flagged" aria-label="Question 3, answered, flagged">'
        "3</button></li>",
    ]


def test_the_map_shows_each_questions_state_and_the_current_one(student_client, student):
    attempt = _attempt(student)
    first, second, _ = Response.objects.filter(attempt=attempt).order_by("slot")
    first.answer = first.version.snapshot["choices"][0]["id"]
    first.save()
    Response.objects.filter(pk=second.pk).update(flagged=True)

    body = _page(student_client, attempt, q=2).content.decode()
    assert 'class="map-item is-answered" aria-label="Question 1, answered">1<' in body
    assert 'aria-label="Question 2, not answered, flagged" aria-current="step">2<' in body
    assert 'aria-label="Question 3, not answered">3<' in body
    assert "(1 answered)" in body


@pytest.mark.parametrize(("q", "shown"), [("2", 2), ("3", 3), ("99", 3), ("0", 1), ("x", 1)])
def test_the_page_shows_the_asked_slot_or_the_nearest(student_client, student, q, shown):
    attempt = _attempt(student)
    expected = Response.objects.get(attempt=attempt, slot=shown)
    body = _page(student_client, attempt, q=q).content.decode()
    assert f"Question {shown} of 3" in body
    assert f'name="question" value="{expected.question_id}"' in body
    assert expected.version.snapshot["text"] in body


@pytest.mark.parametrize("q", [None, "1", "2", "99"])
def test_another_students_attempt_is_a_404_at_every_slot(client, student, other_student, q):
    attempt = _attempt(student)
    client.force_login(other_student)
    assert _page(client, attempt, q=q).status_code == 404


def test_the_page_shows_the_version_the_attempt_took_not_the_edited_question(
    student_client, student
):
    question = QuestionFactory(text="Whom did Clinton meet?")
    quiz = QuizFactory(questions=[question])
    attempt, _ = attempt_start(quiz=quiz, user=student, now=timezone.now())
    question.text = "Whom did Clinton meet in Geneva in 2009?"
    question.save()

    assert "Whom did Clinton meet?" in _page(student_client, attempt).content.decode()
    attempt.state = "abandoned"
    attempt.save()
    newer, _ = attempt_start(quiz=quiz, user=student, now=timezone.now())
    assert "in Geneva in 2009?" in _page(student_client, newer).content.decode()


def test_an_overdue_attempt_is_finished_by_its_page(student_client, student):
    quiz = QuizFactory(questions=2, time_limit=timedelta(minutes=1))
    attempt, _ = attempt_start(quiz=quiz, user=student, now=timezone.now() - timedelta(hours=1))
    reply = _page(student_client, attempt, q=1)
    assert reply.status_code == 302
    assert reply["Location"] == reverse("attempt-review", kwargs={"pk": attempt.pk})
    attempt.refresh_from_db()
    assert attempt.finished_at is not None


@pytest.mark.parametrize("count", [5, 50])
def test_the_attempt_page_runs_a_fixed_number_of_queries(
    count, student_client, student, django_assert_max_num_queries
):
    attempt = _attempt(student, questions=count)
    # The session, the user, the asked response with its attempt, quiz and version, the map.
    with django_assert_max_num_queries(5):
        assert _page(student_client, attempt, q=3).status_code == 200
    # A slot that does not exist: the attempt, the map and the last response as well.
    with django_assert_max_num_queries(7):
        assert _page(student_client, attempt, q=count + 1).status_code == 200


# --- the flashcard review ---------------------------------------------------------------------


@pytest.fixture
def api(api_client_for, student):
    return api_client_for(student)


@pytest.fixture
def card(db):
    return CardFactory(deck=DeckFactory(slug="geneva"), front="Who met Clinton?")


def _review(api, card_id, payload):
    return api.post(f"/api/cards/{card_id}/review/", payload, format="json")


def test_a_review_of_a_seen_card_runs_five_queries(api, student, card, django_assert_num_queries):
    review_card(user=student, card=card, rating="good", now=timezone.now() - timedelta(days=9))
    # BEGIN, the state locked with its card and deck, its UPDATE, the log's INSERT, COMMIT
    # (savepoints inside the test's transaction): no look-up of the new client_review_id.
    with django_assert_num_queries(5):
        reply = _review(api, card.pk, {"rating": "good", "client_review_id": "new-id"})
    assert reply.status_code == 201
    assert CardState.objects.get(user=student, card=card).reps == 2


def test_the_review_locks_only_the_students_state(api, student, card):
    review_card(user=student, card=card, rating="good", now=timezone.now() - timedelta(days=9))
    with CaptureQueriesContext(connection) as captured:
        assert _review(api, card.pk, {"rating": "good"}).status_code == 201
    (lock,) = [q["sql"] for q in captured.captured_queries if "FOR UPDATE" in q["sql"]] or [None]
    if connection.vendor == "postgresql":  # SQLite has no row locks (the query has none)
        assert lock.endswith('FOR UPDATE OF "quizzes_cardstate"')


def test_a_retry_changes_nothing_and_answers_the_first_result(api, student, card):
    payload = {"rating": "good", "client_review_id": "retry-1"}
    first = _review(api, card.pk, payload)
    state = CardState.objects.get(user=student, card=card)
    retry = _review(api, card.pk, {**payload, "rating": "again"})

    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.json() == {**first.json(), "duplicate": True}
    again = CardState.objects.get(user=student, card=card)
    assert (again.reps, again.due, again.stability) == (state.reps, state.due, state.stability)
    assert ReviewLog.objects.filter(user=student).count() == 1


def test_the_review_json_is_what_the_output_serializer_wrote(api, student, card, settings):
    settings.TIME_ZONE = "Europe/Paris"  # the API writes datetimes in the current time zone
    body = _review(api, card.pk, {"rating": "good", "duration_ms": 1200}).json()
    log = ReviewLog.objects.get(user=student)
    assert set(body) == {
        "card",
        "rating",
        "reviewed_at",
        "due",
        "interval_seconds",
        "interval",
        "state",
        "reps",
        "duplicate",
    }
    assert body["card"] == card.pk
    assert body["rating"] == "good"
    assert body["reviewed_at"] == timezone.localtime(log.reviewed_at).isoformat()
    assert body["reviewed_at"].endswith(("+01:00", "+02:00"))
    assert body["due"] == log.state_after["due"]
    assert (body["state"], body["reps"], body["duplicate"]) == ("learning", 1, False)


@pytest.mark.parametrize(
    "payload", [{"rating": "good"}, {"rating": "perfect"}, {}], ids=["good", "bad", "empty"]
)
def test_a_card_the_student_may_not_study_is_a_404_whatever_was_sent(api, payload):
    hidden = CardFactory(deck=DeckFactory(published=False))
    assert _review(api, hidden.pk, payload).status_code == 404
    assert _review(api, 2**62, payload).status_code == 404
    assert _review(api, "x1", payload).status_code == 404
    assert not ReviewLog.objects.exists()
    assert not CardState.objects.exists()


def test_a_teacher_may_review_a_card_of_an_unpublished_deck(api_client_for, teacher):
    hidden = CardFactory(deck=DeckFactory(published=False))
    reply = _review(api_client_for(teacher), hidden.pk, {"rating": "easy"})
    assert reply.status_code == 201
    assert CardState.objects.get(user=teacher, card=hidden).reps == 1
