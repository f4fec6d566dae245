"""The words students read: quiz descriptions without the app's internals, correct answers
without near-duplicates."""

import json
import re
from datetime import date
from pathlib import Path

import pytest

from quizzes.services.bank_building import build_quiz
from quizzes.services.grading import describe_correct
from tests.factories import ArticleFactory, FactFactory, QuestionFactory

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
# Words about how the app works, which mean nothing to a student.
INTERNALS = re.compile(
    r"build_quiz|generat|fixture|hand-written|by hand|\bbank\b|\bslug\b|manage\.py|\w_\w",
    re.IGNORECASE,
)


def test_the_demo_quizzes_describe_themselves_without_internals():
    quizzes = [
        row["fields"]
        for row in json.loads((FIXTURES / "quizzes.json").read_text())
        if row["model"] == "quizzes.quiz"
    ]
    assert quizzes
    for quiz in quizzes:
        for text in (quiz["title"], quiz["description"]):
            assert not INTERNALS.search(text), f"{quiz['slug']}: {text}"


@pytest.mark.django_db
def test_a_built_quiz_is_described_by_its_length_and_source():
    article = ArticleFactory(
        slug="geneva", title="Clinton meets Lavrov", publisher="Reuters", published=date(2009, 3, 6)
    )
    # Three facts, three kinds, no question giving another's answer away (build_quiz's rules).
    article.body = "Lavrov spoke first. Clinton replied. The talks lasted four hours."
    article.save()
    facts = [
        FactFactory(article=article, sentence="Lavrov spoke first.", answer="Lavrov"),
        FactFactory(article=article, sentence="Clinton replied.", answer="Clinton"),
        FactFactory(
            article=article,
            sentence="The talks lasted four hours.",
            answer="four hours",
            kind="number",
        ),
    ]
    QuestionFactory(
        fact=facts[0],
        text="Who spoke first?",
        parts=[("Lavrov", 1), ("Kerry", 0), ("Rice", 0), ("Putin", 0)],
    )
    QuestionFactory(fact=facts[1], short_answer=True, text="Who replied?", parts=[("Clinton", 1)])
    QuestionFactory(
        fact=facts[2],
        true_false=True,
        text="The talks lasted four hours.",
        parts=[("True", 1), ("False", 0)],
    )
    quiz = build_quiz(article=article, size=3)
    assert quiz.description == (
        "3 questions on the article “Clinton meets Lavrov” (Reuters, 6 March 2009), of 3 kinds."
    )
    assert not INTERNALS.search(quiz.description)


def _text_question(*answers):
    return {
        "kind": "short_answer",
        "accepted_answers": [{"text": a, "fraction": 1.0, "match": "normalised"} for a in answers],
    }


@pytest.mark.parametrize(
    ("answers", "shown"),
    [
        (["a good beginning", "good beginning"], "a good beginning"),
        (
            ["by the end of the year", "the end of the year", "end of the year"],
            "by the end of the year",
        ),
        (["Sergei Lavrov", "sergei lavrov.", "Lavrov"], "Sergei Lavrov"),
        (["Geneva", "Switzerland"], "Geneva or Switzerland"),
        (["U.S.", "United States"], "U.S. or United States"),
    ],
)
def test_the_correct_answer_shows_the_first_and_only_real_alternatives(answers, shown):
    assert describe_correct(snapshot=_text_question(*answers)) == shown


def test_a_partly_accepted_answer_is_not_called_correct():
    snapshot = _text_question("Sergei Lavrov")
    snapshot["accepted_answers"].append({"text": "Medvedev", "fraction": 0.5, "match": "exact"})
    assert describe_correct(snapshot=snapshot) == "Sergei Lavrov"
