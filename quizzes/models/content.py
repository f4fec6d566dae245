"""Articles and the facts recorded from them."""

import secrets

from django.core.exceptions import ValidationError
from django.db import models

from quizzes.models.ownership import (
    FollowsOwner,
    OwnedQuerySet,
    OwnsItself,
    owner_field,
    shared_with_field,
)
from quizzes.text import contains_verbatim


def new_key(prefix: str) -> str:
    """A random stable key for rows created by hand (fixtures and generators use readable ones)."""
    return f"{prefix}-{secrets.token_hex(6)}"


def new_fact_key() -> str:
    return new_key("fact")


class ArticleQuerySet(OwnedQuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Article(OwnsItself, models.Model):
    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=300)
    publisher = models.CharField(max_length=200, blank=True)
    byline = models.CharField(max_length=300, blank=True, help_text="Who wrote (and edited) it.")
    url = models.URLField(blank=True, help_text="Where the article was published, if online.")
    published = models.DateField(null=True, blank=True, help_text="The date it was published.")
    body = models.TextField(help_text="The article text. Facts quote sentences from it verbatim.")
    owner = owner_field("articles")
    shared_with = shared_with_field("articles")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published", "title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("article-detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)


class FactKind(models.TextChoices):
    PERSON = "person", "Person"
    PLACE = "place", "Place"
    ORGANISATION = "organisation", "Organisation"
    DATE = "date", "Date"
    NUMBER = "number", "Number"
    QUOTE = "quote", "Quote or words"
    THING = "thing", "Thing"
    EVENT = "event", "Event"


class FactQuerySet(OwnedQuerySet):
    def get_by_natural_key(self, key):
        return self.get(key=key)


class Fact(FollowsOwner, models.Model):
    """A fact is its article's: whoever may edit the article may edit its facts."""

    owned_via = "article"

    key = models.SlugField(
        max_length=100,
        unique=True,
        default=new_fact_key,
        help_text="Stable identifier used by fixtures and by generated questions.",
    )
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="facts")
    sentence = models.TextField(help_text="A sentence copied verbatim from the article body.")
    answer = models.CharField(
        max_length=300,
        help_text="The part of the sentence a learner must recall, copied verbatim from it.",
    )
    kind = models.CharField(max_length=20, choices=FactKind.choices)
    prompt = models.CharField(
        max_length=300,
        blank=True,
        help_text="Optional question stem written by a teacher, "
        "e.g. “Whom did Clinton meet in Geneva?”",
    )
    distractors = models.JSONField(
        default=list,
        blank=True,
        help_text="Optional extra wrong answers of the same kind, as a list of strings.",
    )
    position = models.PositiveIntegerField(default=0, help_text="Order within the article.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FactQuerySet.as_manager()

    class Meta:
        ordering = ["article", "position", "pk"]
        indexes = [models.Index(fields=["article", "kind"])]

    def __str__(self):
        return f"{self.answer} ({self.get_kind_display()})"

    def natural_key(self):
        return (self.key,)

    def clean(self):
        errors = {}
        if self.article_id is not None and not contains_verbatim(self.article.body, self.sentence):
            errors["sentence"] = f"This sentence does not appear in the article “{self.article}”."
        if not contains_verbatim(self.sentence, self.answer):
            errors["answer"] = "The answer must be copied verbatim from the sentence."
        if not isinstance(self.distractors, list) or not all(
            isinstance(item, str) and item.strip() for item in self.distractors
        ):
            errors["distractors"] = "Extra distractors must be a list of non-empty strings."
        if errors:
            raise ValidationError(errors)
