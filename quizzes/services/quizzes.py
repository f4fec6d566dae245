"""Authoring quizzes: the rules a quiz keeps, whoever writes it (the admin, the API, a command).

- `quiz_problems` is the rule across a quiz and its question list, as plain data: a published
  quiz needs a question (students would open an empty quiz).
- `quiz_save` writes a quiz with its question list and tags in one transaction, after the
  model's own checks and that rule.
- `quiz_publish` publishes the quizzes that have questions and says which it left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count

from quizzes.models import Question, Quiz, QuizQuestion, Tag

EMPTY_PUBLISHED = "A published quiz needs at least one question: add one, or untick “Published”."


def quiz_problems(*, published: bool, question_count: int) -> dict[str, list[str]]:
    """What is wrong with a quiz as a whole, by field ({} when nothing)."""
    if published and question_count == 0:
        return {"published": [EMPTY_PUBLISHED]}
    return {}


@dataclass(frozen=True)
class QuizSlot:
    """One question of a quiz's list, in order; `marks` None takes the question's default."""

    question: Question
    marks: Decimal | None = None


@transaction.atomic
def quiz_save(
    *,
    fields: Mapping[str, Any],
    quiz: Quiz | None = None,
    questions: Sequence[QuizSlot] | None = None,
    tags: Iterable[Tag] | None = None,
) -> Quiz:
    """Create (`quiz` None) or change a quiz. `questions` replaces its list and `tags` its tags;
    None keeps them. Raises ValidationError (by field) and writes nothing when a rule fails."""
    quiz = quiz or Quiz()
    for name, value in fields.items():
        setattr(quiz, name, value)
    quiz.full_clean()
    count = len(questions) if questions is not None else _question_count(quiz)
    problems = quiz_problems(published=quiz.published, question_count=count)
    if questions is not None and len({slot.question.pk for slot in questions}) != len(questions):
        problems.setdefault("questions", []).append("A question can appear in a quiz only once.")
    if problems:
        raise ValidationError(problems)
    quiz.save()
    if questions is not None:
        quiz.quiz_questions.all().delete()
        QuizQuestion.objects.bulk_create(
            QuizQuestion(
                quiz=quiz,
                question=slot.question,
                order=order,
                marks=slot.question.default_marks if slot.marks is None else slot.marks,
            )
            for order, slot in enumerate(questions, start=1)
        )
    if tags is not None:
        quiz.tags.set(list(tags))
    return quiz


def _question_count(quiz: Quiz) -> int:
    return quiz.quiz_questions.count() if quiz.pk else 0


@dataclass
class PublishReport:
    published: list[str] = field(default_factory=list)  # titles newly published
    empty: list[str] = field(default_factory=list)  # titles left out: no questions


@transaction.atomic
def quiz_publish(*, quizzes: Iterable[Quiz]) -> PublishReport:
    """Publish the quizzes that have questions (the others are named in the report)."""
    pks = [q.pk for q in quizzes]
    rows = Quiz.objects.filter(pk__in=pks).annotate(n=Count("quiz_questions")).order_by("title")
    report = PublishReport()
    ready = []
    for quiz in rows:
        if quiz.n == 0:
            report.empty.append(quiz.title)
            continue
        ready.append(quiz.pk)
        if not quiz.published:
            report.published.append(quiz.title)
    Quiz.objects.filter(pk__in=ready).update(published=True)
    return report
