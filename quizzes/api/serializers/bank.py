"""The question bank: questions with their choices, accepted answers and matching pairs."""

from rest_framework import serializers

from quizzes.api.serializers.common import (
    EditablePrimaryKeyField,
    ModelSerializer,
    TagsField,
    tags_from_slugs,
)
from quizzes.models import (
    AcceptedAnswer,
    Choice,
    Fact,
    MatchMode,
    Question,
)
from quizzes.services.authoring import question_save
from quizzes.services.questions import part_fields, question_problems

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
        return question_save(fields=validated_data, tags=tags_from_slugs(tags), owner=owner)

    def update(self, instance, validated_data):
        tags = validated_data.pop("tags", None)
        validated_data.pop("owner", None)
        return question_save(
            fields=validated_data,
            question=instance,
            tags=None if tags is None else tags_from_slugs(tags),
        )
