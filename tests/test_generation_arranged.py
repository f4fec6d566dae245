"""Matching and ordering drafts from an article's facts (pure), and the command that writes them."""

from datetime import date

import pytest
from django.core.management import call_command

from quizzes.models import Question
from quizzes.services.arranged_generation import (
    date_span,
    event_text,
    generate_matching,
    generate_ordering,
)
from quizzes.services.generation import FactData, QuestionDraft, Skip, generate_bank
from quizzes.services.quality import QuestionData, question_quality
from tests.factories import ArticleFactory, FactFactory

PUBLISHED = date(2009, 3, 7)  # a Saturday


def fact(key, kind, answer, sentence="", prompt="", article="geneva"):
    return FactData(
        key=key,
        article_slug=article,
        sentence=sentence or f"{answer} did something.",
        answer=answer,
        kind=kind,
        prompt=prompt,
        source="Reuters",
        published=PUBLISHED,
    )


PEOPLE = [
    fact(
        "clinton",
        "person",
        "Hillary Clinton",
        prompt="Which U.S. Secretary of State flew to Geneva?",
    ),
    fact(
        "lavrov",
        "person",
        "Sergei Lavrov",
        prompt="Whom did the Secretary of State meet for dinner?",
    ),
    fact("rice", "person", "Condoleezza Rice", prompt="Who held the post before Clinton?"),
    fact(
        "pleming",
        "person",
        "Sue Pleming",
        sentence="Reporting by Sue Pleming",
        prompt="Who reported it?",
    ),
]
OTHER = [fact("obama", "person", "Barack Obama", prompt="Who is president?", article="other")]


def test_matching_pairs_each_prompt_with_its_answer_and_adds_an_extra_from_another_article():
    (draft,) = generate_matching(PEOPLE, OTHER, kind="person")
    assert isinstance(draft, QuestionDraft) and draft.kind == "matching"
    # Rice's prompt names Clinton, another answer: it would give a pair away, so it is left out.
    # Pleming's is a credit line.
    assert draft.pairs == (
        ("Which U.S. Secretary of State flew to Geneva?", "Hillary Clinton"),
        ("Whom did the Secretary of State meet for dinner?", "Sergei Lavrov"),
    )
    assert draft.extra_answers == ("Barack Obama",)
    assert draft.problems() == {}
    assert (
        question_quality(
            QuestionData(key=draft.key, kind="matching", text=draft.text, pairs=draft.pairs)
        )
        == []
    )


def test_matching_needs_two_facts_with_prompts_and_answers_apart():
    only_one = [PEOPLE[0], fact("clinton2", "person", "Clinton", prompt="Who flew home?")]
    (skip,) = generate_matching(only_one, kind="person")
    assert isinstance(skip, Skip) and skip.reason == "too few facts to match"
    assert generate_matching(PEOPLE, kind="place") == []


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Friday", (date(2009, 3, 6), date(2009, 3, 6))),
        ("on Thursday", (date(2009, 3, 5), date(2009, 3, 5))),
        ("last year", (date(2008, 1, 1), date(2008, 12, 31))),
        ("6 March 2009", (date(2009, 3, 6), date(2009, 3, 6))),
        ("March 2009", (date(2009, 3, 1), date(2009, 3, 31))),
        ("1991", (date(1991, 1, 1), date(1991, 12, 31))),
        ("later this month", None),
        ("by the end of the year", None),
        ("31 February 2009", None),
    ],
)
def test_a_date_is_exact_enough_to_order_only_when_it_names_a_day_month_or_year(text, span):
    assert date_span(text, PUBLISHED) == span


DATED = [
    fact(
        "nato",
        "date",
        "Thursday",
        sentence="NATO agreed on Thursday to resume formal ties with Russia.",
    ),
    fact("georgia", "date", "last year", sentence="Russia sent troops into Georgia last year."),
    fact("dinner", "date", "Friday", sentence="Clinton met Lavrov for dinner on Friday."),
    fact("soon", "date", "later this month", sentence="Obama meets Medvedev later this month."),
]


def test_ordering_puts_dated_events_earliest_first_without_their_dates():
    (draft,) = generate_ordering(DATED)
    assert draft.items == (
        "Russia sent troops into Georgia",
        "NATO agreed to resume formal ties with Russia",
        "Clinton met Lavrov for dinner",
    )
    assert draft.problems() == {}
    assert "Thursday: NATO agreed" in draft.explanation


def test_ordering_skips_dates_that_overlap_and_then_has_too_few():
    same_year = [*DATED[:3], fact("y", "date", "2009", sentence="The reset came in 2009.")]
    (draft,) = generate_ordering(same_year)
    assert "The reset came" not in draft.items  # 2009 overlaps Thursday and Friday
    assert len(draft.items) == 3
    (skip,) = generate_ordering(DATED[1:])
    assert isinstance(skip, Skip) and "ordering needs 3" in skip.detail


def test_an_item_that_says_where_it_goes_is_refused():
    data = QuestionData(
        key="k", kind="ordering", text="Order them.", items=("First, the talks", "b", "c")
    )
    assert "says where it goes" in question_quality(data)[0]
    assert event_text(fact("x", "date", "Monday", sentence="They met.")) is None


def test_the_bank_makes_them_only_when_asked():
    facts = [*PEOPLE, *DATED]
    assert not any(getattr(r, "kind", "") in {"matching", "ordering"} for r in generate_bank(facts))
    asked = generate_bank(facts, kinds=["matching", "ordering"])
    assert sorted(r.kind for r in asked if isinstance(r, QuestionDraft)) == ["matching", "ordering"]


@pytest.mark.django_db
def test_generate_questions_writes_matching_and_ordering_and_leaves_them_on_a_rerun():
    article = ArticleFactory(
        slug="reset",
        published=PUBLISHED,
        body="Russia sent troops into Georgia last year. NATO agreed on Thursday to resume formal "
        "ties with Russia. Clinton met Lavrov for dinner on Friday.",
    )
    for n, (answer, sentence) in enumerate(
        [
            ("last year", "Russia sent troops into Georgia last year."),
            ("Thursday", "NATO agreed on Thursday to resume formal ties with Russia."),
            ("Friday", "Clinton met Lavrov for dinner on Friday."),
        ]
    ):
        FactFactory(
            article=article, key=f"d{n}", kind="date", answer=answer, sentence=sentence, position=n
        )
    call_command("generate_questions", "--kinds", "matching,ordering", verbosity=0)
    question = Question.objects.get(kind="ordering")
    first = question.ordering_items.order_by("order").first()
    assert first.text == "Russia sent troops into Georgia"
    assert question.generated_checksum
    call_command("generate_questions", "--kinds", "ordering", verbosity=0)
    assert Question.objects.filter(kind="ordering").count() == 1


def test_the_doctests_of_the_new_helpers_pass():
    import doctest

    from quizzes import forms
    from quizzes.services import arranged_generation, grading

    for module in (arranged_generation, grading, forms):
        assert doctest.testmod(module).failed == 0, module.__name__
