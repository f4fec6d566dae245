"""Whole numbers from request text: plain ASCII digits in range, or None, never an exception."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizzes.parsing import MAX_ID, MAX_INT, whole_number


@pytest.mark.parametrize(("text", "number"), [("0", 0), ("42", 42), (" 7 ", 7), ("007", 7)])
def test_plain_digits_are_read(text, number):
    assert whole_number(text) == number


@pytest.mark.parametrize(
    "text", [None, "", " ", "-1", "+1", "1.5", "²", "١٢", "１", "1\x00", "1" * 5000, "9" * 40]
)
def test_anything_else_is_none(text):
    assert whole_number(text) is None


def test_the_limit_is_inclusive():
    assert whole_number(str(MAX_INT)) == MAX_INT
    assert whole_number(str(MAX_INT + 1)) is None
    assert whole_number(str(MAX_ID), limit=MAX_ID) == MAX_ID
    assert whole_number(str(MAX_ID + 1), limit=MAX_ID) is None


@given(st.text())
def test_no_text_raises(text):
    value = whole_number(text)
    assert value is None or 0 <= value <= MAX_INT
