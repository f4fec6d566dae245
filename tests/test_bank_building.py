"""Writing generated questions: created once, updated in place, never over a teacher's edit;
quizzes built from a bank; the admin actions that call it."""

import json

import pytest
from django.urls import reverse

from quizzes.models import Choice, Question, Quiz
from quizzes.services.bank_building import (
    EDITED,
    build_quiz,
    generate_questions,
    question_checksum,
)
from tests.factories import ArticleFactory, FactFactory, QuizFactory, UserFactory

pytestmark = pytest.mark.django_db

BODY = (
    "US Secretary of State Hillary Clinton met Russia's foreign minister Sergei Lavrov in Geneva "
    "on Friday. The button was marked “Peregruzka” and Clinton joked to Lavrov about it. "
    "President Barack Obama will meet Dmitry Medvedev in London in 2009. "
    "Lavrov said there was one agreement, in Vienna."
)
FACTS = [
    ("clinton", 0, "Hillary Clinton", "person", "Who met Lavrov in Geneva?", []),
    ("lavrov", 0, "Sergei Lavrov", "person", "Whom did Clinton meet in Geneva?", []),
    ("geneva", 0, "Geneva", "place", "Where did they meet?", ["Helsinki"]),
    ("friday", 0, "Friday", "date", "On which day did they meet?", ["Monday", "Sunday"]),
    ("word", 1, "Peregruzka", "quote", "Which word?", ["Perestroika", "Glasnost"]),
    ("obama", 2, "Barack Obama", "person", "Which president will meet Medvedev?", []),
    ("medvedev", 2, "Dmitry Medvedev", "person", "Whom will Obama meet?", []),
    ("london", 2, "London", "place", "Where will Obama meet Medvedev?", []),
    ("year", 2, "2009", "date", "In which year will they meet?", []),
    ("one", 3, "one agreement", "number", "How many agreements were there?", ["two agreements"]),
]  # fmt: skip


@pytest.fixture
def article():
    article = ArticleFactory(slug="geneva", title="Clinton meets Lavrov", publisher="Reuters",
                             body=BODY)  # fmt: skip
    sentences = [s.strip() + "." for s in BODY.split(". ") if s.strip()]
    sentences = [s[:-1] if s.endswith("..") else s for s in sentences]
    for position, (key, index, answer, kind, prompt, extras) in enumerate(FACTS):
        FactFactory(key=key, article=article, sentence=sentences[index], answer=answer,
                    kind=kind, prompt=prompt, distractors=extras, position=position)  # fmt: skip
    return article


def generate(article, **kwargs):
    return generate_questions(facts=article.facts.all(), **kwargs)


def test_generating_creates_valid_questions_linked_to_their_facts(article):
    report = generate(article, seed=1)
    assert report.created and not report.updated and not report.unchanged
    questions = Question.objects.with_parts()
    assert questions.count() == len(report.created)
    assert set(questions.values_list("kind", flat=True)) == {
        "cloze", "single_choice", "true_false", "short_answer", "numeric"
    }  # fmt: skip
    for question in questions:
        assert question.key == f"{question.fact.key}:{question.generator}"
        assert question.generated_checksum == question_checksum(question)
        assert question.explanation.startswith("According to Reuters: “")
        question.full_clean()
    numeric = Question.objects.get(key="year:numeric")
    assert numeric.numeric_answer == 2009
    assert Question.objects.get(key="lavrov:cloze").tags.get().slug == "people"


def test_regenerating_with_the_same_seed_changes_nothing_and_duplicates_nothing(article):
    first = generate(article, seed=3)
    before = {q.key: question_checksum(q) for q in Question.objects.with_parts()}
    again = generate(article, seed=3)
    assert again.created == [] and again.updated == []
    assert sorted(again.unchanged) == sorted(first.created)
    assert {q.key: question_checksum(q) for q in Question.objects.with_parts()} == before


def test_a_question_edited_by_a_teacher_is_never_overwritten(article):
    generate(article, seed=3)
    question = Question.objects.get(key="geneva:single")
    choice = question.choices.filter(fraction=0).first()
    choice.text = "Vitaly Churkin"
    choice.save()
    cloze = Question.objects.get(key="geneva:cloze")
    cloze.text = cloze.text.replace("on Friday", "on a Friday")
    cloze.save()
    report = generate(article, seed=99)  # another seed would reshuffle both
    assert ("geneva:single", f"{EDITED}: question geneva:single") in report.skipped
    assert "geneva:cloze" in report.skipped_by_reason()[EDITED]
    assert Choice.objects.filter(question=question, text="Vitaly Churkin").exists()
    assert "on a Friday" in Question.objects.get(key="geneva:cloze").text
    assert "geneva:single" not in report.updated + report.unchanged


def test_a_changed_fact_updates_its_questions_in_place(article):
    generate(article, seed=3)
    count = Question.objects.count()
    fact = article.facts.get(key="geneva")
    fact.prompt = "In which city did Hillary Clinton meet Sergei Lavrov on Friday?"
    fact.save()
    report = generate(article, seed=3)
    assert set(report.updated) == {"geneva:single", "geneva:short"}
    assert Question.objects.count() == count
    assert Question.objects.get(key="geneva:short").text == fact.prompt


def test_a_dry_run_writes_nothing_but_reports_exactly(article):
    report = generate(article, seed=3, dry_run=True)
    assert report.dry_run and report.created
    assert Question.objects.count() == 0
    assert report.summary().startswith("Dry run, nothing written: would create")


def test_unknown_kinds_are_refused_before_anything_is_written(article):
    with pytest.raises(ValueError, match="essay"):
        generate(article, kinds=["cloze", "essay"])
    assert Question.objects.count() == 0


def test_too_few_same_kind_facts_are_reported_with_the_reason(article):
    report = generate(article, seed=1, kinds=["single_choice"])
    reasons = report.skipped_by_reason()
    # the people have no named role in common with enough others (Obama a president, the
    # rest none), and “one agreement” has one extra only: no weak question is made for them
    assert "one:single" in reasons["too few same-kind distractors"]
    detail = dict(report.skipped)["one:single"]
    assert "needs at least 2 other numbers like “one agreement”" in detail
    assert not Question.objects.filter(key="one:single").exists()
    # places get other places from the gazetteer, years other years written alike
    assert {"london:single", "year:single"} <= set(report.created)
    wrong = Question.objects.get(key="year:single").choices.filter(fraction=0)
    assert all(len(c.text) == 4 and abs(int(c.text) - 2009) >= 3 for c in wrong)


def test_the_report_serialises_to_json(article):
    report = generate(article, seed=1)
    data = json.loads(json.dumps(report.as_dict()))
    assert data["counts"]["created"] == len(report.created)
    assert data["counts"]["skipped"] == len(report.skipped)
    assert {"key", "generator", "reason", "detail"} <= set(data["skipped"][0])


def test_regeneration_reads_the_bank_in_a_bounded_number_of_queries(
    article, django_assert_max_num_queries
):
    generate(article, seed=3)
    with django_assert_max_num_queries(14):  # the bank's parts, match pairs and items included
        report = generate(article, seed=3)
    assert report.unchanged and not report.created


def test_build_quiz_balances_kinds_and_does_not_repeat_a_fact(article):
    generate(article, seed=3)
    quiz = build_quiz(article=article, size=4, seed=4, published=True)
    questions = [qq.question for qq in quiz.quiz_questions.select_related("question__fact")]
    assert len(questions) == 4 and quiz.published
    assert len({q.kind for q in questions}) == 4
    # one question per fact and per sentence (the article has four sentences)
    assert len({q.fact_id for q in questions}) == 4
    assert len({q.fact.sentence for q in questions}) == 4
    with pytest.raises(ValueError, match="gives only 4 question"):
        build_quiz(article=article, size=5, seed=4, slug="too-big")
    assert quiz.slug == "geneva-quiz" and quiz.title == "Quiz: Clinton meets Lavrov"
    again = build_quiz(article=article, size=4, seed=4, slug="again")
    assert [qq.question_id for qq in again.quiz_questions.order_by("order")] == [
        q.pk for q in questions
    ]


def test_build_quiz_refuses_a_bank_too_small_or_a_taken_slug(article):
    with pytest.raises(ValueError, match="has 0 question"):
        build_quiz(article=article, size=3)
    generate(article, seed=3)
    build_quiz(article=article, size=3, slug="taken")
    with pytest.raises(ValueError, match="already exists"):
        build_quiz(article=article, size=3, slug="taken")
    assert Quiz.objects.count() == 1


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))
    return client


def test_the_article_admin_action_generates_and_says_what_happened(admin_client, article):
    response = admin_client.post(
        reverse("admin:quizzes_article_changelist"),
        {"action": "generate_for_articles", "_selected_action": [article.pk]},
        follow=True,
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert Question.objects.count() > 0
    assert f"Created {Question.objects.count()}, updated 0" in text
    assert "Skipped because:" in text and "no number can be read" in text


def test_the_fact_admin_action_generates_for_the_selected_facts(admin_client, article):
    fact = article.facts.get(key="lavrov")
    admin_client.post(
        reverse("admin:quizzes_fact_changelist"),
        {"action": "generate_for_facts", "_selected_action": [fact.pk]},
    )
    assert set(Question.objects.values_list("fact__key", flat=True)) == {"lavrov"}


def test_the_article_admin_action_builds_a_deck_and_rebuilding_does_not_duplicate(
    admin_client, article
):
    from flashcards.models import Deck

    for _ in range(2):
        response = admin_client.post(
            reverse("admin:quizzes_article_changelist"),
            {"action": "build_decks_for_articles", "_selected_action": [article.pk]},
            follow=True,
        )
        assert response.status_code == 200
    deck = Deck.objects.get(slug="geneva-deck")
    assert deck.cards.count() == article.facts.count()
    assert f"{article.facts.count()} unchanged" in response.content.decode()


def test_pruning_removes_only_stale_unedited_unused_generated_questions(article):
    generate(article, seed=3)
    stale = Question.objects.get(key="geneva:cloze")
    stale.key = "geneva:an-old-generator"  # as if a generator no longer made it
    stale.save()
    edited = Question.objects.get(key="london:cloze")
    edited.key = "london:old-edited"
    edited.text += " (edited)"
    edited.save()
    used = Question.objects.get(key="obama:cloze")
    used.key = "obama:old-used"
    used.save()
    QuizFactory(questions=[used])
    report = generate(article, seed=3, prune=True)
    assert report.pruned == ["geneva:an-old-generator"]
    assert "Removed 1 generated question(s)" in report.summary()
    assert not Question.objects.filter(key="geneva:an-old-generator").exists()
    assert Question.objects.filter(key__in=["london:old-edited", "obama:old-used"]).count() == 2
