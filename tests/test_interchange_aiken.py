"""The Aiken reader: single-choice questions, the ANSWER line, and errors by line."""

import pytest

from quizzes.interchange import Choice, FormatError, Kind
from quizzes.interchange.aiken import read_aiken

SAMPLE = """\
Which city hosted the Clinton-Lavrov meeting?
A. Geneva
B. Vienna
C) Helsinki
ANSWER: A
What colour was the reset button?
A) Green
B) Red
ANSWER: B
"""


def test_questions_with_dot_and_parenthesis_options_and_no_blank_line_between():
    first, second = read_aiken(SAMPLE).questions
    assert first.kind == Kind.SINGLE_CHOICE
    assert first.text == "Which city hosted the Clinton-Lavrov meeting?"
    assert first.choices == (Choice("Geneva", 1), Choice("Vienna", 0), Choice("Helsinki", 0))
    assert [c.fraction for c in second.choices] == [0, 1]
    assert (first.line, second.line) == (1, 6)
    assert first.name == first.text


def test_a_question_over_two_lines_keeps_both():
    (question,) = read_aiken(
        "Reuters wrote:\nwhat did the button say?\nA. reset\nB. overload\nANSWER: B"
    ).questions
    assert question.text == "Reuters wrote:\nwhat did the button say?"


@pytest.mark.parametrize(
    ("source", "line", "message"),
    [
        ("Q?\nA. a\nB. b\nANSWER: D", 4, "not one of the options (A, B)"),
        ("Q?\nA. a\nANSWER: A", 3, "at least two options"),
        ("A. a\nB. b\nANSWER: A", 1, "An option with no question"),
        ("Q?\nA. a\nC. c\nANSWER: A", 3, "Option C where B was expected"),
        ("Q?\nA. a\nB. b\n\nNext?\nA. a\nB. b\nANSWER: A", 1, "no ANSWER line"),
        ("Q?\nA. a\nB. b", 1, "no ANSWER line"),
        ("ANSWER: A", 1, "no question before it"),
    ],
)
def test_malformed_aiken_names_the_line(source, line, message):
    with pytest.raises(FormatError) as caught:
        read_aiken(source)
    assert caught.value.line == line
    assert message in caught.value.message
