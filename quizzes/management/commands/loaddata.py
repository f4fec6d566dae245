"""`loaddata` that validates what it loads, and loads nothing when any row is invalid.

Django's `loaddata` writes rows with `save_base(raw=True)`, skipping `full_clean()` and every rule
that spans several rows (a choice question needs a fully correct choice). This command, which
replaces Django's for the whole project, records each object it saved and, before the transaction
commits, runs the model's validation and the question rules over them. Any fault raises a
`CommandError` that names the fixture and the object, and the transaction rolls back whole.

Faults before that (bad JSON, an unknown model or field, a value of the wrong type, text no
database can store, a natural key that names nothing, a row the database refuses) are the same
one-paragraph `CommandError`, naming the file, the line, the object and the field
(`quizzes.fixture_json` finds them while reading), never a traceback.
"""

import os
import re

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.core.management.commands.loaddata import Command as LoaddataCommand
from django.core.serializers import base
from django.db import DatabaseError
from django.db.models.fields import AutoFieldMixin

from quizzes.fixture_json import FixtureFault, missing_key
from quizzes.models import AcceptedAnswer, Choice, MatchPair, OrderingItem, Question
from quizzes.services.questions import question_instance_problems

# The project's apps, whose rows are validated (named, not imported: see flashcards/apps.py).
VALIDATED_APPS = ("quizzes", "flashcards")


class Command(LoaddataCommand):
    help = (
        LoaddataCommand.help
        + " Rows of the quizzes and flashcards apps are validated; one bad row loads nothing."
    )

    def handle(self, *fixture_labels, **options):
        try:
            return super().handle(*fixture_labels, **options)
        except DatabaseError as exc:
            # PostgreSQL checks foreign keys at commit, after every row went in.
            message = f"Nothing was loaded: the database refused the fixtures: {exc}"
            raise CommandError(message) from None

    def loaddata(self, fixture_labels):
        self._loaded = []  # (fixture label, model class, pk)
        self._current_label = None
        verbosity = self.verbosity
        self.verbosity = min(verbosity, 0) if verbosity < 2 else verbosity
        try:
            super().loaddata(fixture_labels)
        except FixtureFault as fault:
            raise CommandError(
                f"Nothing was loaded: {self._fault_text(fault).rstrip('.')}."
            ) from None
        except (DatabaseError, base.DeserializationError) as exc:
            # What no check here foresaw: still one paragraph, naming the fixture.
            raise CommandError(f"Nothing was loaded: {self._current_label}: {exc}") from None
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
        fault_at = {
            "file": getattr(obj, "fixture_file", None),
            "line": getattr(obj, "fixture_line", None),
            "obj": getattr(obj, "fixture_object", None) or obj.object._meta.label,
        }
        for field, value in obj.deferred_fields.items():
            if field.many_to_one and not field.null:  # (fixture_json faults these as it reads)
                raise FixtureFault(missing_key(field, value), field=field.name, **fault_at)
        missing = _required_but_missing(obj.object)
        if missing:
            reason = "a value is required (and has no default)"
            raise FixtureFault(reason, field=missing, **fault_at)
        try:
            saved = super().save_obj(obj)
        except (DatabaseError, ValueError) as exc:
            # One line (PostgreSQL adds a DETAIL line), without Django's "Could not load …:".
            reason = re.sub(r"^Could not load [^:]*: ", "", " ".join(str(exc).split()))
            raise FixtureFault(f"the database refused it: {reason}", **fault_at) from exc
        if obj.deferred_fields:
            # Django saves these after every fixture is read (forward references); a key that
            # still names nothing then is a fault of this object.
            self.objs_with_deferred_fields[-1] = _DeferredRow(obj, fault_at)
        instance = obj.object
        if saved and instance._meta.app_label in VALIDATED_APPS:
            self._loaded.append((self._current_label, type(instance), instance.pk))
        return saved

    def _fault_text(self, fault: FixtureFault) -> str:
        return fault.describe(_shown(self._current_label, fault.file))

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
                elif model in (Choice, AcceptedAnswer, MatchPair, OrderingItem):
                    questions.setdefault(instance.question_id, labels[pk])
        for question in Question.objects.filter(pk__in=questions).prefetch_related(
            "choices", "accepted_answers", "match_pairs", "ordering_items"
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


class _DeferredRow:
    """A row Django saves last (its natural keys named rows further on); faults name the row."""

    def __init__(self, obj, fault_at: dict):
        self.obj, self.fault_at = obj, fault_at

    def save_deferred_fields(self, using=None):
        try:
            self.obj.save_deferred_fields(using=using)
        except base.DeserializationError as exc:
            field, value = _unresolved(self.obj, using) or (None, None)
            if field is None:
                raise FixtureFault(str(exc), **self.fault_at) from exc
            reason = missing_key(field, value)
            raise FixtureFault(reason, field=field.name, **self.fault_at) from exc


def _unresolved(obj, using):
    """The deferred field, and the key in it, that names no row."""
    for field, value in obj.deferred_fields.items():
        for key in value if field.many_to_many else [value]:
            try:
                if field.many_to_many:
                    base.deserialize_m2m_values(
                        field, [key], using, handle_forward_references=False
                    )
                else:
                    base.deserialize_fk_value(field, key, using, handle_forward_references=False)
            except Exception:  # any failure to resolve it names this key
                return field, key
    return None


def _required_but_missing(instance) -> str | None:
    """The first column that must hold a value and would be saved empty (a raw save fills in
    no `auto_now_add` timestamp and no default a fixture left out)."""
    for field in instance._meta.concrete_fields:
        if field.null or isinstance(field, AutoFieldMixin) or field.has_db_default():
            continue
        if getattr(instance, field.attname) is None:
            return field.name
    return None


def _shown(label: str | None, path: str | None) -> str | None:
    """The fixture as the person named it: the label when it was the file, else the file."""
    if path is None or label is None:
        return path or label
    if os.path.basename(label) == os.path.basename(path):
        return label
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def _describe(instance) -> str:
    key = instance.natural_key() if hasattr(instance, "natural_key") else (instance.pk,)
    return f"{instance._meta.label} {list(key)!r}"


def _flatten(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
    return " ".join(exc.messages)
