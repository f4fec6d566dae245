"""Decks, cards, students' states and the review log in the admin.

Actions call services: "Rebuild from its articles" (`services.decks.rebuild_deck`),
"Export to Anki" (`services.anki_export`), and on the articles' list "Build (or rebuild) a
flashcard deck" (`services.decks.build_deck`). States and logs are read-only: they change only
through reviews, and the log is append-only.
"""

from django.contrib import admin, messages
from django.http import HttpResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import slugify

from flashcards.models import Card, CardState, Deck, DeckAssignment, ReviewLog
from flashcards.services.anki_export import export_decks
from flashcards.services.decks import build_deck, default_deck_slug, rebuild_deck
from quizzes.admin.classes import ClassroomAdmin as ContentClassroomAdmin
from quizzes.admin.columns import MemoryColumns
from quizzes.admin.content import ArticleAdmin as ContentArticleAdmin
from quizzes.admin.forms import OrderedInlineFormSet
from quizzes.admin.ownership import LimitsOwnedChoices, OwnedAdmin, OwnedInline, ResultsAdmin
from quizzes.models import Article, Classroom


class CardFormSet(OrderedInlineFormSet):
    """A deck's cards: an empty position puts the card after the others."""

    order_field = "position"


class CardInline(OwnedInline, admin.TabularInline):
    """The deck's cards. The key is read-only here: a card added by hand gets its own at save
    (an editable one would be copied into every row added with "Add another Card")."""

    model = Card
    formset = CardFormSet
    fields = ("position", "front", "back", "fact", "card_key", "tags")
    readonly_fields = ("card_key",)
    raw_id_fields = ("fact",)
    ordering = ("position", "pk")
    extra = 0

    @admin.display(description="Key")
    def card_key(self, obj):
        return obj.key if obj.pk else "made on save"


@admin.register(Deck)
class DeckAdmin(OwnedAdmin, admin.ModelAdmin):
    list_display = (
        "title",
        "slug",
        "published",
        "public",
        "card_count",
        "desired_retention",
        "owner",
    )
    list_select_related = ("owner",)
    list_filter = ("published", "public")
    search_fields = ("title", "slug", "description")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("articles",)  # the teacher's own and shared articles (OwnedAdmin)
    inlines = [CardInline]
    actions = ["publish", "unpublish", "rebuild_from_articles", "export_to_anki"]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(_card_count=Count("cards"))

    def view_on_site(self, obj):
        """The students' study page for the deck."""
        return reverse("flashcards-study", kwargs={"slug": obj.slug})

    @admin.display(description="Cards", ordering="_card_count")
    def card_count(self, obj):
        return obj._card_count

    @admin.action(description="Publish the selected decks", permissions=["change"])
    def publish(self, request, queryset):
        """Students see a deck once it is published; say which ones changed."""
        self._set_published(request, queryset, True)

    @admin.action(description="Unpublish the selected decks", permissions=["change"])
    def unpublish(self, request, queryset):
        self._set_published(request, queryset, False)

    def _set_published(self, request, queryset, published: bool):
        titles = sorted(d.title for d in queryset if d.published != published)
        queryset.update(published=published)
        verb = "Published" if published else "Unpublished"
        reach = "students can study them" if published else "students no longer see them"
        self.message_user(
            request,
            f"{verb} {len(titles)} deck(s)"
            + (f": {', '.join(titles)}; {reach}." if titles else "."),
            messages.SUCCESS,
        )

    @admin.action(description="Rebuild from its articles", permissions=["change"])
    def rebuild_from_articles(self, request, queryset):
        for deck in queryset:
            try:
                result = rebuild_deck(deck=deck)
            except ValueError as exc:
                self.message_user(
                    request, f"{deck}: nothing was rebuilt: {exc}", level=messages.ERROR
                )
                continue
            level = messages.WARNING if result.stale else messages.SUCCESS
            stale = (
                f" {len(result.stale)} card(s) no longer match a fact and were kept."
                if result.stale
                else ""
            )
            self.message_user(request, result.summary() + stale, level=level)

    @admin.action(description="Export to Anki (.apkg)", permissions=["view"])
    def export_to_anki(self, request, queryset):
        decks = list(queryset.order_by("slug"))
        data = export_decks(decks=decks)
        name = decks[0].slug if len(decks) == 1 else "factcards-decks"
        response = HttpResponse(data, content_type="application/octet-stream")
        response["Content-Disposition"] = f'attachment; filename="{slugify(name)}.apkg"'
        return response


@admin.register(Card)
class CardAdmin(OwnedAdmin, admin.ModelAdmin):
    list_display = ("front", "back", "deck", "fact", "position")
    list_filter = (("deck", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("deck", "fact")
    search_fields = ("front", "back", "key")
    raw_id_fields = ("fact",)


@admin.register(CardState)
class CardStateAdmin(ResultsAdmin, MemoryColumns, admin.ModelAdmin):
    list_display = (
        "user",
        "card",
        "state",
        "due",
        "stability_display",
        "difficulty_display",
        "reps",
    )
    list_filter = ("state", ("deck", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("user", "card")
    search_fields = ("user__username", "card__front")
    raw_id_fields = ("user", "card", "deck")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReviewLog)
class ReviewLogAdmin(ResultsAdmin, admin.ModelAdmin):
    list_display = ("user", "card", "rating", "reviewed_at", "duration_ms")
    list_filter = ("rating", ("deck", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("user", "card")
    search_fields = ("user__username", "card__front")
    raw_id_fields = ("user", "card", "deck")
    date_hierarchy = "reviewed_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.action(
    description="Build (or rebuild) a flashcard deck from each selected article",
    permissions=["build_deck"],
)
def build_decks_for_articles(modeladmin, request, queryset):
    """One deck per article, `<article slug>-deck` as `build_deck` names it by default.

    A new deck is left unpublished: the teacher reads its cards (fronts made from sentences may
    want a prompt) before students see them. The message says so and links to the deck, whose
    list has a Publish action.
    """
    for article in queryset.order_by("slug"):
        try:
            result = build_deck(
                slug=default_deck_slug(article),
                articles=[article],
                title=article.title,
                owner=request.user,
            )
        except ValueError as exc:
            modeladmin.message_user(request, f"{article}: no deck was built: {exc}", messages.ERROR)
            continue
        url = reverse("admin:flashcards_deck_change", args=[result.deck.pk])
        level = messages.SUCCESS if result.deck.published else messages.WARNING
        modeladmin.message_user(
            request,
            format_html('{} <a href="{}">Open the deck</a>.', result.summary(), url),
            level,
        )


# The article admin with the flashcards' action added: quizzes registers Article without knowing
# about decks, and this app (installed after it, so its admin module is read later) re-registers
# it with one action more, as one extends contrib.auth's UserAdmin.
admin.site.unregister(Article)


@admin.register(Article)
class ArticleAdmin(ContentArticleAdmin):
    actions = [*ContentArticleAdmin.actions, build_decks_for_articles]

    def has_build_deck_permission(self, request):
        return request.user.has_perms(["flashcards.add_card", "flashcards.change_card"])


# --- decks assigned to classes ------------------------------------------------------------


class DeckAssignmentInline(OwnedInline, admin.TabularInline):
    model = DeckAssignment
    fields = ("deck", "opens", "closes")
    autocomplete_fields = ("deck",)
    extra = 0
    verbose_name = "assigned deck"
    verbose_name_plural = "assigned decks (the closing date is the date to study it by)"


@admin.register(DeckAssignment)
class DeckAssignmentAdmin(LimitsOwnedChoices, admin.ModelAdmin):
    """Every deck assignment of the classes one teaches (also inline on a class); the decks
    offered are the teacher's own and shared ones."""

    list_display = ("deck", "classroom", "opens", "closes")
    list_select_related = ("deck", "classroom")
    list_filter = ("classroom",)
    search_fields = ("deck__title", "classroom__name")
    autocomplete_fields = ("deck",)

    def get_queryset(self, request):
        taught = Classroom.objects.taught_by(request.user)
        return super().get_queryset(request).filter(classroom__in=taught)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "classroom":
            kwargs["queryset"] = Classroom.objects.taught_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# The class admin with the assigned decks added, as for the articles above.
admin.site.unregister(Classroom)


@admin.register(Classroom)
class ClassroomAdmin(ContentClassroomAdmin):
    inlines = [*ContentClassroomAdmin.inlines, DeckAssignmentInline]
