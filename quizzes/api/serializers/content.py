"""Articles and facts."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from quizzes.api.serializers.common import (
    EditableSlugField,
    ModelSerializer,
    django_errors,
)
from quizzes.models import (
    Article,
    Fact,
)

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
            raise django_errors(exc) from exc
        return attrs
