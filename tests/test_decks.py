"""Decks built from facts: one card per fact, rebuilt in place, students' progress kept."""

import re
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from flashcards.models import Card, CardState, Deck
from flashcards.services.decks import build_deck, card_from_fact, cloze_text, rebuild_deck
from flashcards.services.scheduling import review_card
from tests.factories import ArticleFactory, FactFactory

NOW = datetime(2026, 3, 6, 9, 0, tzinfo=UTC)
BODY = (
    "US Secretary of State Hillary Clinton met Russia's foreign minister Sergei Lavrov in Geneva "
    "on Friday. The button was marked “Peregruzka”."
)


@pytest.fixture
def article(db):
    article = ArticleFactory(slug="geneva", body=BODY)
    FactFactory(
        article=article,
        key="met-lavrov",
        sentence="US Secretary of State Hillary Clinton met Russia's foreign minister "
        "Sergei Lavrov in Geneva on Friday.",
        answer="Sergei Lavrov",
        prompt="Whom did Clinton meet in Geneva?",
        position=1,
    )
    FactFactory(
        article=article,
        key="button-word",
        sentence="The button was marked “Peregruzka”.",
        answer="Peregruzka",
        kind="quote",
        prompt="",
        position=2,
    )
    return article


def test_a_fact_with_a_prompt_asks_the_prompt():
    draft = card_from_fact(
        key="k",
        sentence="Clinton met Lavrov in Geneva.",
        answer="Lavrov",
        prompt="Whom did Clinton meet?",
        kind="person",
        article_slug="geneva",
    )
    assert draft.key == "fact-k"
    assert draft.front == "Whom did Clinton meet?"
    assert draft.back == "Lavrov\n\nClinton met Lavrov in Geneva."
    assert draft.tags == "geneva person"


def test_a_fact_without_a_prompt_becomes_a_cloze_sentence():
    draft = card_from_fact(
        key="k",
        sentence="The button was marked “Peregruzka”.",
        answer="Peregruzka",
        prompt=" ",
        kind="quote",
        article_slug="geneva",
    )
    assert draft.front == 'The button was marked "_____".'
    assert cloze_text(front=draft.front, answer="Peregruzka") == (
        'The button was marked "{{c1::Peregruzka}}".'
    )
    assert cloze_text(front="Whom did Clinton meet?", answer="Lavrov") is None


def test_building_makes_one_card_per_fact(article):
    result = build_deck(slug="geneva-deck", articles=[article], title="Geneva", published=True)

    assert result.deck_created
    deck = Deck.objects.get(slug="geneva-deck")
    cards = list(deck.cards.order_by("position"))
    assert [card.key for card in cards] == ["fact-met-lavrov", "fact-button-word"]
    assert cards[0].front == "Whom did Clinton meet in Geneva?"
    assert cards[1].front.startswith("The button was marked")
    assert cards[1].fact.key == "button-word"
    assert list(deck.articles.all()) == [article]


def test_rebuilding_updates_never_duplicates_and_keeps_progress(article, student):
    build_deck(slug="geneva-deck", articles=[article], title="Geneva", published=True)
    deck = Deck.objects.get(slug="geneva-deck")
    card = deck.cards.get(key="fact-met-lavrov")
    review_card(user=student, card=card, rating="good", now=NOW)
    article.facts.filter(key="met-lavrov").update(prompt="Whom did Clinton meet on Friday?")
    FactFactory(
        article=article,
        key="new-fact",
        sentence="The button was marked “Peregruzka”.",
        answer="button",
        kind="thing",
        prompt="",
        position=3,
    )

    result = rebuild_deck(deck=deck)

    assert result.updated == ["fact-met-lavrov"]
    assert result.created == ["fact-new-fact"]
    assert result.unchanged == ["fact-button-word"]
    assert deck.cards.count() == 3
    card.refresh_from_db()
    assert card.front == "Whom did Clinton meet on Friday?"
    assert CardState.objects.get(user=student).card_id == card.pk


def test_cards_whose_fact_went_away_are_kept_as_stale(article):
    build_deck(slug="geneva-deck", articles=[article], title="Geneva", published=True)
    article.facts.filter(key="button-word").delete()
    result = rebuild_deck(deck=Deck.objects.get(slug="geneva-deck"))
    assert result.stale == ["fact-button-word"]
    assert Card.objects.filter(key="fact-button-word").exists()


def test_build_deck_command(article, capsys):
    call_command("build_deck", "--article", "geneva", "--deck", "g", "--title", "G", "--publish")
    call_command("build_deck", "--article", "geneva", "--deck", "g")
    out = capsys.readouterr().out
    assert "Created: Deck “G” (g): 2 created" in out
    assert "Rebuilt: Deck “G” (g): 0 created, 0 updated, 2 unchanged" in out
    assert Deck.objects.get(slug="g").published
    assert Card.objects.count() == 2


def test_build_deck_dry_run_writes_nothing(article, capsys):
    call_command("build_deck", "--article", "geneva", "--dry-run")
    assert "Would have" in capsys.readouterr().out
    assert not Deck.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--article", "nope"], "Unknown article slug(s): nope. Valid slugs: geneva"),
        (["--article", "geneva", "--article", "geneva-2"], "Unknown article slug(s): geneva-2."),
        (["--article", "geneva", "--deck", "bad slug!"], "The deck is not valid"),
    ],
)
def test_build_deck_refuses_bad_arguments(article, args, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("build_deck", *args)
    assert not Deck.objects.exists()


def test_several_articles_need_a_deck_name(article):
    ArticleFactory(slug="other")
    with pytest.raises(CommandError, match="--deck"):
        call_command("build_deck", "--article", "geneva", "--article", "other")


def test_admin_rebuild_action(article, teacher, client):
    teacher.is_superuser = True
    teacher.save()
    client.force_login(teacher)
    build_deck(slug="geneva-deck", articles=[article], title="Geneva", published=True)
    deck = Deck.objects.get(slug="geneva-deck")
    deck.cards.all().delete()

    response = client.post(
        "/admin/flashcards/deck/",
        {"action": "rebuild_from_articles", "_selected_action": [deck.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert "2 created" in response.content.decode()
    assert deck.cards.count() == 2


def test_demo_fixture_loads_twice_without_duplicates(db):
    call_command("loaddata", "articles", "flashcards", "demo_users", verbosity=0)
    call_command("loaddata", "articles", "flashcards", "demo_users", verbosity=0)
    deck = Deck.objects.get(slug="reset-button-deck")
    assert deck.published
    assert deck.articles.count() == 2
    facts = sum(article.facts.count() for article in deck.articles.all())
    assert deck.cards.count() == facts > 0
    assert not deck.cards.filter(fact__isnull=True).exists()


# --- keys, slugs and publishing as a teacher meets them (issue 10) ----------------------------


def test_a_fact_keyed_fact_dash_makes_a_card_keyed_once_not_fact_fact(article):
    FactFactory(
        article=article,
        key="fact-3f9a0c1b2d4e",
        sentence=BODY.split(". ")[0] + ".",
        answer="Lavrov",
    )
    build_deck(slug="geneva-deck", articles=[article])
    keys = set(Card.objects.values_list("key", flat=True))
    assert keys == {"fact-met-lavrov", "fact-button-word", "fact-3f9a0c1b2d4e"}
    assert not any(key.startswith("fact-fact-") for key in keys)


def _old_fact_fact_card(article, student):
    """A deck whose card of the fact `fact-3f9a…` is keyed as before the fix, with progress."""
    fact = FactFactory(
        article=article,
        key="fact-3f9a0c1b2d4e",
        sentence=BODY.split(". ")[0] + ".",
        answer="Lavrov",
    )
    deck = build_deck(slug="geneva-deck", articles=[article], published=True).deck
    card = Card.objects.get(fact=fact)
    Card.objects.filter(pk=card.pk).update(key="fact-fact-3f9a0c1b2d4e")
    review_card(user=student, card=card, rating="good", now=NOW)
    return deck, card


def test_a_card_still_keyed_fact_fact_is_renamed_by_a_rebuild_with_its_progress(article, student):
    deck, old = _old_fact_fact_card(article, student)

    result = rebuild_deck(deck=deck)

    assert result.created == [] and result.stale == []
    assert Card.objects.get(pk=old.pk).key == "fact-3f9a0c1b2d4e"
    assert CardState.objects.get(user=student).card_id == old.pk


def test_the_migration_drops_the_doubled_prefix_and_keeps_the_rows(article, student):
    import importlib

    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    name = "0005_card_keys_without_fact_fact"
    migration = importlib.import_module(f"quizzes.migrations.{name}")
    # The models as that migration saw them (quizzes.Card, on the table flashcards.Card keeps).
    apps = MigrationLoader(connection).project_state(("quizzes", name)).apps
    deck, card = _old_fact_fact_card(article, student)

    migration.drop_doubled_prefix(apps, None)
    assert Card.objects.get(pk=card.pk).key == "fact-3f9a0c1b2d4e"
    assert rebuild_deck(deck=deck).created == []  # the rebuild finds it: progress kept
    migration.restore_doubled_prefix(apps, None)
    assert Card.objects.get(pk=card.pk).key == "fact-fact-3f9a0c1b2d4e"


def test_two_facts_that_would_share_a_card_key_build_nothing(article):
    FactFactory(article=article, key="fact-met-lavrov", sentence=BODY.split(". ")[0] + ".")
    with pytest.raises(CommandError, match="would make the same card key “fact-met-lavrov”"):
        call_command("build_deck", "--article", "geneva")
    assert not Deck.objects.exists()


def test_the_command_and_the_admin_action_choose_the_same_default_deck(article, client):
    from tests.factories import UserFactory

    call_command("build_deck", "--article", "geneva")
    assert list(Deck.objects.values_list("slug", flat=True)) == ["geneva-deck"]
    client.force_login(UserFactory(username="head", is_staff=True, is_superuser=True))
    client.post(
        "/admin/quizzes/article/",
        {"action": "build_decks_for_articles", "_selected_action": [article.pk]},
    )
    assert list(Deck.objects.values_list("slug", flat=True)) == ["geneva-deck"]


def test_building_a_deck_says_it_is_unpublished_and_publishing_is_one_action(article, client):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="head", is_staff=True, is_superuser=True))
    built = client.post(
        "/admin/quizzes/article/",
        {"action": "build_decks_for_articles", "_selected_action": [article.pk]},
        follow=True,
    ).content.decode()
    deck = Deck.objects.get(slug="geneva-deck")
    assert not deck.published
    assert "It is not published: students cannot see it until it is published." in built
    assert f'href="/admin/flashcards/deck/{deck.pk}/change/"' in built

    published = client.post(
        "/admin/flashcards/deck/",
        {"action": "publish", "_selected_action": [deck.pk]},
        follow=True,
    ).content.decode()
    deck.refresh_from_db()
    assert deck.published
    assert "Published 1 deck(s):" in published and "students can study them" in published


def test_the_command_says_whether_the_deck_is_published(article, capsys):
    call_command("build_deck", "--article", "geneva")
    out = capsys.readouterr().out
    assert "It is not published" in out and "--publish" in out
    call_command("build_deck", "--article", "geneva", "--publish")
    assert "It is published: students can study it." in capsys.readouterr().out
