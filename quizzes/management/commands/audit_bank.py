"""Check a question bank (or a quiz) the way a careful teacher would.

    python manage.py audit_bank [--article SLUG ...] [--quiz SLUG] [--strict]

Prints, per question, what the quality checks find (distractors of the wrong role or form,
the answer in the stem, a typed answer too long to type, malformed statements, twins, a quiz
that answers itself, true and false statements out of balance), then the counts. With
`--strict` it exits non-zero when anything was found. It writes nothing.
"""

from collections import Counter

from django.core.management.base import BaseCommand, CommandError

from quizzes.management.arguments import add_articles_argument, articles_from_slugs
from quizzes.models import Question, Quiz
from quizzes.services.bank_building import audit_questions, audit_quiz


class Command(BaseCommand):
    help = (
        "Print the problems the quality checks find in the question bank (or one quiz), "
        "with counts; --strict exits non-zero when any is found."
    )

    def add_arguments(self, parser):
        add_articles_argument(parser, help="Only the questions on these articles' facts.")
        parser.add_argument("--quiz", metavar="SLUG", help="Check one quiz as a whole.")
        parser.add_argument(
            "--strict", action="store_true", help="Exit non-zero when any problem is found."
        )

    def handle(self, *args, articles=None, quiz=None, strict=False, **options):
        if quiz is not None:
            found = Quiz.objects.filter(slug=quiz).first()
            if found is None:
                raise CommandError(f"Unknown quiz slug: {quiz}.")
            per_question, overall = audit_quiz(found)
            scope = f"quiz {found.slug} ({found.quiz_questions.count()} questions)"
        else:
            questions = Question.objects.with_parts().order_by("key")
            if articles:
                articles_from_slugs(articles)
                questions = questions.filter(fact__article__slug__in=articles)
            per_question, overall = audit_questions(questions)
            scope = f"{questions.count()} question(s)"
        reasons: Counter = Counter()
        for key in sorted(per_question):
            self.stdout.write(self.style.MIGRATE_HEADING(key))
            for problem in per_question[key]:
                self.stdout.write(f"  - {problem}")
                reasons[_reason(problem)] += 1
        for problem in overall:
            self.stdout.write(self.style.WARNING(problem))
        count = sum(len(v) for v in per_question.values()) + len(overall)
        summary = (
            f"Checked {scope}: {count} problem(s) in {len(per_question)} question(s)"
            + (f" and {len(overall)} overall" if overall else "")
            + "."
        )
        if reasons:
            summary += " " + "; ".join(f"{reason} ({n})" for reason, n in reasons.most_common())
        if count:
            self.stdout.write(self.style.WARNING(summary))
            if strict:
                raise CommandError(f"{count} problem(s) found (--strict).")
        else:
            self.stdout.write(self.style.SUCCESS(summary))


def _reason(problem: str) -> str:
    """The kind of a problem, for the counts: its words before the first quote or colon."""
    head = problem.split("“", 1)[0].split(":", 1)[0].strip(" (")
    return head or problem
