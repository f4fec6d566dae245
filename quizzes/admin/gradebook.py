"""The gradebook pages of a class, in the admin beside its other teacher pages (the results).

`ClassroomAdmin` mixes `GradebookViews` in: the class grid, one quiz's rows per student (sortable,
with a CSV download) and a student's report. Only the class's teachers (and superusers) reach
them: the class comes from `ClassroomAdmin.get_queryset`, which keeps to the classes the user
teaches, and reading grades takes the results permission (`quizzes.permissions.READ_RESULTS`).
"""

import io

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.text import slugify

from quizzes.charts import bar_chart
from quizzes.csv_safety import csv_writer
from quizzes.gradebook import class_gradebook, csv_rows, quiz_gradebook, student_report
from quizzes.models import Enrolment, Quiz
from quizzes.permissions import READ_RESULTS, can

SORT_COLUMNS = (
    ("name", "Student"),
    ("attempts", "Attempts"),
    ("state", "State"),
    ("grade", "Final grade"),
    ("time", "Time taken"),
)


class GradebookViews:
    """Admin views for a class's gradebook (mixed into the class's ModelAdmin)."""

    def gradebook_urls(self):
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/gradebook/",
                wrap(self.gradebook_view),
                name="{}_{}_gradebook".format(*info),
            ),
            path(
                "<path:object_id>/gradebook/quiz/<int:quiz_id>/",
                wrap(self.quiz_gradebook_view),
                name="{}_{}_quiz_gradebook".format(*info),
            ),
            path(
                "<path:object_id>/gradebook/student/<int:student_id>/",
                wrap(self.student_report_view),
                name="{}_{}_student_report".format(*info),
            ),
        ]

    def _taught_class(self, request, object_id):
        if not can(request.user, READ_RESULTS):
            raise PermissionDenied
        classroom = self.get_object(request, unquote(object_id))
        if classroom is None:
            raise Http404("No such class.")
        return classroom

    def _context(self, request, classroom, title, **extra):
        request.current_app = self.admin_site.name
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": classroom,
            "classroom": classroom,
            "title": title,
            **extra,
        }

    def gradebook_view(self, request, object_id):
        """Students × assigned quizzes, each quiz's completion, the grade distribution."""
        classroom = self._taught_class(request, object_id)
        book = class_gradebook(classroom=classroom)
        context = self._context(
            request,
            classroom,
            f"Gradebook: {classroom.name}",
            book=book,
            distribution_chart=bar_chart(
                [(band.label, band.count) for band in book.distribution], label_all=True
            ),
            graded=sum(band.count for band in book.distribution),
        )
        return TemplateResponse(request, "admin/quizzes/classroom/gradebook.html", context)

    def quiz_gradebook_view(self, request, object_id, quiz_id):
        """One quiz, a row per student, sorted by `?sort=`; `?format=csv` downloads it."""
        classroom = self._taught_class(request, object_id)
        try:
            book = quiz_gradebook(
                classroom=classroom,
                quiz=Quiz(pk=quiz_id),
                sort=request.GET.get("sort", "name"),
            )
        except Quiz.DoesNotExist:
            raise Http404("That quiz is not assigned to this class.") from None
        if request.GET.get("format") == "csv":
            return gradebook_csv_response(
                classroom,
                [(student, book.quiz, cell) for student, cell in book.rows],
                name=f"{classroom.name}-{book.quiz.slug}",
            )
        columns = []
        for key, label in SORT_COLUMNS:
            current = book.sort.lstrip("-") == key
            descending = book.sort.startswith("-")
            columns.append(
                {
                    "key": key,
                    "label": label,
                    "current": current,
                    "aria_sort": ("descending" if descending else "ascending") if current else "",
                    # A second click on the current column turns its order round.
                    "sort": f"-{key}" if current and not descending else key,
                }
            )
        context = self._context(
            request,
            classroom,
            f"Gradebook: {book.quiz.title} ({classroom.name})",
            book=book,
            columns=columns,
        )
        return TemplateResponse(request, "admin/quizzes/classroom/quiz_gradebook.html", context)

    def student_report_view(self, request, object_id, student_id):
        """One student's quizzes and decks, for their teachers."""
        classroom = self._taught_class(request, object_id)
        try:
            report = student_report(classroom=classroom, student_id=student_id, now=timezone.now())
        except Enrolment.DoesNotExist:
            raise Http404("That student is not in this class.") from None
        context = self._context(
            request, classroom, f"{report.student.name} in {classroom.name}", report=report
        )
        return TemplateResponse(request, "admin/quizzes/classroom/student_report.html", context)


def gradebook_csv_response(classroom, rows, *, name: str) -> HttpResponse:
    """The rows as a CSV download (formula-escaped)."""
    stream = io.StringIO()
    csv_writer(stream).writerows(csv_rows(classroom, rows))
    response = HttpResponse(stream.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slugify(name) or "gradebook"}.csv"'
    return response
