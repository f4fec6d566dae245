"""The import_questions and export_questions commands: thin over the services, a non-zero exit
naming the line of a malformed file, a dry run that writes nothing, progress while importing."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from quizzes.models import Question
from tests.factories import QuestionFactory, QuizFactory, TagFactory
from tests.test_import_export import GIFT, WITH_ESSAY

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def gift_file(tmp_path):
    path = tmp_path / "reset.gift.txt"
    path.write_text(GIFT, encoding="utf-8")
    return path


def test_import_writes_the_questions_and_says_what_it_did(gift_file):
    out, err = run("import_questions", str(gift_file), "--tag", "Reset button")

    assert "Imported 4 new, 0 updated, 0 unchanged, 0 refused." in out
    assert "Saved 4 of 4 question(s)" in err
    assert Question.objects.filter(key__startswith="import:reset-button:").count() == 4


def test_import_again_reports_unchanged(gift_file):
    run("import_questions", str(gift_file), "--tag", "Reset button")
    out, _ = run("import_questions", str(gift_file), "--tag", "Reset button")

    assert "Imported 0 new, 0 updated, 4 unchanged, 0 refused." in out
    assert Question.objects.count() == 4


def test_a_dry_run_writes_nothing(gift_file):
    out, _ = run("import_questions", str(gift_file), "--dry-run")

    assert "Dry run, nothing written: would import 4 new" in out
    assert not Question.objects.exists()


def test_a_malformed_file_exits_non_zero_naming_the_line(tmp_path):
    path = tmp_path / "broken.gift"
    path.write_text(GIFT + "\n::Broken::Where?{=Geneva ~Paris\n", encoding="utf-8")

    with pytest.raises(CommandError, match=r"broken.gift: line 14: .*not closed"):
        run("import_questions", str(path), "--format", "gift")
    assert not Question.objects.exists()


def test_an_unsupported_question_stops_the_import_unless_skipped(tmp_path):
    path = tmp_path / "essay.gift"
    path.write_text(WITH_ESSAY, encoding="utf-8")

    with pytest.raises(CommandError, match="Nothing imported") as caught:
        run("import_questions", str(path))
    assert "--skip-unsupported" in str(caught.value)
    assert not Question.objects.exists()

    out, _ = run("import_questions", str(path), "--skip-unsupported")
    assert "Refused line 14, “Your view”: Factcards cannot hold a question of type “essay”" in out
    assert Question.objects.count() == 4


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        run("import_questions", str(tmp_path / "nope.gift"))


def test_export_writes_the_questions_chosen(tmp_path):
    geneva = TagFactory(slug="geneva", name="Geneva")
    QuestionFactory(key="a").tags.add(geneva)
    QuestionFactory(key="b", short_answer=True)
    path = tmp_path / "out.gift.txt"

    out, _ = run("export_questions", str(path), "--format", "gift", "--tag", "Geneva")

    assert "Wrote 1 question(s)" in out
    text = path.read_text(encoding="utf-8")
    assert "::a::" in text and "::b::" not in text
    assert "[tag:Geneva]" in text


def test_export_of_a_quiz_keeps_its_order(tmp_path):
    first, second = QuestionFactory(key="z-first"), QuestionFactory(key="a-second")
    quiz = QuizFactory(slug="reset", questions=[first, second])
    path = tmp_path / "quiz.xml"

    run("export_questions", str(path), "--format", "moodle-xml", "--quiz", quiz.slug)

    text = path.read_text(encoding="utf-8")
    assert text.index("z-first") < text.index("a-second")


def test_export_refuses_an_unknown_quiz_before_writing(tmp_path):
    path = tmp_path / "out.xml"
    with pytest.raises(CommandError, match="No quiz with the slug"):
        run("export_questions", str(path), "--format", "moodle-xml", "--quiz", "nope")
    assert not path.exists()
