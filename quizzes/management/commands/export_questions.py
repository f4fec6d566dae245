"""Export questions as a GIFT or Moodle XML file (for Moodle, or for another Factcards).

    python manage.py export_questions OUT --format gift|moodle-xml [--tag T ...] [--quiz SLUG]
                                          [--article SLUG ...]

Every question by default; `--tag`, `--quiz` and `--article` narrow it down (a question must
pass each one given). `-` as OUT writes to standard output.
"""

from django.core.management.base import BaseCommand, CommandError

from quizzes.interchange import WRITE_FORMATS, WriteError, moodle_warnings, read_questions
from quizzes.management.arguments import (
    add_articles_argument,
    articles_from_slugs,
    output_file,
    write_text,
)
from quizzes.models import Quiz
from quizzes.selectors import questions_to_export
from quizzes.services.authoring import tag_slug
from quizzes.services.interchange import export_questions


class Command(BaseCommand):
    help = "Export questions as GIFT or Moodle XML, all of them or those of tags, a quiz, articles."

    def add_arguments(self, parser):
        parser.add_argument("out", metavar="OUT", help="The file to write (- for standard output).")
        parser.add_argument("--format", choices=WRITE_FORMATS, required=True)
        parser.add_argument(
            "--tag",
            dest="tags",
            action="extend",
            nargs="+",
            metavar="T",
            help="Only questions with one of these tags (name or slug; repeatable).",
        )
        parser.add_argument("--quiz", metavar="SLUG", help="Only this quiz's questions, in order.")
        add_articles_argument(parser, help="Only questions on the facts of these articles.")

    def handle(self, *args, out, format, tags=None, quiz=None, articles=None, **options):
        path = None if out == "-" else output_file(out)
        found_quiz = None
        if quiz is not None:
            found_quiz = Quiz.objects.filter(slug=quiz).first()
            if found_quiz is None:
                raise CommandError(f"No quiz with the slug “{quiz}”.")
        if articles:
            articles_from_slugs(articles)
        questions = questions_to_export(
            tags=[tag_slug(t) for t in tags or []], quiz=found_quiz, articles=articles or []
        )
        notes: list[str] = []
        try:
            text = export_questions(questions=questions, format=format, notes=notes)
        except WriteError as error:
            raise CommandError(f"Nothing was written: {error}") from error
        count = questions.count()
        for note in notes:
            self.stderr.write(self.style.WARNING(note))
        if path is None:
            self.stdout.write(text, ending="")
            return
        write_text(path, text)
        # What Moodle would refuse (a fraction it offers no grade for), read back from the file.
        for warning in moodle_warnings(read_questions(text, format=format).questions):
            self.stderr.write(self.style.WARNING(warning))
        self.stdout.write(self.style.SUCCESS(f"Wrote {count} question(s) to {path}."))
