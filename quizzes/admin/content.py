from django.contrib import admin

from quizzes.models import Article, Fact


class FactInline(admin.TabularInline):
    model = Fact
    fields = ("position", "kind", "sentence", "answer", "prompt", "key")
    extra = 0
    show_change_link = True


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "publisher", "published", "fact_count")
    list_filter = ("publisher", "published")
    search_fields = ("title", "slug", "body", "byline")
    prepopulated_fields = {"slug": ("title",)}
    date_hierarchy = "published"
    inlines = [FactInline]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(_fact_count=Count("facts"))

    @admin.display(description="Facts", ordering="_fact_count")
    def fact_count(self, obj):
        return obj._fact_count


@admin.register(Fact)
class FactAdmin(admin.ModelAdmin):
    list_display = ("answer", "kind", "article", "prompt", "key")
    list_filter = ("kind", "article")
    list_select_related = ("article",)
    search_fields = ("key", "sentence", "answer", "prompt")
    autocomplete_fields = ("article",)
