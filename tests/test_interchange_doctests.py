"""The examples in the interchange modules' docstrings are true."""

import doctest

import pytest

from quizzes.interchange import bank, formats, gift, model


@pytest.mark.parametrize("module", [bank, formats, gift, model])
def test_docstring_examples(module):
    failed, attempted = doctest.testmod(module, raise_on_error=False, verbose=False)
    assert attempted > 0
    assert failed == 0
