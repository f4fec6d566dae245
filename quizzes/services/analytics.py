"""How a quiz and its questions performed, for teachers (pure: plain rows in, dataclasses out).

`quizzes.selectors.quiz_results_rows` reads the rows from the database; everything here is
arithmetic on them, so it is tested exhaustively without a database.

The figures, as the results page explains them:

- **Facility**: the mean fraction of the marks earned on the question (0 to 1; shown as a %).
  A penalised choice (a negative fraction) counts as 0, so facility stays within 0 and 1.
- **Discrimination**: the upper-lower index. Attempts that included the question are ranked by
  their total score (as a fraction of the marks on offer, ties broken by attempt id); the
  question's facility among the bottom 27% is subtracted from its facility among the top 27%
  (each group at least one attempt). It runs from -1 (weaker students did better) through 0 (no
  difference) to 1. The total includes the question itself (the classical, uncorrected upper-
  lower index, chosen over a point-biserial correlation because a teacher can read it directly:
  0.4 means the top group earned 40 percentage points more of its marks than the bottom group).
- **Unanswered**: the share of responses left empty.
- **Most common wrong answers**: answers that did not earn full marks, grouped: choice ids
  mapped to the choice texts the student saw (through the response's snapshot), typed answers
  grouped by `normalise_answer` (shown in their most common spelling), numbers by value.
- **Flags**, only from `MIN_ATTEMPTS` responses on ("too few attempts" below that): too easy
  (facility above 0.9), too hard (below 0.2), discriminates badly (below 0.1, or negative).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from quizzes.services.grading import (
    MATCHING,
    MULTIPLE_RESPONSE,
    NUMERIC,
    ONE_CHOICE_KINDS,
    ORDERING,
    TEXT_KINDS,
    describe_answer,
    verdict,
)
from quizzes.text import normalise_answer

MIN_ATTEMPTS = 5
GROUP_SHARE = 0.27  # the top and bottom groups of the upper-lower index
TOO_EASY = 0.9
TOO_HARD = 0.2
DISCRIMINATES_BADLY = 0.1
CENT = Decimal("0.01")

FLAG_TOO_FEW = "too few attempts"
FLAG_TOO_EASY = "too easy"
FLAG_TOO_HARD = "too hard"
FLAG_DISCRIMINATES_BADLY = "discriminates badly"


# --- rows in ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttemptRow:
    """One finished attempt."""

    attempt_id: int
    user_id: int
    grade: Decimal | None  # on the quiz's maximum-grade scale
    total: float  # score / max score, 0 to 1


@dataclass(frozen=True)
class ResponseRow:
    """One response of a finished attempt, with what the analysis needs from its snapshot."""

    attempt_id: int
    question: str  # the question's key (kept by the snapshot even if the question is deleted)
    text: str  # the question as this student was shown it
    fraction: float | None
    answer: object
    total: float  # the attempt's total score fraction
    kind: str = "single_choice"
    choices: Sequence[dict] = ()  # the snapshot's choices: [{"id", "text"}, …]
    question_id: int | None = None  # the live question, None once deleted
    # Matching and ordering: the snapshot's pairs, answers, items and item_ids.
    parts: Mapping = field(default_factory=dict)
    drawn_by: int | None = None  # the random slot that drew the question for this attempt


@dataclass(frozen=True)
class SlotPlace:
    """A random slot of the quiz now: its place (the place of each question it draws)."""

    position: int
    label: str  # "tag Geography"


@dataclass(frozen=True)
class QuizResultsRows:
    """What `quizzes.selectors.quiz_results_rows` reads for one quiz."""

    attempts: list[AttemptRow]
    responses: list[ResponseRow]
    positions: dict[str, int]  # question key -> its place in the quiz now (from 1)
    drawn: dict[int, SlotPlace] = field(default_factory=dict)  # random slot id -> its place


# --- figures out ------------------------------------------------------------------------------


@dataclass(frozen=True)
class GradeBand:
    label: str  # "40–50%"
    low: Decimal  # percent of the maximum grade, inclusive
    high: Decimal  # exclusive, except for the top band
    count: int


@dataclass(frozen=True)
class ResultsSummary:
    attempts: int
    students: int
    mean: Decimal | None
    median: Decimal | None
    passed: int | None  # attempts at or above the pass mark; None without a pass mark
    pass_rate: float | None  # passed / attempts


@dataclass(frozen=True)
class WrongAnswer:
    text: str
    count: int


@dataclass(frozen=True)
class QuestionPerformance:
    question: str  # key
    question_id: int | None
    text: str
    kind: str
    position: int | None  # its place in the quiz now; None when no longer in the quiz
    n: int  # responses: for a question drawn at random, the attempts that drew it
    facility: float
    discrimination: float | None  # None with fewer than two attempts
    unanswered: float  # share of the n responses
    wrong_answers: list[WrongAnswer] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    drawn_from: str | None = None  # drawn at random from this source ("tag Geography")


# --- the grade distribution -------------------------------------------------------------------


def _percent(value: Decimal) -> str:
    return f"{value.normalize():f}"


def grade_distribution(
    *, grades: Iterable[Decimal], maximum: Decimal, bins: int = 10
) -> list[GradeBand]:
    """Counts of grades per band of the maximum grade: 0–10%, 10–20%, … 90–100% (inclusive).

    Each band holds grades from its low end up to (not including) its high end; the top band
    includes the maximum. Grades outside 0..maximum count in the nearest end band.
    """
    maximum = Decimal(maximum)
    if maximum <= 0:
        raise ValueError("The maximum grade must be positive.")
    if bins < 1:
        raise ValueError("At least one band is needed.")
    counts = [0] * bins
    for grade in grades:
        index = int((Decimal(grade) * bins / maximum).to_integral_value(rounding=ROUND_FLOOR))
        counts[min(max(index, 0), bins - 1)] += 1
    bands = []
    for index, count in enumerate(counts):
        low = Decimal(100) * index / bins
        high = Decimal(100) * (index + 1) / bins
        bands.append(
            GradeBand(
                label=f"{_percent(low.quantize(CENT))}–{_percent(high.quantize(CENT))}%",
                low=low,
                high=high,
                count=count,
            )
        )
    return bands


# --- the summary ------------------------------------------------------------------------------


def _median(values: list[Decimal]) -> Decimal:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def quiz_summary(*, attempts: Sequence[AttemptRow], pass_mark: Decimal | None) -> ResultsSummary:
    """Attempts, students, mean and median grade, and the pass rate (per attempt)."""
    grades = [Decimal(a.grade) for a in attempts if a.grade is not None]
    mean = median = None
    if grades:
        mean = (sum(grades, Decimal(0)) / len(grades)).quantize(CENT, rounding=ROUND_HALF_UP)
        median = _median(grades).quantize(CENT, rounding=ROUND_HALF_UP)
    passed = pass_rate = None
    if pass_mark is not None:
        passed = sum(1 for grade in grades if grade >= pass_mark)
        pass_rate = passed / len(attempts) if attempts else None
    return ResultsSummary(
        attempts=len(attempts),
        students=len({a.user_id for a in attempts}),
        mean=mean,
        median=median,
        passed=passed,
        pass_rate=pass_rate,
    )


# --- per question -----------------------------------------------------------------------------


def credit(fraction: float | None) -> float:
    """The share of the marks earned, within 0 and 1 (a penalty counts as 0, no answer as 0)."""
    if fraction is None or math.isnan(fraction):
        return 0.0
    return min(max(float(fraction), 0.0), 1.0)


def _mean(values: list[float]) -> float:
    return math.fsum(values) / len(values) if values else 0.0


def discrimination_index(pairs: Sequence[tuple[float, int, float]]) -> float | None:
    """Upper-lower index from (attempt total, attempt id, credit) triples; None below two."""
    if len(pairs) < 2:
        return None
    ranked = sorted(pairs)  # by total, then attempt id (then credit, for a total order)
    size = max(1, int(GROUP_SHARE * len(ranked) + 0.5))
    bottom = [p[2] for p in ranked[:size]]
    top = [p[2] for p in ranked[-size:]]
    value = _mean(top) - _mean(bottom)
    return min(max(value, -1.0), 1.0)


def _number_label(answer: float) -> str:
    return f"{answer:g}" if isinstance(answer, float) else str(answer)


def _wrong_answer_key(row: ResponseRow) -> tuple[tuple, str]:
    """(group, label) of a wrong answer: answers in one group count together."""
    answer, kind = row.answer, row.kind
    texts = {c.get("id"): c.get("text", "") for c in row.choices}
    if kind in ONE_CHOICE_KINDS:
        label = texts.get(answer, "(an option since removed)")
        return ("choice", label), label
    if kind == MULTIPLE_RESPONSE and isinstance(answer, list):
        picked = set(answer)
        label = "; ".join(c.get("text", "") for c in row.choices if c.get("id") in picked)
        return ("choices", label), label or "(options since removed)"
    if kind in TEXT_KINDS and isinstance(answer, str):
        return ("text", normalise_answer(answer)), answer.strip()
    if kind == NUMERIC and isinstance(answer, int | float) and not isinstance(answer, bool):
        return ("number", float(answer)), _number_label(answer)
    if kind in (MATCHING, ORDERING):
        label = describe_answer(snapshot={"kind": kind, **row.parts}, answer=answer)
        return ("arranged", label), label
    return ("other", repr(answer)), str(answer)


def _most_common_wrong(rows: list[ResponseRow], limit: int) -> list[WrongAnswer]:
    counts: Counter = Counter()
    spellings: dict[object, Counter] = defaultdict(Counter)
    for row in rows:
        if row.answer is None or verdict(row.fraction) == "correct":
            continue
        key, label = _wrong_answer_key(row)
        counts[key] += 1
        spellings[key][label] += 1

    def spelling(key: tuple) -> str:
        # The most common spelling of the group; ties go to the alphabetically first.
        return min(spellings[key].items(), key=lambda item: (-item[1], item[0]))[0]

    ordered = sorted(counts, key=lambda key: (-counts[key], spelling(key), repr(key)))
    return [WrongAnswer(text=spelling(key), count=counts[key]) for key in ordered[:limit]]


def _flags(n: int, facility: float, discrimination: float | None) -> list[str]:
    if n < MIN_ATTEMPTS:
        return [FLAG_TOO_FEW]
    flags = []
    if facility > TOO_EASY:
        flags.append(FLAG_TOO_EASY)
    if facility < TOO_HARD:
        flags.append(FLAG_TOO_HARD)
    if discrimination is not None and discrimination < DISCRIMINATES_BADLY:
        flags.append(FLAG_DISCRIMINATES_BADLY)
    return flags


def question_performance(
    rows: Iterable[ResponseRow],
    *,
    positions: dict[str, int] | None = None,
    wrong_answers: int = 3,
    drawn: Mapping[int, SlotPlace] | None = None,
) -> list[QuestionPerformance]:
    """One `QuestionPerformance` per question, in quiz order (`positions`: key -> position),
    questions no longer in the quiz last (by key).

    A question that a random slot drew (and the quiz does not ask anyway) takes the place of
    its slot (`drawn`: slot id -> place), and its n counts the attempts that drew it.
    """
    positions = positions or {}
    drawn = drawn or {}
    by_question: dict[str, list[ResponseRow]] = defaultdict(list)
    for row in rows:
        by_question[row.question].append(row)
    results = []
    for key, group in by_question.items():
        # Deterministic whatever order the rows came in: by attempt.
        group.sort(key=lambda r: r.attempt_id)
        latest = group[-1]
        credits = [credit(r.fraction) for r in group]
        facility = min(max(_mean(credits), 0.0), 1.0)
        discrimination = discrimination_index(
            [(r.total, r.attempt_id, c) for r, c in zip(group, credits, strict=True)]
        )
        n = len(group)
        position = positions.get(key)
        slot = next(
            (
                drawn[r.drawn_by]
                for r in reversed(group)
                if r.drawn_by is not None and r.drawn_by in drawn
            ),
            None,
        )
        if position is None and slot is not None:
            position = slot.position
        results.append(
            QuestionPerformance(
                question=key,
                question_id=next(
                    (r.question_id for r in reversed(group) if r.question_id is not None), None
                ),
                text=latest.text,
                kind=latest.kind,
                position=position,
                n=n,
                facility=facility,
                discrimination=discrimination,
                unanswered=sum(1 for r in group if r.answer is None) / n,
                wrong_answers=_most_common_wrong(group, wrong_answers),
                flags=_flags(n, facility, discrimination),
                drawn_from=slot.label if slot is not None and key not in positions else None,
            )
        )
    results.sort(key=lambda q: (q.position is None, q.position or 0, q.question))
    return results


@dataclass(frozen=True)
class QuizResults:
    summary: ResultsSummary
    distribution: list[GradeBand]
    questions: list[QuestionPerformance]


def quiz_results(
    *,
    attempts: Sequence[AttemptRow],
    responses: Iterable[ResponseRow],
    maximum_grade: Decimal,
    pass_mark: Decimal | None,
    positions: dict[str, int] | None = None,
    drawn: Mapping[int, SlotPlace] | None = None,
) -> QuizResults:
    """Everything the results page shows, from the selector's rows."""
    return QuizResults(
        summary=quiz_summary(attempts=attempts, pass_mark=pass_mark),
        distribution=grade_distribution(
            grades=[a.grade for a in attempts if a.grade is not None], maximum=maximum_grade
        ),
        questions=question_performance(responses, positions=positions, drawn=drawn),
    )
