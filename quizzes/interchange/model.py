"""An interchange question: what GIFT, Moodle XML and Aiken carry, as frozen plain data.

One `Question` class holds every kind; the fields a kind does not use stay empty. The readers
build these, the writers take them, and `quizzes.interchange.bank` maps them onto Factcards'
question bank. Nothing here touches the database.

Conventions every reader and writer keeps:

- Texts are stripped of surrounding white space, with "\\n" line ends.
- Fractions are shares of the marks (1 = full marks, negative values penalise), rounded to 7
  decimals as Moodle stores them, so a value written and read back compares equal.
- `line` (where the question starts in its file) and `notes` (what a reader dropped or
  approximated) are information, not content: they take no part in equality.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from enum import StrEnum

BLANK = "_____"  # the gap of a cloze or missing-word question, as Moodle and Factcards write it
BLANK_RE = re.compile(r"_{3,}")
FRACTION_DECIMALS = 7


class Kind(StrEnum):
    """The kinds of question. The values are Factcards' `QuestionKind` values."""

    SINGLE_CHOICE = "single_choice"
    MULTIPLE_RESPONSE = "multiple_response"
    TRUE_FALSE = "true_false"
    SHORT_ANSWER = "short_answer"
    NUMERIC = "numeric"
    CLOZE = "cloze"  # one gap (_____) in the text, answered by typing: GIFT's missing word
    MATCHING = "matching"
    ORDERING = "ordering"
    UNSUPPORTED = (
        "unsupported"  # essay, description, calculated, drag and drop…: name and line only
    )


class TextFormat(StrEnum):
    """How a text is to be rendered, as Moodle names its formats in GIFT (`[html]` …)."""

    MOODLE = "moodle"  # Moodle's "auto-format": plain text, line breaks kept (GIFT's default)
    HTML = "html"
    PLAIN = "plain"
    MARKDOWN = "markdown"


class OrderingGrading(StrEnum):
    """qtype_ordering's grading types. Factcards grades the first two."""

    RELATIVE_NEXT_EXCLUDE_LAST = "RELATIVE_NEXT_EXCLUDE_LAST"  # Moodle's default: right next item
    ALL_OR_NOTHING = "ALL_OR_NOTHING"
    ABSOLUTE_POSITION = "ABSOLUTE_POSITION"
    RELATIVE_NEXT_INCLUDE_LAST = "RELATIVE_NEXT_INCLUDE_LAST"
    RELATIVE_ONE_PREVIOUS_AND_NEXT = "RELATIVE_ONE_PREVIOUS_AND_NEXT"
    RELATIVE_ALL_PREVIOUS_AND_NEXT = "RELATIVE_ALL_PREVIOUS_AND_NEXT"
    RELATIVE_TO_CORRECT = "RELATIVE_TO_CORRECT"
    LONGEST_ORDERED_SUBSET = "LONGEST_ORDERED_SUBSET"
    LONGEST_CONTIGUOUS_SUBSET = "LONGEST_CONTIGUOUS_SUBSET"


FACTCARDS_ORDERING_GRADINGS = frozenset(
    {OrderingGrading.RELATIVE_NEXT_EXCLUDE_LAST, OrderingGrading.ALL_OR_NOTHING}
)


def fraction(value: float) -> float:
    """`value` as a fraction of the marks, rounded the way Moodle stores it.

    >>> fraction(1 / 3)
    0.3333333
    """
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"A fraction must be a finite number, not {value!r}.")
    return round(value, FRACTION_DECIMALS) + 0.0  # + 0.0 turns -0.0 into 0.0


def _finite(value: float, what: str) -> float:
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number, not {value!r}.")
    return value + 0.0


def _set(obj, name: str, value) -> None:
    object.__setattr__(obj, name, value)


@dataclass(frozen=True)
class Choice:
    """An option of a single-choice or multiple-response question."""

    text: str
    fraction: float = 0.0
    feedback: str = ""

    def __post_init__(self):
        _set(self, "fraction", fraction(self.fraction))


@dataclass(frozen=True)
class AcceptedAnswer:
    """A typed answer that earns `fraction`. The text `*` is Moodle's catch-all ("any other
    answer"), usually with fraction 0 and the feedback for a wrong answer."""

    text: str
    fraction: float = 1.0
    feedback: str = ""

    CATCH_ALL = "*"

    def __post_init__(self):
        _set(self, "fraction", fraction(self.fraction))

    @property
    def is_catch_all(self) -> bool:
        return self.text == self.CATCH_ALL


@dataclass(frozen=True)
class NumericAnswer:
    """A number within ± `tolerance` of `value` earns `fraction`. `value` None is the
    catch-all ("any other number", GIFT's `~#feedback`, Moodle XML's `*`)."""

    value: float | None
    tolerance: float = 0.0
    fraction: float = 1.0
    feedback: str = ""

    def __post_init__(self):
        if self.value is not None:
            _set(self, "value", _finite(self.value, "A numeric answer"))
        tolerance = _finite(self.tolerance, "A tolerance")
        if tolerance < 0:
            raise ValueError(f"A tolerance cannot be negative ({tolerance:g}).")
        _set(self, "tolerance", tolerance)
        _set(self, "fraction", fraction(self.fraction))

    @property
    def is_catch_all(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class MatchPair:
    """A stem of a matching question and the answer that matches it."""

    stem: str
    answer: str


@dataclass(frozen=True)
class TrueFalse:
    """The right answer of a true/false question and the feedback for each of its two
    answers (shown when the student picks that answer)."""

    correct: bool
    feedback_true: str = ""
    feedback_false: str = ""


@dataclass(frozen=True)
class Question:
    """One question of any kind. Which fields a kind fills:

    | kind | fields |
    |---|---|
    | single_choice, multiple_response | `choices` |
    | true_false | `true_false` |
    | short_answer, cloze | `answers`, `case_sensitive` (cloze: `text` has one `_____`) |
    | numeric | `numeric_answers` (several allowed, a catch-all last) |
    | matching | `pairs`, `extra_answers` (answers that match no stem) |
    | ordering | `items` (in the right order), `ordering_grading` |
    | unsupported | `moodle_type` (essay, description, calculated, …), `name`, `line` |
    """

    kind: Kind
    name: str
    text: str
    text_format: TextFormat = TextFormat.MOODLE
    general_feedback: str = ""
    general_feedback_format: TextFormat | None = None  # None: the text's format
    choices: tuple[Choice, ...] = ()
    answers: tuple[AcceptedAnswer, ...] = ()
    case_sensitive: bool = False
    numeric_answers: tuple[NumericAnswer, ...] = ()
    true_false: TrueFalse | None = None
    pairs: tuple[MatchPair, ...] = ()
    extra_answers: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    ordering_grading: OrderingGrading = OrderingGrading.RELATIVE_NEXT_EXCLUDE_LAST
    default_mark: float = 1.0
    tags: tuple[str, ...] = ()
    category: str = ""
    idnumber: str = ""
    moodle_type: str = ""
    line: int = field(default=0, compare=False)
    notes: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self):
        _set(self, "kind", Kind(self.kind))
        _set(self, "text_format", TextFormat(self.text_format))
        if self.general_feedback_format == self.text_format or not self.general_feedback:
            # One spelling for "the same format as the text" (or no feedback at all), so that
            # equal questions compare equal.
            _set(self, "general_feedback_format", None)
        elif self.general_feedback_format is not None:
            _set(self, "general_feedback_format", TextFormat(self.general_feedback_format))
        _set(self, "ordering_grading", OrderingGrading(self.ordering_grading))
        mark = _finite(self.default_mark, "A default mark")
        if mark < 0:
            raise ValueError(f"A default mark cannot be negative ({mark:g}).")
        _set(self, "default_mark", mark)
        for name in ("choices", "answers", "numeric_answers", "pairs", "extra_answers", "items"):
            _set(self, name, tuple(getattr(self, name)))
        _set(self, "tags", tuple(self.tags))
        _set(self, "notes", tuple(self.notes))

    @property
    def feedback_format(self) -> TextFormat:
        """The format of the general feedback."""
        return self.general_feedback_format or self.text_format

    @property
    def all_or_nothing(self) -> bool:
        return self.ordering_grading == OrderingGrading.ALL_OR_NOTHING

    @property
    def is_supported(self) -> bool:
        return self.kind != Kind.UNSUPPORTED

    @property
    def all_tags(self) -> tuple[str, ...]:
        """The tags, then the tags the category becomes (see `category_tags`), once each."""
        seen: dict[str, None] = {}
        for tag in (*self.tags, *category_tags(self.category)):
            seen.setdefault(tag, None)
        return tuple(seen)

    @property
    def where(self) -> str:
        """How a message names the question: “line 12, “Capitals 3””."""
        label = f"“{self.name}”" if self.name else "a question without a name"
        return f"line {self.line}, {label}" if self.line else label


@dataclass(frozen=True)
class ReadResult:
    """What a reader found, in file order. Unsupported questions are kept (kind
    `unsupported`) so that a caller can name them."""

    format: str
    questions: tuple[Question, ...]
    notes: tuple[str, ...] = ()  # about the file as a whole

    @property
    def supported(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.is_supported)

    @property
    def unsupported(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if not q.is_supported)


# Moodle's context markers at the head of a category path, and its root category.
_CONTEXT_SEGMENT = re.compile(r"^\$[a-z]+\$$")
_ROOT_SEGMENT = "top"


def category_tags(category: str) -> tuple[str, ...]:
    """The tags a Moodle category becomes: one per level below the course's root.

    >>> category_tags("$course$/top/Geography/Europe")
    ('Geography', 'Europe')
    >>> category_tags("$system$/top/War and peace//Cold war")
    ('War and peace/Cold war',)
    """
    parts = [p.strip() for p in split_category(category)]
    while parts and (_CONTEXT_SEGMENT.match(parts[0]) or parts[0] == _ROOT_SEGMENT):
        parts.pop(0)
    seen: dict[str, None] = {}
    for part in parts:
        if part:
            seen.setdefault(part, None)
    return tuple(seen)


def split_category(category: str) -> list[str]:
    """A category path cut at its slashes; Moodle writes a slash in a name as `//`.

    >>> split_category("$course$/top/Either//or")
    ['$course$', 'top', 'Either/or']
    """
    if not category:
        return []
    placeholder = "\x00"
    return [
        part.replace(placeholder, "/") for part in category.replace("//", placeholder).split("/")
    ]


_TAG_RE = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"\s+")
NAME_LENGTH = 80


def default_name(text: str) -> str:
    """A name for a question that has none, from its text (as Moodle makes one).

    >>> default_name("<p>Which  city hosted\\nthe talks?</p>")
    'Which city hosted the talks?'
    """
    plain = _SPACES.sub(" ", _TAG_RE.sub(" ", text)).strip()
    if len(plain) <= NAME_LENGTH:
        return plain
    cut = plain[: NAME_LENGTH - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip() + "…"


def has_one_gap(text: str) -> bool:
    return len(BLANK_RE.findall(text)) == 1
