from django.contrib import admin

from quizzes.models import Card, CardState, Deck, ReviewLog


class CardInline(admin.TabularInline):
    model = Card
    fields = ("position", "front", "back", "fact", "key")
    raw_id_fields = ("fact",)
    extra = 0


@admin.register(Deck)
class DeckAdmin(admin.ModelAdmin):
    list_display = ("title", "published", "desired_retention", "new_cards_per_day")
    list_filter = ("published",)
    search_fields = ("title", "slug", "description")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("articles",)
    inlines = [CardInline]


@admin.register(Card)
class CardAdmin(admin.ModelAdmin):
    list_display = ("front", "deck", "fact")
    list_filter = ("deck",)
    list_select_related = ("deck", "fact")
    search_fields = ("front", "back", "key")
    raw_id_fields = ("fact",)


@admin.register(CardState)
class CardStateAdmin(admin.ModelAdmin):
    list_display = ("user", "card", "state", "due", "stability", "difficulty", "last_review")
    list_filter = ("state", "deck")
    list_select_related = ("user", "card")
    search_fields = ("user__username", "card__front")
    raw_id_fields = ("user", "card", "deck")


@admin.register(ReviewLog)
class ReviewLogAdmin(admin.ModelAdmin):
    list_display = ("user", "card", "rating", "reviewed_at", "duration_ms")
    list_filter = ("rating",)
    list_select_related = ("user", "card")
    search_fields = ("user__username", "card__front")
    raw_id_fields = ("user", "card")
    date_hierarchy = "reviewed_at"
