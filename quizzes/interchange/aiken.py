"""Aiken: single-choice questions as plain lines (read only, as in Moodle).

    Which city hosted the talks?
    A. Geneva
    B) Paris
    ANSWER: A

A question's text is its first line (further lines before the first option join it, which
Moodle's reader would not accept), then two or more options `A.` / `A)` in alphabetical order,
then `ANSWER: <letter>`. Blank lines between questions are optional. Anything else is an error
that names its line.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable

from quizzes.interchange.errors import FormatError, Problem
from quizzes.interchange.model import Choice, Kind, Question, ReadResult, TextFormat, default_name
from quizzes.interchange.source import MAX_BYTES, decode_text

FORMAT = "aiken"
Progress = Callable[[int, int], None]
_OPTION = re.compile(r"^([A-Z])[.)][ \t]+(.*)$")
_ANSWER = re.compile(r"^ANSWER\s*:\s*(.*)$")


def read_aiken(
    data: str | bytes, *, progress: Progress | None = None, max_bytes: int = MAX_BYTES
) -> ReadResult:
    """Every question of an Aiken file, or `FormatError` listing what is wrong (with lines)."""
    text = decode_text(data, max_bytes=max_bytes, format=FORMAT)
    questions: list[Question] = []
    problems: list[Problem] = []
    question_lines: list[str] = []
    options: list[tuple[str, str]] = []
    start = 0

    def problem(line: int, message: str) -> None:
        problems.append(Problem(line, message))

    lines = text.split("\n")
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if len(problems) >= FormatError.MAX_PROBLEMS:
            break
        if not line:
            continue
        option = _OPTION.match(line)
        answer = _ANSWER.match(line)
        if answer:
            if not question_lines:
                problem(number, "An ANSWER line with no question before it.")
            elif len(options) < 2:
                problem(number, "A question needs at least two options (A. …, B. …) before ANSWER.")
            else:
                letter = answer.group(1).strip()
                letters = [key for key, _ in options]
                if letter not in letters:
                    problem(
                        number,
                        f"ANSWER “{letter}” is not one of the options ({', '.join(letters)}).",
                    )
                else:
                    body = "\n".join(question_lines)
                    questions.append(
                        Question(
                            kind=Kind.SINGLE_CHOICE,
                            name=default_name(body),
                            text=body,
                            text_format=TextFormat.PLAIN,
                            choices=tuple(
                                Choice(value, 1.0 if key == letter else 0.0)
                                for key, value in options
                            ),
                            line=start,
                        )
                    )
            question_lines, options = [], []
        elif option and question_lines:
            expected = string.ascii_uppercase[len(options)]
            if option.group(1) != expected:
                problem(number, f"Option {option.group(1)} where {expected} was expected.")
            options.append((option.group(1), option.group(2).strip()))
        elif option:
            problem(number, "An option with no question before it.")
        else:
            if options:
                problem(start, "The question has no ANSWER line after its options.")
                question_lines, options = [], []
            if not question_lines:
                start = number
            question_lines.append(line)
        if progress and number % 1000 == 0:
            progress(number, len(lines))
    if question_lines and len(problems) < FormatError.MAX_PROBLEMS:
        problem(start, "The question has no ANSWER line.")
    if progress:
        progress(len(lines), len(lines))
    if problems:
        raise FormatError(problems[: FormatError.MAX_PROBLEMS], format=FORMAT)
    return ReadResult(format=FORMAT, questions=tuple(questions))
