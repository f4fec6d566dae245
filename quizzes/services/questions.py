"""Rules a question must follow across its parts (pure: plain data in, messages out).

The admin's inline formsets, the API serializers and `loaddata` all ask the same function, so a
question that one of them accepts, the others accept too.
"""

import math
import re
from collections.abc import Mapping, Sequence
from typing import SupportsFloat

from quizzes.models.bank import Question, QuestionKind
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
) -> dict[str, list[str]]:
    """What is wrong with a question, by field; an empty dict means it is valid.

    `choices` and `accepted_answers` are mappings with at least `text` and `fraction`.
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


def question_instance_problems(question: Question) -> dict[str, list[str]]:
    """`question_problems` for a saved question, reading its choices and accepted answers."""
    return question_problems(
        kind=question.kind,
        text=question.text,
        choices=[{"text": c.text, "fraction": c.fraction} for c in question.choices.all()],
        accepted_answers=[
            {"text": a.text, "fraction": a.fraction} for a in question.accepted_answers.all()
        ],
        numeric_answer=question.numeric_answer,
    )
