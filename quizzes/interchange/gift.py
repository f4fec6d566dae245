"""GIFT, Moodle's plain-text question format: a reader on a lark grammar, and a writer.

The reader follows what Moodle's own importer (`qformat_gift`) does, so a file means here what it
means in Moodle:

- Questions are separated by blank lines; a line starting with `//` is a comment (its
  `[tag:…]` and `[id:…]` become the question's tags and id number).
- `$CATEGORY: path` sets the category of the questions after it.
- `::name::` names a question, `[html]`, `[markdown]`, `[plain]` or `[moodle]` at the start of
  a text sets its format, and `\\~ \\= \\# \\{ \\} \\: \\\\` and `\\n` are escapes.
- The answer block `{…}` decides the kind: none is a description, `{}` an essay, `{#…}`
  numeric (`3:2`, `1..5`, several `=%50%…` answers, `~#…` for any other number), a block with a
  `~` a multiple choice (single when one answer is `=right`, multiple response otherwise),
  `=a -> b` pairs a matching question, `{T}`/`{TRUE}`/`{F}`/`{FALSE}` true/false with its two
  feedbacks, anything else short answer (`*` is the catch-all). `####` starts the general
  feedback, `#` an answer's feedback, `%50%` (or `%-50%`) a weight.
- Text after the block makes it a missing-word question: the block's place becomes `_____`.
  A short answer with one such gap is a cloze question here.
- Ordering questions use the GIFT form of Moodle's qtype_ordering (a core plugin since Moodle
  4.4): `{>3 ALL VERTICAL RELATIVE_NEXT_EXCLUDE_LAST SHOW` then one item per line, in the
  right order, then `}`. Moodle reads the items as they stand (no escapes) and finds the block
  as the first `{`, so the writer refuses what Moodle would misread (an item with a brace, a
  backslash, a line break or `####`, a `{` in the question's text, general feedback, and
  LONGEST_ORDERED_SUBSET, which qtype_ordering's GIFT pattern misspells): use Moodle XML.

What Moodle accepts but only by accident is an error here, naming the line: a second answer block,
a `}` with no `{`, an unclosed block or name, a weight beyond ±100%, a number that is not one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cache

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from quizzes.interchange.errors import FormatError, Problem, WriteError
from quizzes.interchange.model import (
    BLANK,
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
    default_name,
    has_one_gap,
)
from quizzes.interchange.source import MAX_BYTES, decode_text

FORMAT = "gift"
Progress = Callable[[int, int], None]
PROGRESS_EVERY = 250

GRAMMAR = r"""
// One question: a blank-line-separated block of a GIFT file, its comment lines taken out.
// An answer is one token with its mark, weight and feedbacks (MARKED: `~%50%text#feedback`),
// because lark's LALR parser spends its time per token; the reading rules split it.
start: NAME? qtext? (block qtext?)?
qtext: (QTEXT | FORMAT)+
block: LBRACE body RBRACE
body: ORDERING                     -> ordering
    | NUMERIC_LEAD MARKED* GF?     -> numeric
    | LEAD MARKED* GF?             -> entries
    | MARKED+ GF?                  -> entries
    | GF?                          -> essay

NAME.5: /::(?:\\.|[^:\\]|:(?!:))*::/s
FORMAT.4: /\s*\[(?:html|markdown|plain|moodle)\]/
QTEXT.1: /(?:\\.|\\\Z|[^{}\\])+/s
LBRACE: "{"
RBRACE: "}"
ORDERING.5: />\s*\d+(?:\\.|[^{}\\])*/s
GF.3: /####(?:\\.|[^{}\\])*/s
_FEEDBACKS: /(?:#(?!###)(?:\\.|[^~=#{}\\])*)*/
NUMERIC_LEAD.2: /#(?:\\.|[^~=#{}\\])*/ _FEEDBACKS
MARKED.2: /[~=](?:\\.|[^~=#{}\\])*/ _FEEDBACKS
LEAD: /(?:\\.|[^~=#{}\\\s])(?:\\.|[^~=#{}\\])*/ _FEEDBACKS
%ignore /\s+/
"""


@cache
def parser() -> Lark:
    """The block parser, built once per process (LALR: one pass, no backtracking)."""
    return Lark(GRAMMAR, parser="lalr", lexer="contextual")


# --- Reading -------------------------------------------------------------------------------

_ESCAPE = re.compile(r"\\([\\:#={}~n])")
_FORMAT_PREFIX = re.compile(r"^\s*\[(html|markdown|plain|moodle)\]")
_WEIGHT = re.compile(r"^\s*%(-?\d+(?:\.\d*)?)%")
_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_NUMBER_RE = re.compile(rf"^{_NUMBER}$")
_HASH = re.compile(r"\\.|#", re.S)  # a # that no backslash escapes
_TAG = re.compile(r"\[tag:((?:\\\]|[^\]<>\x00-\x1f])+)\]")
_IDNUMBER = re.compile(r"\[id:((?:\\\]|[^\]\x00-\x1f])+)\]")
_CATEGORY = "$CATEGORY:"
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_ORDERING = re.compile(
    r"^>\s*(\d+)\s*(ALL|EXACT|RANDOM|REL|CONTIGUOUS|CONTIG)?\s*"
    r"(HORIZONTAL|HORI|H|VERTICAL|VERT|V|1|0)?\s*"
    r"(ALL_OR_NOTHING|ABSOLUTE_POSITION|ABSOLUTE|ABS|RELATIVE_NEXT_EXCLUDE_LAST|"
    r"RELATIVE_NEXT_INCLUDE_LAST|RELATIVE_ONE_PREVIOUS_AND_NEXT|RELATIVE_ALL_PREVIOUS_AND_NEXT|"
    r"RELATIVE_TO_CORRECT|LONGEST_ORDERED_SUBSET|LONGEST_CONTIGUOUS_SUBSET|RELATIVE|REL)?\s*"
    r"(SHOW|TRUE|YES|HIDE|FALSE|NO|1|0)?(?![A-Z_])\s*"
    r"(?:(?:none|abc|ABCD|123|iii|IIII)(?=\s))?\s*(.*)$",
    re.S,
)
_GRADING_ALIASES = {
    "ABSOLUTE": OrderingGrading.ABSOLUTE_POSITION,
    "ABS": OrderingGrading.ABSOLUTE_POSITION,
    "RELATIVE": OrderingGrading.RELATIVE_NEXT_EXCLUDE_LAST,
    "REL": OrderingGrading.RELATIVE_NEXT_EXCLUDE_LAST,
}


def unescape(text: str) -> str:
    r"""GIFT's escapes undone: `\~ \= \# \{ \} \: \\` give the character, `\n` a line break.

    >>> unescape(r"1 \= 1 \{really\} \\ \d")
    '1 = 1 {really} \\ \\d'
    """
    return _ESCAPE.sub(lambda m: "\n" if m.group(1) == "n" else m.group(1), text)


@dataclass
class _Block:
    """A question's lines as the file has them: text without comments, and where each is."""

    lines: list[str]
    numbers: list[int]  # file line of each entry of `lines`
    comments: list[str]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def line_of(self, block_line: int) -> int:
        index = min(max(block_line, 1), len(self.numbers)) - 1
        return self.numbers[index]

    def line_at(self, pos: int) -> int:
        return self.line_of(self.text.count("\n", 0, pos) + 1)


def split_blocks(text: str) -> list[_Block]:
    """Split the file as Moodle does: at blank lines; `//` lines are comments."""
    blocks: list[_Block] = []
    current = _Block([], [], [])
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped:
            if current.lines:
                blocks.append(current)
            current = _Block([], [], [])
        elif stripped.startswith("//"):
            current.comments.append(stripped)
        else:
            current.lines.append(line)
            current.numbers.append(number)
    if current.lines:
        blocks.append(current)
    return blocks


def read_gift(
    data: str | bytes, *, progress: Progress | None = None, max_bytes: int = MAX_BYTES
) -> ReadResult:
    """Every question of a GIFT file, or `FormatError` listing what is wrong (with lines)."""
    blocks = split_blocks(decode_text(data, max_bytes=max_bytes, format=FORMAT))
    is_category = [block.text.lstrip().startswith(_CATEGORY) for block in blocks]
    total = is_category.count(False)
    questions: list[Question] = []
    problems: list[Problem] = []
    category = ""
    done = 0
    for block, sets_category in zip(blocks, is_category, strict=True):
        try:
            if sets_category:
                category = _category(block)
                continue
            done += 1
            questions.append(_read_block(block, category))
        except FormatError as error:
            problems.extend(error.problems)
            if len(problems) >= FormatError.MAX_PROBLEMS:
                break
        finally:
            if progress and not sets_category and (done % PROGRESS_EVERY == 0 or done == total):
                progress(done, total)
    if problems:
        raise FormatError(problems[: FormatError.MAX_PROBLEMS], format=FORMAT)
    return ReadResult(format=FORMAT, questions=tuple(questions))


def _category(block: _Block) -> str:
    if len(block.lines) > 1:
        raise FormatError.at(
            block.numbers[1],
            "A $CATEGORY: line stands alone: leave a blank line before the next question.",
            format=FORMAT,
        )
    # Moodle takes the path as written (no escapes).
    category = block.text.strip()[len(_CATEGORY) :].strip()
    if not category:
        raise FormatError.at(block.numbers[0], "$CATEGORY: names no category.", format=FORMAT)
    return category


def _error(block: _Block, pos: int, message: str) -> FormatError:
    return FormatError.at(block.line_at(pos), message, format=FORMAT)


def _parse_error(block: _Block, error: UnexpectedInput) -> FormatError:
    """lark's complaint, said the way a teacher can act on it."""
    text = block.text
    if isinstance(error, UnexpectedEOF):
        pos = len(text)
    elif isinstance(error, UnexpectedToken):
        pos = error.token.start_pos if error.token.type != "$END" else len(text)
    else:
        pos = error.pos_in_stream
    pos = min(pos or 0, len(text))
    opened = _unclosed_brace(text, pos)
    if pos >= len(text):
        if opened is not None:
            hint = " (\\} is an escaped brace, not the end of the block)" if "\\}" in text else ""
            return _error(
                block, opened, f"The answer block opened with {{ is not closed with }}{hint}."
            )
        if text.lstrip().startswith("::"):
            return _error(block, 0, "The question name opened with :: is not closed with ::.")
        return _error(block, pos, "The question ends unexpectedly.")
    char = text[pos]
    if char == "{":
        if opened is not None:
            return _error(
                block, pos, "A { inside an answer block: write \\{ for a brace in a text."
            )
        return _error(
            block,
            pos,
            "A second answer block: a GIFT question has one {…} (write \\{ for a brace in a text).",
        )
    if char == "}":
        return _error(block, pos, "A } with no { before it: write \\} for a brace in a text.")
    if char == ":" and text.lstrip().startswith("::"):
        return _error(block, pos, "The question name opened with :: is not closed with ::.")
    return _error(block, pos, f"Cannot read the question from “{text[pos : pos + 20]}” on.")


def _unclosed_brace(text: str, end: int) -> int | None:
    """Where the answer block still open at `end` starts, if one is."""
    opened = None
    i = 0
    while i < end:
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == "{":
            opened = i
        elif char == "}":
            opened = None
        i += 1
    return opened


@dataclass
class _Entry:
    """One answer of the block: its mark (None before the first ~ or =), the text after the
    mark, and where its feedbacks start."""

    mark: str | None
    text: str
    start: int  # where the text starts (after the mark)
    end: int
    feedbacks: list[int]  # position of each #


class _Reading:
    """The interpretation of one parsed block, following qformat_gift's rules."""

    def __init__(self, block: _Block, category: str):
        self.block = block
        self.source = block.text
        self.category = category
        self.notes: list[str] = []
        self.format = TextFormat.MOODLE

    def fail(self, pos: int, message: str):
        raise _error(self.block, pos, message)

    def formatted(self, raw: str, what: str) -> str:
        """A text of the answer block: its own format marker dropped (with a note when it
        differs from the question's), escapes undone, white space stripped."""
        match = _FORMAT_PREFIX.match(raw)
        if match:
            raw = raw[match.end() :]
            if match.group(1) != self.format:
                self.notes.append(
                    f"{what} was marked [{match.group(1)}]; it is read in the question's "
                    f"format ({self.format})."
                )
        return unescape(raw).strip()

    # The question ----------------------------------------------------------------------

    def question(self, tree: Tree) -> Question:
        name = ""
        before: tuple[int, int] | None = None
        after: tuple[int, int] | None = None
        body: Tree | None = None
        for child in tree.children:
            if isinstance(child, Token):  # NAME
                name = unescape(child.value[2:-2]).strip()
            elif child.data == "qtext":
                span = (child.children[0].start_pos, child.children[-1].end_pos)
                if body is None:
                    before = span
                else:
                    after = span
            else:  # block
                body = child.children[1]
        text_raw = self.source[before[0] : before[1]] if before else ""
        if text_raw.startswith("::"):
            self.fail(before[0], "The question name opened with :: is not closed with ::.")
        match = _FORMAT_PREFIX.match(text_raw)
        if match:
            self.format = TextFormat(match.group(1))
            text_raw = text_raw[match.end() :]
        after_raw = self.source[after[0] : after[1]] if after else ""
        if body is not None and after_raw.strip():
            text_raw = text_raw + BLANK + after_raw  # a missing-word question
        text = unescape(text_raw).strip()
        common = {
            "name": name or default_name(text),
            "text": text,
            "text_format": self.format,
            "category": self.category,
            "tags": self.tags(),
            "idnumber": self.idnumber(),
            "line": self.block.numbers[0],
        }
        if body is None:
            return Question(kind=Kind.UNSUPPORTED, moodle_type="description", **common)
        fields = getattr(self, f"body_{body.data}")(body)
        return Question(**common, **fields, notes=tuple(self.notes))

    def tags(self) -> tuple[str, ...]:
        found: dict[str, None] = {}
        for comment in self.block.comments:
            for match in _TAG.finditer(comment):
                tag = match.group(1).replace("\\]", "]").strip()
                if tag:
                    found.setdefault(tag, None)
        return tuple(found)

    def idnumber(self) -> str:
        for comment in self.block.comments:
            match = _IDNUMBER.search(comment)
            if match:
                return match.group(1).replace("\\]", "]").strip()
        return ""

    def general_feedback(self, body: Tree) -> dict:
        last = body.children[-1] if body.children else None
        if not (isinstance(last, Token) and last.type == "GF"):
            return {}
        raw = last.value[4:]
        fmt = self.format
        match = _FORMAT_PREFIX.match(raw)
        if match:
            fmt = TextFormat(match.group(1))
            raw = raw[match.end() :]
        return {"general_feedback": unescape(raw).strip(), "general_feedback_format": fmt}

    # Entries: `lead` (before the first ~ or =) and `marked` (~… or =…) -------------------

    def entries(self, body: Tree) -> list[_Entry]:
        result = []
        for token in body.children:
            if token.type == "MARKED":
                mark, offset = token.value[0], 1
            elif token.type == "LEAD":
                mark, offset = None, 0
            elif token.type == "NUMERIC_LEAD":  # the text after the block's first #
                mark, offset = None, 1
            else:
                continue
            content = token.value[offset:]
            start = token.start_pos + offset
            hashes = [m.start() for m in _HASH.finditer(content) if m.group() == "#"]
            text = content[: hashes[0]] if hashes else content
            if token.type == "NUMERIC_LEAD" and not content.strip():
                continue
            result.append(_Entry(mark, text, start, token.end_pos, [start + h for h in hashes]))
        return result

    def feedback(self, entry: _Entry, index: int = 0) -> str:
        """The text after the entry's `index`-th `#`, to the end of the entry (Moodle keeps
        any further `#` in it)."""
        if len(entry.feedbacks) <= index:
            return ""
        return self.formatted(self.source[entry.feedbacks[index] + 1 : entry.end], "A feedback")

    def weight(self, entry: _Entry, raw: str, default: float) -> tuple[float, str]:
        match = _WEIGHT.match(raw)
        if not match:
            return default, raw
        percent = float(match.group(1))
        if not -100 <= percent <= 100:
            self.fail(entry.start, f"A weight of {match.group(1)}% is beyond ±100%.")
        return percent / 100, raw[match.end() :]

    # The kinds -------------------------------------------------------------------------

    def body_essay(self, body: Tree) -> dict:
        return {"kind": Kind.UNSUPPORTED, "moodle_type": "essay", **self.general_feedback(body)}

    def body_ordering(self, body: Tree) -> dict:
        token = body.children[0]
        match = _ORDERING.match(token.value)
        if match is None:
            self.fail(token.start_pos, "Cannot read the ordering question's options.")
        count, select, _layout, grading, _show, rest = match.groups()
        items = tuple(line.strip() for line in rest.split("\n") if line.strip())
        if len(items) < 2:
            self.fail(token.start_pos, "An ordering question lists its items, one per line.")
        grading_type = _GRADING_ALIASES.get(grading or "") or OrderingGrading(
            grading or OrderingGrading.RELATIVE_NEXT_EXCLUDE_LAST
        )
        # Moodle shows every item for ALL (or EXACT); otherwise (RANDOM, the default, or
        # CONTIGUOUS) it shows `count` of them when 2 < count <= the items, else up to 6.
        if select not in ("ALL", "EXACT"):
            count_given = int(count)
            shown = count_given if 2 < count_given <= len(items) else min(6, len(items))
            if shown < len(items):
                self.notes.append(
                    f"Moodle shows {shown} of the {len(items)} items; Factcards shows them all."
                )
        return {"kind": Kind.ORDERING, "items": items, "ordering_grading": grading_type}

    def body_numeric(self, body: Tree) -> dict:
        answers: list[NumericAnswer] = []
        catch_all: NumericAnswer | None = None
        for entry in self.entries(body):
            if catch_all is not None:
                self.fail(entry.start, "The ~ part (any other number) comes last.")
            if entry.mark == "~":
                catch_all = NumericAnswer(None, fraction=0, feedback=self.feedback(entry))
                continue
            weight, raw = self.weight(entry, entry.text, 1.0)
            answers.append(self.number(entry, unescape(raw).strip(), weight))
        if not answers:
            self.fail(body.children[0].start_pos, "A numeric question needs an answer.")
        if catch_all is not None:
            answers.append(catch_all)
        return {
            "kind": Kind.NUMERIC,
            "numeric_answers": tuple(answers),
            **self.general_feedback(body),
        }

    def number(self, entry: _Entry, raw: str, weight: float) -> NumericAnswer:
        feedback = self.feedback(entry)
        if raw == "*":
            return NumericAnswer(None, fraction=weight, feedback=feedback)
        if ".." in raw[1:]:
            low, high = (part.strip() for part in raw.split("..", 1))
            if not (_NUMBER_RE.match(low) and _NUMBER_RE.match(high)):
                self.fail(entry.start, f"“{raw}” is not a range of numbers such as 1..5.")
            low_value, high_value = Decimal(low), Decimal(high)
            if low_value > high_value:
                self.fail(entry.start, f"The range “{raw}” runs backwards.")
            # In decimal, so that 3.141..3.142 is 3.1415 ± 0.0005 rather than 3.1414999….
            value = (low_value + high_value) / 2
            return NumericAnswer(float(value), float(high_value - value), weight, feedback)
        value, _, tolerance = raw.partition(":")
        value, tolerance = value.strip(), tolerance.strip() or "0"
        if not _NUMBER_RE.match(value):
            self.fail(entry.start, f"“{value}” is not a number.")
        if not _NUMBER_RE.match(tolerance) or float(tolerance) < 0:
            self.fail(entry.start, f"“{tolerance}” is not a margin of error (a number ≥ 0).")
        return NumericAnswer(float(value), float(tolerance), weight, feedback)

    def body_entries(self, body: Tree) -> dict:
        entries = self.entries(body)
        gf = self.general_feedback(body)
        marks = {e.mark for e in entries}
        if "~" in marks:
            return {**self.choices(entries, single="=" in marks), **gf}
        answer_text = self.source[entries[0].start : entries[-1].end]
        if "=" in marks and "->" in answer_text:
            return {**self.matching(entries), **gf}
        if len(entries) == 1 and entries[0].mark is None:
            value = unescape(entries[0].text).strip()
            if value in _TRUE_FALSE:
                return {**self.true_false(entries[0], _TRUE_FALSE[value]), **gf}
        return {**self.short_answer(entries), **gf}

    def choices(self, entries: list[_Entry], *, single: bool) -> dict:
        choices = []
        for entry in entries:
            if entry.mark == "=":  # Moodle reads no weight after = in a multiple choice
                weight, raw = 1.0, entry.text
            else:
                weight, raw = self.weight(entry, entry.text, 0.0)
            choices.append(Choice(self.formatted(raw, "An answer"), weight, self.feedback(entry)))
        if len(choices) < 2:
            self.fail(entries[0].start, "A multiple-choice question needs at least two answers.")
        kind = Kind.SINGLE_CHOICE if single else Kind.MULTIPLE_RESPONSE
        return {"kind": kind, "choices": tuple(choices)}

    def matching(self, entries: list[_Entry]) -> dict:
        pairs, extra = [], []
        for entry in entries:
            raw = self.source[entry.start : entry.end]  # Moodle: no feedback in a pair
            if "->" not in raw:
                self.fail(entry.start, "Every answer of a matching question is “=stem -> answer”.")
            stem, answer = raw.split("->", 1)
            stem, answer = self.formatted(stem, "A stem"), unescape(answer).strip()
            if stem:
                pairs.append(MatchPair(stem, answer))
            else:
                extra.append(answer)
        if len(pairs) + len(extra) < 2:
            self.fail(entries[0].start, "A matching question needs at least two answers.")
        return {"kind": Kind.MATCHING, "pairs": tuple(pairs), "extra_answers": tuple(extra)}

    def true_false(self, entry: _Entry, correct: bool) -> dict:
        # {T#wrong#right}: the first feedback is for a wrong answer and runs to the second #,
        # the second for a right one.
        wrong = self.feedback(entry, 0)
        if len(entry.feedbacks) > 1:
            first, second = entry.feedbacks[0], entry.feedbacks[1]
            wrong = self.formatted(self.source[first + 1 : second], "A feedback")
        right = self.feedback(entry, 1)
        true_fb, false_fb = (right, wrong) if correct else (wrong, right)
        return {
            "kind": Kind.TRUE_FALSE,
            "true_false": TrueFalse(correct, feedback_true=true_fb, feedback_false=false_fb),
        }

    def short_answer(self, entries: list[_Entry]) -> dict:
        answers = []
        for entry in entries:
            weight, raw = self.weight(entry, entry.text, 1.0)
            answers.append(
                AcceptedAnswer(self.formatted(raw, "An answer"), weight, self.feedback(entry))
            )
        return {"kind": Kind.SHORT_ANSWER, "answers": tuple(answers)}


def _read_block(block: _Block, category: str) -> Question:
    try:
        tree = parser().parse(block.text)
    except (UnexpectedCharacters, UnexpectedToken, UnexpectedEOF) as error:
        raise _parse_error(block, error) from None
    question = _Reading(block, category).question(tree)
    if question.kind == Kind.SHORT_ANSWER and has_one_gap(question.text):
        question = replace(question, kind=Kind.CLOZE)
    return question


# --- Writing -------------------------------------------------------------------------------

_RESERVED = {"\\": "\\\\", "~": "\\~", "=": "\\=", "#": "\\#", "{": "\\{", "}": "\\}", ":": "\\:"}
_RESERVED_RE = re.compile(r"[\\~=#{}:\n\r]")


def escape(text: str) -> str:
    r"""A text with GIFT's reserved characters escaped and line breaks written `\n`.

    >>> escape("1 = 1: {yes} #1 ~ ok\nnext")
    '1 \\= 1\\: \\{yes\\} \\#1 \\~ ok\\nnext'
    """

    def sub(match: re.Match) -> str:
        char = match.group(0)
        if char == "\n":
            return "\\n"
        if char == "\r":
            return ""
        return _RESERVED[char]

    return _RESERVED_RE.sub(sub, text)


def _text(text: str, fmt: TextFormat, default: TextFormat) -> str:
    """A text with its format marker when it differs from `default`, or when the text itself
    starts with something a reader would take for one."""
    marker = f"[{fmt}]" if fmt != default or _FORMAT_PREFIX.match(text) else ""
    return marker + escape(text)


def format_number(value: float) -> str:
    """A number as GIFT and Moodle XML write it: no ".0", full precision otherwise.

    >>> format_number(3.0), format_number(0.1), format_number(-2.5e-07)
    ('3', '0.1', '-2.5e-07')
    """
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def format_percent(fraction: float) -> str:
    """A fraction as the percentage Moodle writes (7 decimals of the fraction).

    >>> format_percent(1/3), format_percent(-0.5), format_percent(1.0)
    ('33.33333', '-50', '100')
    """
    text = f"{round(fraction * 100, 5):.5f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def _weight(fraction: float, text: str, *, implicit: float | None) -> str:
    """`%w%` before an answer, left out when the mark implies it (and the text cannot be
    mistaken for a weight)."""
    if implicit is not None and fraction == implicit and not text.lstrip().startswith("%"):
        return ""
    return f"%{format_percent(fraction)}%"


def _feedback(text: str, fmt: TextFormat) -> str:
    return f"#{_text(text, fmt, fmt)}" if text else ""


def write_gift(questions: Iterable[Question]) -> str:
    """The questions as a GIFT file Moodle imports. The same questions give the same text.

    A `$CATEGORY:` line is written where the category changes; as in Moodle, a question without
    a category takes the one before it, so give every question a category, or none.
    """
    out = ["// Questions exported by Factcards in Moodle's GIFT format.\n"]
    category = ""
    for question in questions:
        if question.category and question.category != category:
            if re.search(r"[\x00-\x1f]", question.category):
                raise WriteError(question, "A category name cannot hold a line break.")
            out.append(f"$CATEGORY: {question.category}\n")
            category = question.category
        out.append(_write_question(question))
    return "\n".join(out)


def _write_question(q: Question) -> str:
    comment = _comment(q)
    # Always a name: it starts the line, so a text cannot be taken for a // comment.
    head = f"::{escape(q.name or default_name(q.text))}::"
    fmt = q.text_format
    writer = _WRITERS.get(q.kind)
    if writer is None:
        raise WriteError(q, f"GIFT cannot hold a {q.kind} question ({q.moodle_type}).")
    text = q.text
    body = writer(q)
    gf = ""
    if q.general_feedback:
        gf = "\t####" + _text(q.general_feedback, q.feedback_format, fmt) + "\n"
    block = "{" + body + gf + "}" if "\n" in body else "{" + body + gf.strip() + "}"
    if q.kind == Kind.CLOZE and text.count(BLANK) == 1 and not text.endswith(BLANK):
        # The missing-word form: the block stands where the gap is, on one line.
        before, after = text.split(BLANK)
        if after.strip():
            parts = (part.strip() for part in (body + gf).split("\n"))
            inline = "{" + " ".join(part for part in parts if part) + "}"
            before = _text(before, fmt, TextFormat.MOODLE)
            return f"{comment}{head}{before}{inline}{escape(after)}\n"
    if not text:
        raise WriteError(q, "A question needs a text.")
    return f"{comment}{head}{_text(text, fmt, TextFormat.MOODLE)}{block}\n"


def _comment(q: Question) -> str:
    marks = []
    if q.idnumber:
        marks.append(f"[id:{_comment_value(q, q.idnumber)}]")
    marks += [f"[tag:{_comment_value(q, tag)}]" for tag in q.tags]
    return f"// {' '.join(marks)}\n" if marks else ""


def _comment_value(q: Question, value: str) -> str:
    if re.search(r"[<>\\\x00-\x1f]", value):
        raise WriteError(
            q, f"GIFT cannot hold the tag or id “{value}” (no <, >, \\ or line breaks)."
        )
    return value.replace("]", "\\]")


def _no_arrow(q: Question, *texts: str) -> None:
    # Moodle reads a block with an = and a -> as a matching question.
    if any("->" in t for t in texts):
        raise WriteError(
            q, "GIFT cannot hold “->” in this question's answers: Moodle would read it as matching."
        )


def _choices(q: Question) -> str:
    fmt = q.text_format
    single = q.kind == Kind.SINGLE_CHOICE
    if single and not any(c.fraction == 1 for c in q.choices):
        raise WriteError(
            q, "GIFT marks a single-choice question by its right answer (=); none earns full marks."
        )
    lines = []
    marked = False
    for choice in q.choices:
        # One =right answer makes it a single choice; further right answers are written
        # ~%100%, so that the block keeps a ~ (without one Moodle reads a short answer).
        if single and choice.fraction == 1 and not marked:
            mark, marked = "=", True
        else:
            mark = "~" + _weight(choice.fraction, choice.text, implicit=0.0)
        lines.append(f"\t{mark}{_text(choice.text, fmt, fmt)}{_feedback(choice.feedback, fmt)}\n")
    return "\n" + "".join(lines)


def _true_false(q: Question) -> str:
    tf = q.true_false
    if tf is None:
        raise WriteError(q, "A true/false question needs its right answer.")
    fmt = q.text_format
    right, wrong = (
        (tf.feedback_true, tf.feedback_false)
        if tf.correct
        else (tf.feedback_false, tf.feedback_true)
    )
    out = "TRUE" if tf.correct else "FALSE"
    if wrong or right:
        out += "#" + _text(wrong, fmt, fmt) if wrong else "#"
    if right:
        out += "#" + _text(right, fmt, fmt)
    return out


def _answers(q: Question) -> str:
    fmt = q.text_format
    if not q.answers:
        raise WriteError(q, "A short-answer question needs at least one answer.")
    _no_arrow(q, *(a.text for a in q.answers), *(a.feedback for a in q.answers))
    lines = []
    for answer in q.answers:
        weight = _weight(answer.fraction, answer.text, implicit=1.0)
        text = "*" if answer.is_catch_all else _text(answer.text, fmt, fmt)
        lines.append(f"\t={weight}{text}{_feedback(answer.feedback, fmt)}\n")
    return "\n" + "".join(lines)


def _numeric(q: Question) -> str:
    fmt = q.text_format
    regular = [a for a in q.numeric_answers if not a.is_catch_all]
    others = [a for a in q.numeric_answers if a.is_catch_all]
    if not regular:
        raise WriteError(q, "A numeric question needs at least one answer.")
    if len(others) > 1 or any(a.fraction != 0 for a in others):
        raise WriteError(
            q, "GIFT holds one “any other number” answer, earning nothing (~#feedback)."
        )
    lines = []
    for answer in regular:
        weight = _weight(answer.fraction, "", implicit=1.0)
        value = format_number(answer.value)
        if answer.tolerance:
            value += ":" + format_number(answer.tolerance)
        lines.append(f"\t={weight}{value}{_feedback(answer.feedback, fmt)}\n")
    for answer in others:
        lines.append(f"\t~{_feedback(answer.feedback, fmt) or '#'}\n")
    return "#\n" + "".join(lines)


def _matching(q: Question) -> str:
    fmt = q.text_format
    if any("->" in p.stem for p in q.pairs):
        raise WriteError(q, "GIFT cannot hold “->” in a matching stem.")
    lines = [f"\t={_text(p.stem, fmt, fmt)} -> {escape(p.answer)}\n" for p in q.pairs]
    lines += [f"\t= -> {escape(answer)}\n" for answer in q.extra_answers]
    if len(lines) < 2:
        raise WriteError(q, "A matching question needs at least two answers.")
    return "\n" + "".join(lines)


def _ordering(q: Question) -> str:
    for item in q.items:
        if (
            re.search(r"[{}\\\n\r]", item)
            or item != item.strip()
            or not item
            or item.startswith("//")
            or "####" in item  # Moodle would take what follows for general feedback
        ):
            raise WriteError(
                q,
                f"GIFT cannot hold the ordering item “{item}” (Moodle reads items as written: "
                "no braces, backslashes or line breaks); use Moodle XML.",
            )
    if len(q.items) < 2:
        raise WriteError(q, "An ordering question needs at least two items.")
    if "{" in q.name + q.text:
        # qtype_ordering finds its block as the first "{", escaped or not.
        raise WriteError(q, "GIFT cannot hold a { in an ordering question's name or text.")
    if q.general_feedback:
        raise WriteError(q, "GIFT's ordering form has no general feedback; use Moodle XML.")
    if q.ordering_grading == OrderingGrading.LONGEST_ORDERED_SUBSET:
        # qtype_ordering's GIFT pattern misspells this one, so Moodle would take it for an item.
        raise WriteError(
            q, "Moodle's GIFT import cannot read LONGEST_ORDERED_SUBSET; use Moodle XML."
        )
    if re.match(r"(none|abc|ABCD|123|iii|IIII)(\s|$)", q.items[0]):
        # Moodle would read it as the numbering style of the items.
        raise WriteError(q, f"GIFT cannot start an ordering list with “{q.items[0]}”.")
    head = f">{len(q.items)} ALL VERTICAL {q.ordering_grading} SHOW"
    return head + "\n" + "".join(f"{item}\n" for item in q.items)


_WRITERS: dict[Kind, Callable[[Question], str]] = {
    Kind.SINGLE_CHOICE: _choices,
    Kind.MULTIPLE_RESPONSE: _choices,
    Kind.TRUE_FALSE: _true_false,
    Kind.SHORT_ANSWER: _answers,
    Kind.CLOZE: _answers,
    Kind.NUMERIC: _numeric,
    Kind.MATCHING: _matching,
    Kind.ORDERING: _ordering,
}
