"""Flashcard decks, cards and each student's spaced-repetition state (FSRS).

The tables were made when these models lived in the quizzes app, and keep their names
(`db_table`, and the `quizzes_deck_articles` join table Django names after `quizzes_deck`):
moving the app moved no data (migrations/0001_initial.py).
"""

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, Permission
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from quizzes.models.attempts import ResultsQuerySet
from quizzes.models.classes import Classroom
from quizzes.models.content import Article, Fact, new_key
from quizzes.models.ownership import (
    FollowsOwner,
    OwnedQuerySet,
    OwnsItself,
    owned_q,
    owner_field,
    shared_with_field,
)


def new_card_key() -> str:
    return new_key("card")


class DeckQuerySet(OwnedQuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)

    def published(self):
        return self.filter(published=True)

    def studyable_by(self, user):
        """The decks `user` may study: `visible_to` (published ones), and for a teacher every
        published deck and their own and shared drafts (a superuser: every deck)."""
        from quizzes.permissions import SEE_UNPUBLISHED_DECKS, can

        if not can(user, SEE_UNPUBLISHED_DECKS):
            return self.visible_to(user)
        if user.is_superuser:
            return self.all()
        return self.filter(Q(published=True) | owned_q(self.model, user))

    def visible_to(self, user):
        """The published decks `user` may see: the public ones, those assigned to a class they
        are in, and for a teacher all of them. The teacher's permission is read inside the same
        query (an EXISTS), so that a student's page costs no permission query."""
        from quizzes.permissions import SEE_UNPUBLISHED_DECKS

        published = self.published()
        if not (user and user.is_authenticated and user.is_active):
            return published.filter(public=True)
        if user.is_superuser:
            return published
        app_label, codename = SEE_UNPUBLISHED_DECKS.split(".")
        holds = Permission.objects.filter(
            Q(user=user) | Q(group__user=user), content_type__app_label=app_label, codename=codename
        )
        assigned = DeckAssignment.objects.filter(
            deck=OuterRef("pk"), classroom__enrolments__student=user
        )
        return published.filter(Q(public=True) | Exists(assigned) | Exists(holds))


class Deck(OwnsItself, models.Model):
    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    articles = models.ManyToManyField(Article, blank=True, related_name="decks")
    published = models.BooleanField(default=False)
    public = models.BooleanField(
        default=True,
        help_text="Open to every signed-in user. Off: only the students of a class it is "
        "assigned to (and teachers) may study it.",
    )
    desired_retention = models.FloatField(
        default=0.9, help_text="Share of reviews the scheduler aims to have recalled (0.7-0.99)."
    )
    new_cards_per_day = models.PositiveIntegerField(
        default=20, help_text="New cards a student is shown per day."
    )
    owner = owner_field("decks")
    shared_with = shared_with_field("decks")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DeckQuerySet.as_manager()

    class Meta:
        db_table = "quizzes_deck"
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(desired_retention__gt=0) & Q(desired_retention__lt=1),
                name="deck_retention_between_0_and_1",
            )
        ]

    def __str__(self):
        return self.title

    def is_studyable_by(self, user: AbstractBaseUser | AnonymousUser) -> bool:
        """`DeckQuerySet.studyable_by` for one deck (a published public deck first: a student
        costs no permission query; a deck for classes costs one, for the assignment)."""
        from quizzes.permissions import SEE_UNPUBLISHED_DECKS, can, can_edit

        if self.published and self.public:
            return True
        if self.published and user.is_authenticated:
            assigned = self.assignments.filter(classroom__enrolments__student_id=user.pk)
            if assigned.exists():
                return True
        # A teacher: every published deck, and their own and shared drafts.
        return can(user, SEE_UNPUBLISHED_DECKS) and (self.published or can_edit(user, self))

    def natural_key(self):
        return (self.slug,)


class CardQuerySet(OwnedQuerySet):
    def get_by_natural_key(self, deck_slug, key):
        return self.get(deck__slug=deck_slug, key=key)

    def with_deck(self):
        """Cards with their deck joined (whether the student may study it is read on the deck)."""
        return self.select_related("deck")


class Card(FollowsOwner, models.Model):
    owned_via = "deck"

    deck = models.ForeignKey(Deck, on_delete=models.CASCADE, related_name="cards")
    key = models.CharField(
        max_length=200,
        default=new_card_key,
        help_text="Stable within the deck, so rebuilding updates the card.",
    )
    front = models.TextField()
    back = models.TextField()
    fact = models.ForeignKey(
        Fact, on_delete=models.SET_NULL, null=True, blank=True, related_name="cards"
    )
    tags = models.CharField(max_length=300, blank=True, help_text="Space-separated tags.")
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CardQuerySet.as_manager()

    class Meta:
        db_table = "quizzes_card"
        ordering = ["deck", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["deck", "key"], name="card_key_unique_in_deck")
        ]
        indexes = [models.Index(fields=["deck", "position", "id"])]

    def __str__(self):
        return self.front[:80]

    def natural_key(self):
        return (*self.deck.natural_key(), self.key)

    natural_key.dependencies = ["flashcards.deck"]  # type: ignore[attr-defined]


class LearningState(models.IntegerChoices):
    # The same numbers as fsrs.State.
    LEARNING = 1, "Learning"
    REVIEW = 2, "Review"
    RELEARNING = 3, "Relearning"


class Rating(models.IntegerChoices):
    # The same numbers as fsrs.Rating.
    AGAIN = 1, "Again"
    HARD = 2, "Hard"
    GOOD = 3, "Good"
    EASY = 4, "Easy"


class CardStateQuerySet(ResultsQuerySet):
    def due_for(self, user, now, deck=None):
        """The student's states due at `now`, soonest first (the (user, deck, due) index)."""
        states = self.filter(user=user, due__lte=now)
        if deck is not None:
            states = states.filter(deck=deck)
        return states.order_by("due", "pk")

    def introduced_since(self, user, deck, since):
        """States the student created (first looks) in the deck since `since`."""
        return self.filter(user=user, deck=deck, created_at__gte=since)


class CardState(FollowsOwner, models.Model):
    """One student's FSRS memory state for one card, in columns so 'what is due' is indexed."""

    owned_via = "deck"  # read (as results) by the deck's owner and co-teachers

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="card_states"
    )
    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="states")
    deck = models.ForeignKey(
        Deck,
        on_delete=models.CASCADE,
        related_name="card_states",
        help_text="The card's deck, copied here so a deck's due cards are one indexed query.",
    )
    state = models.PositiveSmallIntegerField(
        choices=LearningState.choices, default=LearningState.LEARNING
    )
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    due = models.DateTimeField()
    last_review = models.DateTimeField(null=True, blank=True)
    reps = models.PositiveIntegerField(default=0, help_text="Reviews made so far.")
    lapses = models.PositiveIntegerField(
        default=0, help_text="Times a card in review was forgotten (rated Again)."
    )
    created_at = models.DateTimeField(
        default=timezone.now,
        help_text="When the student first looked at the card: it counts as new on that day.",
    )

    objects = CardStateQuerySet.as_manager()

    class Meta:
        db_table = "quizzes_cardstate"
        constraints = [
            models.UniqueConstraint(fields=["user", "card"], name="one_card_state_per_user")
        ]
        indexes = [
            models.Index(fields=["user", "due"]),
            models.Index(fields=["user", "deck", "due"]),
            models.Index(fields=["user", "deck", "created_at"]),
        ]

    def __str__(self):
        return f"{self.user} · {self.card} (due {self.due:%Y-%m-%d %H:%M})"


class ReviewLog(FollowsOwner, models.Model):
    """Append-only: every review a student made. A card's state can be rebuilt from it."""

    owned_via = "deck"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_logs"
    )
    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="review_logs")
    deck = models.ForeignKey(
        Deck,
        on_delete=models.CASCADE,
        related_name="review_logs",
        help_text="The card's deck, copied here so a deck's statistics are one indexed query.",
    )
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    reviewed_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    state_before = models.JSONField(help_text="The FSRS card state before the review.")
    state_after = models.JSONField(help_text="The FSRS card state after the review.")
    client_review_id = models.CharField(
        max_length=64,
        blank=True,
        help_text="Sent by a client so that a retried request is recorded once.",
    )

    objects = ResultsQuerySet.as_manager()

    class Meta:
        db_table = "quizzes_reviewlog"
        ordering = ["reviewed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "client_review_id"],
                condition=~Q(client_review_id=""),
                name="review_client_id_once_per_user",
            ),
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=4), name="review_rating_1_to_4"
            ),
        ]
        indexes = [
            models.Index(fields=["user", "reviewed_at"]),
            models.Index(fields=["user", "deck", "reviewed_at"]),
            models.Index(fields=["card", "user", "reviewed_at"]),
        ]

    def __str__(self):
        return f"{self.user} rated {self.get_rating_display()} on {self.card}"


class DeckAssignmentQuerySet(models.QuerySet):
    def get_by_natural_key(self, join_code, deck_slug):
        return self.get(classroom__join_code=join_code, deck__slug=deck_slug)


class DeckAssignment(models.Model):
    """A deck assigned to a class, to study by its due date (`closes`). Studying is not cut off
    at the due date: cards keep their schedule; the dates say when the class should study it."""

    classroom = models.ForeignKey(
        Classroom, on_delete=models.CASCADE, related_name="deck_assignments"
    )
    deck = models.ForeignKey(Deck, on_delete=models.CASCADE, related_name="assignments")
    opens = models.DateTimeField(null=True, blank=True, help_text="Empty: from now.")
    closes = models.DateTimeField(null=True, blank=True, help_text="The due date. Empty: none.")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DeckAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["closes", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["classroom", "deck"], name="deck_assigned_once"),
            models.CheckConstraint(
                condition=Q(opens__isnull=True)
                | Q(closes__isnull=True)
                | Q(closes__gt=models.F("opens")),
                name="deck_assignment_closes_after_opening",
            ),
        ]

    def __str__(self):
        return f"{self.deck} for {self.classroom}"

    def natural_key(self):
        return (self.classroom.join_code, self.deck.slug)

    natural_key.dependencies = ["quizzes.classroom", "flashcards.deck"]  # type: ignore[attr-defined]

    def clean(self):
        if self.opens and self.closes and self.closes <= self.opens:
            raise ValidationError({"closes": "The closing date must come after the opening date."})
