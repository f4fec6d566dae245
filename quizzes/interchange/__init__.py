"""Question interchange with Moodle and other tools: GIFT, Moodle XML and Aiken, on plain data.

Readers turn a file into `Question` objects (frozen dataclasses, `model.py`), writers turn them
back into a file; `bank.py` maps them onto Factcards' question bank. Nothing here touches the
database: the import and export services wrap this layer in transactions.
"""

from quizzes.interchange.errors import FormatError, Problem, WriteError
from quizzes.interchange.formats import (
    AIKEN,
    GIFT,
    MOODLE_XML,
    READ_FORMATS,
    WRITE_FORMATS,
    moodle_warnings,
    read_questions,
    sniff_format,
    write_questions,
)
from quizzes.interchange.model import (
    AcceptedAnswer,
    Choice,
    Kind,
    MatchPair,
    NumericAnswer,
    OrderingGrading,
    Question,
    ReadResult,
    TextFormat,
    TrueFalse,
)

__all__ = [
    "AIKEN",
    "GIFT",
    "MOODLE_XML",
    "READ_FORMATS",
    "WRITE_FORMATS",
    "AcceptedAnswer",
    "Choice",
    "FormatError",
    "Kind",
    "MatchPair",
    "NumericAnswer",
    "OrderingGrading",
    "Problem",
    "Question",
    "ReadResult",
    "TextFormat",
    "TrueFalse",
    "WriteError",
    "moodle_warnings",
    "read_questions",
    "sniff_format",
    "write_questions",
]
