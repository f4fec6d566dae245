"""`loaddata` that validates what it loads, and loads nothing when any row is invalid.

Django's `loaddata` writes rows with `save_base(raw=True)`, skipping `full_clean()` and every rule
that spans several rows (a choice question needs a fully correct choice). This command, which
replaces Django's for the whole project, records each object it saved and, before the transaction
commits, runs the model's validation and the question rules over them. Any fault raises a
`CommandError` that names the fixture and the object, and the transaction rolls back whole.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.core.management.commands.loaddata import Command as LoaddataCommand

from quizzes.models import AcceptedAnswer, Choice, Question
from quizzes.services.questions import question_instance_problems


class Command(LoaddataCommand):
    help = (
        LoaddataCommand.help + " Rows of the quizzes app are validated; one bad row loads nothing."
    )

    def loaddata(self, fixture_labels):
        self._loaded = []  # (fixture label, model class, pk)
        self._current_label = None
        verbosity = self.verbosity
        self.verbosity = min(verbosity, 0) if verbosity < 2 else verbosity
        try:
            super().loaddata(fixture_labels)
        finally:
            self.verbosity = verbosity
        self._validate_loaded()
        if self.verbosity >= 1 and getattr(self, "fixture_count", 0):
            self.stdout.write(
                f"Installed {self.loaded_object_count} object(s) from "
                f"{self.fixture_count} fixture(s); all rows validated."
            )

    def load_label(self, fixture_label):
        self._current_label = fixture_label
        return super().load_label(fixture_label)

    def save_obj(self, obj):
        saved = super().save_obj(obj)
        instance = obj.object
        if saved and instance._meta.app_label == "quizzes":
            self._loaded.append((self._current_label, type(instance), instance.pk))
        return saved

    def _validate_loaded(self):
        faults: list[str] = []
        questions: dict[int, str] = {}
        by_model: dict[type, dict[int, str]] = {}
        for label, model, pk in self._loaded:
            by_model.setdefault(model, {})[pk] = label
        for model, labels in by_model.items():
            # Uniqueness and check constraints are the database's: it enforced them on save.
            # What is left is field validation and each model's clean(), which may follow
            # foreign keys, so fetch each model's rows in one query with those joined.
            related = [f.name for f in model._meta.concrete_fields if f.many_to_one]
            rows = model._default_manager.select_related(*related).in_bulk(list(labels))
            for pk, instance in rows.items():
                try:
                    instance.full_clean(validate_unique=False, validate_constraints=False)
                except ValidationError as exc:
                    faults.append(f"{labels[pk]}: {_describe(instance)}: {_flatten(exc)}")
                if model is Question:
                    questions.setdefault(pk, labels[pk])
                elif model in (Choice, AcceptedAnswer):
                    questions.setdefault(instance.question_id, labels[pk])
        for question in Question.objects.filter(pk__in=questions).prefetch_related(
            "choices", "accepted_answers"
        ):
            problems = question_instance_problems(question)
            if problems:
                detail = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in problems.items())
                faults.append(f"{questions[question.pk]}: {_describe(question)}: {detail}")
        if faults:
            shown = "\n  ".join(faults[:20])
            more = f"\n  … and {len(faults) - 20} more" if len(faults) > 20 else ""
            raise CommandError(
                f"Nothing was loaded: {len(faults)} invalid object(s) in the fixtures."
                f"\n  {shown}{more}"
            )


def _describe(instance) -> str:
    key = instance.natural_key() if hasattr(instance, "natural_key") else (instance.pk,)
    return f"{instance._meta.label} {list(key)!r}"


def _flatten(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
    return " ".join(exc.messages)
