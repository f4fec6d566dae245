import hashlib

from django.contrib import admin
from django.core.cache import cache
from django.db import connection, models
from django.db.models import (
    Avg,
    Count,
    FloatField,
    IntegerField,
    OuterRef,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Greatest
from django.forms import Textarea
from django.urls import path

from quizzes.admin.columns import GradeColumns
from quizzes.admin.forms import (
    AcceptedAnswerFormSet,
    ChoiceFormSet,
    MatchPairFormSet,
    OrderingItemFormSet,
    QuestionForm,
)
from quizzes.admin.interchange import export_action, import_view
from quizzes.admin.ownership import OWNERSHIP_FIELDSET, OwnedAdmin, OwnedInline
from quizzes.models import (
    AcceptedAnswer,
    AttemptState,
    Choice,
    Fact,
    MatchPair,
    OrderingItem,
    Question,
    QuestionVersion,
    Response,
    Tag,
)
from quizzes.services.bank_building import audit_questions

AUDIT_CACHE_SECONDS = 300


def bank_fingerprint() -> str:
    """What changes when the bank's quality can change, in one query: the counts and latest
    edits of questions and facts, and the counts of choices, accepted answers, match pairs
    and ordering items."""
    q, f, c, a, m, o = (
        connection.ops.quote_name(model._meta.db_table)
        for model in (Question, Fact, Choice, AcceptedAnswer, MatchPair, OrderingItem)
    )
    # Table names from the models' own metadata, quoted: nothing here comes from a request.
    sql = (
        f"SELECT (SELECT COUNT(*) FROM {q}), (SELECT MAX(updated_at) FROM {q}), "  # noqa: S608
        f"(SELECT COUNT(*) FROM {f}), (SELECT MAX(updated_at) FROM {f}), "
        f"(SELECT COUNT(*) FROM {c}), (SELECT COUNT(*) FROM {a}), "
        f"(SELECT COUNT(*) FROM {m}), (SELECT COUNT(*) FROM {o})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return hashlib.sha256(repr(row).encode()).hexdigest()[:32]


def bank_problems(request=None) -> dict[str, list[str]]:
    """What the quality checks find in the whole bank, by question key.

    The audit reads every question (about 2 s for the demo bank), so its result is cached
    under the bank's fingerprint: a changelist costs one query while nothing changed, and the
    audit runs again after any question, choice, answer or fact is added, removed or edited
    (a choice edited on its own page, which leaves counts and the question alone, shows within
    AUDIT_CACHE_SECONDS). Once per request: the filter and the column share it."""
    cached = getattr(request, "_bank_problems", None)
    if cached is None:
        key = f"admin:bank-problems:{bank_fingerprint()}"
        cached = cache.get(key)
        if cached is None:
            questions = Question.objects.select_related("fact__article").prefetch_related(
                "choices", "accepted_answers", "match_pairs", "ordering_items"
            )
            cached, _ = audit_questions(questions)
            cache.set(key, cached, AUDIT_CACHE_SECONDS)
        if request is not None:
            request._bank_problems = cached
    return cached


class NeedsALookFilter(admin.SimpleListFilter):
    """Questions the quality checks (`manage.py audit_bank`) find a problem with."""

    title = "needs a look"
    parameter_name = "needs_a_look"

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request, queryset):
        if self.value() not in ("yes", "no"):
            return queryset
        keys = list(bank_problems(request))
        if self.value() == "yes":
            return queryset.filter(key__in=keys)
        return queryset.exclude(key__in=keys)


class ChoiceInline(OwnedInline, admin.TabularInline):
    model = Choice
    formset = ChoiceFormSet
    fields = ("order", "text", "fraction", "feedback")
    formfield_overrides = {models.TextField: {"widget": Textarea(attrs={"rows": 2, "cols": 40})}}
    extra = 0


class AcceptedAnswerInline(OwnedInline, admin.TabularInline):
    model = AcceptedAnswer
    formset = AcceptedAnswerFormSet
    fields = ("order", "text", "fraction", "match")
    extra = 0


class MatchPairInline(OwnedInline, admin.TabularInline):
    """Matching: each stem with its answer; a row with no stem is an extra answer."""

    model = MatchPair
    formset = MatchPairFormSet
    fields = ("order", "stem", "answer")
    extra = 0
    verbose_name = "matching pair (leave the stem empty for an extra answer)"
    verbose_name_plural = "matching pairs and extra answers"


class OrderingItemInline(OwnedInline, admin.TabularInline):
    """Ordering: the items, numbered in their right order."""

    model = OrderingItem
    formset = OrderingItemFormSet
    fields = ("order", "text")
    extra = 0
    verbose_name = "ordering item (in its right place)"
    verbose_name_plural = "ordering items, in the right order"


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Question)
class QuestionAdmin(OwnedAdmin, admin.ModelAdmin):
    form = QuestionForm
    list_display = (
        "short_text",
        "kind",
        "fact",
        "generator",
        "default_marks",
        "facility",
        "answered",
        "needs_a_look",
        "updated_at",
    )
    list_filter = (
        NeedsALookFilter,
        "kind",
        "generator",
        "tags",
        ("fact__article", admin.RelatedOnlyFieldListFilter),  # this teacher's questions' only
    )
    list_select_related = ("fact",)
    search_fields = ("key", "text", "explanation", "fact__answer")
    autocomplete_fields = ("fact", "tags")
    readonly_fields = ("generator", "generated_checksum", "created_at", "updated_at")
    inlines = [ChoiceInline, AcceptedAnswerInline, MatchPairInline, OrderingItemInline]
    actions = [export_action("gift"), export_action("moodle-xml")]
    fieldsets = (
        (None, {"fields": ("kind", "text", "explanation", "fact", "tags", "default_marks")}),
        ("Numeric questions", {"fields": ("numeric_answer", "numeric_tolerance")}),
        ("Matching and ordering questions", {"fields": ("all_or_nothing", "shared_answers")}),
        OWNERSHIP_FIELDSET,
        (
            "Bookkeeping",
            {
                "classes": ("collapse",),
                "fields": (
                    "key",
                    "generator",
                    "generated_checksum",
                    "created_at",
                    "updated_at",
                ),
            },
        ),
    )

    def get_urls(self):
        page = path(
            "import/",
            self.admin_site.admin_view(self.import_view),
            name=f"{self.opts.app_label}_{self.opts.model_name}_import",
        )
        # Before the default URLs: their "<path:object_id>/" would swallow "import/".
        return [page, *super().get_urls()]

    def import_view(self, request):
        """Upload a GIFT, Moodle XML or Aiken file, see what it will create, confirm."""
        return import_view(self, request)

    @admin.display(description="Question", ordering="text")
    def short_text(self, obj):
        return obj.text if len(obj.text) <= 90 else obj.text[:87] + "…"

    def get_queryset(self, request):
        """Each question with its facility and answer count over finished attempts (one query).

        Facility is the mean share of the marks earned, a penalty counting as 0 (as on a quiz's
        results page); unanswered responses count in it as 0 but not in "Answered". Correlated
        subqueries (on the response's question index) rather than a join and GROUP BY, so the
        changelist's counts and filters do not drag every response along.
        """
        finished = (
            Response.objects.filter(question=OuterRef("pk"), attempt__state=AttemptState.FINISHED)
            .order_by()
            .values("question")
        )
        facility = finished.annotate(
            value=Avg(Greatest("fraction", Value(0.0), output_field=FloatField()))
        ).values("value")
        answered = finished.filter(answer__isnull=False).annotate(count=Count("pk")).values("count")
        return (
            super()
            .get_queryset(request)
            .annotate(
                facility_value=Subquery(facility, output_field=FloatField()),
                answered_count=Coalesce(Subquery(answered, output_field=IntegerField()), Value(0)),
            )
        )

    @admin.display(description="Facility", ordering="facility_value")
    def facility(self, obj):
        value = getattr(obj, "facility_value", None)
        return None if value is None else f"{min(value, 1.0):.0%}"

    @admin.display(description="Answered", ordering="answered_count")
    def answered(self, obj):
        return getattr(obj, "answered_count", None)

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        problems = bank_problems(request)
        for question in changelist.result_list:
            question.quality_problems = problems.get(question.key, [])
        return changelist

    @admin.display(description="Needs a look")
    def needs_a_look(self, obj):
        problems = getattr(obj, "quality_problems", [])
        return "; ".join(problems) if problems else "—"


@admin.register(Choice)
class ChoiceAdmin(OwnedAdmin, GradeColumns, admin.ModelAdmin):
    list_display = ("text", "fraction_display", "question", "order")
    list_select_related = ("question",)
    search_fields = ("text", "question__text")
    raw_id_fields = ("question",)


@admin.register(AcceptedAnswer)
class AcceptedAnswerAdmin(OwnedAdmin, GradeColumns, admin.ModelAdmin):
    list_display = ("text", "fraction_display", "match", "question")
    list_filter = ("match",)
    list_select_related = ("question",)
    search_fields = ("text", "question__text")
    raw_id_fields = ("question",)


@admin.register(QuestionVersion)
class QuestionVersionAdmin(OwnedAdmin, admin.ModelAdmin):
    """The versions attempts showed: read only (an edit of the question makes the next one)."""

    list_display = ("__str__", "question", "created_at")
    list_select_related = ("question",)
    raw_id_fields = ("question",)
    search_fields = ("question__key", "digest")
    fields = readonly_fields = ("question", "created_at", "digest", "shown_text")

    @admin.display(description="Text")
    def shown_text(self, obj):
        return obj.snapshot.get("text", "")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MatchPair)
class MatchPairAdmin(OwnedAdmin, admin.ModelAdmin):
    list_display = ("stem", "answer", "question", "order")
    list_select_related = ("question",)
    search_fields = ("stem", "answer", "question__text")
    raw_id_fields = ("question",)


@admin.register(OrderingItem)
class OrderingItemAdmin(OwnedAdmin, admin.ModelAdmin):
    list_display = ("text", "question", "order")
    list_select_related = ("question",)
    search_fields = ("text", "question__text")
    raw_id_fields = ("question",)
