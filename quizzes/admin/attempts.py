from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join

from quizzes.admin.columns import GradeColumns, ResponseColumns
from quizzes.admin.ownership import ResultsAdmin
from quizzes.grades import format_grade
from quizzes.models import Attempt, AttemptState, Response
from quizzes.services import grading
from quizzes.services.attempts import attempt_regrade


class ResponseInline(ResponseColumns, admin.TabularInline):
    model = Response
    fields = (
        "slot",
        "question",
        "answer_display",
        "fraction_display",
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
class AttemptAdmin(ResultsAdmin, GradeColumns, admin.ModelAdmin):
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
    list_filter = ("state", ("quiz", admin.RelatedOnlyFieldListFilter))
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
class ResponseAdmin(ResultsAdmin, ResponseColumns, admin.ModelAdmin):
    list_display = (
        "attempt",
        "slot",
        "question",
        "fraction_display",
        "score_display",
        "answered_at",
    )
    list_select_related = ("attempt__quiz", "attempt__user", "question")
    search_fields = ("attempt__user__username", "attempt__quiz__title")
    fields = readonly_fields = (
        "attempt",
        "question",
        "slot",
        "snapshot_display",
        "marks_display",
        "answer_display",
        "answered_at",
        "flagged",
        "checked",
        "fraction_display",
        "score_display",
    )

    @admin.display(description="The question as shown")
    def snapshot_display(self, obj):
        """The frozen question in words: its text, options with their fractions, accepted
        answers, and the sentence it came from."""
        snapshot = obj.snapshot or {}
        rows = [format_html("<p>{}</p>", snapshot.get("text", ""))]
        options = [
            (c["text"], format_grade(c["fraction"])) for c in snapshot.get("choices") or []
        ] + [
            (a["text"], format_grade(a["fraction"])) for a in snapshot.get("accepted_answers") or []
        ]
        if options:
            rows.append(
                format_html("<ul>{}</ul>", format_html_join("", "<li>{} ({})</li>", options))
            )
        if snapshot.get("numeric"):
            rows.append(
                format_html("<p>Answer: {}</p>", grading.describe_correct(snapshot=snapshot))
            )
        if (snapshot.get("fact") or {}).get("sentence"):
            rows.append(format_html("<p>From: “{}”</p>", snapshot["fact"]["sentence"]))
        return format_html_join("", "{}", ((row,) for row in rows))

    def has_add_permission(self, request):
        return False
