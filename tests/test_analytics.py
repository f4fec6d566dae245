"""Quiz analytics: plain rows in, figures out (no database)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizzes.charts import bar_chart
from quizzes.services.analytics import (
    FLAG_DISCRIMINATES_BADLY,
    FLAG_TOO_EASY,
    FLAG_TOO_FEW,
    FLAG_TOO_HARD,
    AttemptRow,
    ResponseRow,
    WrongAnswer,
    discrimination_index,
    grade_distribution,
    question_performance,
    quiz_summary,
)

CHOICES = [
    {"id": 11, "text": "Sergei Lavrov"},
    {"id": 12, "text": "Dmitry Medvedev"},
    {"id": 13, "text": "Condoleezza Rice"},
]


def row(attempt, fraction, answer, total, *, question="q1", kind="single_choice", **extra):
    return ResponseRow(
        attempt_id=attempt,
        question=question,
        text=f"Question {question}?",
        fraction=fraction,
        answer=answer,
        total=total,
        kind=kind,
        choices=CHOICES,
        **extra,
    )


# --- grade distribution -------------------------------------------------------------------------


def test_grades_fall_in_tenths_of_the_maximum_and_full_marks_in_the_top_band():
    bands = grade_distribution(
        grades=[Decimal(0), Decimal("9.99"), Decimal(10), Decimal("55.5"), Decimal(100)],
        maximum=Decimal(100),
    )
    assert [b.label for b in bands][:2] == ["0–10%", "10–20%"]
    assert bands[-1].label == "90–100%"
    assert [b.count for b in bands] == [2, 1, 0, 0, 0, 1, 0, 0, 0, 1]


def test_bands_are_shares_of_the_maximum_grade_not_absolute_grades():
    bands = grade_distribution(grades=[Decimal(5), Decimal("7.5")], maximum=Decimal(10), bins=4)
    assert [(b.label, b.count) for b in bands] == [
        ("0–25%", 0),
        ("25–50%", 0),
        ("50–75%", 1),
        ("75–100%", 1),
    ]


def test_a_distribution_needs_a_positive_maximum():
    with pytest.raises(ValueError, match="positive"):
        grade_distribution(grades=[], maximum=Decimal(0))


grades_and_maximum = st.decimals(min_value=1, max_value=1000, places=2).flatmap(
    lambda maximum: st.tuples(
        st.lists(st.decimals(min_value=0, max_value=maximum, places=2), max_size=60),
        st.just(maximum),
        st.integers(min_value=1, max_value=20),
    )
)


@given(grades_and_maximum)
def test_distribution_counts_add_up_to_the_number_of_grades(case):
    grades, maximum, bins = case
    bands = grade_distribution(grades=grades, maximum=maximum, bins=bins)
    assert len(bands) == bins
    assert sum(b.count for b in bands) == len(grades)
    assert bands == grade_distribution(grades=list(reversed(grades)), maximum=maximum, bins=bins)


# --- summary ------------------------------------------------------------------------------------


def test_summary_counts_attempts_and_students_and_the_pass_rate_per_attempt():
    attempts = [
        AttemptRow(attempt_id=1, user_id=1, grade=Decimal(40), total=0.4),
        AttemptRow(attempt_id=2, user_id=1, grade=Decimal(80), total=0.8),
        AttemptRow(attempt_id=3, user_id=2, grade=Decimal(70), total=0.7),
        AttemptRow(attempt_id=4, user_id=3, grade=Decimal(100), total=1.0),
    ]
    summary = quiz_summary(attempts=attempts, pass_mark=Decimal(70))
    assert (summary.attempts, summary.students) == (4, 3)
    assert summary.mean == Decimal("72.50")
    assert summary.median == Decimal("75.00")
    assert (summary.passed, summary.pass_rate) == (3, 0.75)


def test_summary_without_a_pass_mark_or_attempts_has_no_rates():
    assert quiz_summary(attempts=[], pass_mark=None).pass_rate is None
    empty = quiz_summary(attempts=[], pass_mark=Decimal(50))
    assert (empty.attempts, empty.mean, empty.median, empty.pass_rate) == (0, None, None, None)
    one = quiz_summary(attempts=[AttemptRow(1, 1, Decimal(30), 0.3)], pass_mark=None)
    assert (one.mean, one.median, one.passed) == (Decimal(30), Decimal(30), None)


# --- per question -------------------------------------------------------------------------------


def test_facility_is_the_mean_fraction_and_a_penalty_counts_as_zero():
    rows = [row(1, 1.0, 11, 0.9), row(2, 0.5, 12, 0.5), row(3, -1.0, 13, 0.1)]
    (question,) = question_performance(rows)
    assert question.n == 3
    assert question.facility == pytest.approx(0.5)


def test_discrimination_is_the_top_27_percent_minus_the_bottom_27_percent():
    # Ten attempts: the three strongest got it right, the three weakest wrong, the middle half.
    totals = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
    fractions = [0, 0, 0, 1, 0, 1, 0, 1, 1, 1]
    rows = [
        row(n, float(f), 11 if f else 12, total)
        for n, (f, total) in enumerate(zip(fractions, totals, strict=True), start=1)
    ]
    (question,) = question_performance(rows)
    assert question.discrimination == pytest.approx(1.0)
    assert question.flags == []


def test_a_question_weaker_students_do_better_on_discriminates_negatively_and_is_flagged():
    rows = [row(n, 1.0 if n <= 3 else 0.0, 11 if n <= 3 else 12, n / 10) for n in range(1, 9)]
    (question,) = question_performance(rows)
    assert question.discrimination < 0
    assert FLAG_DISCRIMINATES_BADLY in question.flags


def test_flags_for_easy_and_hard_questions_only_from_five_responses():
    easy = [row(n, 1.0, 11, n / 10, question="easy") for n in range(1, 6)]
    hard = [row(n, 0.0, 12, n / 10, question="hard") for n in range(1, 6)]
    few = [row(n, 1.0, 11, n / 10, question="few") for n in range(1, 5)]
    by_key = {q.question: q for q in question_performance(easy + hard + few)}
    assert FLAG_TOO_EASY in by_key["easy"].flags
    assert FLAG_TOO_HARD in by_key["hard"].flags
    assert by_key["few"].flags == [FLAG_TOO_FEW]
    # Everybody right (or wrong) does not tell strong from weak students either.
    assert FLAG_DISCRIMINATES_BADLY in by_key["easy"].flags


def test_wrong_choices_are_named_by_the_text_the_student_saw_most_common_first():
    rows = [
        row(1, 1.0, 11, 1.0),
        row(2, 0.0, 12, 0.2),
        row(3, 0.0, 13, 0.3),
        row(4, 0.0, 12, 0.4),
        row(5, None, None, 0.0),
    ]
    (question,) = question_performance(rows)
    assert question.wrong_answers == [
        WrongAnswer("Dmitry Medvedev", 2),
        WrongAnswer("Condoleezza Rice", 1),
    ]
    assert question.unanswered == pytest.approx(0.2)


def test_typed_wrong_answers_group_ignoring_case_spacing_and_accents():
    rows = [
        row(1, 0.0, "Medvedev", 0.1, kind="short_answer"),
        row(2, 0.0, " medvédev ", 0.2, kind="short_answer"),
        row(3, 0.0, "Medvedev", 0.3, kind="short_answer"),
        row(4, 0.0, "Putin", 0.4, kind="short_answer"),
        row(5, 1.0, "Lavrov", 0.9, kind="short_answer"),
    ]
    (question,) = question_performance(rows)
    assert question.wrong_answers == [WrongAnswer("Medvedev", 3), WrongAnswer("Putin", 1)]


def test_multiple_response_and_numeric_wrong_answers_are_readable():
    rows = [
        row(1, 0.5, [11], 0.5, question="mr", kind="multiple_response"),
        row(2, 0.5, [11], 0.5, question="mr", kind="multiple_response"),
        row(3, 0.0, [12, 13], 0.1, question="mr", kind="multiple_response"),
        row(4, 0.0, 2008, 0.1, question="num", kind="numeric"),
        row(5, 0.0, 2008.0, 0.2, question="num", kind="numeric"),
        row(6, 0.0, 1989.5, 0.3, question="num", kind="numeric"),
    ]
    by_key = {q.question: q for q in question_performance(rows)}
    assert by_key["mr"].wrong_answers == [
        WrongAnswer("Sergei Lavrov", 2),
        WrongAnswer("Dmitry Medvedev; Condoleezza Rice", 1),
    ]
    assert [w.count for w in by_key["num"].wrong_answers] == [2, 1]
    assert by_key["num"].wrong_answers[1].text == "1989.5"


def test_matching_and_ordering_wrong_answers_are_named_by_their_texts():
    matching = {
        "pairs": [
            {"id": "s1", "stem": "Clinton", "answer": "Secretary", "answer_id": "a1"},
            {"id": "s2", "stem": "Lavrov", "answer": "minister", "answer_id": "a2"},
        ],
        "answers": [{"id": "a1", "text": "Secretary"}, {"id": "a2", "text": "minister"}],
    }
    ordering = {"items": ["Georgia", "NATO", "Geneva"], "item_ids": ["i1", "i2", "i3"]}
    swapped = {"s1": "a2", "s2": "a1"}
    rows = [
        row(1, 0.0, swapped, 0.2, question="mt", kind="matching", parts=matching),
        row(2, 0.0, swapped, 0.3, question="mt", kind="matching", parts=matching),
        row(3, 1.0, {"s1": "a1", "s2": "a2"}, 0.9, question="mt", kind="matching", parts=matching),
        row(4, 0.5, ["i2", "i3", "i1"], 0.5, question="or", kind="ordering", parts=ordering),
    ]
    by_key = {q.question: q for q in question_performance(rows)}
    assert by_key["mt"].wrong_answers == [WrongAnswer("Clinton: minister; Lavrov: Secretary", 2)]
    assert by_key["mt"].facility == pytest.approx(1 / 3)
    assert by_key["or"].wrong_answers == [WrongAnswer("1. NATO; 2. Geneva; 3. Georgia", 1)]


def test_questions_come_in_quiz_order_and_removed_ones_last():
    rows = [row(1, 1.0, 11, 1.0, question=key) for key in ("gone", "b", "a")]
    ordered = question_performance(rows, positions={"a": 1, "b": 2})
    assert [(q.question, q.position) for q in ordered] == [("a", 1), ("b", 2), ("gone", None)]


def test_discrimination_needs_two_attempts():
    assert discrimination_index([(0.5, 1, 1.0)]) is None
    assert discrimination_index([(0.2, 1, 0.0), (0.8, 2, 1.0)]) == 1.0


response_rows = st.lists(
    st.builds(
        row,
        attempt=st.integers(min_value=1, max_value=40),
        fraction=st.one_of(st.none(), st.floats(min_value=-1, max_value=1)),
        answer=st.one_of(st.none(), st.sampled_from([11, 12, 13, 99])),
        total=st.floats(min_value=0, max_value=1),
        question=st.sampled_from(["q1", "q2", "q3"]),
    ),
    max_size=80,
)


@given(response_rows)
def test_figures_stay_in_range_and_do_not_depend_on_row_order(rows):
    performance = question_performance(rows)
    assert sum(q.n for q in performance) == len(rows)
    for question in performance:
        assert 0.0 <= question.facility <= 1.0
        assert question.discrimination is None or -1.0 <= question.discrimination <= 1.0
        assert 0.0 <= question.unanswered <= 1.0
        assert sum(w.count for w in question.wrong_answers) <= question.n
    assert question_performance(list(reversed(rows))) == performance


def test_bar_chart_can_label_every_bar_under_its_middle():
    chart = bar_chart([("a", 1), ("b", 2)], width=224, height=124, pad=24, label_all=True)
    assert [bar.show_label for bar in chart["bars"]] == [True, True]
    assert chart["bars"][0].label_x == pytest.approx(
        chart["bars"][0].x + chart["bars"][0].width / 2
    )
    assert chart["bars"][0].label_anchor == "middle"
