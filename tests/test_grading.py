"""The pure graders: one snapshot and one answer in, a fraction out."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizzes.services.exceptions import InvalidAnswer
from quizzes.services.grading import (
    attempt_totals,
    describe_correct,
    final_grade,
    grade_answer,
    response_score,
    validate_answer,
)
from quizzes.services.snapshots import public_question


def snap(kind, *, choices=(), accepted=(), numeric=None, text="Q?"):
    return {
        "id": 1,
        "key": "q-1",
        "kind": kind,
        "text": text,
        "explanation": "Because.",
        "choices": [
            {"id": cid, "text": f"choice {cid}", "fraction": fraction, "feedback": f"fb {cid}"}
            for cid, fraction in choices
        ],
        "accepted_answers": [{"text": t, "fraction": f, "match": m} for t, f, m in accepted],
        "numeric": numeric,
        "fact": None,
    }


SINGLE = snap("single_choice", choices=[(10, 1.0), (11, 0.0), (12, -0.5)])
TRUE_FALSE = snap("true_false", choices=[(20, 1.0), (21, 0.0)])
MULTI = snap("multiple_response", choices=[(30, 0.5), (31, 0.5), (32, -0.5), (33, -0.5)])
SHORT = snap(
    "short_answer",
    accepted=[
        ("Sergei Lavrov", 1.0, "fuzzy"),
        ("Lavrov", 1.0, "fuzzy"),
        ("Russia", 0.5, "normalised"),
    ],
)
CLOZE = snap("cloze", accepted=[("Peregruzka", 1.0, "normalised")], text="It said _____.")
EXACT = snap("short_answer", accepted=[("START", 1.0, "exact")])
NUMERIC = snap("numeric", numeric={"value": 2009, "tolerance": 0})
NUMERIC_TOL = snap("numeric", numeric={"value": 3.5, "tolerance": 0.25})
ALL = [SINGLE, TRUE_FALSE, MULTI, SHORT, CLOZE, EXACT, NUMERIC, NUMERIC_TOL]


# --- per kind ---------------------------------------------------------------------------------


def test_single_choice_takes_the_chosen_choice_fraction():
    assert grade_answer(snapshot=SINGLE, answer=10) == 1.0
    assert grade_answer(snapshot=SINGLE, answer=11) == 0.0
    assert grade_answer(snapshot=SINGLE, answer=12) == -0.5


def test_true_false():
    assert grade_answer(snapshot=TRUE_FALSE, answer=20) == 1.0
    assert grade_answer(snapshot=TRUE_FALSE, answer=21) == 0.0


def test_multiple_response_sums_fractions_floored_at_zero_and_capped_at_one():
    assert grade_answer(snapshot=MULTI, answer=[30, 31]) == 1.0
    assert grade_answer(snapshot=MULTI, answer=[30]) == 0.5
    assert grade_answer(snapshot=MULTI, answer=[30, 31, 32]) == 0.5
    assert grade_answer(snapshot=MULTI, answer=[32, 33]) == 0.0
    assert grade_answer(snapshot=MULTI, answer=[]) == 0.0


def test_short_answer_ignores_case_spaces_punctuation_quotes_and_accents():
    for typed in ["sergei lavrov", "  SERGEI   LAVROV ", "“Sergei Lavrov!”", "Sérgei Lavróv"]:
        assert grade_answer(snapshot=SHORT, answer=typed) == 1.0, typed


def test_fuzzy_match_forgives_a_small_misspelling():
    assert grade_answer(snapshot=SHORT, answer="Lavrof") == 1.0
    assert grade_answer(snapshot=SHORT, answer="Sergey Lavrof") == 1.0
    assert grade_answer(snapshot=SHORT, answer="Medvedev") == 0.0


def test_normalised_match_does_not_forgive_misspellings():
    assert grade_answer(snapshot=CLOZE, answer="peregruzka") == 1.0
    assert grade_answer(snapshot=CLOZE, answer="Perezagruzka") == 0.0


def test_the_best_matching_accepted_answer_counts():
    assert grade_answer(snapshot=SHORT, answer="russia") == 0.5


def test_exact_match_is_exact():
    assert grade_answer(snapshot=EXACT, answer="START") == 1.0
    assert grade_answer(snapshot=EXACT, answer="start") == 0.0


def test_numeric_within_tolerance():
    assert grade_answer(snapshot=NUMERIC, answer=2009) == 1.0
    assert grade_answer(snapshot=NUMERIC, answer=2009.0) == 1.0
    assert grade_answer(snapshot=NUMERIC, answer=2010) == 0.0
    assert grade_answer(snapshot=NUMERIC_TOL, answer=3.75) == 1.0
    assert grade_answer(snapshot=NUMERIC_TOL, answer=3.76) == 0.0


def test_unanswered_grades_zero():
    for snapshot in ALL:
        assert grade_answer(snapshot=snapshot, answer=None) == 0.0


def test_fuzzy_matching_counts_a_transposition_as_one_edit():
    assert grade_answer(snapshot=SHORT, answer="Lavorv") == 1.0


# --- answer shapes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("snapshot", "answer"),
    [
        (SINGLE, 99),  # not one of this question's choices
        (SINGLE, "10"),  # a string: the form layer converts, the service does not
        (SINGLE, True),
        (SINGLE, [10]),
        (MULTI, [30, 30]),
        (MULTI, [30, 99]),
        (MULTI, 30),
        (SHORT, 42),
        (SHORT, "x" * 301),
        (NUMERIC, "2009"),
        (NUMERIC, float("nan")),
        (NUMERIC, True),
    ],
)
def test_answers_of_the_wrong_shape_are_refused(snapshot, answer):
    with pytest.raises(InvalidAnswer):
        validate_answer(snapshot=snapshot, answer=answer)


def test_valid_answers_are_cleaned():
    assert validate_answer(snapshot=SINGLE, answer=11) == 11
    assert validate_answer(snapshot=MULTI, answer=[31, 30]) == [30, 31]
    assert validate_answer(snapshot=MULTI, answer=[]) is None
    assert validate_answer(snapshot=SHORT, answer="  Lavrov ") == "Lavrov"
    assert validate_answer(snapshot=SHORT, answer="   ") is None
    assert validate_answer(snapshot=NUMERIC, answer=2009) == 2009


# --- scores and grades ------------------------------------------------------------------------


def test_score_is_fraction_times_marks_and_grade_is_scaled():
    scores = [
        response_score(fraction=1.0, marks=Decimal(2)),
        response_score(fraction=0.5, marks=Decimal(2)),
    ]
    score, grade = attempt_totals(scores=scores, max_score=Decimal(4), maximum_grade=Decimal(10))
    assert score == Decimal("3.00")
    assert grade == Decimal("7.50")


def test_penalties_never_push_a_score_below_zero():
    scores = [response_score(fraction=-1.0, marks=Decimal(5))]
    assert attempt_totals(scores=scores, max_score=Decimal(5), maximum_grade=Decimal(100)) == (
        Decimal("0.00"),
        Decimal("0.00"),
    )


@pytest.mark.parametrize(
    ("method", "expected"),
    [("highest", "80"), ("average", "60.00"), ("first", "40"), ("last", "60")],
)
def test_final_grade_follows_the_grading_method(method, expected):
    grades = [Decimal(40), Decimal(80), Decimal(60)]
    assert final_grade(method=method, grades=grades) == Decimal(expected)


def test_no_finished_attempt_means_no_final_grade():
    assert final_grade(method="highest", grades=[]) is None


def test_public_question_reveals_nothing_about_correctness():
    public = public_question(SINGLE)
    assert set(public) == {"id", "kind", "text", "choices"}
    assert all(set(choice) == {"id", "text"} for choice in public["choices"])
    assert "fraction" not in str(public_question(MULTI))


def test_describe_correct():
    assert describe_correct(snapshot=SINGLE) == "choice 10"
    assert describe_correct(snapshot=MULTI) == "choice 30; choice 31"
    assert describe_correct(snapshot=SHORT) == "Sergei Lavrov"  # "Lavrov" is a shorter form
    assert describe_correct(snapshot=NUMERIC_TOL) == "3.5 (± 0.25)"


# --- properties -------------------------------------------------------------------------------

choice_ids = st.integers(min_value=1, max_value=6)
fractions = st.floats(min_value=-1, max_value=1, allow_nan=False)


@st.composite
def choice_snapshots(draw):
    kind = draw(st.sampled_from(["single_choice", "multiple_response", "true_false"]))
    fs = draw(st.lists(fractions, min_size=2, max_size=6))
    return snap(kind, choices=list(enumerate(fs, start=1)))


@given(snapshot=choice_snapshots(), picked=st.lists(choice_ids, unique=True))
def test_a_choice_fraction_stays_in_its_bounds(snapshot, picked):
    if snapshot["kind"] == "multiple_response":
        fraction = grade_answer(snapshot=snapshot, answer=picked)
        assert 0.0 <= fraction <= 1.0
    else:
        fraction = grade_answer(snapshot=snapshot, answer=picked[0] if picked else None)
        assert -1.0 <= fraction <= 1.0


@given(typed=st.text(max_size=40))
def test_a_text_fraction_stays_in_its_bounds_and_is_deterministic(typed):
    first = grade_answer(snapshot=SHORT, answer=typed)
    assert 0.0 <= first <= 1.0
    assert grade_answer(snapshot=SHORT, answer=typed) == first


@given(value=st.floats(allow_nan=False, allow_infinity=False) | st.integers())
def test_a_numeric_fraction_is_zero_or_one(value):
    assert grade_answer(snapshot=NUMERIC_TOL, answer=value) in (0.0, 1.0)


@given(
    rows=st.lists(
        st.tuples(fractions, st.decimals(min_value=0, max_value=10, places=2)), max_size=30
    ),
    maximum=st.decimals(min_value="0.01", max_value=1000, places=2),
)
def test_a_score_stays_between_zero_and_the_maximum(rows, maximum):
    scores = [response_score(fraction=f, marks=m) for f, m in rows]
    max_score = sum((m for _, m in rows), Decimal(0))
    score, grade = attempt_totals(scores=scores, max_score=max_score, maximum_grade=maximum)
    assert Decimal(0) <= score <= max_score
    assert Decimal(0) <= grade <= maximum
    assert attempt_totals(scores=scores, max_score=max_score, maximum_grade=maximum) == (
        score,
        grade,
    )


# --- typed answers: natural variants in, wrong answers out --------------------------------------


def typed(expected, match="normalised", fraction=1.0):
    return snap("short_answer", accepted=[(expected, fraction, match)])


@pytest.mark.parametrize(
    ("expected", "answer"),
    [
        ("350 million euros", "€350 million"),
        ("350 million euros", "350m euros"),
        ("2.4 billion euro", "2.4 billion euros"),
        ("4.7 billion tonnes", "4.7bn tonnes"),
        ("6.5 percent", "6.5%"),
        ("6.5 percent", "6.5 per cent"),
        ("30 kilometres", "30 km"),
        ("30 kilometres", "30 kilometers"),
        ("30 kilometres", "30"),
        ("1.8 degrees Celsius", "1.8C"),
        ("41 seconds", "41"),
        ("one agreement", "1"),
        ("14", "fourteen"),
        ("17,000", "17000"),
        ("17,000", "about 17,000"),
        ("2050", "by 2050"),
        ("30,000 euros", "thirty thousand euros"),
        ("Greenland", "in Greenland"),
        ("Danish Meteorological Institute", "the Danish Meteorological Institute"),
        ("the START treaty", "START treaty"),
        ("Spain and Poland", "Poland and Spain"),
        ("the colour red", "the color red"),
    ],
)
def test_natural_variants_of_a_typed_answer_are_accepted(expected, answer):
    assert grade_answer(snapshot=typed(expected), answer=answer) == 1.0, answer


@pytest.mark.parametrize(
    ("expected", "answer", "match"),
    [
        ("$1.5 billion", "$15 billion", "normalised"),  # the decimal point is not punctuation
        ("4.7 billion tonnes", "47 billion tonnes", "normalised"),
        ("6.5 percent", "65 percent", "normalised"),
        ("350 million euros", "350", "normalised"),  # 350, not 350 million
        ("30,000 euros", "30,000 dollars", "normalised"),
        ("30 kilometres", "30 miles", "normalised"),
        ("one agreement", "two agreements", "normalised"),
        ("2050", "2051", "fuzzy"),  # numbers are never fuzzy
        ("Iran", "Iraq", "fuzzy"),  # one edit, but another country
        ("Australia", "Austria", "fuzzy"),
        ("by the end of the year", "at the end of the year", "normalised"),
    ],
)
def test_a_wrong_answer_is_never_accepted(expected, answer, match):
    assert grade_answer(snapshot=typed(expected, match), answer=answer) == 0.0, answer


def test_another_name_of_the_same_place_is_accepted_fuzzily():
    assert grade_answer(snapshot=typed("Kiev", "fuzzy"), answer="Kyiv") == 1.0
    assert grade_answer(snapshot=typed("Iran", "fuzzy"), answer="Irann") == 1.0


def test_an_answer_matching_a_zero_mark_answer_is_not_rescued_by_a_fuzzy_one():
    snapshot = snap("short_answer", accepted=[("Mette Larsen", 1.0, "fuzzy"),
                                              ("Mette Larson", 0.0, "normalised")])  # fmt: skip
    assert grade_answer(snapshot=snapshot, answer="Mette Larsan") == 1.0
    assert grade_answer(snapshot=snapshot, answer="Mette Larson") == 0.0
