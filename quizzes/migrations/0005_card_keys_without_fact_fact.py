"""Cards made from facts keyed `fact-…` were keyed `fact-fact-…`; drop the doubled prefix.

Rebuilding a deck matches cards by key, so renaming the existing rows (rather than letting a
rebuild add new cards) keeps every student's states and review log, which point at the card.
A card is renamed only when the deck has no card with the new key already.
"""

from django.db import migrations

DOUBLED = "fact-fact-"


def drop_doubled_prefix(apps, schema_editor):
    Card = apps.get_model("quizzes", "Card")
    taken = set(Card.objects.values_list("deck_id", "key"))
    for card in Card.objects.filter(key__startswith=DOUBLED).only("pk", "deck_id", "key"):
        new_key = card.key.removeprefix("fact-")
        if (card.deck_id, new_key) in taken:
            continue
        Card.objects.filter(pk=card.pk).update(key=new_key)
        taken.add((card.deck_id, new_key))


def restore_doubled_prefix(apps, schema_editor):
    Card = apps.get_model("quizzes", "Card")
    taken = set(Card.objects.values_list("deck_id", "key"))
    cards = Card.objects.filter(key__startswith="fact-", fact__key__startswith="fact-")
    for card in cards.select_related("fact").only("pk", "deck_id", "key", "fact__key"):
        if card.key != card.fact.key or (card.deck_id, "fact-" + card.key) in taken:
            continue
        Card.objects.filter(pk=card.pk).update(key="fact-" + card.key)


class Migration(migrations.Migration):
    dependencies = [("quizzes", "0004_quiz_review_options")]

    operations = [migrations.RunPython(drop_doubled_prefix, restore_doubled_prefix)]
