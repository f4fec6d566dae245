from django.contrib import admin

from quizzes.models import Quiz, QuizQuestion


class QuizQuestionInline(admin.TabularInline):
    model = QuizQuestion
    fields = ("order", "question", "marks")
    autocomplete_fields = ("question",)
    ordering = ("order",)
    extra = 0


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
    list_display = ("title", "published", "opens_at", "closes_at", "time_limit", "attempts_allowed")
    list_filter = ("published", "feedback_mode", "grading_method", "tags")
    search_fields = ("title", "slug", "description")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("tags",)
    inlines = [QuizQuestionInline]
    fieldsets = (
        (None, {"fields": ("title", "slug", "description", "tags", "published")}),
        ("Timing", {"fields": ("opens_at", "closes_at", "time_limit")}),
        (
            "Attempts and grading",
            {"fields": ("attempts_allowed", "grading_method", "maximum_grade", "pass_mark")},
        ),
        (
            "Presentation and review",
            {
                "fields": (
                    "shuffle_questions",
                    "shuffle_choices",
                    "feedback_mode",
                    "review_correct_answers",
                )
            },
        ),
    )

    def save_model(self, request, obj, form, change):
        if not change and obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)


@admin.register(QuizQuestion)
class QuizQuestionAdmin(admin.ModelAdmin):
    list_display = ("quiz", "order", "question", "marks")
    list_filter = ("quiz",)
    list_select_related = ("quiz", "question")
    search_fields = ("quiz__title", "question__text")
    autocomplete_fields = ("quiz", "question")
