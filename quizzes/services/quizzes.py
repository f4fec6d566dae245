"""Authoring quizzes: the rules a quiz keeps, whoever writes it (the admin, the API, a command).

- `quiz_problems` is the rule across a quiz and its question list, as plain data: a published
  quiz needs a question (students would open an empty quiz), and each of its random slots must
  find enough questions to draw (`quizzes.services.random_slots`).
- `quiz_save` writes a quiz with its question list, random slots and tags in one transaction,
  after the model's own checks and that rule.
- `quiz_publish` publishes the quizzes that have questions and says which it left out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count

from quizzes.models import Article, Question, Quiz, QuizQuestion, QuizRandomSlot, Tag
from quizzes.services import random_slots

EMPTY_PUBLISHED = "A published quiz needs at least one question: add one, or untick “Published”."


def quiz_problems(
    *,
    published: bool,
    question_count: int,
    drawn_count: int = 0,
    slot_problems: Sequence[str] = (),
) -> dict[str, list[str]]:
    """What is wrong with a quiz as a whole, by field ({} when nothing).

    `drawn_count` is how many questions its random slots draw, and `slot_problems` why they
    could not (`random_slots.quiz_slot_problems`): a published quiz must be able to start; a
    draft may wait for its bank to fill up.
    """
    problems: dict[str, list[str]] = {}
    if published and question_count + drawn_count == 0:
        problems["published"] = [EMPTY_PUBLISHED]
    if published and slot_problems:
        problems["random"] = list(slot_problems)
    return problems


@dataclass(frozen=True)
class QuizSlot:
    """One question of a quiz's list, in order; `marks` None takes the question's default."""

    question: Question
    marks: Decimal | None = None


@dataclass(frozen=True)
class RandomSlotInput:
    """A random slot as written: `count` questions drawn from a tag or (else) an article."""

    count: int
    tag: Tag | None = None
    article: Article | None = None
    marks: Decimal = Decimal(1)

    def spec(self) -> random_slots.SlotSpec:
        return random_slots.slot_spec(
            QuizRandomSlot(tag=self.tag, article=self.article, count=self.count)
        )


@transaction.atomic
def quiz_save(
    *,
    fields: Mapping[str, Any],
    quiz: Quiz | None = None,
    questions: Sequence[QuizSlot] | None = None,
    random: Sequence[RandomSlotInput] | None = None,
    tags: Iterable[Tag] | None = None,
) -> Quiz:
    """Create (`quiz` None) or change a quiz. `questions` replaces its list, `random` its random
    slots (placed after the list, in the order given) and `tags` its tags; None keeps them.
    Raises ValidationError (by field) and writes nothing when a rule fails."""
    quiz = quiz or Quiz()
    for name, value in fields.items():
        setattr(quiz, name, value)
    quiz.full_clean()
    fixed = (
        [slot.question.pk for slot in questions] if questions is not None else _question_ids(quiz)
    )
    specs = (
        [row.spec() for row in random]
        if random is not None
        else [random_slots.slot_spec(slot) for slot in _random_slots(quiz)]
    )
    problems = quiz_problems(
        published=quiz.published,
        question_count=len(fixed),
        drawn_count=sum(spec.count for spec in specs),
        slot_problems=random_slots.quiz_slot_problems(slots=specs, fixed=fixed)
        if quiz.published
        else (),
    )
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
    if random is not None:
        quiz.random_slots.all().delete()
        after = len(questions) if questions is not None else len(fixed)
        QuizRandomSlot.objects.bulk_create(
            QuizRandomSlot(
                quiz=quiz,
                order=after + place,
                tag=row.tag,
                article=row.article,
                count=row.count,
                marks=row.marks,
            )
            for place, row in enumerate(random, start=1)
        )
    if tags is not None:
        quiz.tags.set(list(tags))
    return quiz


def _question_ids(quiz: Quiz) -> list[int]:
    return list(quiz.quiz_questions.values_list("question_id", flat=True)) if quiz.pk else []


def _random_slots(quiz: Quiz) -> list[QuizRandomSlot]:
    if not quiz.pk:
        return []
    return list(quiz.random_slots.select_related("tag", "article").order_by("order", "pk"))


def quiz_random_problems(*, quizzes: Iterable[Quiz]) -> dict[int, tuple[int, list[str]]]:
    """For each quiz with random slots: how many questions they draw, and why they could not
    (`random_slots.random_slot_problems`). Three queries at most, whatever the number of quizzes.
    """
    pks = [quiz.pk for quiz in quizzes]
    slots = list(
        QuizRandomSlot.objects.filter(quiz_id__in=pks)
        .select_related("tag", "article")
        .order_by("quiz_id", "order", "pk")
    )
    if not slots:
        return {}
    specs: dict[int, list[random_slots.SlotSpec]] = defaultdict(list)
    for slot in slots:
        specs[slot.quiz_id].append(random_slots.slot_spec(slot))
    pools = random_slots.source_pools(sources={s.source for group in specs.values() for s in group})
    fixed: dict[int, set[int]] = defaultdict(set)
    for quiz_id, question_id in QuizQuestion.objects.filter(quiz_id__in=list(specs)).values_list(
        "quiz_id", "question_id"
    ):
        fixed[quiz_id].add(question_id)
    return {
        quiz_id: (
            sum(spec.count for spec in group),
            random_slots.random_slot_problems(slots=group, pools=pools, fixed=fixed[quiz_id]),
        )
        for quiz_id, group in specs.items()
    }


@dataclass
class PublishReport:
    published: list[str] = field(default_factory=list)  # titles newly published
    empty: list[str] = field(default_factory=list)  # titles left out: no questions
    # Titles left out because a random slot cannot draw, each with why.
    short: dict[str, list[str]] = field(default_factory=dict)


@transaction.atomic
def quiz_publish(*, quizzes: Iterable[Quiz]) -> PublishReport:
    """Publish the quizzes that have questions and whose random slots can draw (the others
    are named in the report)."""
    pks = [q.pk for q in quizzes]
    rows = list(
        Quiz.objects.filter(pk__in=pks).annotate(n=Count("quiz_questions")).order_by("title")
    )
    drawing = quiz_random_problems(quizzes=rows)
    report = PublishReport()
    ready = []
    for quiz in rows:
        drawn, slot_problems = drawing.get(quiz.pk, (0, []))
        if quiz.n + drawn == 0:
            report.empty.append(quiz.title)
            continue
        if slot_problems:
            report.short[quiz.title] = slot_problems
            continue
        ready.append(quiz.pk)
        if not quiz.published:
            report.published.append(quiz.title)
    Quiz.objects.filter(pk__in=ready).update(published=True)
    return report
