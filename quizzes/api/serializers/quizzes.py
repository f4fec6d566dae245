"""Quizzes: the teacher's write shape, the public and teacher read shapes, a student's standing."""

from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from quizzes.api.serializers.common import (
    EditablePrimaryKeyField,
    EditableSlugField,
    GradeField,
    ModelSerializer,
    TagsField,
    django_errors,
    review_moment_serializer,
    tags_from_slugs,
)
from quizzes.models import (
    Article,
    Question,
    Quiz,
    QuizQuestion,
    ReviewMoment,
    Tag,
)
from quizzes.models.quizzes import review_field
from quizzes.permissions import SEE_ALL_QUIZZES, can
from quizzes.services import review
from quizzes.services.quizzes import QuizSlot, RandomSlotInput, quiz_problems, quiz_save

# --- Quizzes -------------------------------------------------------------------------------


class QuizQuestionSerializer(ModelSerializer):
    question = EditablePrimaryKeyField(queryset=Question.objects.all())
    marks = GradeField(
        max_digits=6,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text="Marks on offer; defaults to the question's default marks.",
    )

    class Meta:
        model = QuizQuestion
        fields = ["question", "order", "marks"]
        read_only_fields = ["order"]


class RandomSlotSerializer(serializers.Serializer):
    """A random slot: `count` questions drawn from a tag or (else) an article, for each attempt."""

    tag = serializers.SlugRelatedField(
        slug_field="slug", queryset=Tag.objects.all(), required=False, allow_null=True
    )
    article = EditableSlugField(
        slug_field="slug", queryset=Article.objects.all(), required=False, allow_null=True
    )
    count = serializers.IntegerField(min_value=1, max_value=1000)
    marks = GradeField(
        max_digits=6, decimal_places=2, min_value=0, default=Decimal(1), help_text="Per question."
    )

    def validate(self, attrs):
        if (attrs.get("tag") is None) == (attrs.get("article") is None):
            raise serializers.ValidationError(
                "Draw from a tag or from an article (one of the two)."
            )
        return attrs


QUIZ_PUBLIC_FIELDS = [
    "slug",
    "title",
    "description",
    "opens_at",
    "closes_at",
    "time_limit",
    "attempts_allowed",
    "grading_method",
    "feedback_mode",
    "review_options",
    "maximum_grade",
    "pass_mark",
    "tags",
]
QUIZ_TEACHER_FIELDS = [
    "published",
    "shuffle_questions",
    "shuffle_choices",
    "questions",
    "random",
    "owner",
    "shared_with",
    "author",
    "created_at",
    "updated_at",
]


ReviewAfterSerializer = review_moment_serializer(
    "ReviewAfterSerializer",
    review.moment_options(ReviewMoment.AFTER_CLOSE),
    "What the review shows at one moment after the attempt.",
)
ReviewDuringSerializer = review_moment_serializer(
    "ReviewDuringSerializer",
    review.moment_options(ReviewMoment.DURING),
    "What Check shows during the attempt (immediate-feedback quizzes).",
)


class ReviewOptionsSerializer(serializers.Serializer):
    """The quiz's review options, moment by moment (Moodle's). Used with `source="*"`: it reads
    the quiz's bitmask fields and writes them back, switching only the cells a request names."""

    during = ReviewDuringSerializer(
        required=False, help_text="During the attempt, after Check (immediate-feedback quizzes)."
    )
    immediately_after = ReviewAfterSerializer(
        required=False, help_text="For two minutes after the attempt is finished."
    )
    later_while_open = ReviewAfterSerializer(
        required=False, help_text="From then until the quiz closes."
    )
    after_close = ReviewAfterSerializer(
        required=False,
        help_text="Once the quiz has closed (never, for a quiz with no closing time).",
    )

    def to_representation(self, quiz):
        return review.settings_table(quiz.review_settings())

    def to_internal_value(self, data):
        table = super().to_internal_value(data)
        instance = getattr(self.parent, "instance", None)
        base = (instance or Quiz()).review_settings()  # an unsaved quiz holds the defaults
        settings = review.settings_from_table(table, base=base)
        return {review_field(option): bits for option, bits in settings.items()}


class QuizSerializer(ModelSerializer):
    """A quiz as listed. Students get the public fields; teachers also get the authoring ones."""

    tags = TagsField(read_only=True)
    review_options = ReviewOptionsSerializer(source="*", read_only=True)
    question_count = serializers.IntegerField(read_only=True)
    # Teachers only: declared optional so the schema says they may be absent.
    published = serializers.BooleanField(required=False)
    shuffle_questions = serializers.BooleanField(required=False)
    shuffle_choices = serializers.BooleanField(required=False)
    questions = QuizQuestionSerializer(
        source="quiz_questions", many=True, required=False, help_text="Teachers only."
    )
    owner = serializers.CharField(
        source="owner.username", required=False, allow_null=True, default=None
    )
    shared_with = serializers.SlugRelatedField(
        slug_field="username", many=True, read_only=True, required=False
    )
    random = RandomSlotSerializer(
        source="random_slots", many=True, required=False, help_text="Teachers only."
    )
    author = serializers.CharField(
        source="owner.username",
        required=False,
        allow_null=True,
        default=None,
        help_text="Deprecated: the same as `owner`.",
    )
    created_at = serializers.DateTimeField(required=False)
    updated_at = serializers.DateTimeField(required=False)

    class Meta:
        model = Quiz
        fields = [*QUIZ_PUBLIC_FIELDS, "question_count", *QUIZ_TEACHER_FIELDS]
        read_only_fields = QUIZ_PUBLIC_FIELDS

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and not can(request.user, SEE_ALL_QUIZZES):
            for name in QUIZ_TEACHER_FIELDS:
                fields.pop(name)
        return fields


class QuizWriteSerializer(ModelSerializer):
    """What a teacher sends to create or change a quiz; `questions` replaces the list and
    `random` the random slots (after the list, in the order sent)."""

    tags = TagsField(required=False)
    questions = QuizQuestionSerializer(many=True, required=False)
    random = RandomSlotSerializer(many=True, required=False)
    review_options = ReviewOptionsSerializer(
        source="*",
        required=False,
        help_text="Cells left out keep their value (the defaults, for a new quiz).",
    )

    class Meta:
        model = Quiz
        fields = [
            *[f for f in QUIZ_PUBLIC_FIELDS if f != "tags"],
            "published",
            "shuffle_questions",
            "shuffle_choices",
            "tags",
            "questions",
            "random",
        ]
        extra_kwargs = {
            "attempts_allowed": {"min_value": 1},
            "maximum_grade": {"min_value": Decimal("0.01")},
        }

    def validate_questions(self, rows):
        ids = [row["question"].pk for row in rows]
        if len(ids) != len(set(ids)):
            raise serializers.ValidationError("A question can appear in a quiz only once.")
        return rows

    def validate(self, attrs):
        values = (
            {
                field: getattr(self.instance, field)
                for field in ("opens_at", "closes_at", "time_limit", "pass_mark", "maximum_grade")
            }
            if self.instance
            else {}
        )
        values.update({k: v for k, v in attrs.items() if k not in {"tags", "questions", "random"}})
        try:
            Quiz(**values).clean()
        except DjangoValidationError as exc:
            raise django_errors(exc) from exc
        published = attrs.get("published", self.instance.published if self.instance else False)
        if "questions" in attrs:
            count = len(attrs["questions"])
        else:
            count = self.instance.quiz_questions.count() if self.instance else 0
        if "random" in attrs:
            drawn = sum(row["count"] for row in attrs["random"])
        else:
            drawn = (
                sum(slot.count for slot in self.instance.random_slots.all()) if self.instance else 0
            )
        # The pools are checked by `quiz_save` (a 400 on "random" naming the slot).
        problems = quiz_problems(published=published, question_count=count, drawn_count=drawn)
        if problems:
            raise serializers.ValidationError(problems)
        return attrs

    def create(self, validated_data):
        return self._save(None, validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)

    @staticmethod
    @transaction.atomic
    def _save(quiz, validated_data):
        data = dict(validated_data)
        rows = data.pop("questions", None)
        tags = data.pop("tags", None)
        drawing = data.pop("random", None)
        slots = (
            None
            if rows is None
            else [QuizSlot(question=row["question"], marks=row.get("marks")) for row in rows]
        )
        try:
            return quiz_save(
                fields=data,
                quiz=quiz,
                questions=slots,
                random=None
                if drawing is None
                else [
                    RandomSlotInput(
                        tag=row.get("tag"),
                        article=row.get("article"),
                        count=row["count"],
                        marks=row["marks"],
                    )
                    for row in drawing
                ],
                tags=None if tags is None else tags_from_slugs(tags),
            )
        except DjangoValidationError as exc:
            raise django_errors(exc) from exc


class QuizStandingSerializer(serializers.Serializer):
    """The signed-in student's standing on a quiz."""

    state = serializers.ChoiceField(choices=["not_started", "in_progress", "finished"])
    attempts_used = serializers.IntegerField()
    attempts_left = serializers.IntegerField(allow_null=True, help_text="Null: unlimited.")
    final_grade = GradeField(
        max_digits=6,
        decimal_places=2,
        allow_null=True,
        help_text="Null before a finished attempt, or while the quiz does not show the marks.",
    )
    grade_hidden = serializers.BooleanField(
        help_text="The quiz's review options do not show the marks of every attempt yet."
    )
    in_progress_attempt = serializers.IntegerField(
        source="in_progress.pk", allow_null=True, default=None
    )
    can_start = serializers.BooleanField()


class StudentQuizSerializer(QuizSerializer):
    """A quiz with the student's own standing on it (the detail view)."""

    standing = serializers.SerializerMethodField()

    class Meta(QuizSerializer.Meta):
        fields = [*QuizSerializer.Meta.fields, "standing"]

    @extend_schema_field(QuizStandingSerializer(allow_null=True))
    def get_standing(self, quiz):
        summary = self.context.get("standing")
        return QuizStandingSerializer(summary).data if summary is not None else None
