"""Rules a question must follow across its parts (pure: plain data in, messages out).

The admin's inline formsets, the API serializers and `loaddata` all ask the same function, so a
question that one of them accepts, the others accept too.
"""

import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import SupportsFloat

from django.db import transaction

from quizzes.models.bank import MatchPair, OrderingItem, Question, QuestionKind
from quizzes.text import normalise_answer

BLANK_RE = re.compile(r"_{3,}")
FULLY_CORRECT = 1.0


def _is_full(fraction: SupportsFloat | str) -> bool:
    return math.isclose(float(fraction), FULLY_CORRECT, abs_tol=1e-6)


def count_blanks(text: str) -> int:
    return len(BLANK_RE.findall(text))


def question_problems(
    *,
    kind: str,
    text: str,
    choices: Sequence[Mapping] = (),
    accepted_answers: Sequence[Mapping] = (),
    numeric_answer: float | None = None,
    pairs: Sequence[Mapping] = (),
    extra_answers: Sequence[str] = (),
    items: Sequence[str] = (),
    all_or_nothing: bool = False,
    shared_answers: bool = False,
) -> dict[str, list[str]]:
    """What is wrong with a question, by field; an empty dict means it is valid.

    `choices` and `accepted_answers` are mappings with at least `text` and `fraction`.
    Matching: `pairs` are mappings with `stem` and `answer`, `extra_answers` answers that match
    no stem; `shared_answers` lets two stems have the same answer. Ordering: `items` in their
    right order. (The keys `quizzes.interchange.bank.to_bank` emits.)
    """
    problems: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    if kind not in QuestionKind.values:
        add("kind", f"Unknown question kind “{kind}”.")
        return problems
    if not text.strip():
        add("text", "A question needs a text.")

    if kind in QuestionKind.choice_kinds():
        fractions = [float(c["fraction"]) for c in choices]
        if len(choices) < 2:
            add("choices", "A choice question needs at least two choices.")
        seen: set[str] = set()
        for choice in choices:
            norm = normalise_answer(str(choice["text"]))
            if not norm:
                add("choices", "Every choice needs a text.")
            elif norm in seen:
                add("choices", f"Two choices say the same thing: “{choice['text']}”.")
            seen.add(norm)
        if any(not -1 <= f <= 1 for f in fractions):
            add("choices", "Choice fractions must lie between -1 and 1.")
        if kind == QuestionKind.MULTIPLE_RESPONSE:
            positive = sum(f for f in fractions if f > 0)
            if not math.isclose(positive, FULLY_CORRECT, abs_tol=0.01):
                add(
                    "choices",
                    "The positive fractions of a multiple-response question must add up to 1 "
                    f"(they add up to {positive:g}).",
                )
        elif not any(_is_full(f) for f in fractions):
            add("choices", "A choice question needs one fully correct choice (fraction 1).")
        if kind == QuestionKind.TRUE_FALSE and len(choices) != 2:
            add("choices", "A true/false question has exactly two choices.")
        if kind == QuestionKind.TRUE_FALSE and sum(1 for f in fractions if _is_full(f)) > 1:
            add("choices", "A true/false question has exactly one correct choice.")
        if accepted_answers:
            add("accepted_answers", "Choice questions are graded by their choices, not answers.")

    if kind not in QuestionKind.part_kinds():
        if pairs or extra_answers:
            add("pairs", "Only matching questions have pairs.")
        if items:
            add("items", "Only ordering questions have items.")
        if all_or_nothing:
            add("all_or_nothing", "Only matching and ordering questions grade all or nothing.")
    else:
        if choices:
            add("choices", "Matching and ordering questions have no choices.")
        if accepted_answers:
            add("accepted_answers", "Matching and ordering questions have no accepted answers.")
    if kind == QuestionKind.MATCHING:
        _matching_problems(add, pairs, extra_answers, shared_answers=shared_answers)
        if items:
            add("items", "A matching question has pairs, not items.")
    if kind == QuestionKind.ORDERING:
        _ordering_problems(add, items)
        if pairs or extra_answers:
            add("pairs", "An ordering question has items, not pairs.")

    if kind in QuestionKind.text_kinds():
        if not accepted_answers:
            add("accepted_answers", "This kind of question needs at least one accepted answer.")
        elif not any(_is_full(a["fraction"]) for a in accepted_answers):
            add(
                "accepted_answers",
                "At least one accepted answer must be fully correct (fraction 1).",
            )
        if any(not str(a["text"]).strip() for a in accepted_answers):
            add("accepted_answers", "An accepted answer cannot be empty.")
        if choices:
            add("choices", "Only choice questions have choices.")

    if kind == QuestionKind.CLOZE and count_blanks(text) != 1:
        add(
            "text",
            f"A cloze question marks exactly one gap with _____ (found {count_blanks(text)}).",
        )

    if kind == QuestionKind.NUMERIC:
        if numeric_answer is None:
            add("numeric_answer", "A numeric question needs its correct value.")
        if choices:
            add("choices", "A numeric question is graded by its value and tolerance only.")
        if accepted_answers:
            add("accepted_answers", "A numeric question is graded by its value and tolerance only.")

    return problems


MIN_STEMS = 2
MIN_ITEMS = 3


def _matching_problems(
    add: Callable[[str, str], None],
    pairs: Sequence[Mapping],
    extra_answers: Sequence[str],
    *,
    shared_answers: bool,
) -> None:
    if len(pairs) < MIN_STEMS:
        add("pairs", f"A matching question needs at least {MIN_STEMS} stems, each with its answer.")
    stems: set[str] = set()
    answers: dict[str, str] = {}
    for pair in pairs:
        stem, answer = str(pair["stem"]).strip(), str(pair["answer"]).strip()
        if not stem or not answer:
            add("pairs", "Every stem needs a text and an answer.")
            continue
        if normalise_answer(stem) in stems:
            add("pairs", f"Two stems say the same thing: “{stem}”.")
        stems.add(normalise_answer(stem))
        if answer in answers and not shared_answers:
            add(
                "pairs",
                f"Two stems have the same answer “{answer}” (tick “shared answers” if meant).",
            )
        answers.setdefault(answer, stem)
    for extra in extra_answers:
        extra = str(extra).strip()
        if not extra:
            add("extra_answers", "An extra answer cannot be empty.")
        elif extra in answers:
            add("extra_answers", f"The extra answer “{extra}” is already a stem's answer.")
        answers.setdefault(extra, "")


def _ordering_problems(add: Callable[[str, str], None], items: Sequence[str]) -> None:
    if len(items) < MIN_ITEMS:
        add("items", f"An ordering question needs at least {MIN_ITEMS} items.")
    seen: set[str] = set()
    for item in items:
        norm = normalise_answer(str(item))
        if not str(item).strip():
            add("items", "Every item needs a text.")
        elif norm in seen:
            add("items", f"Two items say the same thing: “{item}”.")
        seen.add(norm)


def part_fields(*, pairs: Sequence[Mapping], items: Sequence[Mapping]) -> dict:
    """`pairs`, `extra_answers` and `items` as `question_problems` takes them, from rows of
    match pairs (`stem`, `answer`, `order`) and ordering items (`text`, `order`)."""
    pairs = sorted(pairs, key=lambda p: p.get("order") or 0)
    return {
        "pairs": [{"stem": p["stem"], "answer": p["answer"]} for p in pairs if p["stem"]],
        "extra_answers": [p["answer"] for p in pairs if not p["stem"]],
        "items": [i["text"] for i in sorted(items, key=lambda i: i.get("order") or 0)],
    }


def question_instance_problems(question: Question) -> dict[str, list[str]]:
    """`question_problems` for a saved question, reading its choices and accepted answers."""
    return question_problems(
        **part_fields(
            pairs=[
                {"stem": p.stem, "answer": p.answer, "order": p.order}
                for p in question.match_pairs.all()
            ],
            items=[{"text": i.text, "order": i.order} for i in question.ordering_items.all()],
        ),
        all_or_nothing=question.all_or_nothing,
        shared_answers=question.shared_answers,
        kind=question.kind,
        text=question.text,
        choices=[{"text": c.text, "fraction": c.fraction} for c in question.choices.all()],
        accepted_answers=[
            {"text": a.text, "fraction": a.fraction} for a in question.accepted_answers.all()
        ],
        numeric_answer=question.numeric_answer,
    )


def question_arranged_parts_save(
    *,
    question: Question,
    pairs: Sequence[Mapping] | None = None,
    extra_answers: Sequence[str] | None = None,
    items: Sequence[str] | None = None,
) -> None:
    """Replace a question's matching pairs (and extra answers) or ordering items with those
    given, in the plain-dict shape `question_problems` checks (None leaves them as they are).
    Responses keep their snapshots, so replacing rows never changes an attempt."""
    with transaction.atomic():
        if pairs is not None or extra_answers is not None:
            old = part_fields(
                pairs=[
                    {"stem": p.stem, "answer": p.answer, "order": p.order}
                    for p in question.match_pairs.all()
                ],
                items=[],
            )
            pairs = old["pairs"] if pairs is None else pairs
            extra_answers = old["extra_answers"] if extra_answers is None else extra_answers
            question.match_pairs.all().delete()
            rows = [(p["stem"], p["answer"]) for p in pairs] + [("", a) for a in extra_answers]
            MatchPair.objects.bulk_create(
                MatchPair(question=question, stem=stem, answer=answer, order=order)
                for order, (stem, answer) in enumerate(rows)
            )
        if items is not None:
            question.ordering_items.all().delete()
            OrderingItem.objects.bulk_create(
                OrderingItem(question=question, text=text, order=order)
                for order, text in enumerate(items)
            )
