"""The generate_questions, build_quiz and export_bank commands: bad input fails whole, a dry run
writes nothing, progress is printed, and the exported bank is deterministic and loads back."""

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from quizzes.models import Question, Quiz
from tests.factories import ArticleFactory, FactFactory

pytestmark = pytest.mark.django_db

BODY = (
    "Hillary Clinton met Sergei Lavrov in Geneva on Friday. "
    "Barack Obama will meet Dmitry Medvedev in London in 2009."
)


@pytest.fixture
def article():
    article = ArticleFactory(slug="geneva", publisher="Reuters", body=BODY)
    one, two = "Hillary Clinton met Sergei Lavrov in Geneva on Friday.", BODY.split(". ")[1]
    rows = [
        ("clinton", one, "Hillary Clinton", "person", "Who met Lavrov?"),
        ("lavrov", one, "Sergei Lavrov", "person", "Whom did Clinton meet?"),
        ("geneva", one, "Geneva", "place", "Where did they meet?"),
        ("obama", two, "Barack Obama", "person", "Which president will meet Medvedev?"),
        ("london", two, "London", "place", "Where will they meet?"),
        ("year", two, "2009", "date", "In which year?"),
    ]
    for i, (key, sentence, answer, kind, prompt) in enumerate(rows):
        extras = ["Vienna"] if kind == "place" else []
        FactFactory(key=key, article=article, sentence=sentence, answer=answer, kind=kind,
                    prompt=prompt, position=i, distractors=extras)  # fmt: skip
    return article


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_generate_questions_prints_progress_and_a_summary(article):
    output = run("generate_questions", "--article", "geneva", "--seed", "5")
    assert "Article geneva" in output
    assert "  lavrov: " in output and "question(s)" in output
    assert f"Created {Question.objects.count()}, updated 0, left 0 unchanged" in output
    again = run("generate_questions", "--seed", "5")
    assert f"left {Question.objects.count()} unchanged" in again


def test_an_unknown_article_slug_fails_naming_it_and_the_valid_ones(article):
    with pytest.raises(
        CommandError, match=r"Unknown article slug\(s\): nope\. Valid slugs: geneva"
    ):
        call_command("generate_questions", "--article", "geneva", "nope")
    assert Question.objects.count() == 0


def test_an_unknown_kind_fails_naming_the_valid_ones(article):
    with pytest.raises(
        CommandError,
        match=r"essay.*Valid kinds: cloze, single_choice, multiple_response, true_false",
    ):
        call_command("generate_questions", "--kinds", "cloze,essay")
    assert Question.objects.count() == 0


def test_kinds_limit_what_is_generated(article):
    run("generate_questions", "--kinds", "cloze", "numeric")
    assert set(Question.objects.values_list("kind", flat=True)) == {"cloze", "numeric"}


def test_a_dry_run_writes_nothing(article):
    output = run("generate_questions", "--dry-run")
    assert "Dry run, nothing written: would create" in output
    assert Question.objects.count() == 0


def test_an_unknown_article_exits_non_zero_from_the_command_line(article, capsys, monkeypatch):
    from quizzes.management.commands.generate_questions import Command

    # run_from_argv closes every connection when it ends; keep the test database's open
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)

    with pytest.raises(SystemExit) as exit_info:
        Command().run_from_argv(["manage.py", "generate_questions", "--article", "nope"])
    assert exit_info.value.code != 0
    assert "Unknown article slug(s): nope" in capsys.readouterr().err
    assert Question.objects.count() == 0


def test_build_quiz_makes_a_balanced_quiz(article):
    run("generate_questions", "--seed", "1")
    output = run("build_quiz", "--article", "geneva", "--size", "2", "--publish", "--slug", "g")
    quiz = Quiz.objects.get(slug="g")
    # two sentences, so two questions at most: one per sentence
    assert quiz.published and quiz.quiz_questions.count() == 2
    assert len({qq.question.kind for qq in quiz.quiz_questions.all()}) == 2
    assert "Built published quiz" in output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--article", "nope", "--size", "3"],
            "Unknown article slug(s): nope. Valid slugs: geneva",
        ),
        (["--article", "geneva", "--size", "500"], "fewer than the 500 asked for"),
        (["--article", "geneva", "--size", "0"], "at least one question"),
    ],
)
def test_build_quiz_refuses_bad_input_and_writes_nothing(article, args, message):
    run("generate_questions")
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("build_quiz", *args)
    assert Quiz.objects.count() == 0


def test_export_bank_is_deterministic_and_loads_back(article, tmp_path):
    run("generate_questions", "--seed", "2009")
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    run("export_bank", "--output", str(first))
    run("export_bank", "--output", str(second))
    assert first.read_bytes() == second.read_bytes()
    rows = json.loads(first.read_text())
    assert all("pk" not in row for row in rows)
    assert rows[0]["model"] == "quizzes.tag"
    keys = [r["fields"]["key"] for r in rows if r["model"] == "quizzes.question"]
    assert keys == sorted(keys) and len(keys) == Question.objects.count()
    Question.objects.all().delete()
    call_command("loaddata", str(first), stdout=StringIO())
    assert Question.objects.count() == len(keys)
    report = run("generate_questions", "--seed", "2009")
    assert f"Created 0, updated 0, left {len(keys)} unchanged" in report
