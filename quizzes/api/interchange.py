"""Serializers of the question import and export endpoints (`/api/questions/import/`,
`/api/questions/export/`): the request shapes in, the import report out."""

from rest_framework import serializers

from quizzes.interchange import READ_FORMATS, WRITE_FORMATS
from quizzes.interchange.source import MAX_BYTES


class ImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text=f"The GIFT, Moodle XML or Aiken file, UTF-8, at most {MAX_BYTES // 1_000_000} MB."
    )
    format = serializers.ChoiceField(
        choices=READ_FORMATS,
        required=False,
        help_text="The file's format; guessed from its content, then its name, when left out.",
    )
    tag = serializers.CharField(
        max_length=60,
        required=False,
        allow_blank=True,
        help_text="Tag every imported question with it. Questions are known by their name "
        "within this tag: importing the same file again updates them, never duplicates them.",
    )
    dry_run = serializers.BooleanField(
        default=False, help_text="Report what would change; write nothing."
    )
    skip_unsupported = serializers.BooleanField(
        default=False,
        help_text="Import the rest when some questions cannot be imported (they are listed "
        "under `refused`). Without it, one such question imports nothing.",
    )

    def validate_file(self, upload):
        if upload.size > MAX_BYTES:
            raise serializers.ValidationError(
                f"The file is {upload.size / 1e6:.1f} MB; the limit is {MAX_BYTES / 1e6:.0f} MB."
            )
        return upload


class ImportItemSerializer(serializers.Serializer):
    name = serializers.CharField()
    line = serializers.IntegerField(help_text="Where the question starts in the file (1-based).")
    key = serializers.CharField(help_text="Its key in the bank (empty when refused early).")
    kind = serializers.CharField()
    notes = serializers.ListField(
        child=serializers.CharField(), help_text="What the bank could not keep as it was."
    )
    reason = serializers.CharField(help_text="Why it was refused (empty otherwise).")


class ImportCountsSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    refused = serializers.IntegerField()


class ImportReportSerializer(serializers.Serializer):
    """What an import did, or would do (`dry_run`; `written` false when refused questions
    stopped it)."""

    format = serializers.CharField()
    tag = serializers.CharField()
    dry_run = serializers.BooleanField()
    skip_unsupported = serializers.BooleanField()
    written = serializers.BooleanField(help_text="Whether the questions were saved.")
    counts = ImportCountsSerializer()
    created = ImportItemSerializer(many=True)
    updated = ImportItemSerializer(many=True)
    unchanged = ImportItemSerializer(many=True)
    refused = ImportItemSerializer(many=True)
    summary = serializers.CharField()


class ExportQuerySerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=WRITE_FORMATS, help_text="gift or moodle-xml.")
    tag = serializers.ListField(
        child=serializers.CharField(max_length=60),
        required=False,
        help_text="Only questions with one of these tags (slug or name; repeat the parameter).",
    )
    quiz = serializers.CharField(
        required=False, help_text="Only this quiz's questions (its slug), in its order."
    )
    article = serializers.ListField(
        child=serializers.CharField(max_length=100),
        required=False,
        help_text="Only questions on the facts of these articles (slugs; repeatable).",
    )
