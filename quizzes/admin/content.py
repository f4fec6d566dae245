from django.contrib import admin, messages
from django.db import models
from django.forms import NumberInput, Textarea, TextInput
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode

from quizzes.admin.forms import FactFormSet
from quizzes.admin.ownership import OWNERSHIP_FIELDS, OwnedAdmin, OwnedInline
from quizzes.models import Article, Fact
from quizzes.services.bank_building import GenerationReport, generate_questions

MAX_KEYS_SHOWN = 5


class GeneratesQuestions:
    """Generating writes questions: only for those who may add and change them."""

    def has_generate_permission(self, request):
        return request.user.has_perms(["quizzes.add_question", "quizzes.change_question"])


def report_generation(modeladmin, request, report: GenerationReport, facts) -> None:
    """Tell the teacher how many questions were created, updated and skipped, and why.

    Skipped questions are named by their fact's answer and the generator ("“Prague” (short)"),
    not by keys a teacher never sees; one line per reason.
    """
    facts = list(facts)
    if not facts:
        modeladmin.message_user(
            request, "Nothing was generated: the selection has no facts.", messages.WARNING
        )
        return
    line = (
        f"Created {len(report.created)}, updated {len(report.updated)}, left "
        f"{len(report.unchanged)} unchanged and skipped {len(report.skips)} question(s) from "
        f"{len(facts)} fact(s) of {len({fact.article_id for fact in facts})} article(s)."
    )
    groups = report.skipped_by_reason()
    if not groups:
        modeladmin.message_user(request, line, messages.SUCCESS)
        return
    answers = {fact.key: fact.answer for fact in facts}
    lines = []
    for reason, keys in groups.items():
        named = [_skipped_name(key, answers) for key in keys[:MAX_KEYS_SHOWN]]
        more = f" and {len(keys) - MAX_KEYS_SHOWN} more" if len(keys) > MAX_KEYS_SHOWN else ""
        lines.append((reason, len(keys), ", ".join(named) + more))
    modeladmin.message_user(
        request,
        format_html(
            "{} Skipped because:{}",
            line,
            format_html_join("", "<br>• {} ({}): {}", lines),
        ),
        messages.WARNING,
    )


def _skipped_name(key: str, answers: dict[str, str]) -> str:
    fact_key, _, generator = key.partition(":")
    answer = answers.get(fact_key)
    if answer is None:
        return key
    return f"“{answer}” ({generator})" if generator else f"“{answer}”"


@admin.action(
    description="Generate questions from the facts of the selected articles",
    permissions=["generate"],
)
def generate_for_articles(modeladmin, request, queryset):
    facts = list(
        Fact.objects.filter(article__in=queryset)
        .select_related("article")
        .order_by("article__slug", "position", "pk")
    )
    report = generate_questions(facts=facts, owner=request.user)
    report_generation(modeladmin, request, report, facts)


@admin.action(description="Generate questions from the selected facts", permissions=["generate"])
def generate_for_facts(modeladmin, request, queryset):
    facts = list(queryset.select_related("article").order_by("article__slug", "position", "pk"))
    report = generate_questions(facts=facts, owner=request.user)
    report_generation(modeladmin, request, report, facts)


class FactInline(OwnedInline, admin.TabularInline):
    """The article's facts in order. The key is read-only here: a new row gets its own at save.

    (An editable key would be copied from the blank row into every row added with "Add another
    Fact", and the second one would fail as a duplicate.)
    """

    model = Fact
    formset = FactFormSet
    fields = ("position", "kind", "sentence", "answer", "prompt", "fact_key")
    readonly_fields = ("fact_key",)
    ordering = ("position", "pk")
    formfield_overrides = {  # narrow enough for the row to fit a laptop screen
        models.TextField: {"widget": Textarea(attrs={"rows": 3, "cols": 50})},
        models.CharField: {"widget": TextInput(attrs={"size": 24})},
        models.PositiveIntegerField: {"widget": NumberInput(attrs={"class": "narrow-number"})},
    }
    extra = 0

    class Media:
        css = {"all": ["css/admin.css"]}  # a file, not a style="…" (the CSP allows none)

    show_change_link = True

    @admin.display(description="Key")
    def fact_key(self, obj):
        return obj.key if obj.pk else "made on save"


@admin.register(Article)
class ArticleAdmin(OwnedAdmin, GeneratesQuestions, admin.ModelAdmin):
    list_display = ("title", "publisher", "published", "fact_count", "owner")
    list_select_related = ("owner",)
    fields = ("title", "slug", "publisher", "byline", "url", "published", "body", *OWNERSHIP_FIELDS)
    list_filter = ("publisher", "published")
    search_fields = ("title", "slug", "body", "byline")
    prepopulated_fields = {"slug": ("title",)}
    date_hierarchy = "published"
    inlines = [FactInline]
    # The flashcards app adds its "Build a deck" action (flashcards/admin.py).
    actions = [generate_for_articles]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(_fact_count=Count("facts"))

    @admin.display(description="Facts", ordering="_fact_count")
    def fact_count(self, obj):
        return obj._fact_count


@admin.register(Fact)
class FactAdmin(OwnedAdmin, GeneratesQuestions, admin.ModelAdmin):
    list_display = ("answer", "kind", "article", "prompt", "key")
    # Only the articles this teacher's facts come from (a plain filter would list every title).
    list_filter = ("kind", ("article", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("article",)
    search_fields = ("key", "sentence", "answer", "prompt")
    autocomplete_fields = ("article",)
    actions = [generate_for_facts]

    def view_on_site(self, obj):
        """The article's page with this fact's sentence highlighted."""
        return f"{obj.article.get_absolute_url()}?{urlencode({'fact': obj.key})}"
