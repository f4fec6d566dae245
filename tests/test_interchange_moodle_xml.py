"""The Moodle XML reader and writer on the constructs Moodle's own XML tests check (our own
files), and what the reader refuses: entity bombs, external entities, oversized files."""

import textwrap

import pytest
from defusedxml import ElementTree as ET

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
from quizzes.interchange.moodle_xml import read_moodle_xml, write_moodle_xml


def quiz(*questions: str) -> str:
    body = "\n".join(textwrap.dedent(q).strip() for q in questions)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n{body}\n</quiz>\n'


def read_one(question_xml: str) -> Question:
    (question,) = read_moodle_xml(quiz(question_xml)).questions
    return question


def test_multichoice_single_with_cdata_html_feedback_tags_and_marks():
    question = read_one(
        """
        <question type="multichoice">
          <name><text>Who met Lavrov</text></name>
          <questiontext format="html"><text><![CDATA[<p>Who met <b>Lavrov</b>?</p>]]></text>
          </questiontext>
          <generalfeedback format="html"><text>In Geneva.</text></generalfeedback>
          <defaultgrade>2</defaultgrade>
          <idnumber>rb-7</idnumber>
          <single>true</single>
          <answer fraction="100"><text>Clinton</text><feedback><text>Yes.</text></feedback></answer>
          <answer fraction="0"><text>Kerry</text></answer>
          <tags><tag><text>people</text></tag><tag><text>2009</text></tag></tags>
        </question>
        """
    )
    assert question.kind == Kind.SINGLE_CHOICE
    assert question.text == "<p>Who met <b>Lavrov</b>?</p>"
    assert question.text_format == TextFormat.HTML
    assert question.choices == (Choice("Clinton", 1, "Yes."), Choice("Kerry", 0))
    assert (question.general_feedback, question.default_mark) == ("In Geneva.", 2.0)
    assert (question.tags, question.idnumber) == (("people", "2009"), "rb-7")


def test_multichoice_multiple_with_negative_fractions():
    question = read_one(
        """
        <question type="multichoice">
          <name><text>Even</text></name>
          <questiontext><text>Which are even?</text></questiontext>
          <single>false</single>
          <answer fraction="50"><text>2</text></answer>
          <answer fraction="-33.33333"><text>3</text></answer>
          <answer fraction="50"><text>4</text></answer>
        </question>
        """
    )
    assert question.kind == Kind.MULTIPLE_RESPONSE
    assert [c.fraction for c in question.choices] == [0.5, -0.3333333, 0.5]
    assert question.text_format == TextFormat.MOODLE  # no format attribute


def test_truefalse_with_both_feedbacks():
    question = read_one(
        """
        <question type="truefalse">
          <name><text>Red</text></name>
          <questiontext format="plain_text"><text>The button was red.</text></questiontext>
          <answer fraction="100"><text>true</text><feedback><text>Well done!</text></feedback>
          </answer>
          <answer fraction="0"><text>false</text><feedback><text>Look again.</text></feedback>
          </answer>
        </question>
        """
    )
    assert question.true_false == TrueFalse(True, "Well done!", "Look again.")
    assert question.text_format == TextFormat.PLAIN


def test_shortanswer_case_catch_all_and_a_gap_making_it_cloze():
    plain = read_one(
        """
        <question type="shortanswer">
          <name><text>City</text></name>
          <questiontext format="markdown"><text>Which **city**?</text></questiontext>
          <usecase>1</usecase>
          <answer fraction="100"><text>Geneva</text></answer>
          <answer fraction="0"><text>*</text><feedback><text>Doh!</text></feedback></answer>
        </question>
        """
    )
    assert plain.kind == Kind.SHORT_ANSWER
    assert plain.case_sensitive
    assert plain.answers == (AcceptedAnswer("Geneva"), AcceptedAnswer("*", 0, "Doh!"))
    gapped = read_one(
        """
        <question type="shortanswer">
          <name><text>Gap</text></name>
          <questiontext><text>Alpha, ________, Gamma.</text></questiontext>
          <answer fraction="100"><text>Beta</text></answer>
        </question>
        """
    )
    assert gapped.kind == Kind.CLOZE


def test_numerical_with_tolerances_and_catch_all():
    question = read_one(
        """
        <question type="numerical">
          <name><text>Answer</text></name>
          <questiontext><text>What is the answer?</text></questiontext>
          <answer fraction="100"><text>42</text><tolerance>0.001</tolerance>
            <feedback><text>Well done!</text></feedback></answer>
          <answer fraction="0"><text>13</text><tolerance>1</tolerance></answer>
          <answer fraction="0"><text>*</text><tolerance></tolerance>
            <feedback><text>Completely wrong.</text></feedback></answer>
          <units><unit><multiplier>1</multiplier><unit_name>m</unit_name></unit></units>
        </question>
        """
    )
    assert question.numeric_answers == (
        NumericAnswer(42, 0.001, 1, "Well done!"),
        NumericAnswer(13, 1, 0),
        NumericAnswer(None, 0, 0, "Completely wrong."),
    )
    assert "Units were not imported: answers are plain numbers." in question.notes


def test_matching_with_an_extra_answer_and_dropped_hints_noted():
    question = read_one(
        """
        <question type="matching">
          <name><text>Letters</text></name>
          <questiontext format="html"><text>Match the cases.</text></questiontext>
          <correctfeedback><text>Well done.</text></correctfeedback>
          <subquestion format="html"><text>A</text><answer><text>a</text></answer></subquestion>
          <subquestion format="html"><text>B</text><answer><text>b</text></answer></subquestion>
          <subquestion format="html"><text></text><answer><text>c</text></answer></subquestion>
          <hint><text>Look at the shapes.</text></hint>
        </question>
        """
    )
    assert question.pairs == (MatchPair("A", "a"), MatchPair("B", "b"))
    assert question.extra_answers == ("c",)
    assert "1 hint(s) were not imported." in question.notes
    assert any("correctfeedback" in note for note in question.notes)


def test_ordering_keeps_document_order_and_grading_type():
    question = read_one(
        """
        <question type="ordering">
          <name><text>Moodle</text></name>
          <questiontext format="html"><text>Put these words in order.</text></questiontext>
          <selecttype>RANDOM</selecttype>
          <selectcount>3</selectcount>
          <gradingtype>ALL_OR_NOTHING</gradingtype>
          <answer fraction="1"><text>Modular</text></answer>
          <answer fraction="2"><text>Object</text></answer>
          <answer fraction="3"><text>Oriented</text></answer>
          <answer fraction="4"><text>Dynamic</text></answer>
        </question>
        """
    )
    assert question.items == ("Modular", "Object", "Oriented", "Dynamic")
    assert question.ordering_grading == OrderingGrading.ALL_OR_NOTHING
    assert question.notes == ("Moodle shows 3 of the 4 items; Factcards shows them all.",)


@pytest.mark.parametrize(
    ("gap", "kind"),
    [
        ("{1:SHORTANSWER:=Owl#Well done!~%50%Bird#Half~*#Wrong}", Kind.CLOZE),
        ("{1:SAC:=Owl}", Kind.CLOZE),
        ("{2:MULTICHOICE:Dog#No~=Owl#Yes}", Kind.SINGLE_CHOICE),
        ("{1:MR:%50%Owl~%50%Cat~%-100%Dog}", Kind.MULTIPLE_RESPONSE),
        ("{1:NUMERICAL:=1871:1#Yes~%50%1870:5}", Kind.NUMERIC),
    ],
)
def test_cloze_with_one_gap_becomes_the_nearest_kind(gap, kind):
    question = read_one(
        f"""
        <question type="cloze">
          <name><text>Cloze</text></name>
          <questiontext format="html"><text><![CDATA[The {gap} and the cat.]]></text>
          </questiontext>
        </question>
        """
    )
    assert question.kind == kind
    assert question.text == "The _____ and the cat."
    if kind == Kind.CLOZE:
        assert question.answers[0] == AcceptedAnswer("Owl", 1, question.answers[0].feedback)
    if gap.startswith("{1:SHORTANSWER"):
        assert question.answers == (
            AcceptedAnswer("Owl", 1, "Well done!"),
            AcceptedAnswer("Bird", 0.5, "Half"),
            AcceptedAnswer("*", 0, "Wrong"),
        )
    if kind == Kind.NUMERIC:
        assert question.numeric_answers == (
            NumericAnswer(1871, 1, 1, "Yes"),
            NumericAnswer(1870, 5, 0.5),
        )


@pytest.mark.parametrize(
    "qtype", ["description", "essay", "calculated", "ddimageortext", "gapselect", "randomsamatch"]
)
def test_unsupported_types_keep_name_and_line(qtype):
    result = read_moodle_xml(
        quiz(
            f"""
            <question type="{qtype}">
              <name><text>Not ours</text></name>
              <questiontext><text>Something.</text></questiontext>
            </question>
            """
        )
    )
    (question,) = result.questions
    assert (question.kind, question.moodle_type) == (Kind.UNSUPPORTED, qtype)
    assert (question.name, question.line) == ("Not ours", 3)
    assert result.supported == ()


def test_cloze_with_several_gaps_is_unsupported():
    question = read_one(
        """
        <question type="cloze">
          <name><text>Two</text></name>
          <questiontext><text>{1:SA:=a} and {1:SA:=b}</text></questiontext>
        </question>
        """
    )
    assert question.kind == Kind.UNSUPPORTED
    assert "2 gaps" in question.moodle_type


def test_categories_new_and_old_style_apply_to_later_questions():
    result = read_moodle_xml(
        quiz(
            """
            <question type="category"><category><text>$course$/top/Geneva</text></category>
            </question>
            """,
            """
            <question type="truefalse"><name><text>A</text></name>
              <questiontext><text>A</text></questiontext>
              <answer fraction="100"><text>true</text></answer>
              <answer fraction="0"><text>false</text></answer></question>
            """,
            """
            <question type="category"><category>$course$/top/Old style</category></question>
            """,
            """
            <question type="truefalse"><name><text>B</text></name>
              <questiontext><text>B</text></questiontext>
              <answer fraction="0"><text>true</text></answer>
              <answer fraction="100"><text>false</text></answer></question>
            """,
        )
    )
    first, second = result.questions
    assert (first.category, second.category) == ("$course$/top/Geneva", "$course$/top/Old style")
    assert second.true_false == TrueFalse(False)


def test_embedded_files_are_ignored_with_a_note():
    result = read_moodle_xml(
        quiz(
            """
            <question type="truefalse">
              <name><text>With a file</text></name>
              <questiontext format="html">
                <text><![CDATA[<p><a href="@@PLUGINFILE@@/a.txt">This</a> file.</p>]]></text>
                <file name="a.txt" path="/" encoding="base64">TW9vZGxl</file>
              </questiontext>
              <answer fraction="100"><text>true</text></answer>
              <answer fraction="0"><text>false</text></answer>
            </question>
            """
        )
    )
    assert result.questions[0].text == '<p><a href="@@PLUGINFILE@@/a.txt">This</a> file.</p>'
    assert "1 embedded file(s) (<file>) were ignored" in result.notes[0]


# --- Refused input ----------------------------------------------------------------------

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<quiz><question type="essay"><name><text>&lol4;</text></name></question></quiz>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE quiz [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<quiz><question type="essay"><name><text>&secret;</text></name></question></quiz>
"""

EXTERNAL_DTD = """<?xml version="1.0"?>
<!DOCTYPE quiz SYSTEM "http://example.invalid/quiz.dtd">
<quiz></quiz>
"""


@pytest.mark.parametrize("bomb", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD])
def test_entity_bombs_and_external_entities_are_refused(bomb):
    with pytest.raises(FormatError) as caught:
        read_moodle_xml(bomb)
    assert caught.value.line == 2
    assert "refused" in caught.value.message


def test_a_file_over_the_size_limit_is_refused_before_parsing():
    big = quiz("<!-- " + "x" * 5000 + " -->")
    with pytest.raises(FormatError, match="limit is"):
        read_moodle_xml(big, max_bytes=4096)


def test_malformed_xml_names_the_line():
    with pytest.raises(FormatError) as caught:
        read_moodle_xml("<quiz>\n<question type='essay'>\n<name><text>x</name>\n</quiz>")
    assert caught.value.line == 3
    assert "not well-formed" in caught.value.message


def test_deep_nesting_is_refused():
    with pytest.raises(FormatError, match="nested deeper"):
        read_moodle_xml("<quiz>" + "<a>" * 100 + "</a>" * 100 + "</quiz>")


@pytest.mark.parametrize(
    ("question_xml", "message"),
    [
        (
            '<question type="multichoice"><answer fraction="x"><text>a</text></answer>'
            '<answer fraction="0"><text>b</text></answer></question>',
            "is not a number",
        ),
        (
            '<question type="numerical"><answer fraction="100"><text>soon</text></answer>'
            "</question>",
            "is not a number",
        ),
        (
            '<question type="truefalse"><answer fraction="100"><text>yes</text></answer>'
            "</question>",
            "“true” and a “false”",
        ),
        (
            '<question type="ordering"><gradingtype>SOMETIMES</gradingtype>'
            "<answer><text>a</text></answer><answer><text>b</text></answer></question>",
            "Unknown grading type",
        ),
    ],
)
def test_bad_questions_are_errors_with_their_line(question_xml, message):
    with pytest.raises(FormatError) as caught:
        read_moodle_xml(f"<quiz>\n\n{question_xml}\n</quiz>")
    assert caught.value.line == 3
    assert message in caught.value.message


def test_a_root_other_than_quiz_is_refused():
    with pytest.raises(FormatError, match="starts with <quiz>"):
        read_moodle_xml("<questions/>")


# --- Writing ----------------------------------------------------------------------------


def test_writer_output_is_moodle_xml_that_moodle_reads():
    question = Question(
        kind=Kind.SINGLE_CHOICE,
        name="Word & <button>",
        text="Which word? <b>",
        text_format=TextFormat.PLAIN,
        choices=(Choice("Peregruzka", 1, "Yes"), Choice("Perestroika", 0)),
        general_feedback="Overcharged.",
        tags=("words",),
        category="$course$/top/Reset",
        default_mark=2,
    )
    text = write_moodle_xml([question])
    root = ET.fromstring(text)
    category, written = root.findall("question")
    assert category.get("type") == "category"
    assert category.findtext("category/text") == "$course$/top/Reset"
    assert written.get("type") == "multichoice"
    assert written.findtext("name/text") == "Word & <button>"
    assert written.find("questiontext").get("format") == "plain_text"
    assert written.findtext("single") == "true"
    assert written.findtext("defaultgrade") == "2"
    assert [a.get("fraction") for a in written.findall("answer")] == ["100", "0"]
    assert written.findtext("answer/feedback/text") == "Yes"
    assert written.findtext("tags/tag/text") == "words"
    assert text == write_moodle_xml([question])


def test_cloze_is_written_as_moodles_cloze_with_reserved_characters_as_references():
    question = Question(
        kind=Kind.CLOZE,
        name="Gap",
        text="They met in _____.",
        answers=(AcceptedAnswer("Gen~eva}#1"), AcceptedAnswer("*", 0, "No & no")),
        case_sensitive=True,
    )
    written = ET.fromstring(write_moodle_xml([question])).find("question")
    assert written.get("type") == "cloze"
    assert written.findtext("questiontext/text") == (
        "They met in {1:SHORTANSWER_C:%100%Gen&#126;eva&#125;&#35;1~%0%*#No &#38; no}."
    )
    assert read_moodle_xml(write_moodle_xml([question])).questions == (question,)


def test_ordering_and_matching_elements():
    ordering = Question(
        kind=Kind.ORDERING,
        name="Order",
        text="Order.",
        items=("a", "b", "c"),
        ordering_grading=OrderingGrading.ALL_OR_NOTHING,
    )
    matching = Question(
        kind=Kind.MATCHING,
        name="M",
        text="Match.",
        pairs=(MatchPair("A", "a"),),
        extra_answers=("b",),
    )
    root = ET.fromstring(write_moodle_xml([ordering, matching]))
    first, second = root.findall("question")
    assert first.findtext("gradingtype") == "ALL_OR_NOTHING"
    assert first.findtext("selecttype") == "ALL"
    assert [a.findtext("text") for a in first.findall("answer")] == ["a", "b", "c"]
    assert [s.findtext("text") for s in second.findall("subquestion")] == ["A", ""]


def test_writer_refuses_unsupported_questions_and_control_characters():
    with pytest.raises(WriteError, match="not “essay”"):
        write_moodle_xml([Question(kind=Kind.UNSUPPORTED, name="E", text="?", moodle_type="essay")])
    bad = Question(kind=Kind.TRUE_FALSE, name="T", text="bell \x07", true_false=TrueFalse(True))
    with pytest.raises(WriteError, match="control character"):
        write_moodle_xml([bad])
