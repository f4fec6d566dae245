"""Importing question files into the bank and exporting the bank as files: the services.

An import goes through the authoring service (every rule applies), is whole or nothing,
idempotent by name within a tag, and says what it refused with the question's name and line.
"""

import textwrap
from pathlib import Path

import pytest

from quizzes.interchange import FormatError, read_questions
from quizzes.models import AcceptedAnswer, Choice, MatchMode, Question, Tag
from quizzes.services.authoring import QuestionInvalid, question_save
from quizzes.services.interchange import export_name, export_questions, import_questions
from tests.factories import QuestionFactory, TagFactory

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).parent / "interchange_samples"

GIFT = textwrap.dedent(
    """\
    // [tag:people]
    ::Who met Lavrov::Who met Sergei Lavrov in Geneva?{
    \t=Hillary Clinton#Right: the US Secretary of State.
    \t~Condoleezza Rice#She had left office.
    \t####Both reports open with the meeting.
    }

    ::Year::In which year did they meet?{#2009:0}

    ::Where::The ministers met in _____ on a Friday.{=Geneva =%50%Genf}

    ::Green button::The button was green.{F#It was red.#Right.}
    """
)

ESSAY_LINE = 14
WITH_ESSAY = GIFT + "\n::Your view::What do you make of the reset?{}\n"


def gift_import(data=GIFT, **options):
    defaults = {"format": "gift", "tag": "Reset button", "dry_run": False}
    return import_questions(data=data, **{**defaults, **options})


def test_an_import_creates_each_question_with_its_parts_and_tags():
    report = gift_import()

    assert [i.name for i in report.created] == ["Who met Lavrov", "Year", "Where", "Green button"]
    assert report.written and not report.refused
    who = Question.objects.get(key="import:reset-button:Who met Lavrov")
    assert who.kind == "single_choice"
    assert who.explanation == "Both reports open with the meeting."
    assert [(c.text, c.fraction, c.feedback) for c in who.choices.all()] == [
        ("Hillary Clinton", 1.0, "Right: the US Secretary of State."),
        ("Condoleezza Rice", 0.0, "She had left office."),
    ]
    assert sorted(t.name for t in who.tags.all()) == ["Reset button", "people"]
    year = Question.objects.get(key="import:reset-button:Year")
    assert (year.kind, year.numeric_answer, year.numeric_tolerance) == ("numeric", 2009, 0)
    where = Question.objects.get(key="import:reset-button:Where")
    assert [(a.text, a.fraction) for a in where.accepted_answers.all()] == [
        ("Geneva", 1.0),
        ("Genf", 0.5),
    ]
    green = Question.objects.get(key="import:reset-button:Green button")
    assert [(c.text, c.fraction) for c in green.choices.all()] == [("True", 0.0), ("False", 1.0)]


def test_importing_the_same_file_again_changes_nothing_and_creates_nothing():
    gift_import()
    again = gift_import()

    assert [i.name for i in again.unchanged] == ["Who met Lavrov", "Year", "Where", "Green button"]
    assert not again.created and not again.updated
    assert Question.objects.count() == 4


def test_a_changed_question_is_updated_in_place_and_keeps_its_choice_ids():
    gift_import()
    who = Question.objects.get(key="import:reset-button:Who met Lavrov")
    kept = who.choices.get(text="Hillary Clinton").pk

    report = gift_import(GIFT.replace("~Condoleezza Rice", "~%-50%Condoleezza Rice"))

    assert [i.name for i in report.updated] == ["Who met Lavrov"]
    assert len(report.unchanged) == 3
    assert Question.objects.count() == 4
    assert who.choices.get(text="Hillary Clinton").pk == kept
    assert who.choices.get(text="Condoleezza Rice").fraction == -0.5


def test_the_same_names_under_another_tag_are_other_questions():
    gift_import(tag="Reset button")
    gift_import(tag="Geneva")

    assert Question.objects.count() == 8


def test_a_dry_run_reports_exactly_and_writes_nothing():
    report = gift_import(dry_run=True)

    assert len(report.created) == 4 and not report.written
    assert Question.objects.count() == 0
    assert not Tag.objects.exists()


def test_an_unsupported_question_is_named_with_its_line_and_stops_the_import():
    report = gift_import(WITH_ESSAY)

    (refused,) = report.refused
    assert (refused.name, refused.line) == ("Your view", ESSAY_LINE)
    assert "essay" in refused.reason
    assert not report.written and report.blocked
    assert Question.objects.count() == 0
    assert "Nothing imported" in report.summary()


def test_skipping_unsupported_questions_imports_the_rest():
    report = gift_import(WITH_ESSAY, skip_unsupported=True)

    assert [i.name for i in report.refused] == ["Your view"]
    assert len(report.created) == 4 and report.written
    assert Question.objects.count() == 4


def test_a_question_the_bank_rules_refuse_is_named_with_the_rule():
    source = "::Twice::Which city?{=Geneva ~geneva}\n\n" + GIFT
    report = gift_import(source, skip_unsupported=True)

    (refused,) = report.refused
    assert (refused.name, refused.line) == ("Twice", 1)
    assert "Two choices say the same thing" in refused.reason
    assert Question.objects.count() == 4


def test_two_questions_of_one_name_in_a_file_are_refused_not_merged():
    source = GIFT + "\n::Year::When did they meet?{#2009}\n"
    report = gift_import(source)

    assert [(i.name, i.line) for i in report.refused] == [("Year", 14)]
    assert "same name" in report.refused[0].reason


def test_a_malformed_file_raises_with_its_line_and_imports_nothing():
    broken = GIFT + "\n::Broken::Where did they meet?{=Geneva ~Paris\n"

    with pytest.raises(FormatError) as caught:
        gift_import(broken)

    assert caught.value.line == 14
    assert "not closed" in caught.value.message
    assert Question.objects.count() == 0


def test_the_format_is_guessed_from_the_content():
    aiken = (SAMPLES / "reset-button.aiken.txt").read_bytes()

    report = import_questions(data=aiken, filename="questions.txt", tag="aiken")

    assert report.format == "aiken" and report.created


def test_notes_say_what_the_bank_could_not_keep():
    source = "::Half::Name the city.{=Geneva#Yes. =%0%*#No.}\n"

    report = gift_import(source)

    (created,) = report.created
    assert any("catch-all" in note for note in created.notes)
    assert any("catch-all" in note for note in report.notes)


def test_the_moodle_sample_imports_what_the_bank_holds():
    data = (SAMPLES / "moodle-constructs.gift").read_bytes()

    report = import_questions(data=data, tag="sample", skip_unsupported=True)

    assert report.written
    assert {"matching", "ordering"} <= {i.kind for i in report.created}
    for item in report.refused:
        assert item.line > 0 and item.name and item.reason
    assert {i.kind for i in report.refused} <= {"unsupported", "numeric"}


# --- the authoring service ------------------------------------------------------------------


def test_question_save_refuses_by_field_and_writes_nothing():
    with pytest.raises(QuestionInvalid) as caught:
        question_save(
            fields={
                "kind": "single_choice",
                "text": "Which city?",
                "choices": [{"text": "Geneva", "fraction": 0}, {"text": "Paris", "fraction": 0}],
                "numeric_tolerance": -1,
            }
        )

    assert "fully correct" in " ".join(caught.value.field_messages["choices"])
    assert caught.value.field_messages["numeric_tolerance"]
    assert not Question.objects.exists() and not Choice.objects.exists()


def test_question_save_reports_the_models_field_rules():
    with pytest.raises(QuestionInvalid) as caught:
        question_save(
            fields={
                "kind": "short_answer",
                "text": "Which city?",
                "accepted_answers": [{"text": "G" * 301, "fraction": 1}],
            }
        )

    assert "#1 text" in caught.value.field_messages["accepted_answers"][0]


def test_question_save_changes_a_question_and_keeps_the_parts_not_given():
    question = QuestionFactory(short_answer=True)
    tag = TagFactory(slug="geneva")

    question_save(fields={"text": "Whom did Clinton meet?"}, question=question, tags=[tag])

    question.refresh_from_db()
    assert question.text == "Whom did Clinton meet?"
    assert list(question.accepted_answers.values_list("text", "match")) == [
        ("Sergei Lavrov", MatchMode.NORMALISED),
        ("Lavrov", MatchMode.NORMALISED),
    ]
    assert list(question.tags.all()) == [tag]
    assert AcceptedAnswer.objects.count() == 2


# --- export -----------------------------------------------------------------------------------


def test_an_export_reads_back_as_the_questions_it_came_from():
    gift_import()

    text = export_questions(questions=Question.objects.order_by("pk"), format="gift")

    back = read_questions(text, format="gift").questions
    assert [q.name for q in back] == ["Who met Lavrov", "Year", "Where", "Green button"]
    assert back[0].choices[0].feedback == "Right: the US Secretary of State."
    assert set(back[0].tags) == {"people", "Reset button"}


def test_re_importing_an_export_under_its_tag_changes_nothing():
    gift_import()
    for fmt in ("gift", "moodle-xml"):
        text = export_questions(questions=Question.objects.all(), format=fmt)

        report = gift_import(text, format=fmt)

        assert len(report.unchanged) == 4, (fmt, report.as_dict())
    assert Question.objects.count() == 4


def test_a_question_not_imported_is_exported_under_its_key():
    question = QuestionFactory(key="ht-lavrov:single_choice")

    assert export_name(question) == "ht-lavrov:single_choice"


def test_an_export_costs_a_constant_number_of_queries(django_assert_max_num_queries):
    for n in range(12):
        QuestionFactory(key=f"q-{n}").tags.add(TagFactory(slug=f"t-{n % 3}"))
    # the questions, then choices, accepted answers, match pairs, ordering items and tags
    with django_assert_max_num_queries(6):
        export_questions(questions=Question.objects.all(), format="moodle-xml")


def test_an_import_costs_the_same_queries_for_ten_questions_or_forty():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(count: int, tag: str) -> int:
        source = "\n\n".join(f"::Q{n}::Which city, {n}?{{=Geneva ~Paris}}" for n in range(count))
        with CaptureQueriesContext(connection) as captured:
            report = gift_import(source, tag=tag)
        assert len(report.created) == count
        return len(captured)

    assert queries(10, "ten") == queries(40, "forty")


def test_question_save_changes_extra_answers_and_keeps_the_pairs_and_their_ids():
    question = QuestionFactory(matching=True)
    kept = {p.stem: p.pk for p in question.match_pairs.all() if p.stem}

    question_save(fields={"extra_answers": ["chaired the summit"]}, question=question)

    rows = list(question.match_pairs.order_by("order").values_list("stem", "answer", "pk"))
    assert [(stem, answer) for stem, answer, _ in rows] == [
        ("Hillary Clinton", "met Lavrov in Geneva"),
        ("Sergei Lavrov", "pressed the reset button"),
        ("Barack Obama", "sent a letter to Moscow"),
        ("", "chaired the summit"),
    ]
    assert {stem: pk for stem, _, pk in rows if stem} == kept


def test_question_save_refuses_an_ordering_question_with_two_items_alike():
    with pytest.raises(QuestionInvalid) as caught:
        question_save(
            fields={"kind": "ordering", "text": "Put them in order.", "items": ["A", "B", "a"]}
        )

    assert "Two items say the same thing" in " ".join(caught.value.field_messages["items"])
    assert not Question.objects.exists()


def test_an_import_that_updates_a_question_makes_its_next_start_take_a_new_version(student):
    from django.utils import timezone

    from quizzes.services.attempts import attempt_start
    from tests.factories import QuizFactory, UserFactory

    gift_import()
    who = Question.objects.get(key="import:reset-button:Who met Lavrov")
    quiz = QuizFactory(questions=[who])
    first, _ = attempt_start(quiz=quiz, user=student, now=timezone.now())
    before = first.responses.get().version_id

    gift_import(GIFT.replace("~Condoleezza Rice", "~%-50%Condoleezza Rice"))
    second, _ = attempt_start(quiz=quiz, user=UserFactory(), now=timezone.now())
    version = second.responses.get().version
    assert version.pk != before
    assert {c["text"]: c["fraction"] for c in version.snapshot["choices"]}[
        "Condoleezza Rice"
    ] == -0.5
