from django.contrib import admin

from quizzes.admin.forms import AcceptedAnswerFormSet, ChoiceFormSet, QuestionForm
from quizzes.models import AcceptedAnswer, Choice, Question, Tag


class ChoiceInline(admin.TabularInline):
    model = Choice
    formset = ChoiceFormSet
    fields = ("order", "text", "fraction", "feedback")
    extra = 0


class AcceptedAnswerInline(admin.TabularInline):
    model = AcceptedAnswer
    formset = AcceptedAnswerFormSet
    fields = ("order", "text", "fraction", "match")
    extra = 0


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    form = QuestionForm
    list_display = ("short_text", "kind", "fact", "generator", "default_marks", "updated_at")
    list_filter = ("kind", "generator", "tags", "fact__article")
    list_select_related = ("fact",)
    search_fields = ("key", "text", "explanation", "fact__answer")
    autocomplete_fields = ("fact", "tags")
    readonly_fields = ("generator", "generated_checksum", "created_at", "updated_at")
    inlines = [ChoiceInline, AcceptedAnswerInline]
    fieldsets = (
        (None, {"fields": ("kind", "text", "explanation", "fact", "tags", "default_marks")}),
        ("Numeric questions", {"fields": ("numeric_answer", "numeric_tolerance")}),
        (
            "Bookkeeping",
            {
                "classes": ("collapse",),
                "fields": (
                    "key",
                    "author",
                    "generator",
                    "generated_checksum",
                    "created_at",
                    "updated_at",
                ),
            },
        ),
    )

    @admin.display(description="Question", ordering="text")
    def short_text(self, obj):
        return obj.text if len(obj.text) <= 90 else obj.text[:87] + "…"

    def save_model(self, request, obj, form, change):
        if not change and obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)


@admin.register(Choice)
class ChoiceAdmin(admin.ModelAdmin):
    list_display = ("text", "fraction", "question", "order")
    list_select_related = ("question",)
    search_fields = ("text", "question__text")
    raw_id_fields = ("question",)


@admin.register(AcceptedAnswer)
class AcceptedAnswerAdmin(admin.ModelAdmin):
    list_display = ("text", "fraction", "match", "question")
    list_filter = ("match",)
    list_select_related = ("question",)
    search_fields = ("text", "question__text")
    raw_id_fields = ("question",)
