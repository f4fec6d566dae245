"""Classes: a teacher's group of students, the quizzes assigned to it and the accommodations
(overrides) a student or a whole class gets on a quiz's time, attempts and dates."""

import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from quizzes.models.quizzes import Quiz

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

# Join codes are read aloud and copied from a board: no 0/O, 1/I/L, and upper case only.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 8


def new_join_code() -> str:
    """A random join code (31^8 ≈ 8.5e11 codes: guessing one is not a way in)."""
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalised_join_code(typed: str) -> str:
    """A code as a student may type it: spaces and dashes dropped, upper case.

    >>> normalised_join_code(" abcd-efgh ")
    'ABCDEFGH'
    """
    return "".join(typed.split()).replace("-", "").upper()


class ClassroomQuerySet(models.QuerySet):
    def get_by_natural_key(self, join_code):
        return self.get(join_code=join_code)

    def taught_by(self, user):
        """The classes `user` teaches (a superuser: every class)."""
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(teachers=user)

    def attended_by(self, user):
        """The classes `user` is enrolled in as a student."""
        if not (user and user.is_authenticated):
            return self.none()
        return self.filter(enrolments__student=user)


class Classroom(models.Model):
    name = models.CharField(max_length=200)
    join_code = models.CharField(
        max_length=JOIN_CODE_LENGTH,
        unique=True,
        default=new_join_code,
        help_text="Students join the class with this code; reset it to stop new joins by the "
        "old one.",
    )
    teachers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="taught_classrooms", blank=True
    )
    students = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Enrolment",
        related_name="classrooms",
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClassroomQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = "class"
        verbose_name_plural = "classes"

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.join_code,)

    def is_taught_by(self, user: "User | AnonymousUser") -> bool:
        """Whether `user` may manage this class (a teacher of it, or a superuser)."""
        if not (user and user.is_authenticated and user.is_active):
            return False
        return user.is_superuser or self.teachers.filter(pk=user.pk).exists()


class EnrolmentQuerySet(models.QuerySet):
    def get_by_natural_key(self, join_code, username):
        return self.get(classroom__join_code=join_code, student__username=username)

    def taught_by(self, user):
        """The enrolments in the classes `user` teaches (a superuser: all; as a subquery,
        `.values("student")` is "the students `user` teaches")."""
        return self.filter(classroom__in=Classroom.objects.taught_by(user))


class Enrolment(models.Model):
    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="enrolments")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        ordering = ["classroom", "student__username"]
        constraints = [
            models.UniqueConstraint(fields=["classroom", "student"], name="enrolment_once"),
        ]

    def __str__(self):
        return f"{self.student} in {self.classroom}"

    def natural_key(self):
        return (self.classroom.join_code, self.student.get_username())

    natural_key.dependencies = ["quizzes.classroom", "auth.user"]  # type: ignore[attr-defined]


def _window_problems(opens: datetime | None, closes: datetime | None) -> dict[str, str]:
    if opens and closes and closes <= opens:
        return {"closes": "The closing date must come after the opening date."}
    return {}


class QuizAssignmentQuerySet(models.QuerySet):
    def get_by_natural_key(self, join_code, quiz_slug):
        return self.get(classroom__join_code=join_code, quiz__slug=quiz_slug)


class QuizAssignment(models.Model):
    classroom = models.ForeignKey(
        Classroom, on_delete=models.CASCADE, related_name="quiz_assignments"
    )
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="assignments")
    opens = models.DateTimeField(
        null=True, blank=True, help_text="When the class may start it. Empty: the quiz's own."
    )
    closes = models.DateTimeField(
        null=True, blank=True, help_text="The due date. Empty: the quiz's own closing date."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = QuizAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["closes", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["classroom", "quiz"], name="quiz_assigned_once"),
            models.CheckConstraint(
                condition=Q(opens__isnull=True)
                | Q(closes__isnull=True)
                | Q(closes__gt=models.F("opens")),
                name="quiz_assignment_closes_after_opening",
            ),
        ]

    def __str__(self):
        return f"{self.quiz} for {self.classroom}"

    def natural_key(self):
        return (self.classroom.join_code, self.quiz.slug)

    natural_key.dependencies = ["quizzes.classroom", "quizzes.quiz"]  # type: ignore[attr-defined]

    def clean(self):
        if errors := _window_problems(self.opens, self.closes):
            raise ValidationError(errors)


class QuizOverrideQuerySet(models.QuerySet):
    def get_by_natural_key(self, quiz_slug, username, join_code):
        """(quiz slug, username, None) for a student's override, (quiz slug, None, join code)
        for a class's."""
        if username is not None:
            return self.get(quiz__slug=quiz_slug, user__username=username)
        return self.get(quiz__slug=quiz_slug, classroom__join_code=join_code)

    def visible_to(self, user):
        """The overrides a teacher sees and manages: on the classes `user` teaches and on their
        students (a superuser: all)."""
        if user and user.is_superuser:
            return self.all()
        students = Enrolment.objects.taught_by(user).values("student")
        return self.filter(
            models.Q(classroom__in=Classroom.objects.taught_by(user)) | models.Q(user__in=students)
        )


class QuizOverride(models.Model):
    """An accommodation on one quiz, for one student or for a whole class.

    Each field left empty changes nothing; how the fields combine with the quiz, the class's
    assignment and each other is `quizzes.services.classes.effective_rules`."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="overrides")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="quiz_overrides",
    )
    classroom = models.ForeignKey(
        Classroom,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="quiz_overrides",
    )
    extra_minutes = models.PositiveIntegerField(
        null=True, blank=True, help_text="Minutes added to the time limit (after the multiplier)."
    )
    time_multiplier = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="The time limit times this (1.5: half as much time again).",
    )
    extra_attempts = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Attempts on top of those the quiz allows."
    )
    opens = models.DateTimeField(null=True, blank=True, help_text="Empty: the usual opening.")
    closes = models.DateTimeField(null=True, blank=True, help_text="Empty: the usual closing.")
    updated_at = models.DateTimeField(auto_now=True)

    objects = QuizOverrideQuerySet.as_manager()

    class Meta:
        ordering = ["quiz", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(classroom__isnull=True))
                | (Q(user__isnull=True) & Q(classroom__isnull=False)),
                name="quiz_override_for_one_user_or_one_class",
            ),
            models.UniqueConstraint(
                fields=["quiz", "user"],
                condition=Q(user__isnull=False),
                name="quiz_override_once_per_user",
            ),
            models.UniqueConstraint(
                fields=["quiz", "classroom"],
                condition=Q(classroom__isnull=False),
                name="quiz_override_once_per_class",
            ),
            models.CheckConstraint(
                condition=Q(time_multiplier__isnull=True) | Q(time_multiplier__gt=0),
                name="quiz_override_multiplier_positive",
            ),
            models.CheckConstraint(
                condition=Q(opens__isnull=True)
                | Q(closes__isnull=True)
                | Q(closes__gt=models.F("opens")),
                name="quiz_override_closes_after_opening",
            ),
        ]

    def __str__(self):
        return f"{self.quiz} for {self.user or self.classroom}"

    def natural_key(self):
        return (
            self.quiz.slug,
            self.user.get_username() if self.user else None,
            self.classroom.join_code if self.classroom else None,
        )

    natural_key.dependencies = [  # type: ignore[attr-defined]
        "quizzes.quiz",
        "quizzes.classroom",
        "auth.user",
    ]

    def clean(self):
        errors = _window_problems(self.opens, self.closes)
        if (self.user_id is None) == (self.classroom_id is None):
            errors["user"] = "An override is for one student or for one class (exactly one)."
        if self.time_multiplier is not None and self.time_multiplier <= 0:
            errors["time_multiplier"] = "The multiplier must be positive (1.5: 50 % more time)."
        if errors:
            raise ValidationError(errors)
