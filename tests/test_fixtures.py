"""The demo fixtures load, reload and validate; a faulty fixture loads nothing at all.

Expected counts are read from the fixture files themselves, so adding a question to the bank does
not break these tests; only the minimums the demo promises are written down here.

Loading the demo takes seconds, so the classes that read it share one load (`demo_loaded`, once
per class) and each test runs in a savepoint inside it, as Django's `TestCase.setUpTestData`
does: a test's own writes (a login's `last_login`, a second load) go with it.
"""

import json
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.http import HttpRequest

from quizzes.models import (
    Article,
    Choice,
    Fact,
    FactKind,
    Question,
    QuestionKind,
    Quiz,
    QuizQuestion,
    Tag,
)
from quizzes.services.questions import count_blanks, question_instance_problems
from quizzes.text import contains_verbatim, normalise_answer
from tests.factories import QuestionFactory, QuizFactory

FIXTURES_DIR = Path(__file__).resolve().parent.parent / "fixtures"
ALL_FIXTURES = ("articles", "questions", "quizzes", "demo_users", "classes")
# The bank names its owner, the demo `teacher`, whom `demo_users` brings (in the same load).
BANK_FIXTURES = ("articles", "questions", "quizzes", "demo_users")
PASSWORD = "reset-2009"


def fixture_objects(*names: str) -> list[dict]:
    return [
        obj for name in names for obj in json.loads((FIXTURES_DIR / f"{name}.json").read_text())
    ]


def counts_in_files(*names: str) -> Counter:
    return Counter(obj["model"] for obj in fixture_objects(*names))


def counts_in_database() -> dict[str, int]:
    return {model._meta.label_lower: model._default_manager.count() for model in apps.get_models()}


def load(*labels: str) -> None:
    call_command("loaddata", *labels, verbosity=0)


def write_fixture(tmp_path: Path, name: str, objects: list[dict]) -> Path:
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(objects), encoding="utf-8")
    return path


@pytest.fixture(scope="class")
def demo_loaded(django_db_setup, django_db_blocker):
    """The demo fixtures, loaded into an empty database once for the class, inside a
    transaction that is rolled back after its last test. Tests that use it are marked
    `django_db`, so each runs in a savepoint of that transaction."""
    with django_db_blocker.unblock(), transaction.atomic():
        load(*ALL_FIXTURES)
        yield
        transaction.set_rollback(True)


class TestTheFixtureFiles:
    def test_no_row_carries_a_primary_key(self):
        for obj in fixture_objects(*ALL_FIXTURES):
            assert "pk" not in obj, obj

    def test_the_bank_is_as_large_as_the_demo_promises(self):
        objects = fixture_objects(*BANK_FIXTURES)
        fact_kinds = Counter(o["fields"]["kind"] for o in objects if o["model"] == "quizzes.fact")
        question_kinds = Counter(
            o["fields"]["kind"] for o in objects if o["model"] == "quizzes.question"
        )
        assert sum(fact_kinds.values()) >= 30
        for kind, minimum in {
            FactKind.PERSON: 6,
            FactKind.PLACE: 5,
            FactKind.ORGANISATION: 4,
            FactKind.DATE: 4,
            FactKind.NUMBER: 3,
            FactKind.QUOTE: 3,
            FactKind.THING: 3,
        }.items():
            assert fact_kinds[kind] >= minimum, kind
        assert sum(question_kinds.values()) >= 45
        # Matching and ordering questions are hand-written, one of each in the basics quiz.
        wanted = {kind: 1 if kind in QuestionKind.part_kinds() else 4 for kind in QuestionKind}
        too_few = [kind for kind in QuestionKind if question_kinds[kind] < wanted[kind]]
        assert too_few == []
        assert question_kinds[QuestionKind.SINGLE_CHOICE] >= 12
        assert counts_in_files("quizzes")["quizzes.quiz"] >= 3


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_loaded")
class TestLoading:
    def test_all_four_fixtures_load_with_the_counts_in_the_files(self):
        for label, expected in counts_in_files(*ALL_FIXTURES).items():
            assert apps.get_model(label)._default_manager.count() == expected, label

    def test_many_to_many_links_load_as_written(self):
        for obj in fixture_objects("questions"):
            if obj["model"] == "quizzes.question":
                question = Question.objects.get(key=obj["fields"]["key"])
                assert sorted(question.tags.values_list("slug", flat=True)) == sorted(
                    slug for [slug] in obj["fields"]["tags"]
                )
        quiz_sizes = Counter(
            obj["fields"]["quiz"][0]
            for obj in fixture_objects("quizzes")
            if obj["model"] == "quizzes.quizquestion"
        )
        for slug, size in quiz_sizes.items():
            assert QuizQuestion.objects.filter(quiz__slug=slug).count() == size, slug

    def test_loading_twice_changes_no_counts(self):
        once = counts_in_database()

        load(*ALL_FIXTURES)

        assert counts_in_database() == once


class TestLoadingBesideOtherContent:
    def test_the_bank_loads_alongside_existing_content(self, db):
        other = QuestionFactory(key="teachers-own-question", text="Where did they meet?")
        other_quiz = QuizFactory(slug="teachers-own-quiz", questions=[other])
        other_tag = Tag.objects.create(slug="teachers-own-tag", name="Own tag")
        before = counts_in_database()

        load(*BANK_FIXTURES)

        after = counts_in_database()
        for label, added in counts_in_files(*BANK_FIXTURES).items():
            assert after[label] == before[label] + added, label
        other.refresh_from_db()
        assert other.text == "Where did they meet?"
        assert other.fact.article in Article.objects.all()
        assert list(other_quiz.questions.all()) == [other]
        assert Tag.objects.filter(pk=other_tag.pk).exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_loaded")
class TestTheContent:
    def test_every_fact_quotes_its_article_and_its_answer_verbatim(self):
        for fact in Fact.objects.select_related("article"):
            assert contains_verbatim(fact.article.body, fact.sentence), fact.key
            assert contains_verbatim(fact.sentence, fact.answer), fact.key
            fact.full_clean()

    def test_article_bodies_are_free_of_page_furniture(self):
        for article in Article.objects.all():
            for furniture in ("Humidity", "Today in New Delhi", "Updated:", "2017"):
                assert furniture not in article.body, (article.slug, furniture)
            assert article.byline
            assert article.published is not None

    def test_every_question_is_valid_tested_on_a_fact_and_explained(self):
        for question in Question.objects.with_parts():
            assert question_instance_problems(question) == {}, question.key
            assert question.fact is not None, question.key
            assert question.explanation.strip(), question.key

    def test_most_demo_questions_come_from_the_generators(self):
        generated = Question.objects.exclude(generator="")
        assert generated.count() > Question.objects.count() / 2
        assert set(generated.values_list("generator", flat=True)) >= {
            "cloze",
            "single",
            "short",
            "tf-true",
            "tf-false",
        }
        assert Question.objects.filter(generator="").count() >= 40  # the hand-written ones stay

    def test_no_question_gives_its_answer_away_in_the_stem(self):
        for question in Question.objects.with_parts().exclude(kind=QuestionKind.TRUE_FALSE):
            stem = f" {normalise_answer(question.text)} "
            correct = [c.text for c in question.choices.all() if c.fraction > 0]
            correct += [a.text for a in question.accepted_answers.all()]
            for text in correct:
                assert f" {normalise_answer(text)} " not in stem, (question.key, text)

    def test_a_cloze_question_is_its_facts_sentence_with_one_gap(self):
        for question in Question.objects.with_parts().filter(kind=QuestionKind.CLOZE):
            assert count_blanks(question.text) == 1, question.key
            best = next(a for a in question.accepted_answers.all() if a.fraction == 1)
            filled = question.text.replace(Question.BLANK, best.text)
            assert contains_verbatim(question.fact.sentence, filled), question.key

    def test_no_two_choices_of_a_question_say_the_same_thing(self):
        for question in Question.objects.prefetch_related("choices"):
            texts = [normalise_answer(c.text) for c in question.choices.all()]
            assert len(texts) == len(set(texts)), question.key

    def test_true_false_questions_offer_exactly_true_and_false(self):
        for question in Question.objects.filter(kind=QuestionKind.TRUE_FALSE):
            assert list(question.choices.values_list("text", flat=True)) == ["True", "False"]
            assert Choice.objects.filter(question=question, fraction=1).count() == 1

    def test_the_quizzes_are_set_up_as_described(self):
        basics = Quiz.objects.get(slug="reset-button-basics")
        assert basics.published and basics.time_limit is None
        assert basics.attempts_allowed is None
        assert basics.feedback_mode == "deferred"
        # Everything once the attempt is finished.
        assert set(basics.review_settings().values()) <= {14, 15}
        assert 10 <= basics.quiz_questions.count() <= 13
        kinds = set(basics.questions.values_list("kind", flat=True))
        assert kinds == set(QuestionKind.values)

        timed = Quiz.objects.get(slug="geneva-timed-challenge")
        assert timed.time_limit.total_seconds() == 600
        assert timed.attempts_allowed == 2 and timed.shuffle_questions
        assert timed.quiz_questions.count() == 10
        # "Correct answers are not revealed": nothing that names them, at any moment.
        hidden = ("specific_feedback", "general_feedback", "right_answer", "source")
        assert [timed.review_settings()[option] for option in hidden] == [0, 0, 0, 0]

        practice = Quiz.objects.get(slug="practice-with-feedback")
        assert practice.feedback_mode == "immediate" and practice.attempts_allowed is None
        assert practice.quiz_questions.count() == 8

        for quiz in Quiz.objects.all():
            quiz.full_clean()
            orders = list(quiz.quiz_questions.values_list("order", flat=True))
            assert orders == list(range(1, len(orders) + 1)), quiz.slug


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_loaded")
class TestDemoUsers:
    def test_the_demo_users_can_log_in_with_the_documented_password(self, client):
        # The login lockout (django-axes) needs the request that authenticates.
        assert client.login(request=HttpRequest(), username="teacher", password=PASSWORD)
        client.logout()
        assert client.login(request=HttpRequest(), username="student", password=PASSWORD)

    def test_the_teacher_is_staff_in_the_teachers_group_and_the_student_is_not(self):
        users = get_user_model().objects
        teacher, student = users.get(username="teacher"), users.get(username="student")

        assert teacher.groups.filter(name="Teachers").exists()
        assert teacher.is_staff and not teacher.is_superuser
        assert teacher.has_perm("quizzes.change_question")
        assert teacher.has_perm("quizzes.view_attempt")
        assert not teacher.has_perm("quizzes.delete_attempt")
        assert (teacher.first_name, teacher.last_name) == ("Tess", "Teacher")
        assert not student.is_staff and not student.groups.exists()
        assert not student.has_perm("quizzes.view_question")
        assert (student.first_name, student.last_name) == ("Sam", "Student")


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_loaded")
class TestDemoClass:
    def test_the_demo_class_has_the_teacher_the_student_an_assignment_and_an_override(self):
        from quizzes.models import Classroom
        from quizzes.services.classes import effective_rules

        classroom = Classroom.objects.get(join_code="FACTCARD")
        assert classroom.name == "Demo class"
        assert [t.username for t in classroom.teachers.all()] == ["teacher"]
        assert [s.username for s in classroom.students.all()] == ["student"]
        (assignment,) = classroom.quiz_assignments.select_related("quiz")
        assert assignment.quiz.slug == "geneva-timed-challenge" and assignment.closes
        student = get_user_model().objects.get(username="student")
        rules = effective_rules(quiz=assignment.quiz, user=student)
        # 50 % extra time on the ten-minute quiz, due when the assignment closes.
        assert rules.time_limit.total_seconds() == 15 * 60
        assert rules.closes == assignment.closes


def _article(slug: str) -> dict:
    return {
        "model": "quizzes.article",
        "fields": {
            "slug": slug,
            "title": "A valid article",
            "body": "Clinton met Lavrov in Geneva on Friday. They ate grilled fish.",
            "created_at": "2026-01-01T00:00:00Z",
            "updated_at": "2026-01-01T00:00:00Z",
        },
    }


def _fact(key: str, article: str, sentence: str, answer: str) -> dict:
    return {
        "model": "quizzes.fact",
        "fields": {
            "key": key,
            "article": [article],
            "sentence": sentence,
            "answer": answer,
            "kind": "place",
            "created_at": "2026-01-01T00:00:00Z",
            "updated_at": "2026-01-01T00:00:00Z",
        },
    }


def _fact_not_in_its_article() -> tuple[str, list[dict]]:
    return "fact-from-nowhere", [
        _article("broken-fixture-article"),
        _fact(
            "valid-geneva-fact", "broken-fixture-article", "Clinton met Lavrov in Geneva", "Geneva"
        ),
        _fact("fact-from-nowhere", "broken-fixture-article", "They met in Paris.", "Paris"),
    ]


def _single_choice_without_a_right_answer() -> tuple[str, list[dict]]:
    question = {
        "model": "quizzes.question",
        "fields": {
            "key": "no-right-answer",
            "kind": "single_choice",
            "text": "Where did Clinton meet Lavrov?",
            "fact": ["valid-geneva-fact"],
            "created_at": "2026-01-01T00:00:00Z",
            "updated_at": "2026-01-01T00:00:00Z",
        },
    }
    choices = [
        {
            "model": "quizzes.choice",
            "fields": {"question": ["no-right-answer"], "text": text, "fraction": 0, "order": n},
        }
        for n, text in enumerate(["Paris", "Vienna", "Moscow"], start=1)
    ]
    return "no-right-answer", [
        _article("broken-fixture-article"),
        _fact(
            "valid-geneva-fact", "broken-fixture-article", "Clinton met Lavrov in Geneva", "Geneva"
        ),
        question,
        *choices,
    ]


@pytest.mark.parametrize(
    "broken",
    [_fact_not_in_its_article, _single_choice_without_a_right_answer],
    ids=lambda f: f.__name__,
)
def test_a_faulty_fixture_names_the_fault_and_loads_nothing(broken, transactional_db, tmp_path):
    load(*BANK_FIXTURES)
    before = counts_in_database()
    faulty_key, objects = broken()
    path = write_fixture(tmp_path, "broken", objects)

    with pytest.raises(CommandError, match=faulty_key):
        call_command("loaddata", str(path), verbosity=0)

    assert counts_in_database() == before
    assert not Article.objects.filter(slug="broken-fixture-article").exists()
    assert not Fact.objects.filter(key="valid-geneva-fact").exists()


def test_bank_stats_reports_the_loaded_counts_per_kind(db):
    load(*BANK_FIXTURES)
    out = StringIO()
    call_command("bank_stats", stdout=out)
    report = out.getvalue()
    files = counts_in_files("questions")
    assert f"Questions: {files['quizzes.question']}" in report
    kinds = Counter(
        o["fields"]["kind"]
        for o in fixture_objects("questions")
        if o["model"] == "quizzes.question"
    )
    for kind, count in kinds.items():
        assert f"  {kind}: {count}" in report
