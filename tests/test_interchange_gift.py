"""The GIFT reader and writer on the constructs Moodle's own GIFT tests check (our own texts),
and the errors a teacher gets for a malformed file."""

import textwrap

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
    WriteError,
)
from quizzes.interchange.gift import escape, read_gift, unescape, write_gift


def read_one(source: str) -> Question:
    (question,) = read_gift(textwrap.dedent(source)).questions
    return question


def error_of(source: str) -> FormatError:
    with pytest.raises(FormatError) as caught:
        read_gift(textwrap.dedent(source))
    return caught.value


# --- Kinds --------------------------------------------------------------------------------


def test_essay_is_kept_as_unsupported_with_its_name_and_line():
    question = read_one(
        """
        // an essay
        ::E1:: Why did the button matter? {}
        """
    )
    assert question.kind == Kind.UNSUPPORTED
    assert question.moodle_type == "essay"
    assert (question.name, question.text, question.line) == ("E1", "Why did the button matter?", 3)


def test_text_without_answer_block_is_a_description():
    question = read_one("::D1:: The next questions are about the dinner.")
    assert (question.kind, question.moodle_type) == (Kind.UNSUPPORTED, "description")
    assert question.text == "The next questions are about the dinner."


def test_matching_pairs_with_text_formats_and_an_extra_answer():
    question = read_one(
        """
        ::Offices::[html]Match each <b>person</b> to an office.{
            =[html]Hillary Clinton -> US Secretary of State
            =Sergei Lavrov -> Russian Foreign Minister
            =[plain]Barack Obama -> US President
            = -> Russian President
        }
        """
    )
    assert question.kind == Kind.MATCHING
    assert question.text_format == TextFormat.HTML
    assert question.text == "Match each <b>person</b> to an office."
    assert question.pairs == (
        MatchPair("Hillary Clinton", "US Secretary of State"),
        MatchPair("Sergei Lavrov", "Russian Foreign Minister"),
        MatchPair("Barack Obama", "US President"),
    )
    assert question.extra_answers == ("Russian President",)
    assert any("[plain]" in note for note in question.notes)


def test_single_choice_with_feedback_and_per_answer_formats():
    question = read_one(
        """
        ::Q2:: Which word was on the button?
        {
            =Peregruzka # right; it means overcharged
            ~Perezagruzka # [html]what they <i>meant</i>
            ~[plain]Perestroika # no
        }
        """
    )
    assert question.kind == Kind.SINGLE_CHOICE
    assert question.text_format == TextFormat.MOODLE
    assert question.choices == (
        Choice("Peregruzka", 1.0, "right; it means overcharged"),
        Choice("Perezagruzka", 0.0, "what they <i>meant</i>"),
        Choice("Perestroika", 0.0, "no"),
    )


def test_weights_make_a_multiple_response_question_with_negative_marks():
    question = read_one(
        """
        ::ministers:: Who was at the dinner?
        {
            ~%50%Clinton # yes
            ~%-100%Medvedev # no
            ~%50%Lavrov # yes
            ~%-33.33333%[plain]Putin # no
        }
        """
    )
    assert question.kind == Kind.MULTIPLE_RESPONSE
    assert [c.fraction for c in question.choices] == [0.5, -1.0, 0.5, -0.3333333]
    assert [c.text for c in question.choices] == ["Clinton", "Medvedev", "Lavrov", "Putin"]


def test_full_weight_on_a_tilde_answer_is_still_multiple_response():
    question = read_one("::t:: Pick {~%100%Geneva#yes ~%-50%Paris#no ~%-50%Rome#no}")
    assert question.kind == Kind.MULTIPLE_RESPONSE
    assert [c.fraction for c in question.choices] == [1.0, -0.5, -0.5]


def test_numeric_with_margin_and_wrong_answer_feedback():
    question = read_one("::N1:: A number from 1 to 5? {#3:2~#Completely wrong}")
    assert question.kind == Kind.NUMERIC
    assert question.numeric_answers == (
        NumericAnswer(3.0, 2.0, 1.0),
        NumericAnswer(None, 0.0, 0.0, "Completely wrong"),
    )


def test_numeric_range_becomes_value_and_tolerance():
    question = read_one("::pi:: Pi to three places? {#3.141..3.142}")
    assert question.numeric_answers == (NumericAnswer(3.1415, 0.0005),)


def test_several_weighted_numeric_answers():
    question = read_one(
        """
        ::year:: In which year did they meet? {#
            =2009:0 # Exactly.
            =%50%2009:1 # Close.
            =%25%1990..2020 # Roughly.
        }
        """
    )
    assert question.numeric_answers == (
        NumericAnswer(2009, 0, 1.0, "Exactly."),
        NumericAnswer(2009, 1, 0.5, "Close."),
        NumericAnswer(2005, 15, 0.25, "Roughly."),
    )


def test_short_answer_with_weights_catch_all_and_general_feedback():
    question = read_one(
        """
        ::City::Which city hosted the talks?{
            =Geneva#Good!
            =%50%Genf#Half: that is the German name.
            =%0%*#No.
            ####[html]The talks were in <b>Geneva</b>.
        }
        """
    )
    assert question.kind == Kind.SHORT_ANSWER
    assert question.answers == (
        AcceptedAnswer("Geneva", 1.0, "Good!"),
        AcceptedAnswer("Genf", 0.5, "Half: that is the German name."),
        AcceptedAnswer("*", 0.0, "No."),
    )
    assert question.answers[2].is_catch_all
    assert question.general_feedback == "The talks were in <b>Geneva</b>."
    assert question.feedback_format == TextFormat.HTML


@pytest.mark.parametrize(
    ("block", "correct"), [("T", True), ("TRUE", True), ("F", False), ("FALSE", False)]
)
def test_true_false_spellings(block, correct):
    question = read_one(f"::tf:: The button was red.{{{block}}}")
    assert question.true_false == TrueFalse(correct)


def test_true_false_feedbacks_are_for_a_wrong_then_a_right_answer():
    question = read_one(
        "::tf:: The button was green.{\nFALSE#It was red.#Right, it was red.####Both say red.}"
    )
    assert question.true_false == TrueFalse(
        False, feedback_true="It was red.", feedback_false="Right, it was red."
    )
    assert question.general_feedback == "Both say red."


def test_missing_word_puts_a_gap_where_the_block_was():
    choice = read_one("Clinton gave Lavrov a {~green =red ~blue} button.")
    assert choice.kind == Kind.SINGLE_CHOICE
    assert choice.text == "Clinton gave Lavrov a _____ button."
    typed = read_one("The ministers met in {=Geneva =Genf} on a Friday.")
    assert typed.kind == Kind.CLOZE
    assert typed.text == "The ministers met in _____ on a Friday."
    assert [a.text for a in typed.answers] == ["Geneva", "Genf"]


def test_block_at_the_end_makes_no_gap_even_before_trailing_spaces():
    question = read_one("Who met Lavrov? {=Clinton}   ")
    assert (question.kind, question.text) == (Kind.SHORT_ANSWER, "Who met Lavrov?")


def test_unnamed_question_is_named_after_its_text():
    question = read_one("Who met Lavrov in Geneva? {=Clinton}")
    assert question.name == "Who met Lavrov in Geneva?"


def test_ordering_in_qtype_orderings_gift_form():
    question = read_one(
        """
        ::Order:: Put the events in order.{>3 ALL VERTICAL ALL_OR_NOTHING SHOW
        Clinton hands over the button
        Lavrov reads the word
        Both laugh
        }
        """
    )
    assert question.kind == Kind.ORDERING
    assert question.items == (
        "Clinton hands over the button",
        "Lavrov reads the word",
        "Both laugh",
    )
    assert question.all_or_nothing


def test_ordering_defaults_and_a_random_subset_is_noted():
    question = read_one("::O:: Order them.{>3\nA\nB\nC\nD\nE\n}")
    assert question.ordering_grading == OrderingGrading.RELATIVE_NEXT_EXCLUDE_LAST
    assert not question.all_or_nothing
    assert question.notes == ("Moodle shows 3 of the 5 items; Factcards shows them all.",)


# --- File structure --------------------------------------------------------------------


def test_category_applies_to_the_questions_after_it_and_becomes_tags():
    result = read_gift(
        textwrap.dedent(
            """
            ::before:: No category yet {T}

            $CATEGORY: $course$/top/Reset button/Geneva

            ::after:: In the category {T}
            """
        )
    )
    before, after = result.questions
    assert before.category == ""
    assert after.category == "$course$/top/Reset button/Geneva"
    assert after.all_tags == ("Reset button", "Geneva")


def test_tags_and_id_number_from_comments():
    question = read_one(
        """
        // Tags: [tag:geneva] [tag:people-2009].
        // An id: [id:rb\\]1].
        ::Tagged:: Who met Lavrov? {=Clinton}
        """
    )
    assert question.tags == ("geneva", "people-2009")
    assert question.idnumber == "rb]1"


def test_comments_inside_a_question_are_skipped_and_lines_counted():
    result = read_gift(
        "// header\n\n::a:: First {\n// not an answer\n=one\n}\n\n\n::b:: Second {=two}\n"
    )
    first, second = result.questions
    assert [a.text for a in first.answers] == ["one"]
    assert (first.line, second.line) == (3, 9)


def test_every_escape_and_a_line_break():
    question = read_one(r"::Esc\:ape:: 1 \= 1 \~ 2 \# 3 \{4\} a\:b back\\slash\nnext {=\{x\}}")
    assert question.name == "Esc:ape"
    assert question.text == "1 = 1 ~ 2 # 3 {4} a:b back\\slash\nnext"
    assert question.answers[0].text == "{x}"


def test_question_over_several_lines_with_escaped_braces_in_html():
    question = read_one(
        """
        ::code::[html]<p>What does it print?</p>
        <pre>
        run() \\{
            reset();
        \\}
        </pre>
        {}
        """
    )
    assert question.text_format == TextFormat.HTML
    assert question.text == "<p>What does it print?</p>\n<pre>\nrun() {\n    reset();\n}\n</pre>"


def test_unknown_escape_and_double_backslash_are_kept_as_moodle_does():
    assert unescape(r"A \\ B \\\\ C \d") == "A \\ B \\\\ C \\d"


def test_utf8_bom_and_windows_line_ends_are_accepted():
    result = read_gift("\ufeff::a:: One {T}\r\n\r\n::b:: Two {F}\r\n".encode())
    assert [q.name for q in result.questions] == ["a", "b"]


def test_progress_is_reported_up_to_the_total():
    calls = []
    source = "\n\n".join(f"::q{i}:: Question {i} {{T}}" for i in range(600))
    read_gift(source, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(250, 600), (500, 600), (600, 600)]


# --- Errors ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "line", "message"),
    [
        ("::a:: ok {T}\n\n::b:: Unclosed {=x\n=y", 3, "not closed with }"),
        ("::a:: Two {=x} blocks {=y}", 1, "A second answer block"),
        ("::a:: Stray } brace {=x}", 1, "A } with no { before it"),
        ("::a:: Nested {=x {y}}", 1, "A { inside an answer block"),
        ("::no end of name {=x}", 1, "name opened with :: is not closed"),
        ("::a:: When? {#soon}", 1, "“soon” is not a number"),
        ("::a:: When? {#2010..2000}", 1, "runs backwards"),
        ("::a:: Margin? {#5:-1}", 1, "not a margin of error"),
        ("::a:: Pick {~%150%x ~y}", 1, "beyond ±100%"),
        ("::a:: Pick {~only}", 1, "at least two answers"),
        ("::a:: Match {=a -> b =c}", 1, "=stem -> answer"),
        ("::a:: N {#=1 ~#other =2}", 1, "comes last"),
        ("::a:: Order {>3\nonly one\n}", 1, "one per line"),
        ("$CATEGORY: x\n::a:: Q {T}", 2, "stands alone"),
        ("::a:: fine {T}\n\n\n\n::b:: Bad {#x}", 5, "not a number"),
    ],
)
def test_malformed_input_names_the_line_and_why(source, line, message):
    error = error_of(source)
    assert error.line == line
    assert message in error.message
    assert str(error).startswith(f"line {line}: ")


def test_every_problem_is_listed_and_nothing_is_returned():
    error = error_of("::a:: {#x}\n\n::b:: fine {T}\n\n::c:: {=a {b}}")
    assert [p.line for p in error.problems] == [1, 5]
    assert str(error).endswith("(and 1 more problem)")


def test_a_file_that_is_not_utf8_is_refused_with_its_line():
    with pytest.raises(FormatError) as caught:
        read_gift("::a:: ok {T}\n\n::b:: caf\u00e9 {T}".encode("latin-1"))
    assert caught.value.line == 3
    assert "UTF-8" in caught.value.message


def test_a_file_over_the_size_limit_is_refused():
    with pytest.raises(FormatError, match="limit is"):
        read_gift("::a:: x {T}\n\n" * 100, max_bytes=1000)


# --- Writing ---------------------------------------------------------------------------


def test_writer_output_for_each_kind_is_what_moodle_reads():
    questions = [
        Question(
            kind=Kind.SINGLE_CHOICE,
            name="Word",
            text="Which word: 1 = 1?",
            choices=(Choice("Peregruzka", 1, "yes #1"), Choice("Perestroika", 0)),
            general_feedback="It means overcharged.",
            tags=("words", "a]b"),
            idnumber="rb-1",
            category="$course$/top/Reset",
        ),
        Question(
            kind=Kind.MULTIPLE_RESPONSE,
            name="Who",
            text="Who was there?",
            choices=(Choice("Clinton", 0.5), Choice("Lavrov", 0.5), Choice("Putin", -1)),
        ),
        Question(
            kind=Kind.TRUE_FALSE,
            name="Red",
            text="It was red.",
            true_false=TrueFalse(True, feedback_true="Yes.", feedback_false="No, red."),
        ),
        Question(
            kind=Kind.SHORT_ANSWER,
            name="City",
            text="Where?",
            answers=(AcceptedAnswer("Geneva"), AcceptedAnswer("*", 0, "No.")),
        ),
        Question(
            kind=Kind.CLOZE,
            name="Gap",
            text="They met in _____ on Friday.",
            answers=(AcceptedAnswer("Geneva"),),
        ),
        Question(
            kind=Kind.NUMERIC,
            name="Year",
            text="When?",
            numeric_answers=(NumericAnswer(2009, 0), NumericAnswer(2009, 1, 0.5, "Close.")),
        ),
        Question(
            kind=Kind.MATCHING,
            name="Pairs",
            text="Match.",
            pairs=(MatchPair("Clinton", "US"), MatchPair("Lavrov", "Russia")),
            extra_answers=("France",),
        ),
        Question(
            kind=Kind.ORDERING,
            name="Order",
            text="In order.",
            items=("first", "second", "third"),
        ),
    ]
    assert write_gift(questions) == textwrap.dedent(
        """\
        // Questions exported by Factcards in Moodle's GIFT format.

        $CATEGORY: $course$/top/Reset

        // [id:rb-1] [tag:words] [tag:a\\]b]
        ::Word::Which word\\: 1 \\= 1?{
        \t=Peregruzka#yes \\#1
        \t~Perestroika
        \t####It means overcharged.
        }

        ::Who::Who was there?{
        \t~%50%Clinton
        \t~%50%Lavrov
        \t~%-100%Putin
        }

        ::Red::It was red.{TRUE#No, red.#Yes.}

        ::City::Where?{
        \t=Geneva
        \t=%0%*#No.
        }

        ::Gap::They met in {=Geneva} on Friday.

        ::Year::When?{#
        \t=2009
        \t=%50%2009:1#Close.
        }

        ::Pairs::Match.{
        \t=Clinton -> US
        \t=Lavrov -> Russia
        \t= -> France
        }

        ::Order::In order.{>3 ALL VERTICAL RELATIVE_NEXT_EXCLUDE_LAST SHOW
        first
        second
        third
        }
        """
    )


def test_writer_is_deterministic_and_reads_back():
    question = Question(kind=Kind.SHORT_ANSWER, name="n", text="t", answers=(AcceptedAnswer("a"),))
    assert write_gift([question]) == write_gift([question])
    assert read_gift(write_gift([question])).questions == (question,)


def test_escape_covers_every_reserved_character():
    assert escape("\\ ~ = # { } : \n") == "\\\\ \\~ \\= \\# \\{ \\} \\: \\n"


@pytest.mark.parametrize(
    ("question", "reason"),
    [
        (
            Question(kind=Kind.UNSUPPORTED, name="E", text="Why?", moodle_type="essay"),
            "cannot hold",
        ),
        (
            Question(kind=Kind.SHORT_ANSWER, name="A", text="?", answers=(AcceptedAnswer("a->b"),)),
            "->",
        ),
        (
            Question(kind=Kind.ORDERING, name="O", text="?", items=("a", "b {c}", "d")),
            "ordering item",
        ),
        (
            Question(
                kind=Kind.SINGLE_CHOICE,
                name="S",
                text="?",
                choices=(Choice("a", 0.5), Choice("b", 0)),
            ),
            "none earns full marks",
        ),
        (
            Question(
                kind=Kind.NUMERIC,
                name="N",
                text="?",
                numeric_answers=(NumericAnswer(1), NumericAnswer(None, 0, 0.5)),
            ),
            "any other number",
        ),
    ],
)
def test_writer_refuses_what_gift_cannot_hold_and_names_the_question(question, reason):
    with pytest.raises(WriteError) as caught:
        write_gift([question])
    assert reason in str(caught.value)
    assert f"“{question.name}”" in str(caught.value)


@pytest.mark.parametrize(
    ("question", "reason"),
    [
        # qtype_ordering finds its block as the first "{" of the question, escaped or not.
        (
            Question(kind=Kind.ORDERING, name="O", text="A {set}", items=("a", "b", "c")),
            "{ in an ordering question",
        ),
        # qtype_ordering's GIFT pattern misspells this grading type.
        (
            Question(
                kind=Kind.ORDERING,
                name="O",
                text="Order",
                items=("a", "b", "c"),
                ordering_grading=OrderingGrading.LONGEST_ORDERED_SUBSET,
            ),
            "cannot read LONGEST_ORDERED_SUBSET",
        ),
        # Moodle takes what follows the last #### of a block for general feedback.
        (
            Question(kind=Kind.ORDERING, name="O", text="Order", items=("a", "b####c", "d")),
            "ordering item",
        ),
    ],
)
def test_writer_refuses_ordering_that_moodle_would_misread(question, reason):
    with pytest.raises(WriteError, match=reason):
        write_gift([question])
