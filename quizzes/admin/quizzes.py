"""Quizzes in the admin, with each quiz's results page (how its questions performed)."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from quizzes.admin.forms import QuizForm, QuizQuestionFormSet, QuizRandomSlotFormSet
from quizzes.admin.interchange import export_action
from quizzes.admin.ownership import OWNERSHIP_FIELDSET, OwnedAdmin, OwnedInline
from quizzes.charts import bar_chart
from quizzes.grades import format_grade
from quizzes.models import QuestionKind, Quiz, QuizQuestion, QuizRandomSlot
from quizzes.selectors import quiz_results_rows
from quizzes.services.analytics import quiz_results
from quizzes.services.quizzes import quiz_publish

RESULTS_PERMISSION = "quizzes.view_attempt"


class QuizQuestionInline(OwnedInline, admin.TabularInline):
    model = QuizQuestion
    formset = QuizQuestionFormSet
    fields = ("order", "question", "marks")
    autocomplete_fields = ("question",)
    ordering = ("order",)
    extra = 0


class QuizRandomSlotInline(OwnedInline, admin.TabularInline):
    """Places that draw questions at random, anew for each attempt."""

    model = QuizRandomSlot
    formset = QuizRandomSlotFormSet
    fields = ("order", "tag", "article", "count", "marks")
    autocomplete_fields = ("tag", "article")
    ordering = ("order",)
    extra = 0
    verbose_name = "random slot"
    verbose_name_plural = "random slots: questions drawn at random for each attempt"


@admin.register(Quiz)
class QuizAdmin(OwnedAdmin, admin.ModelAdmin):
    form = QuizForm
    list_display = (
        "title",
        "published",
        "public",
        "question_count",
        "total_marks",
        "opens_at",
        "closes_at",
        "time_limit",
        "attempts_allowed",
    )
    list_filter = ("published", "public", "feedback_mode", "grading_method", "tags")
    search_fields = ("title", "slug", "description")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("tags",)
    inlines = [QuizQuestionInline, QuizRandomSlotInline]
    actions = [
        "publish",
        "unpublish",
        export_action("gift", of_quizzes=True),
        export_action("moodle-xml", of_quizzes=True),
    ]
    fieldsets = (
        (None, {"fields": ("title", "slug", "description", "tags", "published", "public")}),
        ("Timing", {"fields": ("opens_at", "closes_at", "time_limit")}),
        (
            "Attempts and grading",
            {"fields": ("attempts_allowed", "grading_method", "maximum_grade", "pass_mark")},
        ),
        ("Presentation", {"fields": ("shuffle_questions", "shuffle_choices", "feedback_mode")}),
        ("Review", {"fields": ("review_options",)}),
        OWNERSHIP_FIELDSET,
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _question_count=Count("quiz_questions"), _total_marks=Sum("quiz_questions__marks")
            )
        )

    @admin.display(description="Questions", ordering="_question_count")
    def question_count(self, obj):
        return obj._question_count

    @admin.display(description="Marks", ordering="_total_marks")
    def total_marks(self, obj):
        return format_grade(obj._total_marks or 0)

    @admin.action(description="Publish the selected quizzes", permissions=["change"])
    def publish(self, request, queryset):
        """Publish the quizzes that have questions; say which were left out and why."""
        report = quiz_publish(quizzes=queryset)
        titles = report.published
        self.message_user(
            request,
            f"Published {len(titles)} quiz(zes)" + (f": {', '.join(titles)}." if titles else "."),
            messages.SUCCESS,
        )
        if report.empty:
            self.message_user(
                request,
                f"Not published, they have no questions yet: {', '.join(report.empty)}.",
                messages.WARNING,
            )
        for title, problems in report.short.items():
            self.message_user(
                request, f"Not published, {title}: {' '.join(problems)}", messages.WARNING
            )

    @admin.action(description="Unpublish the selected quizzes", permissions=["change"])
    def unpublish(self, request, queryset):
        """Hide quizzes from the students' list; attempts in progress can still be finished."""
        titles = sorted(q.title for q in queryset if q.published)
        Quiz.objects.filter(pk__in=[q.pk for q in queryset]).update(published=False)
        self.message_user(
            request,
            f"Unpublished {len(titles)} quiz(zes)"
            + (f": {', '.join(titles)}." if titles else ".")
            + " Students no longer see them in the quiz list.",
            messages.SUCCESS,
        )

    # --- results: how the quiz's questions performed -------------------------------------------

    def get_urls(self):
        results = path(
            "<path:object_id>/results/",
            self.admin_site.admin_view(self.results_view),
            name=f"{self.opts.app_label}_{self.opts.model_name}_results",
        )
        # Before the default URLs: their "<path:object_id>/" would swallow ".../results/".
        return [results, *super().get_urls()]

    def get_list_display(self, request):
        list_display = super().get_list_display(request)
        if request.user.has_perm(RESULTS_PERMISSION):
            return (*list_display, "results_link")
        return list_display

    @admin.display(description="Results")
    def results_link(self, obj):
        url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_results", args=[obj.pk])
        return format_html('<a href="{}">Results</a>', url)

    def results_view(self, request, object_id):
        """Summary, grade distribution and per-question figures of the finished attempts."""
        if not request.user.has_perm(RESULTS_PERMISSION):
            raise PermissionDenied
        quiz = self.get_object(request, unquote(object_id))
        if quiz is None:
            raise Http404("No such quiz.")
        rows = quiz_results_rows(quiz=quiz)
        results = quiz_results(
            attempts=rows.attempts,
            responses=rows.responses,
            maximum_grade=quiz.maximum_grade,
            pass_mark=quiz.pass_mark,
            positions=rows.positions,
            drawn=rows.drawn,
        )
        kinds = dict(QuestionKind.choices)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": quiz,
            "quiz": quiz,
            "title": f"Results: {quiz.title}",
            "summary": results.summary,
            "distribution_chart": bar_chart(
                [(band.label, band.count) for band in results.distribution], label_all=True
            ),
            "questions": [
                {"figures": question, "kind": kinds.get(question.kind, question.kind)}
                for question in results.questions
            ],
            "has_view_permission": self.has_view_permission(request, quiz),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/quizzes/quiz/results.html", context)


@admin.register(QuizQuestion)
class QuizQuestionAdmin(OwnedAdmin, admin.ModelAdmin):
    list_display = ("quiz", "order", "question", "marks")
    list_filter = (("quiz", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("quiz", "question")
    search_fields = ("quiz__title", "question__text")
    autocomplete_fields = ("quiz", "question")


@admin.register(QuizRandomSlot)
class QuizRandomSlotAdmin(OwnedAdmin, admin.ModelAdmin):
    list_display = ("quiz", "order", "tag", "article", "count", "marks")
    list_filter = (("quiz", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("quiz", "tag", "article")
    search_fields = ("quiz__title", "tag__name", "article__title")
    autocomplete_fields = ("quiz", "tag", "article")
