from django.contrib import admin, messages

from quizzes.grades import format_grade
from quizzes.models import Attempt, AttemptState, Response
from quizzes.services.attempts import attempt_regrade


class GradeColumns:
    """Scores, grades and marks written as on every page ("0", "25", "33.33")."""

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


class ResponseInline(GradeColumns, admin.TabularInline):
    model = Response
    fields = (
        "slot",
        "question",
        "answer",
        "fraction",
        "score_display",
        "marks_display",
        "flagged",
        "answered_at",
    )
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Attempt)
class AttemptAdmin(GradeColumns, admin.ModelAdmin):
    """Attempts are read here and change only through the services (taking, finishing, the
    re-grade action): an editable state would let a finished attempt be reopened by hand, past
    its deadline and its one-attempt-in-progress rule. The student's attempt page is the
    student's own (anyone else gets a 404), so there is no "View on site" either.
    """

    list_display = (
        "quiz",
        "user",
        "number",
        "state",
        "score_display",
        "grade_display",
        "started_at",
        "finished_at",
    )
    list_filter = ("state", "quiz")
    list_select_related = ("quiz", "user")
    search_fields = ("user__username", "quiz__title")
    date_hierarchy = "started_at"
    fields = (
        "quiz",
        "student",
        "number",
        "state",
        "started_at",
        "deadline",
        "finished_at",
        "max_score_display",
        "score_display",
        "grade_display",
        "layout",
    )
    readonly_fields = fields
    inlines = [ResponseInline]
    actions = ["regrade"]
    view_on_site = False

    # The student as plain text: Django would link the user to the user admin, which teachers
    # (rightly) cannot open.
    @admin.display(description="Student")
    def student(self, obj):
        name = obj.user.get_full_name()
        return f"{obj.user.get_username()} ({name})" if name else obj.user.get_username()

    def has_change_permission(self, request, obj=None):
        """`change_attempt` allows the re-grade action; no attempt is edited by hand."""
        return obj is None and super().has_change_permission(request)

    @admin.action(
        description="Re-grade the selected finished attempts from the current questions",
        permissions=["change"],
    )
    def regrade(self, request, queryset):
        """Re-read each question as it is now into the responses' grading data and re-grade."""
        finished = queryset.filter(state=AttemptState.FINISHED).select_related("quiz", "user")
        skipped = queryset.exclude(state=AttemptState.FINISHED).count()
        changed_attempts = 0
        for attempt in finished:
            old_grade = attempt.grade
            changes = attempt_regrade(attempt=attempt)
            if not changes:
                continue
            changed_attempts += 1
            details = "; ".join(
                f"Q{c['slot']} {format_grade(c['old_score'])} → {format_grade(c['new_score'])}"
                for c in changes
            )
            self.message_user(
                request,
                f"{attempt}: grade {format_grade(old_grade)} → {format_grade(attempt.grade)} "
                f"({details}).",
                messages.WARNING,
            )
        summary = f"Re-graded {finished.count()} attempt(s); {changed_attempts} changed."
        if skipped:
            summary += f" {skipped} not finished, left alone."
        self.message_user(request, summary, messages.SUCCESS)


@admin.register(Response)
class ResponseAdmin(GradeColumns, admin.ModelAdmin):
    list_display = ("attempt", "slot", "question", "fraction", "score_display", "answered_at")
    list_select_related = ("attempt__quiz", "attempt__user", "question")
    search_fields = ("attempt__user__username", "attempt__quiz__title")
    readonly_fields = (
        "attempt",
        "question",
        "slot",
        "snapshot",
        "marks_display",
        "answer",
        "answered_at",
        "flagged",
        "checked",
        "fraction",
        "score_display",
    )

    def has_add_permission(self, request):
        return False
