"""Generating questions from an article's facts: the request and the report."""

from rest_framework import serializers

from quizzes.services.generation import GENERATED_KINDS


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
