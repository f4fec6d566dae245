"""The quiz authoring service: the rules hold whoever writes the quiz (admin, API, commands)."""

import pytest
from django.core.exceptions import ValidationError

from quizzes.models import Quiz
from quizzes.services.quizzes import QuizSlot, quiz_problems, quiz_publish, quiz_save
from tests.factories import QuestionFactory, QuizFactory

pytestmark = pytest.mark.django_db


def test_the_rule_is_plain_data():
    assert quiz_problems(published=True, question_count=0) == {
        "published": [
            "A published quiz needs at least one question: add one, or untick “Published”."
        ]
    }
    assert quiz_problems(published=True, question_count=1) == {}
    assert quiz_problems(published=False, question_count=0) == {}


def test_saving_writes_the_list_in_order_with_default_marks():
    first, second = QuestionFactory(default_marks=2), QuestionFactory()
    quiz = quiz_save(
        fields={"slug": "q", "title": "Q", "published": True},
        questions=[QuizSlot(question=first), QuizSlot(question=second, marks=3)],
    )
    rows = list(quiz.quiz_questions.order_by("order").values_list("question", "marks"))
    assert rows == [(first.pk, 2), (second.pk, 3)]


def test_a_failed_rule_writes_nothing():
    question = QuestionFactory()
    with pytest.raises(ValidationError) as error:
        quiz_save(
            fields={"slug": "q", "title": "Q"},
            questions=[QuizSlot(question=question), QuizSlot(question=question)],
        )
    assert error.value.message_dict == {"questions": ["A question can appear in a quiz only once."]}
    with pytest.raises(ValidationError) as error:
        quiz_save(fields={"slug": "e", "title": "E", "published": True}, questions=[])
    assert "published" in error.value.message_dict
    assert not Quiz.objects.exists()


def test_publishing_leaves_out_empty_quizzes_and_names_them():
    ready = QuizFactory(title="Ready", questions=1, published=False)
    QuizFactory(title="Live", questions=1, published=True)
    QuizFactory(title="Empty", questions=0, published=False)

    report = quiz_publish(quizzes=Quiz.objects.all())

    assert (report.published, report.empty) == (["Ready"], ["Empty"])
    ready.refresh_from_db()
    assert ready.published
    assert not Quiz.objects.get(title="Empty").published
