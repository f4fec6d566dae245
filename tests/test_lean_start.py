"""Issue 16: a start answers with the attempt it wrote, without reading it back or running
the serializer's fields.

The responses a start inserts are the rows the answer shows (`attempt.new_responses`, from
`attempt_start`), written by `attempt_data`; these tests pin that the answer is
the one a read of the attempt gives (`AttemptSerializer`), for every kind of question, shuffled,
timed, resumed, checked and finished.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from quizzes.api import serializers as s
from quizzes.api.serializers import attempt_data
from quizzes.models import Attempt, FeedbackMode
from quizzes.services.attempts import attempt_check_answer, attempt_finish
from tests.every_kind import answered_wrongly, every_kind_quiz
from tests.factories import QuizFactory, UserFactory


@pytest.fixture
def api(api_client_for, student):
    return api_client_for(student)


def _start(api, quiz):
    return api.post(f"/api/quizzes/{quiz.slug}/attempts/")


@pytest.mark.parametrize("timed", [False, True], ids=["untimed", "timed"])
def test_a_start_answers_what_reading_the_attempt_answers(api, timed):
    quiz = every_kind_quiz(
        shuffle_questions=True, time_limit=timedelta(minutes=20) if timed else None
    )
    started = _start(api, quiz)
    assert started.status_code == 201
    read = api.get(f"/api/attempts/{started.json()['id']}/")
    assert read.status_code == 200
    assert started.json() == read.json()
    assert len(started.json()["questions"]) == quiz.quiz_questions.count()


def test_resuming_answers_the_attempt_as_it_stands(api):
    quiz = QuizFactory(questions=3)
    first = _start(api, quiz).json()
    attempt_id = first["id"]
    question = first["questions"][0]["question"]
    api.put(
        f"/api/attempts/{attempt_id}/answers/{question['id']}/",
        {"answer": question["choices"][0]["id"], "flagged": True},
        format="json",
    )
    resumed = _start(api, quiz)
    assert resumed.status_code == 200
    assert resumed.json() == api.get(f"/api/attempts/{attempt_id}/").json()
    assert resumed.json()["questions"][0]["flagged"] is True


@pytest.mark.parametrize("size", [5, 50])
def test_a_start_reads_nothing_back(api, api_client_for, size):
    quiz = QuizFactory(questions=size)
    _start(api_client_for(UserFactory()), quiz)  # the questions' versions, made by a first start
    with CaptureQueriesContext(connection) as queries:
        assert _start(api, quiz).status_code == 201
    reads = [q["sql"] for q in queries if q["sql"].startswith("SELECT")]
    assert not any('FROM "quizzes_response"' in sql for sql in reads)
    # The quiz; the student's row locked; the latest attempt; the rules; the questions; the
    # random slots; the two INSERTs; and the savepoint around them (two statements).
    assert len(queries) == 10


def test_a_checked_answer_is_answered_as_the_serializer_answers_it(api, student):
    quiz = every_kind_quiz(feedback_mode=FeedbackMode.IMMEDIATE)
    attempt = answered_wrongly(quiz, student)
    question = attempt.responses.order_by("slot").first().question_id
    attempt_check_answer(attempt=attempt, question_id=question, now=timezone.now())
    resumed = _start(api, quiz)
    assert resumed.status_code == 200
    assert resumed.json()["questions"][0]["checked_result"] is not None
    assert resumed.json() == api.get(f"/api/attempts/{attempt.pk}/").json()


@pytest.mark.parametrize("hidden", [True, False], ids=["marks hidden", "marks shown"])
def test_attempt_data_is_the_serializers_data_for_a_finished_attempt(student, hidden):
    quiz = every_kind_quiz(off=("marks",) if hidden else (), pass_mark=Decimal("1.5"))
    attempt = attempt_finish(attempt=answered_wrongly(quiz, student), now=timezone.now())
    attempt = Attempt.objects.select_related("quiz").get(pk=attempt.pk)
    assert attempt_data(attempt) == s.AttemptSerializer(attempt).data
    assert (attempt_data(attempt)["score"] is None) == hidden
