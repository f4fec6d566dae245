"""Interchange questions onto Factcards' bank fields and back, and the sniffing and dispatch
that the import and export commands will call."""

import pytest

from quizzes.interchange import (
    AcceptedAnswer,
    Choice,
    FormatError,
    Kind,
    MatchPair,
    NumericAnswer,
    OrderingGrading,
    Question,
    TextFormat,
    TrueFalse,
    moodle_warnings,
    read_questions,
    sniff_format,
    write_questions,
)
from quizzes.interchange.bank import from_bank, plain_text, to_bank
from quizzes.models import Question as BankQuestion
from quizzes.services.questions import question_problems
from quizzes.services.snapshots import question_snapshot
from tests.factories import QuestionFactory


def test_html_text_becomes_the_plain_text_a_student_reads():
    text, notes = plain_text(
        "<p>Who met <b>Lavrov</b> &amp; why?</p><p>Pick one.<img src='x.png'></p>",
        TextFormat.HTML,
    )
    assert text == "Who met Lavrov & why?\nPick one."
    assert notes == ["A img in the HTML was dropped."]
    assert plain_text("2 < 3 & <b>", TextFormat.PLAIN) == ("2 < 3 & <b>", [])


def test_true_false_becomes_the_banks_two_choices_with_their_feedback():
    question = Question(
        kind=Kind.TRUE_FALSE,
        name="Red",
        text="The button was red.",
        true_false=TrueFalse(True, feedback_true="Yes.", feedback_false="It was red."),
        general_feedback="Both reports say red.",
        tags=("colours",),
        category="$course$/top/Reset button",
    )
    fields = to_bank(question)
    assert fields["choices"] == [
        {"text": "True", "fraction": 1.0, "feedback": "Yes."},
        {"text": "False", "fraction": 0.0, "feedback": "It was red."},
    ]
    assert fields["explanation"] == "Both reports say red."
    assert fields["tags"] == ["colours", "Reset button"]
    assert (
        question_problems(kind=fields["kind"], text=fields["text"], choices=fields["choices"]) == {}
    )


def test_short_answer_drops_the_catch_all_with_a_note_and_maps_case():
    question = Question(
        kind=Kind.SHORT_ANSWER,
        name="City",
        text="Which city?",
        answers=(
            AcceptedAnswer("Geneva"),
            AcceptedAnswer("Genf", 0.5, "German"),
            AcceptedAnswer("*", 0, "No"),
        ),
        case_sensitive=True,
    )
    fields = to_bank(question)
    assert fields["accepted_answers"] == [
        {"text": "Geneva", "fraction": 1.0, "match": "exact", "feedback": ""},
        {"text": "Genf", "fraction": 0.5, "match": "exact", "feedback": "German"},
    ]
    assert any("catch-all" in note for note in fields["notes"])
    assert any("feedback" in note for note in fields["notes"])
    assert (
        question_problems(
            kind=fields["kind"], text=fields["text"], accepted_answers=fields["accepted_answers"]
        )
        == {}
    )


def test_several_numeric_answers_keep_the_first_full_one_for_todays_model():
    question = Question(
        kind=Kind.NUMERIC,
        name="Year",
        text="When?",
        numeric_answers=(
            NumericAnswer(2009, 1, 0.5),
            NumericAnswer(2009, 0, 1),
            NumericAnswer(None, 0, 0, "No"),
        ),
    )
    fields = to_bank(question)
    assert (fields["numeric_answer"], fields["numeric_tolerance"]) == (2009, 0)
    assert len(fields["numeric_answers"]) == 3
    assert any("3 numeric answers" in note for note in fields["notes"])


def test_matching_and_ordering_fields_for_the_models_to_come():
    matching = to_bank(
        Question(
            kind=Kind.MATCHING,
            name="M",
            text="Match.",
            pairs=(MatchPair("Clinton", "US"), MatchPair("Lavrov", "Russia")),
            extra_answers=("France",),
        )
    )
    assert matching["pairs"] == [
        {"stem": "Clinton", "answer": "US"},
        {"stem": "Lavrov", "answer": "Russia"},
    ]
    assert matching["extra_answers"] == ["France"]
    ordering = to_bank(
        Question(
            kind=Kind.ORDERING,
            name="O",
            text="Order.",
            items=("a", "b", "c"),
            ordering_grading=OrderingGrading.ABSOLUTE_POSITION,
        )
    )
    assert ordering["items"] == ["a", "b", "c"]
    assert not ordering["all_or_nothing"]
    assert any("ABSOLUTE_POSITION" in note for note in ordering["notes"])


def test_unsupported_questions_have_no_bank_form():
    with pytest.raises(ValueError, match="essay"):
        to_bank(Question(kind=Kind.UNSUPPORTED, name="E", text="?", moodle_type="essay"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "trait",
    ["single_choice", "multiple_response", "true_false", "short_answer", "cloze", "numeric"],
)
def test_a_bank_question_exports_and_imports_back_to_the_same_fields(trait):
    QuestionFactory(**({} if trait == "single_choice" else {trait: True}))
    stored = BankQuestion.objects.with_parts().get()
    snapshot = question_snapshot(stored)
    exported = from_bank(snapshot, name=stored.key, tags=["reset"])
    for fmt in ("gift", "moodle-xml"):
        (back,) = read_questions(write_questions([exported], format=fmt), format=fmt).questions
        fields = to_bank(back)
        assert fields["kind"] == stored.kind
        assert fields["text"] == stored.text
        assert fields["explanation"] == stored.explanation
        assert fields["tags"] == ["reset"]
        assert [(c["text"], c["fraction"], c["feedback"]) for c in fields["choices"]] == [
            (c.text, c.fraction, c.feedback) for c in stored.choices.all()
        ]
        assert [(a["text"], a["fraction"]) for a in fields["accepted_answers"]] == [
            (a.text, a.fraction) for a in stored.accepted_answers.all()
        ]
        assert fields["numeric_answer"] == stored.numeric_answer
        problems = question_problems(
            kind=fields["kind"],
            text=fields["text"],
            choices=fields["choices"],
            accepted_answers=fields["accepted_answers"],
            numeric_answer=fields["numeric_answer"],
        )
        assert problems == {}


# --- Sniffing and dispatch ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("// comment\n::Q1:: Who? {=Clinton}", "gift"),
        ("$CATEGORY: top/x\n\n::Q:: a {T}", "gift"),
        ("Grant is {~buried =entombed} here.", "gift"),
        (b"\xef\xbb\xbf<?xml version='1.0' encoding='UTF-8'?>\n<!-- x -->\n<quiz/>", "moodle-xml"),
        ("<quiz>\n</quiz>", "moodle-xml"),
        ("Which city?\nA. Geneva\nB) Paris\nANSWER: A\n", "aiken"),
        ("Just some words.", None),
    ],
)
def test_sniffing_tells_the_formats_apart(data, expected):
    assert sniff_format(data) == expected


def test_a_file_extension_breaks_a_tie():
    assert sniff_format("Just words.", "bank.gift.txt") == "gift"
    assert sniff_format("Just words.", "bank.XML") == "moodle-xml"


def test_read_questions_guesses_the_format_or_says_it_cannot():
    assert read_questions("Q? {T}").format == "gift"
    with pytest.raises(FormatError, match="Cannot tell the file's format"):
        read_questions("Nothing to see.")
    with pytest.raises(FormatError, match="Unknown format"):
        read_questions("Q? {T}", format="docx")


def test_progress_reaches_the_total_for_each_format():
    questions = [
        Question(
            kind=Kind.SINGLE_CHOICE,
            name=f"q{i}",
            text="Who?",
            choices=(Choice("a", 1), Choice("b", 0)),
        )
        for i in range(300)
    ]
    for fmt in ("gift", "moodle-xml"):
        calls = []
        read_questions(
            write_questions(questions, format=fmt),
            format=fmt,
            progress=lambda done, total, calls=calls: calls.append((done, total)),
        )
        assert calls[-1] == (300, 300)
        assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_grades_moodle_does_not_offer_are_warned_about_before_export():
    fine = Question(
        kind=Kind.MULTIPLE_RESPONSE,
        name="fine",
        text="?",
        choices=(Choice("a", 0.3333333), Choice("b", 0.6666667), Choice("c", -1)),
    )
    odd = Question(
        kind=Kind.MULTIPLE_RESPONSE,
        name="odd",
        text="?",
        choices=(Choice("a", 0.37), Choice("b", 0.63)),
    )
    assert moodle_warnings([fine, odd]) == [
        "“odd”: Moodle offers no grade of 37%, 63%; choose “nearest grade” when importing it there."
    ]
