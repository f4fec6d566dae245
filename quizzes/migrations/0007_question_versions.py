# Question versions (issue 16): a question's snapshot is stored once per version and shared by
# the responses that showed it, instead of a copy in each response.
#
# The data step turns each response's own snapshot into a version: responses to the same
# question whose snapshots hold the same content (choices compared in id order) share one
# version, and each keeps the order its student saw the choices in, so `Response.snapshot`
# reads back exactly what it stored before. It runs in batches and is reversible: going back
# writes each response's snapshot into its own column again.

import hashlib
import json

import django.db.models.deletion
from django.db import migrations, models

BATCH = 2000


def _digest(snapshot):
    canonical = json.dumps(snapshot, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _canonical(snapshot):
    """The snapshot with its choices in id order, and the order they were shown in."""
    choices = snapshot.get("choices") or []
    order = [c["id"] for c in choices]
    if choices:
        snapshot = {**snapshot, "choices": sorted(choices, key=lambda c: c["id"])}
    return snapshot, order


def responses_to_versions(apps, schema_editor):
    Response = apps.get_model("quizzes", "Response")
    QuestionVersion = apps.get_model("quizzes", "QuestionVersion")
    versions = {}  # (question id, digest) -> version id
    batch = []

    def flush():
        Response.objects.bulk_update(batch, ["version", "choice_order", "regraded_snapshot"])
        batch.clear()

    rows = Response.objects.filter(version__isnull=True).order_by("pk")
    for response in rows.only("pk", "question_id", "regraded_snapshot").iterator(BATCH):
        snapshot, order = _canonical(response.regraded_snapshot or {})
        digest = _digest(snapshot)
        question_id = response.question_id  # None for a deleted question: shared by content
        key = (question_id, digest)
        if key not in versions:
            version = QuestionVersion.objects.create(
                question_id=question_id, digest=digest, snapshot=snapshot
            )
            versions[key] = version.pk
        response.version_id = versions[key]
        response.choice_order = order
        response.regraded_snapshot = None
        batch.append(response)
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()


def versions_to_responses(apps, schema_editor):
    Response = apps.get_model("quizzes", "Response")
    batch = []
    rows = Response.objects.filter(regraded_snapshot__isnull=True).select_related("version")
    for response in rows.order_by("pk").iterator(BATCH):
        snapshot = response.version.snapshot
        position = {cid: i for i, cid in enumerate(response.choice_order or [])}
        if position and snapshot.get("choices"):
            choices = sorted(snapshot["choices"], key=lambda c: position.get(c["id"], len(position)))
            snapshot = {**snapshot, "choices": choices}
        response.regraded_snapshot = snapshot
        batch.append(response)
        if len(batch) >= BATCH:
            Response.objects.bulk_update(batch, ["regraded_snapshot"])
            batch.clear()
    if batch:
        Response.objects.bulk_update(batch, ["regraded_snapshot"])


class Migration(migrations.Migration):
    # Each step commits on its own: PostgreSQL refuses to make `version` NOT NULL in the
    # transaction that filled it (its deferred foreign-key checks are still pending). The data
    # step runs in a transaction of its own and only touches responses without a version, so a
    # migration stopped half-way runs again from where it stopped.
    atomic = False

    dependencies = [
        ("quizzes", "0006_throttle_counts"),
    ]

    operations = [
        migrations.CreateModel(
            name="QuestionVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "digest",
                    models.CharField(
                        help_text="SHA-256 of the snapshot: the same content is the same version.",
                        max_length=64,
                    ),
                ),
                (
                    "snapshot",
                    models.JSONField(
                        help_text="The question as plain data, as students are shown it."
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "question",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="versions",
                        to="quizzes.question",
                    ),
                ),
            ],
            options={
                "ordering": ["question", "pk"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("question", "digest"), name="one_version_per_question_content"
                    )
                ],
            },
        ),
        migrations.AddField(
            model_name="question",
            name="current_version",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                help_text="The version new attempts show; emptied by any edit and made again by "
                "the next start (quizzes/services/snapshots.py).",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="quizzes.questionversion",
            ),
        ),
        migrations.AddField(
            model_name="question",
            name="edition",
            field=models.PositiveIntegerField(
                default=0,
                editable=False,
                help_text="Counts edits, so that a start that read the question before an edit "
                "never makes what it read the current version.",
            ),
        ),
        migrations.RenameField(
            model_name="response", old_name="snapshot", new_name="regraded_snapshot"
        ),
        migrations.AlterField(
            model_name="response",
            name="regraded_snapshot",
            field=models.JSONField(
                blank=True,
                help_text="After a re-grade: the question as shown with today's grading data; "
                "empty: the version's.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="response",
            name="choice_order",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="The choice ids in the order this student saw them.",
            ),
        ),
        migrations.AddField(
            model_name="response",
            name="version",
            field=models.ForeignKey(
                help_text="The version of the question shown, shared with every response that "
                "showed it.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="responses",
                to="quizzes.questionversion",
            ),
        ),
        migrations.RunPython(
            responses_to_versions, versions_to_responses, atomic=True, elidable=False
        ),
        migrations.AlterField(
            model_name="response",
            name="version",
            field=models.ForeignKey(
                help_text="The version of the question shown, shared with every response that "
                "showed it.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="responses",
                to="quizzes.questionversion",
            ),
        ),
    ]
