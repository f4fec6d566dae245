"""What the readers and writers raise. A caller catches these two and nothing else."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a file: where (1-based line, 0 when the file as a whole) and why."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


class FormatError(ValueError):
    """The file cannot be read: nothing in it should be imported.

    `problems` lists what is wrong, in file order (a reader stops after `MAX_PROBLEMS`);
    `line` and `message` are the first one's.
    """

    MAX_PROBLEMS = 20

    def __init__(self, problems: list[Problem] | tuple[Problem, ...], *, format: str = ""):
        if not problems:
            raise ValueError("A FormatError needs at least one problem.")
        self.problems = tuple(problems)
        self.format = format
        super().__init__(str(self))

    @classmethod
    def at(cls, line: int, message: str, *, format: str = "") -> FormatError:
        return cls([Problem(line, message)], format=format)

    @property
    def line(self) -> int:
        return self.problems[0].line

    @property
    def message(self) -> str:
        return self.problems[0].message

    def __str__(self) -> str:
        first = str(self.problems[0])
        more = len(self.problems) - 1
        return first if not more else f"{first} (and {more} more problem{'s' * (more > 1)})"


class WriteError(ValueError):
    """A question cannot be written in the format asked for (`question` names it)."""

    def __init__(self, question, message: str):
        self.question = question
        self.reason = message
        super().__init__(f"{question.where}: {message}")
