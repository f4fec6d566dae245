"""Moodle XML: a reader (defusedxml, a size limit, line numbers) and a writer.

Read: `multichoice` (single and multiple), `truefalse`, `shortanswer`, `numerical`, `matching`,
`ordering` (qtype_ordering: answers in document order, its `gradingtype`), and `cloze`
(Moodle's multianswer) when it has one gap: a SHORTANSWER gap makes a cloze question, a
MULTICHOICE one a single choice (MULTIRESPONSE: multiple response) and a NUMERICAL one a numeric
question, the gap written `_____` in the text. Categories (`<question type="category">`) and
`<tags>` are kept; `<file>` elements are ignored with a note (their `@@PLUGINFILE@@` links
stay in the text). Every other type (description, essay, calculated…, ddimageortext…, a cloze
with several gaps) comes back unsupported, with its name and line.

The parser refuses any DTD, so no entity is expanded (billion laughs) and nothing external is
fetched; a file over `MAX_BYTES` is refused before parsing.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from xml.sax import SAXParseException
from xml.sax.handler import ContentHandler
from xml.sax.saxutils import escape, quoteattr

from defusedxml import DefusedXmlException
from defusedxml.sax import make_parser

from quizzes.interchange.errors import FormatError, Problem, WriteError
from quizzes.interchange.gift import format_number, format_percent
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
from quizzes.interchange.source import MAX_BYTES, check_size

FORMAT = "moodle-xml"
MAX_DEPTH = 32
Progress = Callable[[int, int], None]
PROGRESS_EVERY = 250

FORMAT_NAMES = {
    "html": TextFormat.HTML,
    "moodle_auto_format": TextFormat.MOODLE,
    "plain_text": TextFormat.PLAIN,
    "markdown": TextFormat.MARKDOWN,
}
XML_FORMATS = {value: key for key, value in FORMAT_NAMES.items()}
UNSUPPORTED_TYPES = {
    "description",
    "essay",
    "calculated",
    "calculatedsimple",
    "calculatedmulti",
    "ddwtos",
    "ddimageortext",
    "ddmarker",
    "gapselect",
    "randomsamatch",
    "random",
}


# --- A small tree with line numbers, built from SAX events ---------------------------------


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    line: int
    children: list[Node] = field(default_factory=list)
    chunks: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.chunks)

    def find(self, tag: str) -> Node | None:
        return next((c for c in self.children if c.tag == tag), None)

    def findall(self, tag: str) -> list[Node]:
        return [c for c in self.children if c.tag == tag]

    def value(self, tag: str, default: str = "") -> str:
        child = self.find(tag)
        return child.text.strip() if child is not None else default


class _TreeBuilder(ContentHandler):
    def __init__(self):
        super().__init__()
        self.root: Node | None = None
        self.stack: list[Node] = []
        self._locator = None

    def setDocumentLocator(self, locator):
        self._locator = locator

    def startElement(self, name, attrs):
        line = self._locator.getLineNumber() if self._locator else 0
        if len(self.stack) >= MAX_DEPTH:
            raise FormatError.at(line, f"Elements are nested deeper than {MAX_DEPTH} levels.")
        node = Node(name, dict(attrs.items()), line)
        if self.stack:
            self.stack[-1].children.append(node)
        else:
            self.root = node
        self.stack.append(node)

    def endElement(self, name):
        self.stack.pop()

    def characters(self, content):
        if self.stack:
            self.stack[-1].chunks.append(content)


def parse_xml(data: str | bytes, *, max_bytes: int = MAX_BYTES) -> Node:
    """The document as a `Node` tree, or `FormatError` (too big, a DTD, not well formed)."""
    raw = check_size(data, max_bytes=max_bytes, format=FORMAT)
    builder = _TreeBuilder()
    parser = make_parser()
    # defusedxml forbids entity declarations and external entities; refuse DTDs outright too.
    parser.forbid_dtd = True
    parser.setContentHandler(builder)
    try:
        parser.parse(io.BytesIO(raw))  # parse() (not feed()) hands the handler a locator
    except DefusedXmlException as error:
        line = builder._locator.getLineNumber() if builder._locator else 0
        raise FormatError.at(
            line,
            f"The file declares a DTD or entities ({type(error).__name__}); Moodle XML has "
            "none, and they are refused so that nothing is expanded or fetched.",
            format=FORMAT,
        ) from None
    except SAXParseException as error:
        raise FormatError.at(
            error.getLineNumber(),
            f"This is not well-formed XML: {error.getMessage()}.",
            format=FORMAT,
        ) from None
    except FormatError as error:
        raise FormatError(error.problems, format=FORMAT) from None
    if builder.root is None:
        raise FormatError.at(1, "The file holds no XML element.", format=FORMAT)
    return builder.root


# --- Reading -------------------------------------------------------------------------------


def read_moodle_xml(
    data: str | bytes, *, progress: Progress | None = None, max_bytes: int = MAX_BYTES
) -> ReadResult:
    root = parse_xml(data, max_bytes=max_bytes)
    if root.tag != "quiz":
        raise FormatError.at(
            root.line, f"A Moodle XML file starts with <quiz>, not <{root.tag}>.", format=FORMAT
        )
    elements = root.findall("question")
    questions: list[Question] = []
    problems: list[Problem] = []
    category = ""
    files = 0
    for done, element in enumerate(elements, start=1):
        try:
            kind = element.attrs.get("type", "")
            if kind == "category":
                category = _category(element)
            else:
                reader = _Reader(element, category)
                questions.append(reader.question(kind))
                files += reader.files
        except FormatError as error:
            problems.extend(error.problems)
            if len(problems) >= FormatError.MAX_PROBLEMS:
                break
        if progress and (done % PROGRESS_EVERY == 0 or done == len(elements)):
            progress(done, len(elements))
    if problems:
        raise FormatError(problems[: FormatError.MAX_PROBLEMS], format=FORMAT)
    notes = ()
    if files:
        notes = (
            f"{files} embedded file(s) (<file>) were ignored: images and attachments they "
            "held are not imported.",
        )
    return ReadResult(format=FORMAT, questions=tuple(questions), notes=notes)


def _category(element: Node) -> str:
    node = element.find("category")
    if node is None:
        return ""
    text = node.find("text")
    return (text.text if text is not None else node.text).strip()  # old files: no <text>


_TRUE_VALUES = {"true", "1", "yes"}
_FALSE_VALUES = {"false", "0", "no", ""}


class _Reader:
    def __init__(self, element: Node, category: str):
        self.element = element
        self.category = category
        self.notes: list[str] = []
        self.files = 0
        self.format = TextFormat.MOODLE

    def fail(self, node: Node, message: str):
        raise FormatError.at(node.line, message, format=FORMAT)

    def text_of(self, node: Node | None) -> str:
        """The <text> of an element (a name, a question text, a feedback), stripped."""
        if node is None:
            return ""
        self.files += len(node.findall("file"))
        text = node.find("text")
        return text.text.strip() if text is not None else ""

    def format_of(self, node: Node | None, default: TextFormat) -> TextFormat:
        if node is None or "format" not in node.attrs:
            return default
        name = node.attrs["format"]
        if name not in FORMAT_NAMES:
            self.notes.append(f"Unknown text format “{name}”, read as Moodle auto-format.")
            return TextFormat.MOODLE
        return FORMAT_NAMES[name]

    def part(self, node: Node | None, what: str) -> str:
        """An answer's or a feedback's text, noting a format other than the question's."""
        fmt = self.format_of(node, self.format)
        if fmt != self.format:
            self.notes.append(f"{what} is in {fmt}; it is read in the question's format.")
        return self.text_of(node)

    def fraction(self, node: Node) -> float:
        raw = node.attrs.get("fraction", "0").strip() or "0"
        try:
            percent = float(raw)
        except ValueError:
            self.fail(node, f"The fraction “{raw}” is not a number.")
        return percent / 100

    def flag(self, tag: str, default: bool) -> bool:
        value = self.element.value(tag, None)
        if value is None:
            return default
        if value.lower() in _TRUE_VALUES:
            return True
        if value.lower() in _FALSE_VALUES:
            return False
        self.fail(self.element.find(tag), f"<{tag}> is “{value}”, not true or false.")

    def question(self, qtype: str) -> Question:
        e = self.element
        text_node = e.find("questiontext")
        self.format = self.format_of(text_node, TextFormat.MOODLE)
        text = self.text_of(text_node)
        gf_node = e.find("generalfeedback")
        name = self.text_of(e.find("name"))
        mark = e.value("defaultgrade", "1") or "1"
        try:
            default_mark = max(float(mark), 0.0)
        except ValueError:
            self.fail(e.find("defaultgrade"), f"The default grade “{mark}” is not a number.")
        tags = tuple(
            t.value("text") for t in (e.find("tags").findall("tag") if e.find("tags") else [])
        )
        common = {
            "name": name or default_name(text),
            "text": text,
            "text_format": self.format,
            "general_feedback": self.text_of(gf_node),
            "general_feedback_format": self.format_of(gf_node, self.format),
            "default_mark": default_mark,
            "tags": tuple(t for t in tags if t),
            "category": self.category,
            "idnumber": e.value("idnumber"),
            "line": e.line,
        }
        reader = getattr(self, f"read_{qtype}", None)
        if reader is None:
            described = qtype or "(no type)"
            if qtype not in UNSUPPORTED_TYPES:
                self.notes.append(f"Moodle question type “{described}” is not one Factcards knows.")
            return Question(
                kind=Kind.UNSUPPORTED, moodle_type=described, **common, notes=tuple(self.notes)
            )
        fields = reader()
        self.note_dropped()
        if fields.get("kind") == Kind.SHORT_ANSWER and has_one_gap(common["text"]):
            fields["kind"] = Kind.CLOZE
        if "text" in fields:
            common["text"] = fields.pop("text")
        return Question(**common, **fields, notes=tuple(self.notes))

    def note_dropped(self) -> None:
        e = self.element
        for tag in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
            if self.text_of(e.find(tag)):
                self.notes.append(f"The {tag} (feedback on the whole answer) was not imported.")
        hints = [h for h in e.findall("hint") if self.text_of(h)]
        if hints:
            self.notes.append(f"{len(hints)} hint(s) were not imported.")
        if e.find("units") is not None and e.find("units").children:
            self.notes.append("Units were not imported: answers are plain numbers.")

    def answers(self) -> list[Node]:
        return self.element.findall("answer")

    # The kinds -------------------------------------------------------------------------

    def read_multichoice(self) -> dict:
        single = self.flag("single", True)
        choices = tuple(
            Choice(
                self.part(a, "An answer"),
                self.fraction(a),
                self.part(a.find("feedback"), "A feedback"),
            )
            for a in self.answers()
        )
        if len(choices) < 2:
            self.fail(self.element, "A multiple-choice question needs at least two answers.")
        kind = Kind.SINGLE_CHOICE if single else Kind.MULTIPLE_RESPONSE
        return {"kind": kind, "choices": choices}

    def read_truefalse(self) -> dict:
        by_text: dict[str, Node] = {}
        for answer in self.answers():
            by_text[self.text_of(answer).lower()] = answer
        if set(by_text) != {"true", "false"}:
            self.fail(self.element, "A true/false question has a “true” and a “false” answer.")
        true, false = by_text["true"], by_text["false"]
        return {
            "kind": Kind.TRUE_FALSE,
            "true_false": TrueFalse(
                correct=self.fraction(true) >= self.fraction(false),
                feedback_true=self.part(true.find("feedback"), "A feedback"),
                feedback_false=self.part(false.find("feedback"), "A feedback"),
            ),
        }

    def read_shortanswer(self) -> dict:
        answers = tuple(
            AcceptedAnswer(
                self.text_of(a), self.fraction(a), self.part(a.find("feedback"), "A feedback")
            )
            for a in self.answers()
        )
        if not answers:
            self.fail(self.element, "A short-answer question needs at least one answer.")
        case = self.element.value("usecase", "0")
        return {"kind": Kind.SHORT_ANSWER, "answers": answers, "case_sensitive": case == "1"}

    def read_numerical(self) -> dict:
        answers = []
        for a in self.answers():
            raw = self.text_of(a)
            tolerance = a.value("tolerance", "0") or "0"
            try:
                value = None if raw == "*" else float(raw)
                tol = float(tolerance)
            except ValueError:
                self.fail(a, f"“{raw}” ± “{tolerance}” is not a number and a margin of error.")
            if tol < 0:
                self.fail(a, f"The margin of error “{tolerance}” is negative.")
            feedback = self.part(a.find("feedback"), "A feedback")
            answers.append(
                NumericAnswer(value, tol if value is not None else 0.0, self.fraction(a), feedback)
            )
        if not answers:
            self.fail(self.element, "A numeric question needs at least one answer.")
        return {"kind": Kind.NUMERIC, "numeric_answers": tuple(answers)}

    def read_matching(self) -> dict:
        pairs, extra = [], []
        for sub in self.element.findall("subquestion"):
            stem = self.text_of(sub)
            answer = self.text_of(sub.find("answer"))
            if stem:
                pairs.append(MatchPair(stem, answer))
            else:
                extra.append(answer)
        if len(pairs) + len(extra) < 2:
            self.fail(self.element, "A matching question needs at least two answers.")
        return {"kind": Kind.MATCHING, "pairs": tuple(pairs), "extra_answers": tuple(extra)}

    def read_ordering(self) -> dict:
        items = tuple(self.text_of(a) for a in self.answers())
        if len(items) < 2:
            self.fail(self.element, "An ordering question needs at least two items.")
        grading = self.element.value("gradingtype") or OrderingGrading.RELATIVE_NEXT_EXCLUDE_LAST
        aliases = {
            "ABSOLUTE": "ABSOLUTE_POSITION",
            "ABS": "ABSOLUTE_POSITION",
            "RELATIVE": "RELATIVE_NEXT_EXCLUDE_LAST",
            "REL": "RELATIVE_NEXT_EXCLUDE_LAST",
        }
        grading = aliases.get(grading.upper(), grading.upper())
        if grading not in OrderingGrading.__members__:
            self.fail(self.element.find("gradingtype"), f"Unknown grading type “{grading}”.")
        select = self.element.value("selecttype", "ALL").upper() or "ALL"
        count = self.element.value("selectcount", "0")
        if select not in ("ALL", "EXACT") and count.isdigit() and 2 < int(count) < len(items):
            self.notes.append(
                f"Moodle shows {count} of the {len(items)} items; Factcards shows them all."
            )
        return {"kind": Kind.ORDERING, "items": items, "ordering_grading": grading}

    def read_cloze(self) -> dict:
        text = self.text_of(self.element.find("questiontext"))
        gaps = list(_CLOZE_GAP.finditer(text))
        if len(gaps) != 1:
            return {
                "kind": Kind.UNSUPPORTED,
                "moodle_type": f"cloze with {len(gaps)} gaps (Factcards' cloze has one)",
            }
        gap = gaps[0]
        gap_type = gap.group("type").upper()
        alternatives = _cloze_alternatives(gap.group("body"))
        question_text = (text[: gap.start()] + BLANK + text[gap.end() :]).strip()
        if gap_type in _CLOZE_NUMERIC:
            answers = []
            for fraction_value, answer, feedback in alternatives:
                if answer == "*":
                    answers.append(NumericAnswer(None, 0, fraction_value, feedback))
                    continue
                match = re.fullmatch(rf"({_CLOZE_NUMBER})(?::({_CLOZE_NUMBER}))?", answer)
                if not match:
                    self.fail(self.element, f"The cloze answer “{answer}” is not a number.")
                value, tolerance = (g.replace(",", ".") if g else g for g in match.groups())
                answers.append(
                    NumericAnswer(float(value), float(tolerance or 0), fraction_value, feedback)
                )
            return {"kind": Kind.NUMERIC, "numeric_answers": tuple(answers), "text": question_text}
        if gap_type in _CLOZE_SHORT:
            answers = tuple(AcceptedAnswer(a, f, fb) for f, a, fb in alternatives)
            return {
                "kind": Kind.CLOZE,
                "answers": answers,
                "case_sensitive": gap_type in _CLOZE_CASE,
                "text": question_text,
            }
        choices = tuple(Choice(a, f, fb) for f, a, fb in alternatives)
        kind = Kind.MULTIPLE_RESPONSE if gap_type in _CLOZE_MULTI else Kind.SINGLE_CHOICE
        return {"kind": kind, "choices": choices, "text": question_text}


# Moodle's cloze (multianswer) syntax: {weight:TYPE:=right#feedback~%50%half#feedback~wrong}
_CLOZE_NUMERIC = {"NUMERICAL", "NM"}
_CLOZE_CASE = {"SHORTANSWER_C", "SAC", "MWC"}
_CLOZE_SHORT = {"SHORTANSWER", "SA", "MW"} | _CLOZE_CASE
_CLOZE_MULTI = {
    "MULTIRESPONSE",
    "MR",
    "MULTIRESPONSE_H",
    "MRH",
    "MULTIRESPONSE_S",
    "MRS",
    "MULTIRESPONSE_HS",
    "MRHS",
}
_CLOZE_TYPES = (
    "NUMERICAL|NM|MULTICHOICE_VS|MCVS|MULTICHOICE_HS|MCHS|MULTICHOICE_V|MCV|MULTICHOICE_H|MCH|"
    "MULTICHOICE_S|MCS|MULTICHOICE|MC|SHORTANSWER_C|SAC|MWC|SHORTANSWER|SA|MW|"
    "MULTIRESPONSE_HS|MRHS|MULTIRESPONSE_H|MRH|MULTIRESPONSE_S|MRS|MULTIRESPONSE|MR"
)
_CLOZE_GAP = re.compile(
    rf"\{{(?P<weight>[0-9]*):(?P<type>{_CLOZE_TYPES}):(?P<body>(?:\\.|[^\\}}])*)\}}"
)
_CLOZE_NUMBER = r"-?(?:[0-9]+[.,]?[0-9]*|[.,][0-9]+)(?:[eE][-+]?[0-9]+)?"
_CLOZE_SPLIT = re.compile(r"(?<!\\)~")
_CLOZE_FEEDBACK = re.compile(r"(?<![\\&])#")
_CLOZE_FRACTION = re.compile(r"^(=|%(-?[0-9]+(?:[.,][0-9]*)?)%)")


def _cloze_unescape(text: str) -> str:
    return html.unescape(re.sub(r"\\([}#~/\"\\])", r"\1", text)).strip()


def _cloze_alternatives(body: str) -> list[tuple[float, str, str]]:
    """(fraction, answer, feedback) for each `~`-separated alternative of a gap."""
    result = []
    for alternative in _CLOZE_SPLIT.split(body):
        match = _CLOZE_FRACTION.match(alternative)
        fraction_value = 0.0
        if match:
            percent = match.group(2)
            fraction_value = (
                1.0 if match.group(1) == "=" else float(percent.replace(",", ".")) / 100
            )
            alternative = alternative[match.end() :]
        # A # that an entity (&#35;) or a backslash holds does not start the feedback.
        answer, feedback = ([*_CLOZE_FEEDBACK.split(alternative, maxsplit=1), ""])[:2]
        result.append((fraction_value, _cloze_unescape(answer), _cloze_unescape(feedback)))
    return result


# --- Writing -------------------------------------------------------------------------------

_INVALID_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def write_moodle_xml(questions: Iterable[Question]) -> str:
    """The questions as a Moodle XML file. The same questions give the same text."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n']
    category = ""
    for question in questions:
        if question.category and question.category != category:
            category = question.category
            out.append(
                '  <question type="category">\n'
                f"    <category>\n      <text>{_xml(question, category)}</text>\n"
                "    </category>\n  </question>\n"
            )
        out.append(_write_question(question))
    out.append("</quiz>\n")
    return "".join(out)


def _xml(question: Question, text: str) -> str:
    if _INVALID_XML.search(text):
        raise WriteError(question, "A text holds a control character that XML cannot carry.")
    return escape(text)


def _text_element(q: Question, tag: str, text: str, fmt: TextFormat | None, indent: int) -> str:
    pad = " " * indent
    attr = f" format={quoteattr(XML_FORMATS[fmt])}" if fmt is not None else ""
    return f"{pad}<{tag}{attr}>\n{pad}  <text>{_xml(q, text)}</text>\n{pad}</{tag}>\n"


def _answer(q: Question, fraction_value: float, text: str, feedback: str, extra: str = "") -> str:
    fmt = q.text_format
    return (
        f'    <answer fraction="{format_percent(fraction_value)}" '
        f"format={quoteattr(XML_FORMATS[fmt])}>\n"
        f"      <text>{_xml(q, text)}</text>\n"
        + _text_element(q, "feedback", feedback, fmt, 6)
        + extra
        + "    </answer>\n"
    )


_TYPES = {
    Kind.SINGLE_CHOICE: "multichoice",
    Kind.MULTIPLE_RESPONSE: "multichoice",
    Kind.TRUE_FALSE: "truefalse",
    Kind.SHORT_ANSWER: "shortanswer",
    Kind.CLOZE: "cloze",
    Kind.NUMERIC: "numerical",
    Kind.MATCHING: "matching",
    Kind.ORDERING: "ordering",
}


def _write_question(q: Question) -> str:
    qtype = _TYPES.get(q.kind)
    if qtype is None:
        raise WriteError(q, f"Moodle XML export holds Factcards' kinds, not “{q.moodle_type}”.")
    text = q.text
    if q.kind == Kind.CLOZE:
        text = _cloze_text(q)
    out = [
        f"  <question type={quoteattr(qtype)}>\n",
        _text_element(q, "name", q.name or default_name(q.text), None, 4),
        _text_element(q, "questiontext", text, q.text_format, 4),
        _text_element(q, "generalfeedback", q.general_feedback, q.feedback_format, 4),
        f"    <defaultgrade>{format_number(q.default_mark)}</defaultgrade>\n",
        "    <penalty>0.3333333</penalty>\n",
        "    <hidden>0</hidden>\n",
        f"    <idnumber>{_xml(q, q.idnumber)}</idnumber>\n",
        _BODIES[q.kind](q),
    ]
    if q.tags:
        out.append("    <tags>\n")
        out += [f"      <tag>\n        <text>{_xml(q, t)}</text>\n      </tag>\n" for t in q.tags]
        out.append("    </tags>\n")
    out.append("  </question>\n")
    return "".join(out)


def _multichoice(q: Question) -> str:
    single = "true" if q.kind == Kind.SINGLE_CHOICE else "false"
    head = (
        f"    <single>{single}</single>\n"
        "    <shuffleanswers>true</shuffleanswers>\n"
        "    <answernumbering>abc</answernumbering>\n"
    )
    return head + "".join(_answer(q, c.fraction, c.text, c.feedback) for c in q.choices)


def _truefalse(q: Question) -> str:
    tf = q.true_false
    if tf is None:
        raise WriteError(q, "A true/false question needs its right answer.")
    return _answer(q, 1.0 if tf.correct else 0.0, "true", tf.feedback_true) + _answer(
        q, 0.0 if tf.correct else 1.0, "false", tf.feedback_false
    )


def _shortanswer(q: Question) -> str:
    head = f"    <usecase>{int(q.case_sensitive)}</usecase>\n"
    return head + "".join(_answer(q, a.fraction, a.text, a.feedback) for a in q.answers)


def _numerical(q: Question) -> str:
    out = []
    for a in q.numeric_answers:
        value = "*" if a.value is None else format_number(a.value)
        tolerance = f"      <tolerance>{format_number(a.tolerance)}</tolerance>\n"
        out.append(_answer(q, a.fraction, value, a.feedback, tolerance))
    return "".join(out)


def _matching(q: Question) -> str:
    fmt = quoteattr(XML_FORMATS[q.text_format])
    out = ["    <shuffleanswers>true</shuffleanswers>\n"]
    rows = [(p.stem, p.answer) for p in q.pairs] + [("", a) for a in q.extra_answers]
    for stem, answer in rows:
        out.append(
            f"    <subquestion format={fmt}>\n      <text>{_xml(q, stem)}</text>\n"
            f"      <answer>\n        <text>{_xml(q, answer)}</text>\n      </answer>\n"
            "    </subquestion>\n"
        )
    return "".join(out)


def _ordering(q: Question) -> str:
    head = (
        "    <layouttype>VERTICAL</layouttype>\n"
        "    <selecttype>ALL</selecttype>\n"
        f"    <selectcount>{len(q.items)}</selectcount>\n"
        f"    <gradingtype>{q.ordering_grading}</gradingtype>\n"
        "    <showgrading>SHOW</showgrading>\n"
    )
    fmt = quoteattr(XML_FORMATS[q.text_format])
    answers = [
        f'    <answer fraction="{position}" format={fmt}>\n'
        f"      <text>{_xml(q, item)}</text>\n    </answer>\n"
        for position, item in enumerate(q.items, start=1)
    ]
    return head + "".join(answers)


# Characters that end or start a part of a cloze gap, written as character references (Moodle
# decodes them in answers and feedback); a backslash escape is not undone everywhere.
_CLOZE_RESERVED = {
    "&": "&#38;",
    "\\": "&#92;",
    "~": "&#126;",
    "}": "&#125;",
    "{": "&#123;",
    "#": "&#35;",
    "%": "&#37;",
    "=": "&#61;",
}


def _cloze_escape(text: str) -> str:
    return "".join(_CLOZE_RESERVED.get(char, char) for char in text)


def _cloze_text(q: Question) -> str:
    if q.text.count(BLANK) != 1:
        raise WriteError(q, "A cloze question marks its one gap with _____.")
    gap_type = "SHORTANSWER_C" if q.case_sensitive else "SHORTANSWER"
    alternatives = []
    for a in q.answers:
        answer = "*" if a.is_catch_all else _cloze_escape(a.text)
        alternative = f"%{format_percent(a.fraction)}%{answer}"
        if a.feedback:
            alternative += "#" + _cloze_escape(a.feedback)
        alternatives.append(alternative)
    gap = "{1:" + gap_type + ":" + "~".join(alternatives) + "}"
    return q.text.replace(BLANK, gap)


def _cloze_body(q: Question) -> str:
    return ""


_BODIES: dict[Kind, Callable[[Question], str]] = {
    Kind.SINGLE_CHOICE: _multichoice,
    Kind.MULTIPLE_RESPONSE: _multichoice,
    Kind.TRUE_FALSE: _truefalse,
    Kind.SHORT_ANSWER: _shortanswer,
    Kind.CLOZE: _cloze_body,
    Kind.NUMERIC: _numerical,
    Kind.MATCHING: _matching,
    Kind.ORDERING: _ordering,
}
