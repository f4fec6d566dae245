"""A class's gradebook in the API, for its teachers.

    GET /api/classes/{id}/gradebook/              JSON: the quizzes assigned, and per student a
                                                  cell per quiz (state, attempts, final grade…)
    GET /api/classes/{id}/gradebook/?format=csv   the same as a CSV download, one row per student
                                                  and quiz (formula-escaped)

Only a teacher of the class (or a superuser) who may read results gets it; anyone else gets a
404 for a class they do not teach (no leak of which classes exist) and a 403 without the results
permission. The reads are `quizzes.gradebook.class_gradebook`'s (a fixed number of queries).
"""

from __future__ import annotations

import io
from decimal import Decimal

from django.http import Http404
from django.utils.duration import duration_string
from django.utils.text import slugify
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import renderers, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from quizzes.api.permissions import requires
from quizzes.csv_safety import csv_writer
from quizzes.gradebook import ClassGradebook, class_gradebook, csv_rows
from quizzes.grades import CENT
from quizzes.models import Classroom
from quizzes.permissions import READ_RESULTS


class GradebookCSVRenderer(renderers.BaseRenderer):
    """`?format=csv`: the gradebook's `csv` rows (the view puts them in the response data)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        stream = io.StringIO()
        if isinstance(data, dict) and "csv" in data:
            csv_writer(stream).writerows(data["csv"])
        else:  # an error: its message as a one-cell CSV
            csv_writer(stream).writerow([data.get("detail", "") if isinstance(data, dict) else ""])
        return stream.getvalue().encode("utf-8")


# --- serializers (output only, for the schema) ------------------------------------------------


class GradebookQuizSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.SlugField()
    title = serializers.CharField()
    due = serializers.DateTimeField(allow_null=True, help_text="The assignment's due date.")
    maximum_grade = serializers.DecimalField(max_digits=6, decimal_places=2)
    grading_method = serializers.CharField()
    finished = serializers.IntegerField(help_text="Students with a finished attempt.")
    completion = serializers.FloatField(allow_null=True, help_text="finished / students.")


class GradebookCellSerializer(serializers.Serializer):
    quiz = serializers.IntegerField(source="quiz_id")
    state = serializers.ChoiceField(choices=["not_started", "in_progress", "finished"])
    attempts = serializers.IntegerField()
    grade = serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        allow_null=True,
        help_text="The final grade by the quiz's grading method (null: none finished).",
    )
    time_taken = serializers.DurationField(
        allow_null=True, help_text="The latest finished attempt's."
    )
    accommodation = serializers.CharField(help_text="The class's and the student's overrides.")


class GradebookStudentSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="student.id")
    username = serializers.CharField(source="student.username")
    name = serializers.CharField(source="student.name")
    cells = GradebookCellSerializer(many=True, help_text="One per quiz, in `quizzes` order.")


class GradebookClassSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class GradebookSerializer(serializers.Serializer):
    classroom = GradebookClassSerializer(source="book.classroom")
    quizzes = GradebookQuizSerializer(source="book.quizzes", many=True)
    students = GradebookStudentSerializer(source="book.rows", many=True)


class ClassGradebookView(APIView):
    permission_classes = [requires(READ_RESULTS, message="Only teachers may read gradebooks.")]
    renderer_classes = [renderers.JSONRenderer, GradebookCSVRenderer]

    @extend_schema(
        operation_id="classes_gradebook",
        tags=["classes"],
        summary="A class's gradebook (JSON, or CSV with ?format=csv)",
        parameters=[
            OpenApiParameter(
                "format",
                OpenApiTypes.STR,
                enum=["json", "csv"],
                description="csv: a download, one row per student and quiz.",
            )
        ],
        responses={
            200: OpenApiResponse(GradebookSerializer, description="JSON; or text/csv"),
            403: OpenApiResponse(description="Not a teacher who may read results."),
            404: OpenApiResponse(description="No such class among those you teach."),
        },
    )
    def get(self, request, pk: int):
        classroom = Classroom.objects.taught_by(request.user).filter(pk=pk).first()
        if classroom is None:
            raise Http404("No such class.")
        book = class_gradebook(classroom=classroom)
        if request.accepted_renderer.format == "csv":
            rows = (
                (row.student, quiz, cell)
                for row in book.rows
                for quiz, cell in zip(book.quizzes, row.cells, strict=True)
            )
            filename = f"{slugify(classroom.name) or 'class'}-gradebook.csv"
            return Response(
                {"csv": list(csv_rows(classroom, rows))},
                headers={"Content-Disposition": f'attachment; filename="{filename}"'},
            )
        return Response(gradebook_json(book))


def gradebook_json(book: ClassGradebook) -> dict:
    """`GradebookSerializer`'s output, written directly: the serializer takes about a second
    for the 20,000 cells of 1,000 students × 20 quizzes (bench/gradebook.py); the schema and
    tests/test_gradebook.py keep the two alike."""

    def decimal(value):
        return None if value is None else f"{Decimal(value).quantize(CENT)}"

    return {
        "classroom": {"id": book.classroom.pk, "name": book.classroom.name},
        "quizzes": [
            {
                "id": quiz.id,
                "slug": quiz.slug,
                "title": quiz.title,
                "due": None
                if quiz.due is None
                else serializers.DateTimeField().to_representation(quiz.due),
                "maximum_grade": decimal(quiz.maximum_grade),
                "grading_method": quiz.grading_method,
                "finished": quiz.finished,
                "completion": quiz.completion,
            }
            for quiz in book.quizzes
        ],
        "students": [
            {
                "id": row.student.id,
                "username": row.student.username,
                "name": row.student.name,
                "cells": [
                    {
                        "quiz": cell.quiz_id,
                        "state": cell.state,
                        "attempts": cell.attempts,
                        "grade": decimal(cell.grade),
                        "time_taken": None
                        if cell.time_taken is None
                        else duration_string(cell.time_taken),
                        "accommodation": cell.accommodation,
                    }
                    for cell in row.cells
                ],
            }
            for row in book.rows
        ],
    }
