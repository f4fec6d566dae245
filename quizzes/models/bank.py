"""The question bank: questions, their choices and accepted answers, and tags."""

from django.db import models

from quizzes.models.content import Fact, new_key
from quizzes.models.ownership import (
    FollowsOwner,
    OwnedQuerySet,
    OwnsItself,
    owner_field,
    shared_with_field,
)


def new_question_key() -> str:
    return new_key("q")


class TagQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Tag(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=60)

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class QuestionKind(models.TextChoices):
    SINGLE_CHOICE = "single_choice", "Single choice"
    MULTIPLE_RESPONSE = "multiple_response", "Multiple response"
    TRUE_FALSE = "true_false", "True/false"
    SHORT_ANSWER = "short_answer", "Short answer"
    NUMERIC = "numeric", "Numeric"
    CLOZE = "cloze", "Cloze (gap-fill)"
    MATCHING = "matching", "Matching"
    ORDERING = "ordering", "Ordering"

    @classmethod
    def choice_kinds(cls):
        return {cls.SINGLE_CHOICE, cls.MULTIPLE_RESPONSE, cls.TRUE_FALSE}

    @classmethod
    def text_kinds(cls):
        return {cls.SHORT_ANSWER, cls.CLOZE}

    @classmethod
    def part_kinds(cls):
        """Kinds answered by arranging parts: matching pairs, ordering items."""
        return {cls.MATCHING, cls.ORDERING}


class QuestionQuerySet(OwnedQuerySet):
    def get_by_natural_key(self, key):
        return self.get(key=key)

    def with_parts(self):
        """Everything a snapshot or a review needs, in a constant number of queries."""
        return self.select_related("fact__article").prefetch_related(
            "choices", "accepted_answers", "match_pairs", "ordering_items", "tags"
        )


class Question(OwnsItself, models.Model):
    """A question has its own owner (it may have no fact, and a teacher may write one on another
    teacher's shared article); its choices, answers, pairs, items and versions follow it."""

    BLANK = "_____"  # how a cloze question marks its one gap

    key = models.CharField(
        max_length=200,
        unique=True,
        default=new_question_key,
        help_text="Stable identifier. Generated questions use “fact key:generator”.",
    )
    kind = models.CharField(max_length=30, choices=QuestionKind.choices)
    text = models.TextField(
        help_text="The question as the student reads it. A cloze question marks its gap with _____."
    )
    explanation = models.TextField(blank=True, help_text="Shown in the review after the attempt.")
    fact = models.ForeignKey(
        Fact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
        help_text="The fact this question tests; the review quotes its sentence.",
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="questions")
    default_marks = models.DecimalField(max_digits=6, decimal_places=2, default=1)
    numeric_answer = models.FloatField(
        null=True, blank=True, help_text="Numeric questions: the correct value."
    )
    numeric_tolerance = models.FloatField(
        default=0, help_text="Numeric questions: answers within ± this much are correct."
    )
    all_or_nothing = models.BooleanField(
        default=False,
        help_text="Matching and ordering: full marks only when every pair or item is right, "
        "else 0 (otherwise each right pair, or each item followed by the right one, earns "
        "its share).",
    )
    shared_answers = models.BooleanField(
        default=False,
        help_text="Matching: two stems may have the same answer (it is offered once).",
    )
    generator = models.CharField(
        max_length=40, blank=True, help_text="Which generator made it (empty when hand-written)."
    )
    generated_checksum = models.CharField(
        max_length=64,
        blank=True,
        help_text="Checksum of the content as last generated; a teacher's edit makes it differ, "
        "and regeneration then leaves the question alone.",
    )
    owner = owner_field("questions")
    shared_with = shared_with_field("questions")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    current_version = models.ForeignKey(
        "QuestionVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="The version new attempts show; emptied by any edit and made again by the next "
        "start (quizzes/services/snapshots.py).",
    )
    edition = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Counts edits, so that a start that read the question before an edit never "
        "makes what it read the current version.",
    )

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="numeric") | models.Q(numeric_answer__isnull=False),
                name="numeric_question_has_answer",
            ),
            models.CheckConstraint(
                condition=models.Q(numeric_tolerance__gte=0), name="numeric_tolerance_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(default_marks__gte=0), name="question_marks_not_negative"
            ),
        ]

    def __str__(self):
        return f"[{self.get_kind_display()}] {self.text[:80]}"

    def natural_key(self):
        return (self.key,)


class ChildQuerySet(OwnedQuerySet):
    """Choices and accepted answers are keyed by their question and their order."""

    def get_by_natural_key(self, question_key, order):
        return self.get(question__key=question_key, order=order)


class Choice(FollowsOwner, models.Model):
    owned_via = "question"  # the question's owner and co-teachers

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(max_length=500)
    fraction = models.FloatField(
        default=0,
        help_text="Share of the marks this choice earns: 1 is fully correct, 0 wrong, "
        "negative values penalise (down to -1).",
    )
    feedback = models.TextField(blank=True, help_text="Shown when this choice was picked.")
    order = models.PositiveIntegerField(default=0)

    objects = ChildQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["question", "order"], name="choice_order_unique"),
            models.CheckConstraint(
                condition=models.Q(fraction__gte=-1) & models.Q(fraction__lte=1),
                name="choice_fraction_in_range",
            ),
        ]

    def __str__(self):
        return self.text

    def natural_key(self):
        return (*self.question.natural_key(), self.order)

    natural_key.dependencies = ["quizzes.question"]  # type: ignore[attr-defined]


class MatchMode(models.TextChoices):
    NORMALISED = "normalised", "Ignore case, spaces, punctuation, quotes and accents"
    FUZZY = "fuzzy", "As above, and forgive a small misspelling"
    EXACT = "exact", "Exactly as written"


class AcceptedAnswer(FollowsOwner, models.Model):
    owned_via = "question"  # the question's owner and co-teachers

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="accepted_answers"
    )
    text = models.CharField(max_length=300)
    fraction = models.FloatField(default=1, help_text="Share of the marks this answer earns.")
    match = models.CharField(max_length=20, choices=MatchMode.choices, default=MatchMode.NORMALISED)
    order = models.PositiveIntegerField(default=0)

    objects = ChildQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["question", "order"], name="accepted_order_unique"),
            models.CheckConstraint(
                condition=models.Q(fraction__gte=0) & models.Q(fraction__lte=1),
                name="accepted_fraction_in_range",
            ),
        ]

    def __str__(self):
        return self.text

    def natural_key(self):
        return (*self.question.natural_key(), self.order)

    natural_key.dependencies = ["quizzes.question"]  # type: ignore[attr-defined]


class QuestionVersion(FollowsOwner, models.Model):
    """A question as plain data, frozen: what every attempt that showed this version shows.

    Made once per version of the question (at the first start after an edit) and shared by
    every response that shows it, as Moodle keeps question versions; the snapshot is
    `question_snapshot()`'s dict, choices in the question's own order (each response keeps the
    order its student saw). Kept when the question is deleted, so finished attempts keep theirs.
    """

    owned_via = "question"  # the question's owner and co-teachers

    question = models.ForeignKey(
        Question, on_delete=models.SET_NULL, null=True, blank=True, related_name="versions"
    )
    digest = models.CharField(
        max_length=64, help_text="SHA-256 of the snapshot: the same content is the same version."
    )
    snapshot = models.JSONField(help_text="The question as plain data, as students are shown it.")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["question", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "digest"], name="one_version_per_question_content"
            ),
        ]

    def __str__(self):
        return f"{self.snapshot.get('key', 'question')} (version {self.pk})"


class MatchPair(FollowsOwner, models.Model):
    """A stem of a matching question and its answer; a pair with no stem is an extra answer,
    offered in every list but matching no stem."""

    owned_via = "question"  # the question's owner and co-teachers

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="match_pairs")
    stem = models.CharField(
        max_length=500, blank=True, help_text="Empty: the answer is an extra that matches no stem."
    )
    answer = models.CharField(max_length=300)
    order = models.PositiveIntegerField(default=0)

    objects = ChildQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["question", "order"], name="match_pair_order_unique"),
            models.CheckConstraint(condition=~models.Q(answer=""), name="match_pair_has_answer"),
        ]

    def __str__(self):
        return f"{self.stem} → {self.answer}" if self.stem else f"(extra) {self.answer}"

    def natural_key(self):
        return (*self.question.natural_key(), self.order)

    natural_key.dependencies = ["quizzes.question"]  # type: ignore[attr-defined]


class OrderingItem(FollowsOwner, models.Model):
    """An item of an ordering question; `order` is its right place."""

    owned_via = "question"  # the question's owner and co-teachers

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="ordering_items")
    text = models.CharField(max_length=500)
    order = models.PositiveIntegerField(default=0, help_text="The item's right place, from 0.")

    objects = ChildQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "order"], name="ordering_item_order_unique"
            ),
            models.CheckConstraint(condition=~models.Q(text=""), name="ordering_item_has_text"),
        ]

    def __str__(self):
        return self.text

    def natural_key(self):
        return (*self.question.natural_key(), self.order)

    natural_key.dependencies = ["quizzes.question"]  # type: ignore[attr-defined]
