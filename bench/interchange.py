"""How fast the interchange layer reads and writes 5,000 questions, and imports them.

    .venv/bin/python bench/interchange.py [--questions 5000] [--runs 5] [--no-database]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h14io .venv/bin/python bench/interchange.py
                                          # PostgreSQL: a throwaway test_h14io database

Generates a bank of mixed kinds (single choice, multiple response, true/false, short answer,
cloze, numeric, matching, ordering), writes it as GIFT and as Moodle XML, then times, as the
median of several runs:

- reading the GIFT file (the lark parse and the reading rules), the issue's import path, and
  the lark parse of its blocks alone;
- reading the Moodle XML file;
- writing both;
- a baseline in the same run: `json.loads` of the same questions serialised as JSON, the
  cheapest parse of the same content there is. The machines are shared and noisy, so the ratio
  to it is the figure to compare between runs.

The issue's target is an import of 5,000 GIFT questions in under 10 s including the database:
unless `--no-database`, the bench then runs `import_questions` on the GIFT file into a fresh
database (a temporary SQLite file, or PostgreSQL when `DATABASE_URL` names one), first as a new
import (every question created), then again (every question unchanged), and counts the queries
per question.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from quizzes.interchange import (
    AcceptedAnswer,
    Choice,
    Kind,
    MatchPair,
    NumericAnswer,
    Question,
    TrueFalse,
    read_questions,
    write_questions,
)
from quizzes.interchange.gift import parser, split_blocks

IMPORT_BUDGET_SECONDS = 10.0
PEOPLE = ["Hillary Clinton", "Sergei Lavrov", "Barack Obama", "Dmitry Medvedev", "Javier Solana"]


def bank(size: int) -> list[Question]:
    """`size` questions cycling through every supported kind, each a little different."""
    kinds = [k for k in Kind if k != Kind.UNSUPPORTED]
    questions = []
    for i in range(size):
        kind = kinds[i % len(kinds)]
        person = PEOPLE[i % len(PEOPLE)]
        common = {
            "kind": kind,
            "name": f"Reset {i:05d}",
            "text": f"Question {i}: what did {person} say in Geneva on 6 March 2009?",
            "general_feedback": "Both the Hindustan Times and Reuters report it.",
            "tags": ("reset-button", f"batch-{i // 500}"),
            "category": "$course$/top/Reset button",
        }
        if kind in (Kind.SINGLE_CHOICE, Kind.MULTIPLE_RESPONSE):
            weights = (1, 0, 0, 0) if kind == Kind.SINGLE_CHOICE else (0.5, 0.5, -0.5, 0)
            named = zip(PEOPLE, weights, strict=False)
            choices = tuple(Choice(name, w, f"Feedback on {name}.") for name, w in named)
            questions.append(Question(**common, choices=choices))
        elif kind == Kind.TRUE_FALSE:
            truth = TrueFalse(i % 2 == 0, "Right.", "Look at the article again.")
            questions.append(Question(**common, true_false=truth))
        elif kind in (Kind.SHORT_ANSWER, Kind.CLOZE):
            text = common.pop("text")
            if kind == Kind.CLOZE:
                text = f"Question {i}: {person} met _____ in Geneva."
            answers = (
                AcceptedAnswer("Sergei Lavrov", 1, "Right."),
                AcceptedAnswer("Lavrov", 1),
                AcceptedAnswer("*", 0, "No: Russia's foreign minister."),
            )
            questions.append(Question(**common, text=text, answers=answers))
        elif kind == Kind.NUMERIC:
            answers = (NumericAnswer(2009, 0, 1, "Yes."), NumericAnswer(2009, 1, 0.5, "Close."))
            questions.append(Question(**common, numeric_answers=answers))
        elif kind == Kind.MATCHING:
            pairs = tuple(MatchPair(p, f"office {n}") for n, p in enumerate(PEOPLE[:4]))
            questions.append(Question(**common, pairs=pairs, extra_answers=("office 9",)))
        else:
            questions.append(
                Question(
                    **{**common, "general_feedback": ""},
                    items=("The button is handed over", "Lavrov reads it", "They laugh"),
                )
            )
    return questions


def median_seconds(action, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def setup_django() -> str:
    """Django on a fresh database: a temporary SQLite file, or test_<name> next to the
    PostgreSQL database `DATABASE_URL` names (dropped by `teardown`)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        temp = tempfile.NamedTemporaryFile(suffix=".sqlite3", delete=False)  # noqa: SIM115
        os.environ["DATABASE_URL"] = f"sqlite:///{temp.name}"
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quizsite.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        connection.creation.create_test_db(verbosity=0, autoclobber=True)
    else:
        call_command("migrate", verbosity=0)
    return connection.vendor


def database_figures(gift: str, n: int, baseline: float) -> None:
    vendor = setup_django()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from quizzes.models import Question
    from quizzes.services.interchange import import_questions

    settings.DEBUG = False  # as in production: no query log (the count below turns it on)
    seen: list[tuple[str, int, int]] = []

    def progress(stage, done, total):
        seen.append((stage, done, total))

    def run(tag: str):
        start = time.perf_counter()
        report = import_questions(data=gift, format="gift", tag=tag, progress=progress)
        return time.perf_counter() - start, report

    first, report = run("bench")
    assert len(report.created) == n and not report.refused, report.summary()
    again, report_again = run("bench")
    assert len(report_again.unchanged) == n, report_again.summary()
    small = gift[: gift.index("::Reset 00500::")] if n > 500 else gift
    with CaptureQueriesContext(connection) as queries:
        small_report = import_questions(data=small, format="gift", tag="counted")
    per_question = len(queries) / max(len(small_report.created), 1)
    print(
        f"Importing into the database ({vendor}, {Question.objects.count()} questions at the end):"
    )
    for label, seconds in (("new import", first), ("same file again", again)):
        print(
            f"  {label:<17} {seconds * 1000:8.1f} ms  {n / seconds:9.0f} questions/s  "
            f"{seconds / baseline:6.1f} × the baseline"
        )
    print(
        f"  {per_question:.1f} queries per new question ({len(queries)} for "
        f"{len(small_report.created)}); progress reported {len(seen)} times"
    )
    verdict = "within" if first < IMPORT_BUDGET_SECONDS else "OVER"
    print(
        f"A new import of {n} GIFT questions takes {first:.1f} s: {verdict} the issue's "
        f"{IMPORT_BUDGET_SECONDS:.0f}-s budget."
    )
    if vendor == "postgresql":
        connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--questions", type=int, default=5000)
    options.add_argument("--runs", type=int, default=5)
    options.add_argument(
        "--no-database", action="store_true", help="Time the files alone, not the import."
    )
    args = options.parse_args()

    questions = bank(args.questions)
    gift = write_questions(questions, format="gift")
    xml = write_questions(questions, format="moodle-xml")
    as_json = json.dumps([dataclasses.asdict(q) for q in questions])
    parser()  # built once per process; not part of an import

    seen: list[tuple[int, int]] = []
    read = read_questions(gift, format="gift", progress=lambda d, t: seen.append((d, t)))
    assert list(read.questions) == questions, "the GIFT file does not read back equal"
    assert list(read_questions(xml, format="moodle-xml").questions) == questions

    n = args.questions
    baseline = median_seconds(lambda: json.loads(as_json), args.runs)
    blocks = [block.text for block in split_blocks(gift)]
    figures = {
        "lark parse alone": median_seconds(lambda: [parser().parse(b) for b in blocks], args.runs),
        "read GIFT": median_seconds(lambda: read_questions(gift, format="gift"), args.runs),
        "read Moodle XML": median_seconds(
            lambda: read_questions(xml, format="moodle-xml"), args.runs
        ),
        "write GIFT": median_seconds(lambda: write_questions(questions, format="gift"), args.runs),
        "write Moodle XML": median_seconds(
            lambda: write_questions(questions, format="moodle-xml"), args.runs
        ),
    }
    print(
        f"{n} questions, {len(gift) / 1e6:.2f} MB of GIFT, {len(xml) / 1e6:.2f} MB of Moodle XML; "
        f"median of {args.runs} runs"
    )
    print(f"  baseline json.loads of the same questions: {baseline * 1000:8.1f} ms")
    for label, seconds in figures.items():
        print(
            f"  {label:<17} {seconds * 1000:8.1f} ms  {n / seconds:9.0f} questions/s  "
            f"{seconds / baseline:6.1f} × the baseline"
        )
    share = figures["read GIFT"] / IMPORT_BUDGET_SECONDS
    print(
        f"Reading {n} GIFT questions takes {share:.0%} of the issue's "
        f"{IMPORT_BUDGET_SECONDS:.0f}-s import budget; progress was reported {len(seen)} "
        f"times, last at {seen[-1]}."
    )
    if not args.no_database:
        database_figures(gift, n, baseline)


if __name__ == "__main__":
    main()
