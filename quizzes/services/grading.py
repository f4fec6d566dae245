"""Grading: a question snapshot and an answer in, a fraction out (pure: no database).

Answer shapes (the same JSON values in forms and in the API):

- single_choice, true_false: an int choice id
- multiple_response: a list of distinct int choice ids (may be empty)
- short_answer, cloze: a string of at most 300 characters
- numeric: a number (int or float)

`None` always means "not answered" and grades 0.
"""

import math
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeGuard

from quizzes.services.exceptions import InvalidAnswer
from quizzes.text import normalise_answer

MAX_TEXT_ANSWER = 300
CENT = Decimal("0.01")

SINGLE_CHOICE = "single_choice"
MULTIPLE_RESPONSE = "multiple_response"
TRUE_FALSE = "true_false"
SHORT_ANSWER = "short_answer"
NUMERIC = "numeric"
CLOZE = "cloze"
CHOICE_KINDS = {SINGLE_CHOICE, TRUE_FALSE}
TEXT_KINDS = {SHORT_ANSWER, CLOZE}


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _choice_ids(snapshot: dict) -> set[int]:
    return {choice["id"] for choice in snapshot.get("choices") or []}


def validate_answer(*, snapshot: dict, answer: object) -> object:
    """The answer cleaned for storage, or `InvalidAnswer` when its shape does not fit the kind."""
    if answer is None:
        return None
    kind = snapshot["kind"]
    if kind in CHOICE_KINDS:
        if not _is_int(answer):
            raise InvalidAnswer("Choose one of the options.")
        if answer not in _choice_ids(snapshot):
            raise InvalidAnswer("That option does not belong to this question.")
        return answer
    if kind == MULTIPLE_RESPONSE:
        if not isinstance(answer, list | tuple) or not all(_is_int(item) for item in answer):
            raise InvalidAnswer("Choose any number of the options.")
        if len(set(answer)) != len(answer):
            raise InvalidAnswer("An option was chosen twice.")
        if not set(answer) <= _choice_ids(snapshot):
            raise InvalidAnswer("That option does not belong to this question.")
        # No option ticked is stored like any other unanswered question.
        return sorted(answer) or None
    if kind in TEXT_KINDS:
        if not isinstance(answer, str):
            raise InvalidAnswer("Type your answer as text.")
        if len(answer) > MAX_TEXT_ANSWER:
            raise InvalidAnswer(f"Answers are at most {MAX_TEXT_ANSWER} characters long.")
        if "\x00" in answer:
            raise InvalidAnswer("Answers cannot contain NUL characters.")
        cleaned = answer.strip()
        return cleaned or None
    if kind == NUMERIC:
        if not (_is_int(answer) or isinstance(answer, float)) or not math.isfinite(answer):
            raise InvalidAnswer("Type a number, such as 42 or 3.5.")
        return answer
    raise InvalidAnswer(f"Unknown question kind “{kind}”.")


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance with adjacent transpositions counting as one edit (OSA)."""
    if a == b:
        return 0
    if not a or not b:
        return len(a) + len(b)
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def fuzzy_tolerance(expected: str) -> int:
    """Edits forgiven for a fuzzy match: none for short words, one from 4 letters, two from 9."""
    length = len(expected.replace(" ", ""))
    if length < 4:
        return 0
    return 1 if length < 9 else 2


def text_matches(*, given: str, expected: str, match: str) -> bool:
    if match == "exact":
        return given.strip() == expected.strip()
    given_norm, expected_norm = normalise_answer(given), normalise_answer(expected)
    if not given_norm:
        return False
    if given_norm == expected_norm:
        return True
    if match == "fuzzy":
        return edit_distance(given_norm, expected_norm) <= fuzzy_tolerance(expected_norm)
    return False


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def grade_answer(*, snapshot: dict, answer: object) -> float:
    """The fraction of the marks an answer earns. Unanswered (None) earns 0.0."""
    if answer is None:
        return 0.0
    kind = snapshot["kind"]
    fractions = {
        choice["id"]: float(choice["fraction"]) for choice in snapshot.get("choices") or []
    }
    if kind in CHOICE_KINDS:
        return _clamp(fractions.get(answer, 0.0), -1.0, 1.0)
    if kind == MULTIPLE_RESPONSE and isinstance(answer, list):
        return _clamp(sum(fractions.get(choice_id, 0.0) for choice_id in set(answer)), 0.0, 1.0)
    if kind in TEXT_KINDS:
        if not isinstance(answer, str):
            return 0.0
        earned = [
            float(accepted["fraction"])
            for accepted in snapshot.get("accepted_answers") or []
            if text_matches(given=answer, expected=accepted["text"], match=accepted["match"])
        ]
        return _clamp(max(earned, default=0.0), 0.0, 1.0)
    if kind == NUMERIC:
        numeric = snapshot.get("numeric")
        if numeric is None or isinstance(answer, bool) or not isinstance(answer, int | float):
            return 0.0
        tolerance = abs(float(numeric.get("tolerance") or 0))
        # A hair of slack so that 0.1 + 0.2 counts as 0.3.
        slack = 1e-9 * max(1.0, abs(float(numeric["value"])))
        return 1.0 if abs(float(answer) - float(numeric["value"])) <= tolerance + slack else 0.0
    return 0.0


def response_score(*, fraction: float, marks: Decimal) -> Decimal:
    """Marks earned by one response (negative when a penalising choice was picked)."""
    return (Decimal(str(fraction)) * Decimal(marks)).quantize(CENT, rounding=ROUND_HALF_UP)


def attempt_totals(
    *, scores: list[Decimal], max_score: Decimal, maximum_grade: Decimal
) -> tuple[Decimal, Decimal]:
    """(score, grade): the sum of the response scores kept within 0 and the marks on offer,
    and that score scaled to the quiz's maximum grade."""
    max_score = Decimal(max_score)
    score = min(max(sum(scores, Decimal(0)), Decimal(0)), max_score).quantize(CENT)
    if max_score <= 0:
        return score, Decimal(0).quantize(CENT)
    grade = (score / max_score * Decimal(maximum_grade)).quantize(CENT, rounding=ROUND_HALF_UP)
    return score, grade


def final_grade(*, method: str, grades: list[Decimal]) -> Decimal | None:
    """A student's grade on a quiz from their finished attempts' grades (oldest first)."""
    if not grades:
        return None
    if method == "highest":
        return max(grades)
    if method == "average":
        total = sum((Decimal(g) for g in grades), Decimal(0))
        return (total / len(grades)).quantize(CENT, rounding=ROUND_HALF_UP)
    if method == "first":
        return grades[0]
    if method == "last":
        return grades[-1]
    raise ValueError(f"Unknown grading method {method!r}")


def verdict(fraction: float | None) -> str:
    """ "correct", "partial" or "incorrect" for a graded fraction ("unanswered" for None)."""
    if fraction is None:
        return "unanswered"
    if math.isclose(fraction, 1.0, abs_tol=1e-6) or fraction > 1:
        return "correct"
    return "partial" if fraction > 0 else "incorrect"


def describe_answer(*, snapshot: dict, answer: object) -> str:
    """The answer as the student sees it in the review ("" when unanswered)."""
    if answer is None:
        return ""
    texts = {choice["id"]: choice["text"] for choice in snapshot.get("choices") or []}
    if snapshot["kind"] in CHOICE_KINDS:
        return texts.get(answer, "")
    if snapshot["kind"] == MULTIPLE_RESPONSE and isinstance(answer, list):
        return "; ".join(texts.get(i, "?") for i in _in_display_order(snapshot, answer))
    if snapshot["kind"] == NUMERIC:
        return f"{answer:g}" if isinstance(answer, float) else str(answer)
    return str(answer)


def _in_display_order(snapshot: dict, ids: Iterable[int]) -> list[int]:
    wanted = set(ids)
    return [c["id"] for c in snapshot.get("choices") or [] if c["id"] in wanted]


def describe_correct(*, snapshot: dict) -> str:
    """The correct answer as the review states it."""
    kind = snapshot["kind"]
    choices = snapshot.get("choices") or []
    if kind in CHOICE_KINDS:
        best = max(choices, key=lambda c: float(c["fraction"]), default=None)
        return best["text"] if best else ""
    if kind == MULTIPLE_RESPONSE:
        return "; ".join(c["text"] for c in choices if float(c["fraction"]) > 0)
    if kind in TEXT_KINDS:
        full = [a["text"] for a in snapshot.get("accepted_answers") or [] if a["fraction"] >= 1]
        return " or ".join(full)
    if kind == NUMERIC and snapshot.get("numeric"):
        value, tolerance = snapshot["numeric"]["value"], snapshot["numeric"]["tolerance"]
        text = f"{value:g}"
        return f"{text} (± {tolerance:g})" if tolerance else text
    return ""


def choice_feedback(*, snapshot: dict, answer: object) -> list[str]:
    """The feedback texts of the choices picked (choice questions only)."""
    if answer is None or snapshot["kind"] not in CHOICE_KINDS | {MULTIPLE_RESPONSE}:
        return []
    picked = set(answer) if isinstance(answer, list) else {answer}
    return [
        c["feedback"] for c in snapshot.get("choices") or [] if c["id"] in picked and c["feedback"]
    ]
