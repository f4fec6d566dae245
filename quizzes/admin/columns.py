"""Admin columns that write numbers as the student pages do: "1" and "0.5", never "1.0"."""

from django.contrib import admin

from quizzes.grades import format_grade
from quizzes.services.grading import describe_answer


class GradeColumns:
    """Scores, grades, marks and fractions written as on every page ("0", "25", "33.33")."""

    @admin.display(description="Score", ordering="score")
    def score_display(self, obj):
        return format_grade(obj.score) or "–"

    @admin.display(description="Grade", ordering="grade")
    def grade_display(self, obj):
        return format_grade(obj.grade) or "–"

    @admin.display(description="Max score")
    def max_score_display(self, obj):
        return format_grade(obj.max_score)

    @admin.display(description="Marks")
    def marks_display(self, obj):
        return format_grade(obj.marks)

    @admin.display(description="Fraction", ordering="fraction")
    def fraction_display(self, obj):
        return format_grade(obj.fraction) or "–"


class MemoryColumns:
    """A card state's FSRS figures, to two decimals."""

    @admin.display(description="Stability (days)", ordering="stability")
    def stability_display(self, obj):
        return format_grade(obj.stability) or "–"

    @admin.display(description="Difficulty", ordering="difficulty")
    def difficulty_display(self, obj):
        return format_grade(obj.difficulty) or "–"


class ResponseColumns(GradeColumns):
    """A response's answer in words, as the review states it."""

    @admin.display(description="Answer")
    def answer_display(self, obj):
        if obj.answer is None:
            return "(no answer)"
        return describe_answer(snapshot=obj.snapshot, answer=obj.answer)
