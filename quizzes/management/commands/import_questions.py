"""Import questions from a GIFT, Moodle XML or Aiken file into the question bank.

    python manage.py import_questions FILE [--format gift|moodle-xml|aiken] [--tag T]
                                           [--dry-run] [--skip-unsupported]

Whole or nothing: a malformed file (reported with its line and why) imports nothing, and so
does a question Factcards cannot hold (an essay, a calculated question…) unless
`--skip-unsupported` lets the rest in. Importing the same file again under the same tag updates
what changed and never duplicates a question (questions are known by their name within a tag).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizzes.interchange import READ_FORMATS, FormatError
from quizzes.management.arguments import NO_OWNER_NOTE, add_owner_argument, owner_from_username
from quizzes.services.authoring import QuestionInvalid
from quizzes.services.interchange import import_questions


class Command(BaseCommand):
    help = (
        "Import questions from a GIFT, Moodle XML or Aiken file (the format is guessed when not "
        "given). Whole or nothing; re-importing under the same tag updates, never duplicates."
    )

    def add_arguments(self, parser):
        add_owner_argument(parser)
        parser.add_argument("file", metavar="FILE", help="The file to import (UTF-8).")
        parser.add_argument(
            "--format",
            choices=READ_FORMATS,
            help="The file's format. Default: guessed from its content, then its name.",
        )
        parser.add_argument(
            "--tag",
            metavar="T",
            help="Tag every imported question with T; names are matched within this tag, so "
            "re-importing a file under it updates its questions.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; write nothing."
        )
        parser.add_argument(
            "--skip-unsupported",
            action="store_true",
            help="Import the rest when some questions cannot be imported (they are listed).",
        )

    def handle(
        self,
        *args,
        file,
        format=None,
        tag=None,
        dry_run=False,
        skip_unsupported=False,
        owner=None,
        **options,
    ):
        owner = owner_from_username(owner)
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        verbosity = options.get("verbosity", 1)

        def progress(stage, done, total):
            if verbosity >= 1:
                saved = "Would save" if dry_run else "Saved"
                verb = {"read": "Read", "check": "Checked", "save": saved}[stage]
                self.stderr.write(f"  {verb} {done} of {total} question(s)")

        try:
            report = import_questions(
                data=path.read_bytes(),
                format=format,
                filename=path.name,
                tag=tag,
                dry_run=dry_run,
                skip_unsupported=skip_unsupported,
                owner=owner,
                progress=progress,
            )
        except FormatError as error:
            problems = "\n".join(f"  {path.name}: {problem}" for problem in error.problems)
            raise CommandError(
                f"Nothing was imported; the file cannot be read:\n{problems}"
            ) from error
        except QuestionInvalid as error:
            raise CommandError(f"Nothing was imported: {error.summary()}") from error

        for item in report.refused:
            self.stdout.write(self.style.WARNING(f"Refused {item}"))
        if verbosity >= 1:
            for note in report.notes:
                self.stdout.write(f"Note: {note}")
        if verbosity >= 2:
            for verb, items in (
                ("created", report.created),
                ("updated", report.updated),
                ("unchanged", report.unchanged),
            ):
                for item in items:
                    self.stdout.write(f"  {verb}: {item}")
        if report.blocked:
            raise CommandError(report.summary() + " (--skip-unsupported imports the rest)")
        style = self.style.WARNING if dry_run else self.style.SUCCESS
        self.stdout.write(style(report.summary()))
        if owner is None and not dry_run:
            self.stdout.write(self.style.WARNING(NO_OWNER_NOTE))
