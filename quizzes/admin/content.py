from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join

from quizzes.models import Article, Fact
from quizzes.services.bank_building import GenerationReport, generate_questions
from quizzes.services.decks import build_deck

MAX_KEYS_SHOWN = 5


class GeneratesQuestions:
    """Generating writes questions: only for those who may add and change them."""

    def has_generate_permission(self, request):
        return request.user.has_perms(["quizzes.add_question", "quizzes.change_question"])


def report_generation(modeladmin, request, report: GenerationReport) -> None:
    """Tell the teacher how many questions were created, updated and skipped, and why."""
    level = messages.SUCCESS if not report.skips else messages.WARNING
    groups = report.skipped_by_reason()
    if not groups:
        modeladmin.message_user(request, report.summary(), level)
        return
    items = []
    for reason, keys in groups.items():
        shown = ", ".join(keys[:MAX_KEYS_SHOWN])
        more = f" and {len(keys) - MAX_KEYS_SHOWN} more" if len(keys) > MAX_KEYS_SHOWN else ""
        items.append((reason, len(keys), shown + more))
    line = (
        f"Created {len(report.created)}, updated {len(report.updated)}, "
        f"left {len(report.unchanged)} unchanged and skipped {len(report.skips)} question(s)."
    )
    modeladmin.message_user(
        request,
        format_html(
            "{} Skipped because:<ul>{}</ul>",
            line,
            format_html_join("", "<li>{} ({}): {}</li>", items),
        ),
        level,
    )


@admin.action(
    description="Generate questions from the facts of the selected articles",
    permissions=["generate"],
)
def generate_for_articles(modeladmin, request, queryset):
    facts = Fact.objects.filter(article__in=queryset).order_by("article__slug", "position", "pk")
    report = generate_questions(facts=facts, author=request.user)
    report_generation(modeladmin, request, report)


@admin.action(description="Generate questions from the selected facts", permissions=["generate"])
def generate_for_facts(modeladmin, request, queryset):
    report = generate_questions(
        facts=queryset.order_by("article__slug", "position", "pk"), author=request.user
    )
    report_generation(modeladmin, request, report)


@admin.action(
    description="Build (or rebuild) a flashcard deck from each selected article",
    permissions=["build_deck"],
)
def build_decks_for_articles(modeladmin, request, queryset):
    for article in queryset.order_by("slug"):
        result = build_deck(slug=f"{article.slug}-deck", articles=[article], title=article.title)
        modeladmin.message_user(request, result.summary(), messages.SUCCESS)


class FactInline(admin.TabularInline):
    model = Fact
    fields = ("position", "kind", "sentence", "answer", "prompt", "key")
    extra = 0
    show_change_link = True


@admin.register(Article)
class ArticleAdmin(GeneratesQuestions, admin.ModelAdmin):
    list_display = ("title", "publisher", "published", "fact_count")
    list_filter = ("publisher", "published")
    search_fields = ("title", "slug", "body", "byline")
    prepopulated_fields = {"slug": ("title",)}
    date_hierarchy = "published"
    inlines = [FactInline]
    actions = [generate_for_articles, build_decks_for_articles]

    def has_build_deck_permission(self, request):
        return request.user.has_perms(["quizzes.add_card", "quizzes.change_card"])

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(_fact_count=Count("facts"))

    @admin.display(description="Facts", ordering="_fact_count")
    def fact_count(self, obj):
        return obj._fact_count


@admin.register(Fact)
class FactAdmin(GeneratesQuestions, admin.ModelAdmin):
    list_display = ("answer", "kind", "article", "prompt", "key")
    list_filter = ("kind", "article")
    list_select_related = ("article",)
    search_fields = ("key", "sentence", "answer", "prompt")
    autocomplete_fields = ("article",)
    actions = [generate_for_facts]
