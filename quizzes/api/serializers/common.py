"""What every serializer of the API shares: the grade field, the model serializer that turns
Django's validation errors into field errors, tags by slug, the "only what you may edit" lookups and
the review-moment shapes."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from rest_framework import serializers

from quizzes.grades import format_grade
from quizzes.models import (
    REVIEW_OPTIONS,
    Tag,
)


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


def django_errors(exc: DjangoValidationError) -> serializers.ValidationError:
    if hasattr(exc, "error_dict"):
        return serializers.ValidationError(exc.message_dict)
    return serializers.ValidationError({"non_field_errors": exc.messages})


class TagsField(serializers.ListField):
    """Tags by slug; a slug that does not exist yet creates the tag."""

    child = serializers.SlugField(max_length=60)

    def to_representation(self, data):
        return [tag.slug for tag in data.all()]


def tags_from_slugs(slugs: list[str]) -> list[Tag]:
    tags = []
    for slug in dict.fromkeys(slugs):
        tag, _ = Tag.objects.get_or_create(
            slug=slug, defaults={"name": slug.replace("-", " ").title()}
        )
        tags.append(tag)
    return tags


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


def review_moment_serializer(name: str, options: tuple[str, ...], doc: str, required=False):
    labels = {option: (label, governs) for option, label, governs in REVIEW_OPTIONS}
    attrs = {
        option: serializers.BooleanField(
            required=required, help_text=f"{labels[option][0]}: {labels[option][1]}."
        )
        for option in options
    }
    return type(name, (serializers.Serializer,), {**attrs, "__doc__": doc})
