"""Issue 16: a start answers with the attempt it wrote, without reading it back or running
the serializer's fields.

The responses a start inserts are the rows the answer shows (`attempt.new_responses`, from
`attempt_start`), written by `attempt_data`; these tests pin that the answer is
the one a read of the attempt gives (`AttemptSerializer`), for every kind of question, shuffled,
timed, resumed, checked and finished.
"""

import random
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from quizzes.api import serializers as s
from quizzes.api.serializers import attempt_data
from quizzes.models import Attempt, FeedbackMode, Quiz, QuizRandomSlot, Response
from quizzes.prepared import PreparedQuery
from quizzes.selectors import visible_quiz
from quizzes.services import classes
from quizzes.services.attempts import attempt_check_answer, attempt_finish, attempt_start
from tests.every_kind import answered_wrongly, every_kind_quiz
from tests.factories import (
    ClassroomFactory,
    QuestionFactory,
    QuizFactory,
    QuizOverrideFactory,
    TagFactory,
    TeacherFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


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


# --- the start's reads, compiled once (quizzes/prepared.py) -------------------------------------


def _rich_quiz(students):
    """Every kind of question, shuffled, timed, with a random slot, an assignment to the
    students' class with a due date, a class override and each student's own override."""
    quiz = every_kind_quiz(shuffle_questions=True, time_limit=timedelta(minutes=20))
    quiz.shuffle_choices = True
    quiz.attempts_allowed = 2
    quiz.save()
    tag = TagFactory()
    for n in range(6):
        QuestionFactory(text=f"Drawn question {n}?").tags.add(tag)
    QuizRandomSlot.objects.create(quiz=quiz, order=99, tag=tag, count=3)
    classroom = ClassroomFactory(students=students)
    classes.assign_quiz(classroom=classroom, quiz=quiz, closes=timezone.now() + timedelta(days=1))
    classes.override_set(quiz=quiz, classroom=classroom, extra_minutes=5)
    for student in students:
        classes.override_set(quiz=quiz, user=student, time_multiplier=Decimal("1.5"))
    return quiz


def _as_written(attempt):
    rows = Response.objects.filter(attempt=attempt).order_by("slot")
    fields = [f.attname for f in Response._meta.concrete_fields if f.attname not in {"id"}]
    return (
        attempt.number,
        attempt.state,
        attempt.deadline,
        attempt.max_score,
        attempt.layout,
        [tuple(getattr(r, f) for f in fields if f != "attempt_id") for r in rows],
    )


def test_the_compiled_start_and_the_orms_give_the_same_attempt():
    compiled, by_orm = UserFactory(), UserFactory()
    quiz = _rich_quiz([compiled, by_orm])
    now = timezone.now()
    attempt_start(quiz=quiz, user=UserFactory(), now=now)  # the versions made, plans compiled
    mine, created = attempt_start(quiz=quiz, user=compiled, now=now, rng=random.Random(7))
    assert created
    with mock.patch.object(PreparedQuery, "_plan", return_value=None):
        theirs, created = attempt_start(quiz=quiz, user=by_orm, now=now, rng=random.Random(7))
        assert created
        # Resuming and starting again (the latest attempt, the attempts allowed) alike too.
        assert attempt_start(quiz=quiz, user=by_orm, now=now)[0].pk == theirs.pk
    assert attempt_start(quiz=quiz, user=compiled, now=now)[0].pk == mine.pk
    assert _as_written(mine) == _as_written(theirs)
    assert mine.deadline == now + timedelta(minutes=35)  # 20 × 1.5 + 5
    assert any("drawn_by" in item for item in mine.layout)
    assert [r.slot for r in mine.new_responses] == list(range(1, len(mine.layout) + 1))


def test_a_start_compiles_none_of_its_reads(api, api_client_for):
    quiz = QuizFactory(questions=5)
    _start(api_client_for(UserFactory()), quiz)  # versions made, each read compiled once
    with mock.patch.object(
        SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql
    ) as compiled:
        assert _start(api, quiz).status_code == 201
    assert compiled.call_count == 0


def test_the_rules_of_one_quiz_are_the_rows_the_orm_reads():
    student, classmate = UserFactory(), UserFactory()
    quiz = _rich_quiz([student, classmate])
    QuizOverrideFactory(quiz=quiz, user=UserFactory(), extra_minutes=99)  # someone else's
    rows = classes._rule_rows(quiz_ids=[quiz.pk], user=student)
    with mock.patch.object(PreparedQuery, "_plan", return_value=None):
        assert sorted(rows, key=str) == sorted(
            classes._rule_rows(quiz_ids=[quiz.pk], user=student), key=str
        )
    assert sorted(source for _, source, *_ in rows) == ["assignment", "class", "user"]


def test_the_visible_quiz_is_the_one_visible_to_finds():
    student, outsider, teacher = UserFactory(), UserFactory(), TeacherFactory()
    private = QuizFactory(public=False)
    classes.assign_quiz(classroom=ClassroomFactory(students=[student]), quiz=private)
    quizzes = [private, QuizFactory(), QuizFactory(published=False)]
    for user in (student, outsider, teacher):
        for quiz in quizzes:
            expected = Quiz.objects.visible_to(user).filter(slug=quiz.slug).first()
            try:
                found = visible_quiz(slug=quiz.slug, user=user)
            except Http404:
                found = None
            assert found == expected, (user.username, quiz.slug)
    assert visible_quiz(slug=private.slug, user=student).title == private.title
