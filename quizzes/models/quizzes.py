"""Quizzes: an ordered selection of questions with the rules for taking them."""

from datetime import datetime

from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from quizzes.models.bank import Question, Tag
from quizzes.models.content import Article
from quizzes.models.ownership import (
    FollowsOwner,
    OwnedQuerySet,
    OwnsItself,
    owner_field,
    shared_with_field,
)


class GradingMethod(models.TextChoices):
    HIGHEST = "highest", "Highest grade"
    AVERAGE = "average", "Average grade"
    FIRST = "first", "First attempt"
    LAST = "last", "Last attempt"


class FeedbackMode(models.TextChoices):
    DEFERRED = "deferred", "Deferred: feedback after finishing"
    IMMEDIATE = "immediate", "Immediate: a Check button per question"


class ReviewMoment(models.IntegerChoices):
    """When a review is looked at, as Moodle counts it; one bit each in a review option."""

    DURING = 1, "During the attempt"
    IMMEDIATELY_AFTER = 2, "Immediately after the attempt"
    LATER_WHILE_OPEN = 4, "Later, while the quiz is still open"
    AFTER_CLOSE = 8, "After the quiz closes"


ALL_MOMENTS = sum(ReviewMoment.values)
AFTER_THE_ATTEMPT = ALL_MOMENTS & ~ReviewMoment.DURING

# The review options (Moodle's, plus the article sentence a question came from): the field
# that stores each, its label, and what it governs. Each field is a bitmask of `ReviewMoment`s.
REVIEW_OPTIONS = (
    ("attempt", "The attempt", "the review itself: the questions and the student's answers"),
    ("correctness", "Whether correct", "correct, partly correct or not correct"),
    ("marks", "Marks", "the marks earned, and the attempt's score and grade"),
    (
        "specific_feedback",
        "Specific feedback",
        "the teacher's feedback on the options picked, whatever it says",
    ),
    ("general_feedback", "General feedback", "the question's explanation"),
    ("right_answer", "Right answer", "the correct options marked and the correct answer stated"),
    ("source", "Source sentence", "the article sentence the question came from"),
)


def review_field(option: str) -> str:
    return f"review_{option}"


class QuizQuerySet(OwnedQuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)

    def published(self):
        return self.filter(published=True)

    def open_at(self, now):
        """Published quizzes open at `now` by their own window (a class's assignment or an
        override may give a student another: `quizzes.services.classes.effective_rules`)."""
        return self.published().filter(
            Q(opens_at__isnull=True) | Q(opens_at__lte=now),
            Q(closes_at__isnull=True) | Q(closes_at__gt=now),
        )

    def visible_to(self, user):
        """The published quizzes `user` may see: the public ones, those assigned to a class
        they are in, and for a teacher (who may see every quiz) all of them.

        The teacher's permission (`SEE_ALL_QUIZZES`) is read inside the same query, so that a
        student's page costs no permission query (tests/test_permissions.py)."""
        from quizzes.permissions import SEE_ALL_QUIZZES

        published = self.published()
        if not (user and user.is_authenticated and user.is_active):
            return published.filter(public=True)
        if user.is_superuser:
            return published
        app_label, codename = SEE_ALL_QUIZZES.split(".")
        holds = Permission.objects.filter(
            Q(user=user) | Q(group__user=user),
            content_type__app_label=app_label,
            codename=codename,
        )
        return published.filter(Q(public=True) | self._assigned_to(user) | Exists(holds))

    def available_to(self, user, now):
        """What a student's quiz list offers: the quizzes `user` may see that are open now by
        their own window, or assigned to a class of theirs (open or not: it is due)."""
        visible = self.visible_to(user)
        if not (user and user.is_authenticated):
            return visible.open_at(now)
        own_window = Q(
            Q(opens_at__isnull=True) | Q(opens_at__lte=now),
            Q(closes_at__isnull=True) | Q(closes_at__gt=now),
        )
        return visible.filter(own_window | self._assigned_to(user))

    @staticmethod
    def _assigned_to(user):
        from quizzes.models.classes import QuizAssignment

        return Exists(
            QuizAssignment.objects.filter(quiz=OuterRef("pk"), classroom__enrolments__student=user)
        )


class Quiz(OwnsItself, models.Model):
    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    published = models.BooleanField(default=False, help_text="Only published quizzes are listed.")
    public = models.BooleanField(
        default=True,
        help_text="Open to every signed-in user. Off: only the students of a class it is "
        "assigned to (and teachers) see it.",
    )
    opens_at = models.DateTimeField(null=True, blank=True, help_text="Empty: open now.")
    closes_at = models.DateTimeField(null=True, blank=True, help_text="Empty: never closes.")
    time_limit = models.DurationField(
        null=True, blank=True, help_text="Empty: untimed. Format HH:MM:SS."
    )
    attempts_allowed = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Empty: unlimited attempts."
    )
    grading_method = models.CharField(
        max_length=20, choices=GradingMethod.choices, default=GradingMethod.HIGHEST
    )
    shuffle_questions = models.BooleanField(default=False)
    shuffle_choices = models.BooleanField(default=True)
    feedback_mode = models.CharField(
        max_length=20, choices=FeedbackMode.choices, default=FeedbackMode.DEFERRED
    )
    # Review options, as in Moodle: per option, the moments at which the review shows it, as a
    # sum of ReviewMoment bits (1 during the attempt, after Check; 2 immediately after the
    # attempt; 4 later while the quiz is open; 8 after it closes). The admin shows them as a grid.
    review_attempt = models.PositiveSmallIntegerField(
        default=AFTER_THE_ATTEMPT, help_text="When the student may open the review at all."
    )
    review_correctness = models.PositiveSmallIntegerField(
        default=ALL_MOMENTS, help_text="When the review says whether each answer was correct."
    )
    review_marks = models.PositiveSmallIntegerField(
        default=ALL_MOMENTS, help_text="When the review shows marks earned, score and grade."
    )
    review_specific_feedback = models.PositiveSmallIntegerField(
        default=ALL_MOMENTS, help_text="When the review shows the feedback on the options picked."
    )
    review_general_feedback = models.PositiveSmallIntegerField(
        default=ALL_MOMENTS, help_text="When the review shows the question's explanation."
    )
    review_right_answer = models.PositiveSmallIntegerField(
        default=ALL_MOMENTS, help_text="When the review shows the right answer."
    )
    review_source = models.PositiveSmallIntegerField(
        default=ALL_MOMENTS, help_text="When the review quotes the article sentence."
    )
    maximum_grade = models.DecimalField(
        max_digits=6, decimal_places=2, default=100, help_text="The grade a full score earns."
    )
    pass_mark = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Grade needed to pass, on the scale of the maximum grade. Empty: no pass mark.",
    )
    questions = models.ManyToManyField(Question, through="QuizQuestion", related_name="quizzes")
    tags = models.ManyToManyField(Tag, blank=True, related_name="quizzes")
    owner = owner_field("quizzes")
    shared_with = shared_with_field("quizzes")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = QuizQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "quizzes"
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(closes_at__gt=models.F("opens_at")),
                name="quiz_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=Q(attempts_allowed__isnull=True) | Q(attempts_allowed__gte=1),
                name="quiz_attempts_allowed_positive",
            ),
            models.CheckConstraint(
                condition=Q(maximum_grade__gt=0), name="quiz_max_grade_positive"
            ),
            # The attempt is always there while it is being taken: no "during" bit for it.
            models.CheckConstraint(
                condition=Q(review_attempt__in=list(range(0, ALL_MOMENTS + 1, 2))),
                name="quiz_review_attempt_moments",
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{review_field(option)}__lte": ALL_MOMENTS}),
                    name=f"quiz_{review_field(option)}_moments",
                )
                for option, _label, _governs in REVIEW_OPTIONS[1:]
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("quiz-detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        errors = {}
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            errors["closes_at"] = "The quiz must close after it opens."
        if self.pass_mark is not None and not (0 <= self.pass_mark <= self.maximum_grade):
            errors["pass_mark"] = "The pass mark must lie between 0 and the maximum grade."
        if self.time_limit is not None and self.time_limit.total_seconds() <= 0:
            errors["time_limit"] = "A time limit must be positive (leave it empty for untimed)."
        if errors:
            raise ValidationError(errors)

    def review_settings(self) -> dict[str, int]:
        """The review options as {option: bitmask of ReviewMoment}."""
        return {option: getattr(self, review_field(option)) for option, _, _ in REVIEW_OPTIONS}

    def is_open(self, now: datetime) -> bool:
        return (
            self.published
            and (self.opens_at is None or self.opens_at <= now)
            and (self.closes_at is None or now < self.closes_at)
        )


class QuizQuestionQuerySet(OwnedQuerySet):
    def get_by_natural_key(self, quiz_slug, question_key):
        return self.get(quiz__slug=quiz_slug, question__key=question_key)


class QuizQuestion(FollowsOwner, models.Model):
    owned_via = "quiz"  # the quiz's owner and co-teachers choose its questions

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="quiz_questions")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="quiz_questions")
    order = models.PositiveIntegerField(default=0)
    marks = models.DecimalField(max_digits=6, decimal_places=2, default=1)

    objects = QuizQuestionQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "question"], name="quiz_question_once"),
            models.CheckConstraint(
                condition=Q(marks__gte=0), name="quiz_question_marks_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.quiz} #{self.order}: {self.question}"

    def natural_key(self):
        return (*self.quiz.natural_key(), *self.question.natural_key())

    natural_key.dependencies = ["quizzes.quiz", "quizzes.question"]  # type: ignore[attr-defined]


class QuizRandomSlot(FollowsOwner, models.Model):
    """A place in a quiz that draws `count` questions at random from a tag or an article, anew
    for each attempt (the draw is kept in the attempt's layout)."""

    owned_via = "quiz"

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="random_slots")
    order = models.PositiveIntegerField(
        default=0,
        help_text="Where the drawn questions go among the quiz's questions (the same numbering; "
        "on a tie, after the fixed question).",
    )
    # PROTECT: deleting the source would silently change what the quiz asks.
    tag = models.ForeignKey(
        Tag,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="random_slots",
        help_text="Draw from the questions with this tag…",
    )
    article = models.ForeignKey(
        Article,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="random_slots",
        help_text="…or from the questions on this article's facts (one source, not both).",
    )
    count = models.PositiveSmallIntegerField(
        default=1, help_text="How many questions to draw (never the same one twice)."
    )
    marks = models.DecimalField(
        max_digits=6, decimal_places=2, default=1, help_text="Marks for each drawn question."
    )

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(tag__isnull=False, article__isnull=True)
                | Q(tag__isnull=True, article__isnull=False),
                name="random_slot_one_source",
            ),
            models.CheckConstraint(condition=Q(count__gte=1), name="random_slot_count_positive"),
            models.CheckConstraint(
                condition=Q(marks__gte=0), name="random_slot_marks_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.quiz} #{self.order}: {self.count} from {self.source_label}"

    def clean(self):
        if (self.tag_id is None) == (self.article_id is None):
            raise ValidationError("Draw from a tag or from an article (one of the two).")

    @property
    def source_label(self) -> str:
        """“tag Geography” or “article The Danube”, as messages name the pool."""
        if self.tag_id is not None:
            return f"tag {self.tag}"
        return f"article {self.article}"
