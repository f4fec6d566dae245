"""Interchange questions to and from Factcards' question bank, as plain dicts (no database).

`to_bank(question)` gives the fields the authoring service saves (the keys of
`question_problems` and of the `Question`, `Choice` and `AcceptedAnswer` models), plus the keys
the models are to gain with matching, ordering and several numeric answers; `from_bank(snapshot)`
reads what `question_snapshot()` returns (and those future keys when present) back into an
interchange `Question` for export. What Factcards cannot hold yet is listed in `notes`, so an
import report can say what changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html.parser import HTMLParser

from quizzes.interchange.model import (
    AcceptedAnswer,
    Choice,
    Kind,
    MatchPair,
    NumericAnswer,
    OrderingGrading,
    Question,
    TextFormat,
    TrueFalse,
)

TRUE, FALSE = "True", "False"
EXACT, NORMALISED = "exact", "normalised"  # Factcards' MatchMode values


class _PlainText(HTMLParser):
    """HTML to the text a person reads: tags dropped, entities decoded, blocks on new lines."""

    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "pre"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.dropped: set[str] = set()

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS and self.parts:
            self.parts.append("\n")
        if tag in {"img", "video", "audio", "iframe", "object"}:
            self.dropped.add(tag)

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)


def plain_text(text: str, fmt: TextFormat) -> tuple[str, list[str]]:
    """The text as Factcards shows it (plain), and notes on what it lost.

    >>> plain_text("<p>Who met <b>Lavrov</b> &amp; when?</p>", TextFormat.HTML)
    ('Who met Lavrov & when?', [])
    """
    if fmt != TextFormat.HTML or ("<" not in text and "&" not in text):
        return text, []
    parser = _PlainText()
    parser.feed(text)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).split("\n")]
    plain = "\n".join(line for line in lines if line)
    notes = [f"A {tag} in the HTML was dropped." for tag in sorted(parser.dropped)]
    return plain, notes


def to_bank(question: Question) -> dict:
    """The bank's fields for an interchange question (not for unsupported ones)."""
    if not question.is_supported:
        raise ValueError(f"{question.where}: a {question.moodle_type} question has no bank form.")
    notes = list(question.notes)

    def plain(text: str) -> str:
        converted, lost = plain_text(text, question.text_format)
        notes.extend(lost)
        return converted

    fields: dict = {
        "kind": str(question.kind),
        "name": question.name,
        "text": plain(question.text),
        "explanation": plain_text(question.general_feedback, question.feedback_format)[0],
        "default_marks": question.default_mark,
        "tags": list(question.all_tags),
        "idnumber": question.idnumber,
        "choices": [],
        "accepted_answers": [],
        "numeric_answer": None,
        "numeric_tolerance": 0.0,
        # What the models are to gain (see the note of issue 14):
        "numeric_answers": [],
        "pairs": [],
        "extra_answers": [],
        "items": [],
        "all_or_nothing": question.all_or_nothing,
        "notes": notes,
    }
    kind = question.kind
    if kind in (Kind.SINGLE_CHOICE, Kind.MULTIPLE_RESPONSE):
        fields["choices"] = [
            {"text": plain(c.text), "fraction": c.fraction, "feedback": plain(c.feedback)}
            for c in question.choices
        ]
    elif kind == Kind.TRUE_FALSE:
        tf = question.true_false
        fields["choices"] = [
            {"text": TRUE, "fraction": float(tf.correct), "feedback": plain(tf.feedback_true)},
            {
                "text": FALSE,
                "fraction": float(not tf.correct),
                "feedback": plain(tf.feedback_false),
            },
        ]
    elif kind in (Kind.SHORT_ANSWER, Kind.CLOZE):
        match = EXACT if question.case_sensitive else NORMALISED
        for answer in question.answers:
            if answer.is_catch_all:
                notes.append(
                    "The catch-all answer (*) was not imported: Factcards grades any other "
                    "answer 0 and has no feedback for it."
                )
                continue
            fields["accepted_answers"].append(
                {
                    "text": plain(answer.text),
                    "fraction": answer.fraction,
                    "match": match,
                    "feedback": plain(answer.feedback),
                }
            )
        if any(a["feedback"] for a in fields["accepted_answers"]):
            notes.append("Accepted answers carry feedback, which Factcards does not show yet.")
    elif kind == Kind.NUMERIC:
        fields["numeric_answers"] = [
            {
                "value": a.value,
                "tolerance": a.tolerance,
                "fraction": a.fraction,
                "feedback": plain(a.feedback),
            }
            for a in question.numeric_answers
        ]
        full = [a for a in question.numeric_answers if not a.is_catch_all and a.fraction >= 1]
        if full:
            fields["numeric_answer"] = full[0].value
            fields["numeric_tolerance"] = full[0].tolerance
        if len(question.numeric_answers) > 1:
            notes.append(
                f"{len(question.numeric_answers)} numeric answers: Factcards grades the first "
                "fully correct one until it holds several."
            )
    elif kind == Kind.MATCHING:
        fields["pairs"] = [{"stem": plain(p.stem), "answer": p.answer} for p in question.pairs]
        fields["extra_answers"] = list(question.extra_answers)
    elif kind == Kind.ORDERING:
        fields["items"] = [plain(item) for item in question.items]
        if question.ordering_grading not in (
            OrderingGrading.RELATIVE_NEXT_EXCLUDE_LAST,
            OrderingGrading.ALL_OR_NOTHING,
        ):
            notes.append(
                f"Moodle grades it {question.ordering_grading}; Factcards gives credit for "
                "each item followed by the right one."
            )
    return fields


def from_bank(
    snapshot: Mapping,
    *,
    name: str,
    tags: Iterable[str] = (),
    category: str = "",
    default_mark: float = 1.0,
) -> Question:
    """An interchange question from a bank question's snapshot (`question_snapshot()`),
    for export. Factcards' texts are plain, so they are written as plain text."""
    kind = Kind(snapshot["kind"])
    common = {
        "kind": kind,
        "name": name,
        "text": snapshot["text"],
        "text_format": TextFormat.PLAIN,
        "general_feedback": snapshot.get("explanation") or "",
        "tags": tuple(tags),
        "category": category,
        "default_mark": float(snapshot.get("default_marks", default_mark)),
    }
    choices = snapshot.get("choices") or []
    if kind in (Kind.SINGLE_CHOICE, Kind.MULTIPLE_RESPONSE):
        return Question(
            **common,
            choices=tuple(
                Choice(c["text"], c["fraction"], c.get("feedback") or "") for c in choices
            ),
        )
    if kind == Kind.TRUE_FALSE:
        by_text = {str(c["text"]).strip().lower(): c for c in choices}
        true = by_text.get("true", choices[0] if choices else None)
        false = by_text.get("false", choices[1] if len(choices) > 1 else None)
        correct = true is not None and float(true["fraction"]) >= 1
        return Question(
            **common,
            true_false=TrueFalse(
                correct,
                feedback_true=(true or {}).get("feedback") or "",
                feedback_false=(false or {}).get("feedback") or "",
            ),
        )
    if kind in (Kind.SHORT_ANSWER, Kind.CLOZE):
        accepted = snapshot.get("accepted_answers") or []
        return Question(
            **common,
            answers=tuple(
                AcceptedAnswer(a["text"], a["fraction"], a.get("feedback") or "") for a in accepted
            ),
            case_sensitive=bool(accepted) and all(a.get("match") == EXACT for a in accepted),
        )
    if kind == Kind.NUMERIC:
        several = snapshot.get("numeric_answers")
        if several:
            answers = tuple(
                NumericAnswer(
                    a["value"],
                    a.get("tolerance") or 0,
                    a.get("fraction", 1),
                    a.get("feedback") or "",
                )
                for a in several
            )
        else:
            numeric = snapshot.get("numeric") or {}
            answers = (NumericAnswer(numeric.get("value"), numeric.get("tolerance") or 0),)
        return Question(**common, numeric_answers=answers)
    if kind == Kind.MATCHING:
        return Question(
            **common,
            pairs=tuple(MatchPair(p["stem"], p["answer"]) for p in snapshot.get("pairs") or []),
            extra_answers=tuple(snapshot.get("extra_answers") or ()),
        )
    if kind == Kind.ORDERING:
        grading = (
            OrderingGrading.ALL_OR_NOTHING
            if snapshot.get("all_or_nothing")
            else OrderingGrading.RELATIVE_NEXT_EXCLUDE_LAST
        )
        return Question(
            **common, items=tuple(snapshot.get("items") or ()), ordering_grading=grading
        )
    raise ValueError(f"Cannot export a {kind} question.")
