"""API serializers: shapes in and out. Rules come from `quizzes.services`, never from here.

One serializer per direction where input and output differ (`QuizWriteSerializer` in,
`QuizSerializer` out; `AnswerInputSerializer` in, `ResponseOutputSerializer` out).
"""

from decimal import Decimal

from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from quizzes.grades import format_grade
from quizzes.models import (
    REVIEW_OPTIONS,
    AcceptedAnswer,
    Article,
    Attempt,
    Choice,
    Fact,
    MatchMode,
    Question,
    QuestionKind,
    Quiz,
    QuizQuestion,
    Response,
    ReviewMoment,
    Tag,
)
from quizzes.models.quizzes import review_field
from quizzes.permissions import SEE_ALL_QUIZZES, can
from quizzes.services import review
from quizzes.services.attempts import checked_review_item, marks_shown
from quizzes.services.authoring import question_save
from quizzes.services.generation import GENERATED_KINDS
from quizzes.services.questions import part_fields, question_problems
from quizzes.services.quizzes import QuizSlot, RandomSlotInput, quiz_problems, quiz_save
from quizzes.services.snapshots import public_question


class GradeField(serializers.DecimalField):
    """A grade, score or mark, written as every page writes it: "0", "25", "33.33" (a decimal
    string, as DRF's DecimalField gives, without the trailing zeros; see `format_grade`)."""

    def to_representation(self, value):
        return format_grade(value)


class ModelSerializer(serializers.ModelSerializer):
    """DRF's, with the models' decimals (all of them grades, scores or marks) as GradeField."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DecimalField: GradeField,
    }


def _django_errors(exc: DjangoValidationError) -> serializers.ValidationError:
    if hasattr(exc, "error_dict"):
        return serializers.ValidationError(exc.message_dict)
    return serializers.ValidationError({"non_field_errors": exc.messages})


class TagsField(serializers.ListField):
    """Tags by slug; a slug that does not exist yet creates the tag."""

    child = serializers.SlugField(max_length=60)

    def to_representation(self, data):
        return [tag.slug for tag in data.all()]


def _tags_from_slugs(slugs: list[str]) -> list[Tag]:
    tags = []
    for slug in dict.fromkeys(slugs):
        tag, _ = Tag.objects.get_or_create(
            slug=slug, defaults={"name": slug.replace("-", " ").title()}
        )
        tags.append(tag)
    return tags


# --- Articles and facts -------------------------------------------------------------------


class ArticleSerializer(ModelSerializer):
    fact_count = serializers.IntegerField(read_only=True, help_text="Facts recorded from it.")
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    shared_with = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)

    class Meta:
        model = Article
        fields = [
            "slug",
            "title",
            "publisher",
            "byline",
            "url",
            "published",
            "body",
            "fact_count",
            "owner",
            "shared_with",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if data.get("fact_count") is None:
            data["fact_count"] = instance.facts.count()
        return data


class EditableOnly:
    """A reference to owned content (an article, a fact, a question): only what the requesting
    teacher may edit is found; another teacher's item "does not exist", as its URL is a 404."""

    def get_queryset(self):
        request = self.context.get("request")
        return super().get_queryset().editable_by(getattr(request, "user", None))


class SlugLookupField(serializers.SlugRelatedField):
    """A reference by slug; a value no database column can hold (a NUL byte) is a field error."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)


class EditableSlugField(EditableOnly, SlugLookupField):
    pass


class EditablePrimaryKeyField(EditableOnly, serializers.PrimaryKeyRelatedField):
    pass


class FactSerializer(ModelSerializer):
    article = EditableSlugField(slug_field="slug", queryset=Article.objects.all())
    distractors = serializers.ListField(
        child=serializers.CharField(max_length=300),
        required=False,
        help_text="Extra wrong answers of the same kind.",
    )

    class Meta:
        model = Fact
        fields = [
            "id",
            "key",
            "article",
            "sentence",
            "answer",
            "kind",
            "prompt",
            "distractors",
            "position",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {"key": {"required": False}}

    def validate(self, attrs):
        """The model's own rules: the sentence stands in the article, the answer in the sentence."""
        fact = Fact(
            **{
                field: attrs.get(field, getattr(self.instance, field, None))
                for field in ("article", "sentence", "answer")
            },
            distractors=attrs.get("distractors", getattr(self.instance, "distractors", [])),
        )
        try:
            fact.clean()
        except DjangoValidationError as exc:
            raise _django_errors(exc) from exc
        return attrs


# --- Questions -----------------------------------------------------------------------------


class ChoiceSerializer(ModelSerializer):
    id = serializers.IntegerField(
        required=False,
        help_text="Send an existing choice's id to keep it (attempts refer to it); "
        "leave it out for a new choice.",
    )
    fraction = serializers.FloatField(
        min_value=-1, max_value=1, default=0, help_text="1 correct, 0 wrong, negative penalises."
    )

    class Meta:
        model = Choice
        fields = ["id", "text", "fraction", "feedback", "order"]
        read_only_fields = ["order"]


class AcceptedAnswerSerializer(ModelSerializer):
    fraction = serializers.FloatField(min_value=0, max_value=1, default=1)

    class Meta:
        model = AcceptedAnswer
        fields = ["text", "fraction", "match", "order"]
        read_only_fields = ["order"]
        extra_kwargs = {"match": {"default": MatchMode.NORMALISED}}


class MatchPairSerializer(serializers.Serializer):
    stem = serializers.CharField(max_length=500)
    answer = serializers.CharField(max_length=300)


class QuestionSerializer(ModelSerializer):
    """A question with its choices and accepted answers (their order is the list order), or
    its matching pairs and extra answers, or its ordering items (in their right order).

    Validated by `question_problems`, the same rules the admin and `loaddata` apply.
    """

    fact = EditablePrimaryKeyField(queryset=Fact.objects.all(), allow_null=True, required=False)
    tags = TagsField(required=False)
    choices = ChoiceSerializer(many=True, required=False)
    accepted_answers = AcceptedAnswerSerializer(many=True, required=False)
    pairs = MatchPairSerializer(
        many=True, required=False, help_text="Matching: each stem with its answer."
    )
    extra_answers = serializers.ListField(
        child=serializers.CharField(max_length=300),
        required=False,
        help_text="Matching: answers offered that match no stem.",
    )
    items = serializers.ListField(
        child=serializers.CharField(max_length=500),
        required=False,
        help_text="Ordering: the items in their right order.",
    )
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    shared_with = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)
    author = serializers.CharField(
        source="owner.username",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="Deprecated: the same as `owner` (who wrote a question owns it).",
    )

    class Meta:
        model = Question
        fields = [
            "id",
            "key",
            "kind",
            "text",
            "explanation",
            "fact",
            "tags",
            "default_marks",
            "numeric_answer",
            "numeric_tolerance",
            "choices",
            "accepted_answers",
            "pairs",
            "extra_answers",
            "items",
            "all_or_nothing",
            "shared_answers",
            "generator",
            "owner",
            "shared_with",
            "author",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["generator", "created_at", "updated_at"]
        extra_kwargs = {
            "key": {"required": False},
            "default_marks": {"min_value": 0},
            "numeric_tolerance": {"min_value": 0},
        }

    def validate(self, attrs):
        instance = self.instance

        def current(field, default):
            if field in attrs:
                return attrs[field]
            return getattr(instance, field) if instance is not None else default

        if "choices" in attrs:
            choices = attrs["choices"]
        elif instance is not None:
            choices = [{"text": c.text, "fraction": c.fraction} for c in instance.choices.all()]
        else:
            choices = []
        if "accepted_answers" in attrs:
            accepted = attrs["accepted_answers"]
        elif instance is not None:
            accepted = [
                {"text": a.text, "fraction": a.fraction} for a in instance.accepted_answers.all()
            ]
        else:
            accepted = []
        parts = part_fields(
            pairs=[
                {"stem": p.stem, "answer": p.answer, "order": p.order}
                for p in (instance.match_pairs.all() if instance else [])
            ],
            items=[
                {"text": i.text, "order": i.order}
                for i in (instance.ordering_items.all() if instance else [])
            ],
        )
        parts.update(
            {key: attrs[key] for key in ("pairs", "extra_answers", "items") if key in attrs}
        )
        problems = question_problems(
            kind=current("kind", ""),
            text=current("text", ""),
            choices=choices,
            accepted_answers=accepted,
            numeric_answer=current("numeric_answer", None),
            all_or_nothing=current("all_or_nothing", False),
            shared_answers=current("shared_answers", False),
            **parts,
        )
        known = set(instance.choices.values_list("pk", flat=True)) if instance else set()
        sent = [c["id"] for c in attrs.get("choices", []) if "id" in c]
        if any(pk not in known for pk in sent) or len(sent) != len(set(sent)):
            problems.setdefault("choices", []).append(
                "A choice id must be one of this question's choices, at most once."
            )
        if problems:
            raise serializers.ValidationError(problems)
        return attrs

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data.update(
            part_fields(
                pairs=[
                    {"stem": p.stem, "answer": p.answer, "order": p.order}
                    for p in instance.match_pairs.all()
                ],
                items=[{"text": i.text, "order": i.order} for i in instance.ordering_items.all()],
            )
        )
        return data

    # Writes go through the authoring service, as the importers' do: it checks the rules
    # again (cheap) and writes the question and all its parts in one transaction.
    def create(self, validated_data):
        tags = validated_data.pop("tags", [])
        owner = validated_data.pop("owner", None)
        return question_save(fields=validated_data, tags=_tags_from_slugs(tags), owner=owner)

    def update(self, instance, validated_data):
        tags = validated_data.pop("tags", None)
        validated_data.pop("owner", None)
        return question_save(
            fields=validated_data,
            question=instance,
            tags=None if tags is None else _tags_from_slugs(tags),
        )


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


def _review_moment_serializer(name: str, options: tuple[str, ...], doc: str, required=False):
    labels = {option: (label, governs) for option, label, governs in REVIEW_OPTIONS}
    attrs = {
        option: serializers.BooleanField(
            required=required, help_text=f"{labels[option][0]}: {labels[option][1]}."
        )
        for option in options
    }
    return type(name, (serializers.Serializer,), {**attrs, "__doc__": doc})


ReviewAfterSerializer = _review_moment_serializer(
    "ReviewAfterSerializer",
    review.moment_options(ReviewMoment.AFTER_CLOSE),
    "What the review shows at one moment after the attempt.",
)
ReviewDuringSerializer = _review_moment_serializer(
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
            raise _django_errors(exc) from exc
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
                tags=None if tags is None else _tags_from_slugs(tags),
            )
        except DjangoValidationError as exc:
            raise _django_errors(exc) from exc


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


# --- Attempts (students) -------------------------------------------------------------------


@extend_schema_field(
    {
        "oneOf": [
            {"type": "integer", "description": "single_choice, true_false: a choice id"},
            {
                "type": "array",
                "items": {"type": "integer"},
                "description": "multiple_response: choice ids",
            },
            {"type": "string", "description": "short_answer, cloze: the text"},
            {"type": "number", "description": "numeric: the value"},
            {
                "type": "object",
                "additionalProperties": {"type": "string", "nullable": True},
                "description": "matching: {stem id: answer id}; a stem left out (or null) is "
                "unanswered",
            },
            {
                "type": "array",
                "items": {
                    "type": "array",
                    "items": {"type": "string"},
                    "minItems": 2,
                    "maxItems": 2,
                },
                "description": "matching, the same as pairs: [[stem id, answer id], …]",
            },
            {
                "type": "array",
                "items": {"type": "string"},
                "description": "ordering: every item id, each once, in the student's order",
            },
        ],
        "nullable": True,
    }
)
class AnswerField(serializers.JSONField):
    """An answer in the shape its question's kind takes; null clears it."""


class PublicChoiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()


class PublicPartSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="Opaque: it tells neither a stem's answer nor a place.")
    text = serializers.CharField()


class PublicQuestionSerializer(serializers.Serializer):
    """A question as a student sees it while answering (`public_question`)."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    text = serializers.CharField()
    choices = PublicChoiceSerializer(many=True)
    stems = PublicPartSerializer(
        many=True, required=False, help_text="Matching: the stems to give an answer each."
    )
    answers = PublicPartSerializer(
        many=True,
        required=False,
        help_text="Matching: the answers to pick from (shuffled; some may match no stem).",
    )
    items = PublicPartSerializer(
        many=True, required=False, help_text="Ordering: the items to order, shuffled."
    )


class ReviewPairSerializer(serializers.Serializer):
    stem = serializers.CharField()
    given = serializers.CharField(help_text="The answer picked (empty: none).")
    right = serializers.CharField(
        allow_null=True, help_text="The stem's answer; null unless the review shows right answers."
    )
    correct = serializers.BooleanField(
        allow_null=True, help_text="Matched right; null unless the review shows whether correct."
    )


class ReviewPlaceSerializer(serializers.Serializer):
    text = serializers.CharField(help_text="The item the student put at this place.")
    right = serializers.CharField(
        allow_null=True,
        help_text="The item that belongs here; null unless the review shows right answers.",
    )
    followed_right = serializers.BooleanField(
        allow_null=True,
        help_text="The next item is the right one (what earns credit); null for the last item "
        "and unless the review shows whether correct.",
    )


class ReviewChoiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    selected = serializers.BooleanField(help_text="The student picked it.")
    correct = serializers.BooleanField(
        allow_null=True, help_text="A right option; null unless the review shows right answers."
    )


class ReviewSourceSerializer(serializers.Serializer):
    sentence = serializers.CharField(help_text="The article sentence the question came from.")
    fact = serializers.CharField(help_text="The fact's key (`?fact=` on the article page).")
    article = serializers.CharField(help_text="The article's slug.")
    article_title = serializers.CharField()


class ReviewItemSerializer(serializers.Serializer):
    """One question as the review (or Check) shows it (`quizzes.services.review.review_item`).

    Each nullable field is null, and `feedback` empty, unless the quiz's review options show it
    at this moment: `verdict` (whether correct), `score` and `fraction` (marks), `feedback`
    (specific feedback), `explanation` (general feedback), `correct_answer` and the options'
    `correct` (right answer), `source` (the source sentence).
    """

    slot = serializers.IntegerField()
    question = PublicQuestionSerializer()
    answer = AnswerField(allow_null=True)
    answer_text = serializers.CharField(help_text="The answer as the student gave it, in words.")
    answered = serializers.BooleanField()
    choices = ReviewChoiceSerializer(many=True, help_text="Choice questions: their options.")
    pairs = ReviewPairSerializer(many=True, help_text="Matching: stem by stem.")
    order = ReviewPlaceSerializer(many=True, help_text="Ordering: place by place, as answered.")
    right_order = serializers.ListField(
        child=serializers.CharField(),
        allow_null=True,
        help_text="Ordering: the items in the right order; null unless the review shows right "
        "answers.",
    )
    marks = GradeField(max_digits=6, decimal_places=2, help_text="Marks on offer.")
    score = GradeField(max_digits=8, decimal_places=2, allow_null=True)
    fraction = serializers.FloatField(allow_null=True)
    verdict = serializers.ChoiceField(
        choices=["correct", "partial", "incorrect", "unanswered"], allow_null=True
    )
    feedback = serializers.ListField(
        child=serializers.CharField(), help_text="The feedback on the options picked."
    )
    explanation = serializers.CharField(allow_null=True)
    correct_answer = serializers.CharField(allow_null=True)
    source = ReviewSourceSerializer(allow_null=True)


class ResponseOutputSerializer(ModelSerializer):
    """One question of an attempt, where the student stands on it; nothing about correctness
    unless the student checked it (immediate-feedback quizzes)."""

    question = serializers.SerializerMethodField()
    answer = AnswerField(allow_null=True)
    checked_result = serializers.SerializerMethodField()

    class Meta:
        model = Response
        fields = [
            "slot",
            "question",
            "marks",
            "answer",
            "answered_at",
            "flagged",
            "checked",
            "checked_result",
        ]

    @extend_schema_field(PublicQuestionSerializer)
    def get_question(self, response):
        return public_question(response.snapshot)

    @extend_schema_field(ReviewItemSerializer(allow_null=True))
    def get_checked_result(self, response):
        result = checked_review_item(response=response, quiz=response.attempt.quiz)
        return ReviewItemSerializer(result).data if result is not None else None


class AttemptSummarySerializer(ModelSerializer):
    quiz = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    quiz_title = serializers.CharField(source="quiz.title", read_only=True)
    passed = serializers.SerializerMethodField()

    class Meta:
        model = Attempt
        fields = [
            "id",
            "quiz",
            "quiz_title",
            "number",
            "state",
            "started_at",
            "deadline",
            "finished_at",
            "max_score",
            "score",
            "grade",
            "passed",
        ]

    def get_passed(self, attempt) -> bool | None:
        return attempt.passed

    # A student sees the score, grade and passed only when the quiz's review options show the
    # marks now (null until then); a teacher's results list always does.
    shows_marks_always = False

    def to_representation(self, attempt):
        data = super().to_representation(attempt)
        now = self.context.get("now") or timezone.now()
        if not self.shows_marks_always and not marks_shown(attempt=attempt, now=now):
            data.update(score=None, grade=None, passed=None)
        return data


class AttemptSerializer(AttemptSummarySerializer):
    """An attempt with its questions in the order this student sees them."""

    questions = ResponseOutputSerializer(source="responses", many=True, read_only=True)
    feedback_mode = serializers.CharField(source="quiz.feedback_mode", read_only=True)

    class Meta(AttemptSummarySerializer.Meta):
        fields = [*AttemptSummarySerializer.Meta.fields, "feedback_mode", "questions"]


class AnswerInputSerializer(serializers.Serializer):
    answer = AnswerField(
        allow_null=True,
        help_text="single_choice/true_false: a choice id; multiple_response: a list of choice "
        "ids; short_answer/cloze: text; numeric: a number; matching: {stem id: answer id}; "
        "ordering: the item ids in order; null clears the answer.",
    )
    flagged = serializers.BooleanField(required=False, help_text="Mark it to come back to.")


class SavedAnswerSerializer(ModelSerializer):
    """What was saved (the answer as cleaned: trimmed text, sorted ids)."""

    question = serializers.IntegerField(source="question_id")
    answer = AnswerField(allow_null=True)

    class Meta:
        model = Response
        fields = ["question", "slot", "answer", "answered_at", "flagged", "checked"]


class CheckResultSerializer(SavedAnswerSerializer):
    result = serializers.SerializerMethodField()

    class Meta(SavedAnswerSerializer.Meta):
        fields = [*SavedAnswerSerializer.Meta.fields, "result"]

    @extend_schema_field(ReviewItemSerializer)
    def get_result(self, response):
        item = checked_review_item(response=response, quiz=self.context["quiz"])
        return ReviewItemSerializer(item).data


class FinishResultSerializer(AttemptSummarySerializer):
    maximum_grade = GradeField(
        source="quiz.maximum_grade", max_digits=6, decimal_places=2, read_only=True
    )
    pass_mark = GradeField(
        source="quiz.pass_mark", max_digits=6, decimal_places=2, read_only=True, allow_null=True
    )

    class Meta(AttemptSummarySerializer.Meta):
        fields = [*AttemptSummarySerializer.Meta.fields, "maximum_grade", "pass_mark"]


_ShowsSerializer = _review_moment_serializer(
    "ReviewShowsSerializer",
    review.OPTION_NAMES,
    "What this review shows now, from the quiz's review options.",
    required=True,
)


class ReviewSerializer(serializers.Serializer):
    attempt = AttemptSummarySerializer(help_text="Score, grade and passed: null unless marks show.")
    moment = serializers.ChoiceField(
        choices=list(review.MOMENT_NAMES.values()),
        help_text="Which of the quiz's review moments it is now.",
    )
    shows = _ShowsSerializer()
    note = serializers.CharField(help_text="What the review leaves out now, and until when.")
    questions = ReviewItemSerializer(many=True)


class ResultRowSerializer(AttemptSummarySerializer):
    """One attempt in a teacher's results list."""

    user = serializers.SlugRelatedField(slug_field="username", read_only=True)
    shows_marks_always = True

    class Meta(AttemptSummarySerializer.Meta):
        fields = ["user", *AttemptSummarySerializer.Meta.fields]


# --- Auth and generation -------------------------------------------------------------------


class TokenRequestSerializer(serializers.Serializer):
    """A username and password, checked against the login lockout (django-axes) first."""

    username = serializers.CharField(max_length=150)
    password = serializers.CharField(
        max_length=4096, style={"input_type": "password"}, trim_whitespace=False
    )

    def validate(self, attrs):
        # The plain Django request, so that django-axes marks it when the login is refused for a
        # lockout and its middleware answers with the lockout response (quizzes/lockout.py).
        request = self.context["request"]
        user = authenticate(
            request=getattr(request, "_request", request),
            username=attrs["username"],
            password=attrs["password"],
        )
        if user is None:
            raise serializers.ValidationError(
                "Unable to log in with provided credentials.", code="authorization"
            )
        attrs["user"] = user
        return attrs


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(
        help_text="Send it as `Authorization: Token <token>`. Shown only now: the server keeps "
        "only its hash."
    )
    expiry = serializers.DateTimeField(help_text="When the token stops working.")


class GenerateRequestSerializer(serializers.Serializer):
    kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=GENERATED_KINDS),
        required=False,
        allow_empty=False,
        help_text="Question kinds to generate; all kinds when left out.",
    )
    seed = serializers.IntegerField(default=0, min_value=0, max_value=2**31 - 1)
    dry_run = serializers.BooleanField(default=False)


class GenerationCountsSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    skipped = serializers.IntegerField()
    pruned = serializers.IntegerField()


class GenerationSkipSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="The fact key, with the generator when there is one.")
    generator = serializers.CharField()
    reason = serializers.CharField()
    detail = serializers.CharField()


class GenerationReportSerializer(serializers.Serializer):
    """What `generate_questions` did (or would do, on a dry run), by question key."""

    dry_run = serializers.BooleanField()
    counts = GenerationCountsSerializer()
    created = serializers.ListField(child=serializers.CharField())
    updated = serializers.ListField(child=serializers.CharField())
    unchanged = serializers.ListField(child=serializers.CharField())
    pruned = serializers.ListField(
        child=serializers.CharField(),
        help_text="Generated questions removed because the generators no longer make them "
        "(only with `manage.py generate_questions --prune`; always empty here).",
    )
    skipped = GenerationSkipSerializer(many=True)
    summary = serializers.CharField()
