"""Decks built from articles' facts: one card per fact, rebuilt in place.

A card made from a fact has the key `fact-<fact key>` (a fact keyed `fact-…` already reads so,
and keeps its key: no `fact-fact-…`), so rebuilding a deck updates its cards instead of adding
twins, and students' states (which point at the card) are kept. Cards that no
longer match a fact (the fact was deleted, or an article left the deck) are kept too, and
counted as stale: removing a card deletes every student's progress on it, which a teacher should
do on purpose, in the admin.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from flashcards.models import Card, Deck
from quizzes.models import Article, Fact
from quizzes.text import BLANK, blank_answer, squash_spaces

CLOZE = "{{c1::%s}}"


@dataclass(frozen=True)
class CardDraft:
    key: str
    front: str
    back: str
    tags: str


@dataclass
class BuildResult:
    deck: Deck
    deck_created: bool = False
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"Deck “{self.deck.title}” ({self.deck.slug}): {len(self.created)} created, "
            f"{len(self.updated)} updated, {len(self.unchanged)} unchanged"
            + (f", {len(self.stale)} stale kept" if self.stale else "")
            + ". "
            + self.visibility()
        )

    def visibility(self) -> str:
        if self.deck.published:
            return "It is published: students can study it."
        return "It is not published: students cannot see it until it is published."


# --- pure ---------------------------------------------------------------------------------


FACT_PREFIX = "fact-"


def card_key(fact_key: str) -> str:
    """The key of the card made from the fact `fact_key`.

    >>> card_key("reuters-marked-peregruzka"), card_key("fact-3f9a0c1b2d4e")
    ('fact-reuters-marked-peregruzka', 'fact-3f9a0c1b2d4e')
    """
    return fact_key if fact_key.startswith(FACT_PREFIX) else FACT_PREFIX + fact_key


def legacy_card_key(fact_key: str) -> str:
    """The key cards made from `fact_key` had before `card_key` stopped doubling the prefix."""
    return FACT_PREFIX + fact_key


def default_deck_slug(article: Article) -> str:
    """The deck an article's cards go to unless the teacher names one, from the command and
    from the admin alike: `<article slug>-deck`."""
    return f"{article.slug[: 100 - len('-deck')]}-deck"


def card_from_fact(
    *, key: str, sentence: str, answer: str, prompt: str, kind: str, article_slug: str
) -> CardDraft:
    """The card for one fact (plain data in, plain data out).

    Front: the teacher's prompt, or the sentence with the answer blanked. Back: the answer, then
    the article's sentence.
    """
    front = squash_spaces(prompt) if prompt.strip() else blank_answer(sentence, answer)
    back = f"{squash_spaces(answer)}\n\n{squash_spaces(sentence)}"
    return CardDraft(key=card_key(key), front=front, back=back, tags=f"{article_slug} {kind}")


def cloze_text(*, front: str, answer: str) -> str | None:
    """Anki cloze text for a blanked front ("Clinton met {{c1::Lavrov}}."), else None."""
    if front.count(BLANK) != 1:
        return None
    return front.replace(BLANK, CLOZE % answer)


def card_answer(back: str) -> str:
    """The answer part of a card's back (its first paragraph)."""
    return back.split("\n\n", 1)[0].strip()


def draft_for(fact: Fact) -> CardDraft:
    return card_from_fact(
        key=fact.key,
        sentence=fact.sentence,
        answer=fact.answer,
        prompt=fact.prompt,
        kind=fact.kind,
        article_slug=fact.article.slug,
    )


# --- writes -------------------------------------------------------------------------------


def build_deck(
    *,
    slug: str,
    articles: Iterable[Article],
    title: str = "",
    description: str | None = None,
    published: bool | None = None,
    owner: Any = None,
) -> BuildResult:
    """Create or update the deck `slug`, add `articles` to it and rebuild its cards. A new deck
    belongs to `owner`; an existing one that `owner` may not edit (another teacher's) raises
    ValueError and is left alone (no owner: the site's operator, who may change any deck)."""
    from quizzes.permissions import can_edit

    articles = list(articles)
    with transaction.atomic():
        deck = Deck.objects.select_for_update().filter(slug=slug).first()
        if deck is not None and owner is not None and not can_edit(owner, deck):
            raise ValueError(f"the deck “{slug}” is another teacher's; choose another slug")
        created = deck is None
        if deck is None:
            default_title = articles[0].title if len(articles) == 1 else slug.replace("-", " ")
            deck = Deck(slug=slug, title=title or default_title.capitalize(), owner=owner)
        elif title:
            deck.title = title
        if description is not None:
            deck.description = description
        if published is not None:
            deck.published = published
        deck.full_clean()
        deck.save()
        deck.articles.add(*articles)
        result = rebuild_deck(deck=deck)
        result.deck_created = created
        return result


def rebuild_deck(*, deck: Deck) -> BuildResult:
    """Make the deck's cards match the facts of its articles: one card per fact."""
    result = BuildResult(deck=deck)
    with transaction.atomic():
        Deck.objects.select_for_update().filter(pk=deck.pk).first()
        facts = (
            Fact.objects.filter(article__in=deck.articles.all())
            .select_related("article")
            .order_by("article__published", "article__slug", "position", "pk")
        )
        existing = {card.key: card for card in Card.objects.filter(deck=deck)}
        wanted: dict[str, Fact] = {}
        for position, fact in enumerate(facts, start=1):
            draft = draft_for(fact)
            if draft.key in wanted:
                raise ValueError(
                    f"the facts “{wanted[draft.key].key}” and “{fact.key}” would make the same "
                    f"card key “{draft.key}”; change one fact's key"
                )
            wanted[draft.key] = fact
            # A card still keyed `fact-fact-…` (made before the keys were fixed) is this one.
            card = existing.get(draft.key) or existing.get(legacy_card_key(fact.key))
            values = {
                "key": draft.key,
                "front": draft.front,
                "back": draft.back,
                "tags": draft.tags,
                "fact_id": fact.pk,
                "position": position,
            }
            if card is None:
                Card.objects.create(deck=deck, **values)
                result.created.append(draft.key)
            elif any(getattr(card, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(card, name, value)
                card.save()
                result.updated.append(draft.key)
            else:
                result.unchanged.append(draft.key)
        kept = {card.key for card in existing.values()}  # after the renames above
        result.stale = sorted(
            key for key in kept if key not in wanted and key.startswith(FACT_PREFIX)
        )
    return result
