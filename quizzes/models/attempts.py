"""A student's attempts at a quiz and the responses in them."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from quizzes.models.bank import Question, QuestionKind, QuestionVersion
from quizzes.models.ownership import FollowsOwner, OwnedQuerySet, owned_q
from quizzes.models.quizzes import Quiz


class AttemptState(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    FINISHED = "finished", "Finished"
    ABANDONED = "abandoned", "Abandoned"


def results_readable_q(model: Any, user: Any, *, via: str) -> Q:
    """The condition "`user` may read these results" (attempts, responses, card states,
    reviews) for rows that reach their quiz or deck (`model`) through `via`: the results of
    what the teacher may edit, and every result of a student in a class the teacher teaches
    (a public quiz or deck of another teacher's included: the class is theirs to follow).
    Superusers read everything (callers check that first).

    The one place for the rule: every results surface (the admin, the API, the analytics, the
    exports) reads through `readable_by`. One condition, no join: the classes' students are a
    subquery.
    """
    student = f"{via.rsplit('__', 1)[0]}__user" if "__" in via else "user"
    from quizzes.models.classes import Enrolment  # classes build on quizzes and attempts

    taught = Enrolment.objects.taught_by(user).values("student")
    return owned_q(model, user, via=via) | Q(**{f"{student}__in": taught})


class ResultsQuerySet(OwnedQuerySet):
    """Results: `readable_by(user)`, besides the student's own rows."""

    def readable_by(self, user):
        """The results a teacher may read: those of their own and shared quizzes (or decks);
        all for a superuser; nothing for anybody else. (A student reads their own through
        `owned_by`, never through this.)"""
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        if user.is_superuser:
            return self.all()
        model: Any = self.model
        return self.filter(results_readable_q(model.owned_model(), user, via=model.owned_via))


class AttemptQuerySet(ResultsQuerySet):
    def owned_by(self, user):
        return self.filter(user=user)

    def in_progress(self):
        return self.filter(state=AttemptState.IN_PROGRESS)

    def finished(self):
        return self.filter(state=AttemptState.FINISHED)

    def overdue(self, now):
        """In-progress attempts whose deadline has passed."""
        return self.in_progress().filter(deadline__isnull=False, deadline__lt=now)


def shown_snapshot(snapshot: dict, *, choice_order: list) -> dict:
    """A version's snapshot in the order this student saw it (ids `choice_order` leaves out go
    last): its choices, or for a matching question its answers and for an ordering question its
    items (those kinds have no choices; the attempt's shuffle of their parts takes their place).
    """
    if not choice_order:
        return snapshot
    position = {part_id: index for index, part_id in enumerate(choice_order)}

    def ordered(parts: list[dict]) -> list[dict]:
        return sorted(parts, key=lambda p: position.get(p["id"], len(position)))

    if snapshot.get("choices"):
        return {**snapshot, "choices": ordered(snapshot["choices"])}
    if snapshot.get("kind") == QuestionKind.MATCHING and snapshot.get("answers"):
        return {**snapshot, "answers": ordered(snapshot["answers"])}
    if snapshot.get("kind") == QuestionKind.ORDERING and snapshot.get("shown_items"):
        return {**snapshot, "shown_items": ordered(snapshot["shown_items"])}
    return snapshot


class ResponseManager(models.Manager.from_queryset(ResultsQuerySet)):  # type: ignore[misc]
    """Responses come with their question version (one join): every reader of `snapshot` needs
    it. Row locks name their own tables (`of=`), so that a locked response never locks the
    version that other students' responses share."""

    def get_queryset(self):
        return super().get_queryset().select_related("version")


class Attempt(FollowsOwner, models.Model):
    owned_via = "quiz"  # results are read by the quiz's owner and co-teachers

    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="attempts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts"
    )
    number = models.PositiveIntegerField(help_text="1 for the student's first attempt, and so on.")
    state = models.CharField(
        max_length=20, choices=AttemptState.choices, default=AttemptState.IN_PROGRESS
    )
    started_at = models.DateTimeField()
    deadline = models.DateTimeField(
        null=True, blank=True, help_text="When the attempt is submitted by itself; empty: untimed."
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    max_score = models.DecimalField(
        max_digits=8, decimal_places=2, default=0, help_text="Sum of the marks on offer."
    )
    score = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    grade = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="The score scaled to the quiz's maximum grade.",
    )
    layout = models.JSONField(
        default=list,
        blank=True,
        help_text="This attempt's order: a list of {question, choices} as the student sees them.",
    )

    objects = AttemptQuerySet.as_manager()

    # Not a column: on an attempt `attempt_start` has just made, the responses it wrote.
    new_responses: list["Response"]

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "user", "number"], name="attempt_number_unique_per_user_quiz"
            ),
            models.UniqueConstraint(
                fields=["quiz", "user"],
                condition=Q(state="in_progress"),
                name="one_attempt_in_progress_per_user_quiz",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="attempt_number_positive"),
        ]
        indexes = [
            models.Index(fields=["user", "quiz"]),
            models.Index(fields=["state", "deadline"]),
        ]

    def __str__(self):
        return f"{self.user} on {self.quiz} (attempt {self.number})"

    def get_absolute_url(self):
        return reverse("attempt-detail", kwargs={"pk": self.pk})

    @property
    def is_finished(self) -> bool:
        return self.state == AttemptState.FINISHED

    @property
    def passed(self) -> bool | None:
        """Whether the grade reached the quiz's pass mark (None: no pass mark, or not graded)."""
        if self.grade is None or self.quiz.pass_mark is None:
            return None
        return self.grade >= self.quiz.pass_mark


class Response(FollowsOwner, models.Model):
    owned_via = "attempt__quiz"

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="responses")
    question = models.ForeignKey(
        Question,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responses",
        help_text="The live question; the snapshot keeps it as shown, even after an edit.",
    )
    slot = models.PositiveIntegerField(help_text="Position in the attempt, from 1.")
    version = models.ForeignKey(
        QuestionVersion,
        on_delete=models.PROTECT,
        related_name="responses",
        help_text="The version of the question shown, shared with every response that showed it.",
    )
    choice_order = models.JSONField(
        default=list, blank=True, help_text="The choice ids in the order this student saw them."
    )
    regraded_snapshot = models.JSONField(
        null=True,
        blank=True,
        help_text="After a re-grade: the question as shown with today's grading data; empty: "
        "the version's.",
    )
    marks = models.DecimalField(
        max_digits=6, decimal_places=2, help_text="Marks on offer for this question."
    )
    answer = models.JSONField(null=True, blank=True, help_text="The student's answer, as saved.")
    answered_at = models.DateTimeField(null=True, blank=True)
    flagged = models.BooleanField(default=False)
    checked = models.BooleanField(
        default=False, help_text="Immediate feedback: the answer was checked and is locked."
    )
    fraction = models.FloatField(null=True, blank=True)
    score = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)

    objects = ResponseManager()

    class Meta:
        ordering = ["attempt", "slot"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "slot"], name="response_slot_unique"),
            models.UniqueConstraint(
                fields=["attempt", "question"], name="one_response_per_question_per_attempt"
            ),
        ]

    def __str__(self):
        return f"{self.attempt} · question {self.slot}"

    @property
    def snapshot(self) -> dict:
        """The question as this student was shown it: the version, in this student's order."""
        if self.regraded_snapshot is not None:
            return self.regraded_snapshot
        return shown_snapshot(self.version.snapshot, choice_order=self.choice_order)

    @snapshot.setter
    def snapshot(self, value: dict) -> None:
        self.regraded_snapshot = value
