from django.contrib import admin

from quizzes.models import Attempt, Response


class ResponseInline(admin.TabularInline):
    model = Response
    fields = ("slot", "question", "answer", "fraction", "score", "marks", "flagged", "answered_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = (
        "quiz",
        "user",
        "number",
        "state",
        "started_at",
        "finished_at",
        "score",
        "grade",
    )
    list_filter = ("state", "quiz")
    list_select_related = ("quiz", "user")
    search_fields = ("user__username", "quiz__title")
    date_hierarchy = "started_at"
    readonly_fields = (
        "quiz",
        "user",
        "number",
        "started_at",
        "deadline",
        "finished_at",
        "max_score",
        "score",
        "grade",
        "layout",
    )
    inlines = [ResponseInline]


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ("attempt", "slot", "question", "fraction", "score", "answered_at")
    list_select_related = ("attempt__quiz", "attempt__user", "question")
    search_fields = ("attempt__user__username", "attempt__quiz__title")
    readonly_fields = (
        "attempt",
        "question",
        "slot",
        "snapshot",
        "marks",
        "answer",
        "answered_at",
        "flagged",
        "checked",
        "fraction",
        "score",
    )

    def has_add_permission(self, request):
        return False
